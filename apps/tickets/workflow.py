"""The ticket workflow: every status and every allowed move, in this one place.

new → acknowledged → in progress ⇄ awaiting citizen → responded → closed, with reopen
(responded or closed → in progress, within ``REOPEN_WINDOW``), plus referred to committee
and escalated (their owners, the committee and "Under Your Command" modules, take them
from there) and merged (a duplicate folded into its original). ``services.ticket_transition``
is the only code that moves a ticket, and it asks this module whether the move is allowed.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    NEW = "new", _("New")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    IN_PROGRESS = "in_progress", _("In progress")
    AWAITING_CITIZEN = "awaiting_citizen", _("Awaiting the citizen")
    RESPONDED = "responded", _("Responded")
    CLOSED = "closed", _("Closed")
    REFERRED_TO_COMMITTEE = "referred_to_committee", _("Referred to the committee")
    ESCALATED = "escalated", _("Escalated")
    MERGED = "merged", _("Merged into another ticket")


# Statuses in which the ministry still owes the citizen an answer.
OPEN_STATUSES = frozenset(
    {
        Status.NEW,
        Status.ACKNOWLEDGED,
        Status.IN_PROGRESS,
        Status.AWAITING_CITIZEN,
        Status.REFERRED_TO_COMMITTEE,
        Status.ESCALATED,
    }
)
_WORKING = frozenset({Status.NEW, Status.ACKNOWLEDGED, Status.IN_PROGRESS, Status.AWAITING_CITIZEN})

ALLOWED_MOVES: dict[Status, frozenset[Status]] = {
    Status.NEW: frozenset({Status.ACKNOWLEDGED, Status.ESCALATED, Status.MERGED}),
    Status.ACKNOWLEDGED: frozenset(
        {Status.IN_PROGRESS, Status.REFERRED_TO_COMMITTEE, Status.ESCALATED, Status.MERGED}
    ),
    Status.IN_PROGRESS: frozenset(
        {
            Status.AWAITING_CITIZEN,
            Status.RESPONDED,
            Status.REFERRED_TO_COMMITTEE,
            Status.ESCALATED,
            Status.MERGED,
        }
    ),
    Status.AWAITING_CITIZEN: frozenset(
        {
            Status.IN_PROGRESS,
            Status.RESPONDED,
            Status.REFERRED_TO_COMMITTEE,
            Status.ESCALATED,
            Status.MERGED,
        }
    ),
    Status.RESPONDED: frozenset({Status.CLOSED, Status.IN_PROGRESS}),
    Status.CLOSED: frozenset({Status.IN_PROGRESS}),
    Status.REFERRED_TO_COMMITTEE: frozenset({Status.IN_PROGRESS, Status.RESPONDED}),
    Status.ESCALATED: frozenset({Status.IN_PROGRESS, Status.RESPONDED}),
    Status.MERGED: frozenset(),
}

# Moving back to work from an answered or closed ticket is a reopen: allowed only within
# this many days of the answer (or the closing), and it needs a reason.
REOPEN_MOVES = frozenset({(Status.RESPONDED, Status.IN_PROGRESS), (Status.CLOSED, Status.IN_PROGRESS)})
REOPEN_WINDOW = timedelta(days=30)

# Only a service of its own may move a ticket to these: ``ticket_merge`` (a merge needs the
# original) and the "Under Your Command" module (an escalation opens a case with a reason).
MOVES_NEEDING_A_SERVICE = frozenset({Status.MERGED, Status.ESCALATED})
# While escalated, the ticket belongs to its "Under Your Command" case: only that module
# moves it on (``services.ticket_move_for_escalation``, when the decision reaches the citizen).
HELD_BY_A_SERVICE = frozenset({Status.ESCALATED})

# The date each status stamps on the ticket the first time it is reached.
STAMPS: dict[Status, str] = {
    Status.ACKNOWLEDGED: "acknowledged_at",
    Status.RESPONDED: "responded_at",
    Status.CLOSED: "closed_at",
}

# Statuses in which the citizen may rate the answer.
RATEABLE_STATUSES = frozenset({Status.RESPONDED, Status.CLOSED})
# Statuses in which a reply to the citizen is refused.
NO_REPLY_STATUSES = frozenset({Status.CLOSED, Status.MERGED})


def is_allowed(from_status: str, to_status: str) -> bool:
    return Status(to_status) in ALLOWED_MOVES.get(Status(from_status), frozenset())


def is_reopen(from_status: str, to_status: str) -> bool:
    return (Status(from_status), Status(to_status)) in REOPEN_MOVES


def next_statuses(status: str) -> list[Status]:
    """The moves a person may choose from a page or the API (merge and escalation have their
    own actions; an escalated ticket is moved on by its case)."""
    if Status(status) in HELD_BY_A_SERVICE:
        return []
    return [s for s in Status if s in ALLOWED_MOVES[Status(status)] and s not in MOVES_NEEDING_A_SERVICE]


def is_working(status: str) -> bool:
    return Status(status) in _WORKING


def moves_to(from_status: str, to_status: str) -> list[Status] | None:
    """The shortest chain of moves a person may make (``next_statuses``, never a reopen)
    from one status to another, without the first; None when there is none (a merged or
    escalated ticket, or one already there).

    ``new`` → ``closed`` is acknowledged, in progress, responded, closed."""
    start, goal = Status(from_status), Status(to_status)
    if start == goal:
        return None
    paths: dict[Status, list[Status]] = {start: []}
    frontier = [start]
    while frontier:
        following = []
        for status in frontier:
            for step in next_statuses(status):
                if step in paths or is_reopen(status, step):
                    continue
                paths[step] = [*paths[status], step]
                if step == goal:
                    return paths[step]
                following.append(step)
        frontier = following
    return None
