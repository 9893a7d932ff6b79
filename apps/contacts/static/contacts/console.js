/* The agent console's keyboard: Alt+<letter> jumps to the element marked
   data-shortcut="Key<letter>" (by physical key, so it works on an Arabic layout too);
   inside a group of options a digit (or Q…P) picks the option showing that key;
   Ctrl+Enter saves the log. Alt+letter is no screen reader's command key (NVDA and JAWS
   use Insert/Caps Lock, VoiceOver Ctrl+Option) and the letters avoid the browsers' own
   Alt+D/E/F; single keys act only while a group of options has the focus (WCAG 2.1.4). Choosing a purpose shows its quick answers; choosing an
   outcome shows the fields it needs. */
(function () {
  "use strict";

  function visible(el) { return el && el.offsetParent !== null; }

  function focusTarget(el) {
    if (el.tagName === "BUTTON") { el.click(); return; }
    if (el.matches(".hotkey-group")) {
      var checked = el.querySelector("input:checked") || el.querySelector("input");
      (checked || el).focus();
      return;
    }
    el.focus();
    if (el.select && el.tagName === "INPUT") el.select();
  }

  function syncForm() {
    var form = document.getElementById("log-form");
    if (!form) return;
    var purpose = form.querySelector("input[name=purpose]:checked");
    var any = false;
    form.querySelectorAll(".quick-answer-set").forEach(function (set) {
      var show = purpose && set.dataset.purpose === purpose.value;
      set.hidden = !show;
      any = any || show;
    });
    // One hint at a time: "choose a purpose" before one is chosen, "none for this purpose" after.
    var hint = form.querySelector(".quick-answers-hint");
    if (hint) hint.hidden = any || Boolean(purpose);
    var none = form.querySelector(".quick-answers-none");
    if (none) none.hidden = any || !purpose;
    var outcome = form.querySelector("input[name=outcome]:checked");
    form.querySelectorAll(".outcome-extra").forEach(function (box) {
      box.hidden = !(outcome && box.dataset.showFor === outcome.value);
    });
  }

  document.addEventListener("keydown", function (event) {
    if (event.altKey && !event.ctrlKey && !event.metaKey && event.code) {
      var target = Array.prototype.find.call(
        document.querySelectorAll('[data-shortcut="' + event.code + '"]'), visible
      );
      if (target) { event.preventDefault(); focusTarget(target); return; }
    }
    if (event.ctrlKey && event.key === "Enter") {
      var form = event.target.closest && event.target.closest("#log-form");
      if (form) { event.preventDefault(); form.requestSubmit(); return; }
    }
    var group = event.target.closest && event.target.closest(".hotkey-group");
    if (group && !event.altKey && !event.ctrlKey && !event.metaKey) {
      var key = (event.code || "").replace(/^Digit|^Numpad|^Key/, "");
      var option = group.querySelector('input[data-hotkey="' + key + '"]');
      if (option) {
        event.preventDefault();
        option.checked = true;
        option.dispatchEvent(new Event("change", { bubbles: true }));
        var groups = Array.prototype.slice.call(document.querySelectorAll("#log-form .hotkey-group"));
        var next = groups[groups.indexOf(group) + 1];
        if (next) focusTarget(next); else document.querySelector("#log-form [data-shortcut=KeyN]").focus();
      }
    }
  });

  // Screen readers announce a control's shortcut from aria-keyshortcuts ("Alt+P").
  function announceShortcuts(root) {
    root.querySelectorAll("[data-shortcut]").forEach(function (el) {
      el.setAttribute("aria-keyshortcuts", "Alt+" + el.dataset.shortcut.replace(/^Key/, ""));
    });
  }

  document.addEventListener("change", function (event) {
    if (event.target.closest && event.target.closest("#log-form")) syncForm();
  });
  document.addEventListener("htmx:afterSwap", function () {
    syncForm();
    announceShortcuts(document);
    var group = document.querySelector("#log-form [data-shortcut=KeyP]");
    if (group && !document.querySelector(".is-invalid")) focusTarget(group);
  });
  document.addEventListener("DOMContentLoaded", function () {
    syncForm();
    announceShortcuts(document);
    if (new URLSearchParams(location.search).get("call_id")) {
      var group = document.querySelector("#log-form [data-shortcut=KeyP]");
      if (group) focusTarget(group);
    }
  });
})();
