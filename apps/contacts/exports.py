"""The supervisor's contact list and the follow-ups list as exports: their columns, and their
rows built by the pages' own form and selectors (``ContactFilterForm`` →
``selectors.contact_list_queryset``; ``follow_up_list_arguments`` → ``selectors.follow_up_list``)."""

from __future__ import annotations

from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from apps.citizens import selectors as citizen_selectors
from apps.contacts import selectors
from apps.exports.errors import invalid_filter
from apps.exports.registry import DATETIME, NUMBER, Column, ExportList, register


def _contacts(viewer, params: QueryDict):
    from apps.contacts.forms import ContactFilterForm

    form = ContactFilterForm(params)
    if not form.is_valid():
        raise invalid_filter(form)
    return selectors.contact_list_queryset(filters=form.filters())


def _follow_ups(viewer, params: QueryDict):
    from apps.contacts.forms import follow_up_list_arguments

    return selectors.follow_up_list(viewer=viewer, **follow_up_list_arguments(params))


def _with_phones(citizen_of):
    def prepare(viewer, rows) -> None:
        phones = citizen_selectors.primary_phones(citizen_of(row) for row in rows)
        for row in rows:
            row.export_phone = phones.get(citizen_of(row), "")

    return prepare


def _citizen(attribute):
    def value(row):
        citizen = row.citizen
        if citizen is None:
            return ""
        return citizen.display_name() if attribute == "display_name" else getattr(citizen, attribute)

    return value


def _duration(contact) -> int | None:
    if contact.answered_at is None or contact.ended_at is None:
        return None
    return max(int((contact.ended_at - contact.answered_at).total_seconds()), 0)


def _follow_ups_allowed(user) -> bool:
    return bool(
        user.is_authenticated
        and (
            user.has_perm(selectors.CONSOLE_PERMISSION)
            or user.has_perm(selectors.DEPARTMENT_PERMISSION)
            or selectors.can_supervise(user)
            or user.has_perm("accounts.administer")
        )
    )


CONTACTS = ExportList(
    key="contacts",
    title=_("Contacts"),
    allowed=selectors.can_supervise,
    queryset=_contacts,
    prepare=_with_phones(lambda contact: contact.citizen_id),
    columns=(
        Column("offered_at", _("Time"), lambda c: c.offered_at, kind=DATETIME),
        Column("channel", _("Channel"), lambda c: c.get_channel_display()),
        Column("purpose", _("Purpose"), lambda c: str(c.purpose) if c.purpose_id else ""),
        Column("outcome", _("Outcome"), lambda c: c.get_outcome_display() if c.outcome else ""),
        Column("agent", _("Agent"), lambda c: c.agent.display_name() if c.agent_id else ""),
        Column("answered_at", _("Answered at"), lambda c: c.answered_at, kind=DATETIME),
        Column("duration", _("Duration (seconds)"), _duration, kind=NUMBER, width=10),
        Column("department", _("Department"), lambda c: str(c.department) if c.department_id else ""),
        Column(
            "ticket", _("Review number"), lambda c: c.ticket.review_number if c.ticket_id else "", width=16
        ),
        Column("citizen", _("Citizen"), _citizen("display_name"), personal=True, width=28),
        Column("cpr", _("CPR number"), _citizen("cpr"), personal=True, width=12),
        Column("caller_number", _("Caller's number"), lambda c: c.caller_number, personal=True, width=16),
        Column("phone", _("Phone"), lambda c: c.export_phone, personal=True, width=16),
        Column("email", _("E-mail"), _citizen("email"), personal=True, width=24),
        Column("notes", _("Notes"), lambda c: c.notes, width=40),
    ),
)

FOLLOW_UPS = ExportList(
    key="follow-ups",
    title=_("Follow-ups"),
    allowed=_follow_ups_allowed,
    queryset=_follow_ups,
    prepare=_with_phones(lambda follow_up: follow_up.citizen_id),
    columns=(
        Column("due_at", _("Due"), lambda f: f.due_at, kind=DATETIME),
        Column("status", _("Status"), lambda f: f.get_status_display()),
        Column("department", _("Department"), lambda f: str(f.department) if f.department_id else ""),
        Column("purpose", _("Purpose"), lambda f: str(f.contact.purpose) if f.contact.purpose_id else ""),
        Column(
            "agent", _("Referred by"), lambda f: f.contact.agent.display_name() if f.contact.agent_id else ""
        ),
        Column("offered_at", _("Contact time"), lambda f: f.contact.offered_at, kind=DATETIME),
        Column("citizen", _("Citizen"), _citizen("display_name"), personal=True, width=28),
        Column("cpr", _("CPR number"), _citizen("cpr"), personal=True, width=12),
        Column("phone", _("Phone"), lambda f: f.export_phone, personal=True, width=16),
        Column("email", _("E-mail"), _citizen("email"), personal=True, width=24),
        Column("answered_at", _("Answered at"), lambda f: f.answered_at, kind=DATETIME),
        Column("answer", _("Answer"), lambda f: f.answer, width=40),
    ),
)


def register_exports() -> None:
    register(CONTACTS)
    register(FOLLOW_UPS)
