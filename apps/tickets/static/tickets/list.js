// The list's "/" shortcut focuses the search box.
(function () {
  "use strict";
  var box = document.getElementById("id_q");
  if (box) box.setAttribute("data-shortcut", "/");
})();
