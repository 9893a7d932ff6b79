"""Retention's reads for the desk page."""

from __future__ import annotations

from django.db.models import QuerySet

from apps.privacy.retention.kinds import ORDER
from apps.privacy.retention.models import LegalHold, RetentionPolicy, RetentionRun


def policies() -> list[RetentionPolicy]:
    rows = {p.kind: p for p in RetentionPolicy.objects.select_related("updated_by")}
    return [rows[kind] for kind in ORDER if kind in rows]


def active_holds() -> QuerySet:
    return (
        LegalHold.objects.filter(released_at__isnull=True)
        .select_related("placed_by", "citizen", "ticket")
        .order_by("-placed_at", "-id")
    )


def released_holds(limit: int = 20) -> QuerySet:
    return (
        LegalHold.objects.filter(released_at__isnull=False)
        .select_related("placed_by", "released_by", "citizen", "ticket")
        .order_by("-released_at", "-id")[:limit]
    )


def recent_runs(limit: int = 10) -> QuerySet:
    return RetentionRun.objects.select_related("actor").order_by("-started_at", "-id")[:limit]


def hold_target(*, target: str, reference: str):
    """The citizen (by CPR), ticket (by review number) or contact (by number) a hold is to be
    placed on, or None. Only the row is read, never its content: the officer places a hold on
    a case they may not be allowed to read."""
    from apps.citizens.selectors import citizen_by_cpr
    from apps.contacts.models import Contact
    from apps.core.parsing import to_id
    from apps.tickets.models import Ticket

    reference = (reference or "").strip()
    if target == "citizen":
        return citizen_by_cpr(cpr=reference)
    if target == "ticket":
        return Ticket.objects.filter(review_number=reference.upper()).first()
    if target == "contact":
        pk = to_id(reference)
        return Contact.objects.filter(pk=pk).first() if pk else None
    return None
