"""The appointment list as an export: its columns, and its rows built by the page's own
filter and selector (``appointment_list_arguments`` → ``selectors.appointment_list``)."""

from __future__ import annotations

from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.appointments import selectors
from apps.exports.registry import DATETIME, NUMBER, Column, ExportList, register


def _queryset(viewer, params: QueryDict):
    from apps.appointments.forms import appointment_list_arguments

    return selectors.appointment_list(**appointment_list_arguments(params))


def _allowed(user) -> bool:
    return bool(
        user.is_authenticated
        and (user.has_perm(selectors.FIGURES_PERMISSION) or user.has_perm(selectors.DESK_PERMISSION))
    )


def _waited(appointment) -> int | None:
    """Minutes from check-in to being served."""
    if appointment.checked_in_at is None or appointment.served_at is None:
        return None
    return max(int((appointment.served_at - appointment.checked_in_at).total_seconds() // 60), 0)


def _citizen(attribute):
    def value(appointment):
        citizen = appointment.citizen
        if citizen is None:
            return ""
        return citizen.display_name() if attribute == "display_name" else getattr(citizen, attribute)

    return value


APPOINTMENTS = ExportList(
    key="appointments",
    title=pgettext_lazy("branch visits", "Appointments"),
    allowed=_allowed,
    queryset=_queryset,
    columns=(
        Column("reference", _("Reference"), lambda a: a.reference, width=16),
        Column("slot_start", _("Date"), lambda a: a.slot_start, kind=DATETIME),
        Column("branch", _("Branch"), lambda a: a.branch.display_name()),
        Column("service", pgettext_lazy("appointments", "Service"), lambda a: a.service.display_name()),
        Column("status", _("Status"), lambda a: a.get_status_display()),
        Column("channel", _("Booked through"), lambda a: a.get_channel_display()),
        Column("booked_at", _("Booked at"), lambda a: a.booked_at, kind=DATETIME),
        Column("checked_in_at", _("Checked in at"), lambda a: a.checked_in_at, kind=DATETIME),
        Column("served_at", _("Served at"), lambda a: a.served_at, kind=DATETIME),
        Column("waited", _("Waited (minutes)"), _waited, kind=NUMBER, width=10),
        Column("citizen", _("Citizen"), _citizen("display_name"), personal=True, width=28),
        Column("cpr", _("CPR number"), _citizen("cpr"), personal=True, width=12),
        Column("mobile", _("Phone"), lambda a: a.mobile, personal=True, width=16),
        Column("email", _("E-mail"), _citizen("email"), personal=True, width=24),
    ),
)


def register_export() -> None:
    register(APPOINTMENTS)
