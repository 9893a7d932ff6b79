"""Choices shared by the models, the event registry and the backends (no model imports here)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    SMS = "sms", _("SMS")
    EMAIL = "email", _("E-mail")
    IN_APP = "in_app", _("In-app")


class State(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Not sent (opted out)")


# The one map of allowed moves. A row is created queued (or, when nothing can be sent,
# directly failed or skipped; in-app rows are delivered by being written, so sent).
ALLOWED_MOVES: dict[str, frozenset[str]] = {
    State.QUEUED: frozenset({State.SENDING, State.FAILED}),
    # Back to queued: a transient provider error (retry later) or a stuck claim reclaimed.
    State.SENDING: frozenset({State.SENT, State.FAILED, State.QUEUED}),
    State.SENT: frozenset(),
    State.FAILED: frozenset(),
    State.SKIPPED: frozenset(),
}


class Audience(models.TextChoices):
    CITIZEN = "citizen", _("Citizen")
    STAFF = "staff", _("Staff")


class Language(models.TextChoices):
    ARABIC = "ar", _("Arabic")
    ENGLISH = "en", _("English")


FALLBACK_LANGUAGE = Language.ARABIC
