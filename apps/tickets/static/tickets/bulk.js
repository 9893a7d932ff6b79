// The list's bulk bar: shown once a row is ticked, with how many; "all on this page" ticks
// every row (and shows whether only some are); the merge field offers the ticked tickets'
// review numbers. Without this script the bar is always shown and works as a plain form.
(function () {
  "use strict";
  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("[data-bulk-row]"));
  }
  function sync() {
    var bar = document.querySelector("[data-bulk-bar]");
    if (!bar) return;
    var all = rows();
    var ticked = all.filter(function (box) { return box.checked; });
    bar.hidden = ticked.length === 0;
    var counter = bar.querySelector("[data-bulk-counter]");
    var count = bar.querySelector("[data-bulk-count]");
    if (counter && count) {
      counter.hidden = ticked.length === 0;
      count.textContent = String(ticked.length);
    }
    var everything = document.querySelector("[data-bulk-all]");
    if (everything) {
      everything.checked = all.length > 0 && ticked.length === all.length;
      everything.indeterminate = ticked.length > 0 && ticked.length < all.length;
    }
    var numbers = document.getElementById("bulk-chosen-numbers");
    if (numbers) {
      numbers.replaceChildren.apply(numbers, ticked.map(function (box) {
        var option = document.createElement("option");
        option.value = box.getAttribute("data-bulk-row");
        return option;
      }));
    }
  }
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches("[data-bulk-all]")) {
      rows().forEach(function (box) { box.checked = target.checked; });
      sync();
    } else if (target.matches("[data-bulk-row]")) {
      sync();
    }
  });
  document.body.addEventListener("htmx:afterSettle", function (event) {
    sync();
    // After a bulk action the outcome takes the focus (the button pressed is gone).
    var outcome = event.detail.target && event.detail.target.querySelector("[data-bulk-outcome]");
    if (outcome && event.detail.requestConfig && event.detail.requestConfig.verb === "post") outcome.focus();
  });
  document.addEventListener("DOMContentLoaded", sync);
  sync();
})();
