"""The staff ticket list as an export: its columns, and its rows built by the list's own
form and selector (``TicketFilterForm`` → ``selectors.ticket_list_queryset``), so the export
holds exactly the rows the page shows for the same filter."""

from __future__ import annotations

from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.citizens import selectors as citizen_selectors
from apps.exports.errors import invalid_filter
from apps.exports.registry import DATETIME, NUMBER, Column, ExportList, register
from apps.tickets import selectors


def _queryset(viewer, params: QueryDict):
    from apps.tickets.forms import TicketFilterForm

    form = TicketFilterForm(params or None, viewer=viewer)
    if form.is_bound and not form.is_valid():
        raise invalid_filter(form)
    filters = form.to_filters() if form.is_bound else selectors.TicketFilters()
    return selectors.ticket_list_queryset(viewer=viewer, filters=filters)


def _prepare(viewer, tickets) -> None:
    phones = citizen_selectors.primary_phones(t.citizen_id for t in tickets)
    for ticket in tickets:
        ticket.export_phone = ticket.contact_phone or phones.get(ticket.citizen_id, "")


def _days_open(ticket) -> int:
    end = ticket.closed_at or timezone.now()
    return max((end - ticket.received_at).days, 0)


def _citizen(attribute):
    def value(ticket):
        citizen = ticket.citizen
        if citizen is None or ticket.is_anonymous:
            return ""
        return getattr(citizen, attribute)() if attribute == "display_name" else getattr(citizen, attribute)

    return value


TICKETS = ExportList(
    key="tickets",
    title=_("Tickets"),
    allowed=lambda user: bool(user.is_authenticated and user.has_perm(selectors.VIEW)),
    queryset=_queryset,
    prepare=_prepare,
    columns=(
        Column("review_number", _("Review number"), lambda t: t.review_number, width=16),
        Column("received_at", _("Received"), lambda t: t.received_at, kind=DATETIME),
        Column("kind", _("Kind"), lambda t: t.get_kind_display()),
        Column("channel", _("Channel"), lambda t: t.get_channel_display()),
        Column("status", _("Status"), lambda t: t.get_status_display()),
        Column("priority", _("Priority"), lambda t: t.get_priority_display()),
        Column("category", _("Category"), lambda t: str(t.category) if t.category_id else ""),
        Column("department", _("Department"), lambda t: str(t.department) if t.department_id else ""),
        Column("assignee", _("Assignee"), lambda t: t.assignee.display_name() if t.assignee_id else ""),
        Column("subject", _("Subject"), lambda t: t.subject, width=40),
        Column("citizen", _("Citizen"), _citizen("display_name"), personal=True, width=28),
        Column("cpr", _("CPR number"), _citizen("cpr"), personal=True, width=12),
        Column("phone", _("Phone"), lambda t: t.export_phone, personal=True, width=16),
        Column("email", _("E-mail"), _citizen("email"), personal=True, width=24),
        Column("closed_at", _("Closed at"), lambda t: t.closed_at, kind=DATETIME),
        Column("days_open", _("Days open"), _days_open, kind=NUMBER, width=10),
        Column("rating", _("Rating"), lambda t: t.rating, kind=NUMBER, width=8),
    ),
)


def register_export() -> None:
    register(TICKETS)
