"""Reads of the reports app: which month a request means, the statement records."""

from __future__ import annotations

from datetime import date, datetime

from django.db.models import Min
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from apps.core import parsing
from apps.core.errors import ValidationFailed
from apps.reports.models import MonthlyStatement


def first_record_at() -> datetime | None:
    """The earliest contact or ticket (two index look-ups); ``None`` when there is none."""
    from apps.contacts.models import Contact
    from apps.tickets.models import Ticket

    found = [
        Contact.objects.aggregate(at=Min("offered_at"))["at"],
        Ticket.objects.aggregate(at=Min("received_at"))["at"],
    ]
    found = [at for at in found if at is not None]
    return min(found) if found else None


def resolve_month(value, *, now: datetime | None = None) -> date:
    """The first day of the ``YYYY-MM`` month in ``value`` (empty: the previous month).

    Refused with a clear message: a malformed month, a month in the future, a month that
    ends before the first record (contact or ticket) in the product.
    """
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    if value in (None, ""):
        first = today.replace(day=1)
        return date(first.year - (first.month == 1), (first.month - 2) % 12 + 1, 1)
    parsed = parsing.parse_month(value)
    if parsed is None:
        raise ValidationFailed(
            _("Give the month as YYYY-MM, for example 2026-07."),
            code="invalid_month",
            details={"month": [_("Not a valid month.")]},
        )
    month = date(parsed[0], parsed[1], 1)
    if month > today.replace(day=1):
        raise ValidationFailed(
            _("%(month)s has not started yet: choose this month or an earlier one.")
            % {"month": formats.date_format(month, "YEAR_MONTH_FORMAT")},
            code="future_month",
            details={"month": [_("The month is in the future.")]},
        )
    first = first_record_at()
    if first is not None:
        first_month = timezone.localtime(first).date().replace(day=1)
        if month < first_month:
            raise ValidationFailed(
                _("There are no records before %(month)s: the product holds data from that month on.")
                % {"month": formats.date_format(first_month, "YEAR_MONTH_FORMAT")},
                code="month_before_data",
                details={"month": [_("No records for this month.")], "first_month": f"{first_month:%Y-%m}"},
            )
    return month


def statement_record(month: date) -> MonthlyStatement | None:
    return (
        MonthlyStatement.objects.select_related("approved_by", "edited_by", "publication__published_by")
        .filter(month=month)
        .first()
    )
