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
// The ticket page's quick answers and presence (tickets/_quick_answers.html, _presence.html).
// "Insert" puts the chosen text into the reply box (after what is there) instead of reloading
// the page with ?answer=…; a macro with changes is remembered in the form's hidden field and
// shown, and "Send as a plain reply" forgets it. Typing in the reply box tells the others.
(function () {
  "use strict";
  function replyBox() {
    return document.querySelector('[data-testid="reply-form"] textarea');
  }
  function setPending(macroId, changes) {
    var field = document.getElementById("id_reply-macro");
    var pending = document.getElementById("macro-pending");
    if (field) field.value = macroId || "";
    if (!pending) return;
    var text = document.getElementById("macro-pending-changes");
    if (text) text.textContent = changes || "";
    pending.hidden = !macroId;
  }
  function tellPresence() {
    var box = replyBox();
    var state = document.getElementById("presence-state");
    var presence = document.getElementById("presence");
    if (!state || !presence) return;
    var writing = box && box.value.trim() ? "writing" : "viewing";
    var changed = state.value !== writing;
    state.value = writing;
    if (changed || writing === "writing") presence.dispatchEvent(new CustomEvent("hc:typing"));
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form || form.id !== "quick-answer-form") return;
    var select = form.querySelector("select");
    var option = select && select.selectedOptions[0];
    var box = replyBox();
    if (!option || !box) return;
    event.preventDefault();
    var text = option.getAttribute("data-body") || "";
    box.value = box.value.trim() ? box.value.replace(/\s+$/, "") + "\n\n" + text : text;
    setPending(option.getAttribute("data-macro"), option.getAttribute("data-changes"));
    box.focus();
    box.setSelectionRange(box.value.length, box.value.length);
    tellPresence();
  });
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("#macro-pending-drop");
    if (!link) return;
    event.preventDefault();
    setPending("", "");
    var box = replyBox();
    if (box) box.focus();
  });
  document.addEventListener("input", function (event) {
    if (event.target === replyBox()) tellPresence();
  });
})();
