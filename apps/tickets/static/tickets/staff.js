// Keyboard shortcuts for the ticket pages. Single keys act only when no field has focus;
// Ctrl+Enter (⌘+Enter) submits the form of the field being typed in.
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    var typing = target.closest && target.closest("input, textarea, select, [contenteditable]");
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && target.form) {
      event.preventDefault();
      target.form.requestSubmit();
      return;
    }
    if (event.key === "Enter" && target.matches && target.matches("[data-enter-lookup]")) {
      // Enter looks the citizen up (htmx listens for hc:lookup) instead of submitting the
      // ticket. A key filter in hx-trigger would need eval, which the CSP forbids.
      event.preventDefault();
      target.dispatchEvent(new CustomEvent("hc:lookup", {bubbles: true}));
      return;
    }
    if (typing || event.ctrlKey || event.metaKey || event.altKey) {
      if (event.key === "Escape" && typing) target.blur();
      return;
    }
    var shortcut = document.querySelector('[data-shortcut="' + event.key + '"]');
    if (!shortcut) return;
    event.preventDefault();
    if (shortcut.matches("a")) shortcut.click();
    else shortcut.focus();
  });
  // Once a citizen is chosen, carry on with the ticket itself; when nobody matches, open
  // the "add the citizen" fields with what was typed already in them.
  document.body.addEventListener("htmx:afterSettle", function (event) {
    var slot = event.detail.target;
    if (!slot || slot.id !== "citizen-slot") return;
    if (slot.querySelector("[data-chosen]")) {
      var next = document.querySelector("[data-after-citizen]");
      if (next) next.focus();
      return;
    }
    var missing = slot.querySelector("[data-not-found]");
    var fields = document.getElementById("new-citizen");
    if (missing && fields) {
      fields.open = true;
      var cpr = document.getElementById("id_new_cpr");
      var mobile = document.getElementById("id_new_mobile");
      if (cpr && !cpr.value) cpr.value = missing.getAttribute("data-cpr") || "";
      if (mobile && !mobile.value) mobile.value = missing.getAttribute("data-phone") || "";
      var name = document.getElementById("id_new_name_ar");
      if (name) name.focus();
    }
  });
  // Maintenance requests have an urgency; anonymity is for suggestions only.
  function syncKind() {
    var checked = document.querySelector('input[name="kind"]:checked');
    if (!checked) return;
    document.querySelectorAll("[data-only-kind]").forEach(function (element) {
      element.hidden = element.getAttribute("data-only-kind") !== checked.value;
    });
  }
  document.addEventListener("change", function (event) {
    if (event.target.name === "kind") syncKind();
  });
  document.addEventListener("DOMContentLoaded", syncKind);
})();
