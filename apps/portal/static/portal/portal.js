// Portal behaviour that works without it too: print the receipt, and show the fields that
// belong to the chosen kind (urgency for maintenance; anonymity for suggestions).
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) window.print();
  });
  function sync() {
    var checked = document.querySelector('input[name="kind"]:checked');
    var kind = checked ? checked.value : "";
    document.querySelectorAll("[data-only-kind]").forEach(function (element) {
      element.hidden = element.getAttribute("data-only-kind") !== kind;
    });
    var anonymous = document.querySelector('input[name="anonymous"]');
    var hideIdentity = kind === "suggestion" && anonymous && anonymous.checked;
    document.querySelectorAll("[data-identity]").forEach(function (element) {
      element.hidden = hideIdentity;
    });
  }
  document.addEventListener("change", function (event) {
    if (event.target.name === "kind" || event.target.name === "anonymous") sync();
  });
  // A form sent back with errors: the summary takes the focus, so a screen reader reads it
  // first and the keyboard continues from there to the fields marked below it.
  function focusErrors() {
    var summary = document.querySelector("main [role=alert]");
    if (!summary) return;
    summary.setAttribute("tabindex", "-1");
    summary.focus();
  }
  document.addEventListener("DOMContentLoaded", function () {
    sync();
    focusErrors();
  });
})();
