// The message template's "Preview with sample data" button in the admin.
(function () {
  "use strict";
  var button = document.getElementById("template-preview-button");
  if (!button) return;
  button.addEventListener("click", async function (event) {
    var form = event.currentTarget.closest("form");
    var response = await fetch(button.dataset.url, {method: "POST", body: new FormData(form), credentials: "same-origin"});
    var data = await response.json();
    document.getElementById("template-preview-live").innerHTML = data.html;
  });
})();
