"""Hand-over calls book the citizen's branch appointment through apps.appointments.

Only that app's services and selectors are called (same floor): the service "handover"
(entitlement certificates and usufruct contracts) of its catalogue, its next free slots,
and ``appointment_book`` with the channel "campaign".
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from apps.core.errors import ValidationFailed

SERVICE_CODE = "handover"


def _service():
    from apps.appointments import selectors

    return selectors.service_by_code_or_id(SERVICE_CODE)


def branches() -> list:
    """The branches where certificates and contracts are handed over."""
    from apps.appointments import selectors

    service = _service()
    return list(selectors.branches_offering(service)) if service else []


def slots(*, branch_id=None, after: datetime | None = None, now: datetime | None = None) -> list[dict]:
    """The next free hand-over slots (the branch's first, then any branch's)."""
    from apps.appointments import selectors, services

    service = _service()
    if service is None:
        return []
    branch = selectors.branch_by_code_or_id(branch_id) if branch_id else None
    offered = services.alternatives(service=service, branch=branch, after=after, now=now)
    for slot in offered:
        start = parse_datetime(slot["start"])
        slot["label"] = timezone.localtime(start).strftime("%Y-%m-%d %H:%M") if start else slot["start"]
    return offered


def parse_choice(value: str) -> tuple[int, datetime] | None:
    """A slot chosen on the call screen: ``"<branch id>|<ISO start>"``."""
    try:
        branch_text, start_text = (value or "").split("|", 1)
        start = parse_datetime(start_text)
        if start is None or start.tzinfo is None:
            return None
        return int(branch_text), start
    except ValueError:
        return None


def book(*, citizen, branch_id: int, slot_start: datetime, actor, now: datetime | None = None):
    """Book the hand-over appointment (its confirmation SMS goes to the outbox); the refusals
    of the appointments app (slot taken, already booked …) come through as they are."""
    from apps.appointments import selectors, services

    service = _service()
    branch = selectors.branch_by_code_or_id(branch_id)
    if service is None or branch is None:
        raise ValidationFailed(
            _("Hand-over appointments are not offered at this branch."),
            code="handover_not_offered",
            details={"slot": [_("Choose another slot.")]},
        )
    return services.appointment_book(
        citizen=citizen,
        service=service,
        branch=branch,
        slot_start=slot_start,
        channel="campaign",
        actor=actor,
        now=now,
    )
