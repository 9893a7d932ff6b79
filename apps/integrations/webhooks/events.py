"""The events a subscriber may ask for, and what each one's ``data`` carries (README.md)."""

from django.utils.translation import gettext_lazy as _

TICKET_CREATED = "ticket.created"
TICKET_STATUS_CHANGED = "ticket.status_changed"
TICKET_REPLIED = "ticket.replied"
SLA_BREACHED = "sla.breached"
APPOINTMENT_BOOKED = "appointment.booked"

EVENTS = {
    TICKET_CREATED: _("Ticket created"),
    TICKET_STATUS_CHANGED: _("Ticket status changed"),
    TICKET_REPLIED: _("Public reply to the citizen"),
    SLA_BREACHED: _("Deadline missed"),
    APPOINTMENT_BOOKED: _("Appointment booked"),
}


def choices() -> list[tuple[str, str]]:
    return list(EVENTS.items())
