// The console's booking panel (apps/appointments), inside the log form.
// - The panel is fetched only when the outcome "appointment booked" is chosen, so it never
//   moves the agent's focus while they pick a purpose and an outcome.
// - The console puts the focus back on the purposes after every swap; once a swap of the
//   panel has settled, the focus goes to the service list, then to the first free slot.
// - Once a booking is confirmed the outcome becomes "appointment booked": the hidden
//   "appointment" input already sits inside the log form, so saving links the two.
(function () {
  "use strict";

  function chosen() {
    var outcome = document.getElementById("outcome-appointment_booked");
    return outcome && outcome.checked;
  }

  function openPanel() {
    var panel = document.getElementById("appointment-panel");
    if (panel && chosen() && window.htmx) window.htmx.trigger(panel, "appointments-open");
  }

  document.addEventListener("change", function (event) {
    if (event.target && event.target.name === "outcome") openPanel();
  });

  document.body.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail.target;
    if (!target) return;
    if (target.id === "appointment-panel") {
      var service = document.getElementById("appt-service");
      if (service) service.focus();
      return;
    }
    if (target.id === "appt-slots") {
      if (target.querySelector("[data-testid='appt-booked']")) {
        var outcome = document.getElementById("outcome-appointment_booked");
        if (outcome && !outcome.checked) {
          outcome.checked = true;
          outcome.dispatchEvent(new Event("change", { bubbles: true }));
        }
        return;
      }
      var first = target.querySelector("[data-testid='appt-slot']");
      if (first) first.focus();
      return;
    }
    openPanel();  // the workspace was redrawn with the outcome already chosen
  });
})();
