"""The data-subject request's kinds, statuses and the one mapping of allowed moves.

A request is *received*, may be taken *in review*, and ends *answered* (an access request:
the archive is ready), *approved* or *refused* (rectification and objection; an access
request may also be refused, e.g. a doubt about identity). Every end needs the officer's
reason except an answered access request, whose answer is the archive itself.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Kind(models.TextChoices):
    ACCESS = "access", _("Access to my data")
    RECTIFICATION = "rectification", _("Correction of my data")
    OBJECTION = "objection", _("Stop messages of a kind")


class Channel(models.TextChoices):
    PORTAL = "portal", _("Citizen portal")
    AGENT = "agent", _("Filed by an agent")


class Status(models.TextChoices):
    RECEIVED = "received", pgettext_lazy("data-subject request", "Received")
    IN_REVIEW = "in_review", pgettext_lazy("data-subject request", "In review")
    ANSWERED = "answered", pgettext_lazy("data-subject request", "Answered")
    APPROVED = "approved", pgettext_lazy("data-subject request", "Approved")
    REFUSED = "refused", pgettext_lazy("data-subject request", "Refused")


OPEN = frozenset({Status.RECEIVED, Status.IN_REVIEW})
CLOSED = frozenset({Status.ANSWERED, Status.APPROVED, Status.REFUSED})

MOVES: dict[str, frozenset[str]] = {
    Status.RECEIVED: frozenset({Status.IN_REVIEW, Status.ANSWERED, Status.APPROVED, Status.REFUSED}),
    Status.IN_REVIEW: frozenset({Status.ANSWERED, Status.APPROVED, Status.REFUSED}),
    Status.ANSWERED: frozenset(),
    Status.APPROVED: frozenset(),
    Status.REFUSED: frozenset(),
}

# Which end each kind may reach ("answered" is the access request's own).
ENDS_BY_KIND: dict[str, frozenset[str]] = {
    Kind.ACCESS: frozenset({Status.ANSWERED, Status.REFUSED}),
    Kind.RECTIFICATION: frozenset({Status.APPROVED, Status.REFUSED}),
    Kind.OBJECTION: frozenset({Status.APPROVED, Status.REFUSED}),
}


def can_move(*, kind: str, from_status: str, to_status: str) -> bool:
    if to_status not in MOVES.get(from_status, frozenset()):
        return False
    return to_status == Status.IN_REVIEW or to_status in ENDS_BY_KIND[kind]


class ObjectionKind(models.TextChoices):
    """The kinds of messages a citizen may ask us to stop, and the events each covers.

    Only messages the ministry may stop are offered: one-time codes, decisions, review
    numbers and the answers to these requests are always sent (the law requires them).
    """

    CAMPAIGNS = "campaigns", _("Campaign and draw invitations")
    APPOINTMENT_REMINDERS = "appointment_reminders", _("Appointment reminders")
    CHAT_TRANSCRIPTS = "chat_transcripts", _("Chat transcripts")


OBJECTION_EVENTS: dict[str, tuple[str, ...]] = {
    ObjectionKind.CAMPAIGNS: ("campaigns.draw_invitation", "campaigns.unreached"),
    ObjectionKind.APPOINTMENT_REMINDERS: ("appointment.reminder",),
    ObjectionKind.CHAT_TRANSCRIPTS: ("chat.transcript",),
}

# The fields of the citizen's file a rectification may change (``citizen_update``'s own).
RECTIFIABLE_FIELDS: dict[str, object] = {
    "name_ar": _("Name in Arabic"),
    "name_en": _("Name in English"),
    "email": _("E-mail"),
    "area": _("Area"),
    "block": _("Block"),
    "road": _("Road"),
    "building": _("Building"),
    "flat": _("Flat"),
}
