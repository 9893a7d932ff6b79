// The console's booking panel: once a booking is confirmed, the contact's outcome becomes
// "appointment booked" (the hidden "appointment" input already sits inside the log form).
document.body.addEventListener("htmx:afterSwap", (event) => {
  const target = event.detail.target;
  if (!target || target.id !== "appt-slots") return;
  if (!target.querySelector("[data-testid='appt-booked']")) return;
  const outcome = document.getElementById("outcome-appointment_booked");
  if (outcome && !outcome.checked) {
    outcome.checked = true;
    outcome.dispatchEvent(new Event("change", { bubbles: true }));
  }
});
