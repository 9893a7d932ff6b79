"""The refusals of the appointments app, each with a stable machine code."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from apps.core.errors import ApplicationError, Conflict, PermissionDenied, ValidationFailed


class SlotRefused(ValidationFailed):
    """A slot that cannot be booked (the code says why)."""

    code = "slot_refused"
    default_message = _("This time cannot be booked.")


class ServiceNotOffered(ValidationFailed):
    code = "service_not_offered"
    default_message = _("This branch does not offer this service.")


class SlotTaken(Conflict):
    code = "slot_taken"
    default_message = _("This slot has just been taken. Please choose another time.")


class AlreadyBooked(Conflict):
    code = "already_booked"
    default_message = _("The citizen already has an appointment for this service. Reschedule it instead.")


class NoShowRestricted(PermissionDenied):
    code = "no_show_restricted"
    default_message = _(
        "Appointments were missed twice recently, so this booking can only be made through the contact centre."
    )


class AppointmentTransitionError(Conflict):
    code = "appointment_transition"
    default_message = _("This appointment cannot be changed this way in its current state.")


class NotReschedulable(Conflict):
    code = "appointment_not_reschedulable"
    default_message = _("Only an appointment that is still to come can be rescheduled or cancelled.")


__all__ = [
    "AlreadyBooked",
    "ApplicationError",
    "AppointmentTransitionError",
    "NoShowRestricted",
    "NotReschedulable",
    "ServiceNotOffered",
    "SlotRefused",
    "SlotTaken",
]
