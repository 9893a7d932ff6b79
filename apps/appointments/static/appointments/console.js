// The console's booking panel (apps/appointments), inside the log form.
// - Choosing the outcome "appointment booked" puts the focus on the service list.
// - Once free slots arrive the focus goes to the first one (after the console's own
//   after-swap focus, hence the timeout), so Enter books it.
// - Once a booking is confirmed the outcome becomes "appointment booked": the hidden
//   "appointment" input already sits inside the log form, so saving links the two.
(function () {
  "use strict";

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target && target.name === "outcome" && target.value === "appointment_booked" && target.checked) {
      var service = document.getElementById("appt-service");
      if (service) window.setTimeout(function () { service.focus(); }, 0);
    }
  });

  document.body.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (!target || target.id !== "appt-slots") return;
    if (target.querySelector("[data-testid='appt-booked']")) {
      var outcome = document.getElementById("outcome-appointment_booked");
      if (outcome && !outcome.checked) {
        outcome.checked = true;
        outcome.dispatchEvent(new Event("change", { bubbles: true }));
      }
      return;
    }
    var first = target.querySelector("[data-testid='appt-slot']");
    if (first) window.setTimeout(function () { first.focus(); }, 0);
  });
})();
