// The committee pages' behaviour (no inline script or handler: the CSP forbids them).
(function () {
  "use strict";
  // After a case is saved, move the keyboard to the next case still without a decision.
  document.body.addEventListener("htmx:afterSwap", function (event) {
    if (!event.detail.target.classList.contains("decision-row")) return;
    var rows = Array.from(document.querySelectorAll(".decision-row"));
    var next = rows.slice(rows.indexOf(event.detail.target) + 1).find(function (r) {
      return !r.classList.contains("saved");
    });
    var field = next && next.querySelector("input[type=radio]");
    if (field) field.focus();
  });
  // A form with data-confirm asks before it is sent.
  document.addEventListener("submit", function (event) {
    var question = event.target.getAttribute && event.target.getAttribute("data-confirm");
    if (question && !window.confirm(question)) event.preventDefault();
  });
  // The pending list: the chosen meeting's agenda is where the form posts.
  var meeting = document.getElementById("pool-meeting");
  var form = document.getElementById("pool-form");
  if (meeting && form) {
    var aim = function () { form.action = meeting.value; };
    meeting.addEventListener("change", aim);
    aim();
  }
})();
