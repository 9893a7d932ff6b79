"""The "Under Your Command" case workflow: every status and every allowed move, here only.

received → under study → (referred to the committee ⇄ under study) → decided →
citizen informed → closed. ``services._move`` is the only code that changes a case's
status; the moves into "referred to the committee", "decided" and "citizen informed" carry
data of their own (the referral, the decision's texts, the letter) and so have their own
services, which call ``_move``.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Status(models.TextChoices):
    RECEIVED = "received", pgettext_lazy("case status", "Received")
    UNDER_STUDY = "under_study", _("Under study")
    REFERRED_TO_COMMITTEE = "referred_to_committee", _("Referred to the committee")
    DECIDED = "decided", _("Decided")
    CITIZEN_INFORMED = "citizen_informed", _("Citizen informed")
    CLOSED = "closed", _("Closed")


ALLOWED_MOVES: dict[Status, frozenset[Status]] = {
    Status.RECEIVED: frozenset({Status.UNDER_STUDY, Status.REFERRED_TO_COMMITTEE, Status.DECIDED}),
    Status.UNDER_STUDY: frozenset({Status.REFERRED_TO_COMMITTEE, Status.DECIDED}),
    # Back to study when the committee has ruled (or the referral is withdrawn).
    Status.REFERRED_TO_COMMITTEE: frozenset({Status.UNDER_STUDY, Status.DECIDED}),
    Status.DECIDED: frozenset({Status.CITIZEN_INFORMED}),
    Status.CITIZEN_INFORMED: frozenset({Status.CLOSED}),
    Status.CLOSED: frozenset(),
}

# Moves that need their own service (and its data); the plain transition refuses them.
MOVES_NEEDING_A_SERVICE = frozenset({Status.REFERRED_TO_COMMITTEE, Status.DECIDED, Status.CITIZEN_INFORMED})

# The decision is still owed to the citizen: the 30-day clock runs.
OPEN_STATUSES = frozenset({Status.RECEIVED, Status.UNDER_STUDY, Status.REFERRED_TO_COMMITTEE, Status.DECIDED})
# A decision may be recorded from these.
DECIDABLE = frozenset({Status.RECEIVED, Status.UNDER_STUDY, Status.REFERRED_TO_COMMITTEE})


def is_allowed(from_status: str, to_status: str) -> bool:
    return Status(to_status) in ALLOWED_MOVES[Status(from_status)]


def plain_moves(status: str) -> list[Status]:
    """The moves offered as a plain status change on the case page and the API."""
    return [s for s in Status if s in ALLOWED_MOVES[Status(status)] and s not in MOVES_NEEDING_A_SERVICE]
