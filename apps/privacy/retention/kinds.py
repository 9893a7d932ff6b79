"""The kinds of record retention knows, the actions each allows and the legal minimums.

``DEFAULT_MINIMUMS`` (months) are the shortest periods the ministry may keep each kind for;
``HOUSING_RETENTION_MINIMUMS`` overrides them per kind (``"closed_tickets=72,outbox=18"``
in the environment, or a dict in settings; unknown kinds and malformed values are
ignored). A policy shorter than its kind's minimum is refused by the model, the admin
form, the desk page and the service alike (``models.period_error``), and the sweep skips
one saved before its minimum was raised.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    CLOSED_TICKETS = "closed_tickets", _("Closed tickets and their timelines")
    ATTACHMENTS = "attachments", _("Files attached to closed tickets")
    CONTACTS = "contacts", _("Contacts (caller numbers, follow-up answers, callbacks)")
    CALL_NOTES = "call_notes", _("Agents' notes on contacts")
    UYC_CASES = "uyc_cases", _('Closed "Under Your Command" cases')
    CHATS = "chats", _("Chat transcripts")
    VIDEO_CALLS = "video_calls", _("Video call requests")
    APPOINTMENTS = "appointments", _("Past appointments")
    OUTBOX = "outbox", _("Messages sent (SMS and e-mail outbox)")
    READ_LOG = "read_log", _("Log of staff reading citizens' files")
    CITIZENS = "citizens", _("Citizen files with no recent activity")


class Action(models.TextChoices):
    ANONYMISE = "anonymise", _("Anonymise (keep the record for statistics)")
    DELETE = "delete", _("Delete")
    PURGE_TEXT = "purge_text", _("Purge free text only")


# The action each kind allows; the first is the default. Records the monthly statement
# counts (tickets, contacts, chats, appointments) are never deleted, only anonymised.
ALLOWED_ACTIONS: dict[str, tuple[str, ...]] = {
    Kind.CLOSED_TICKETS: (Action.ANONYMISE,),
    Kind.ATTACHMENTS: (Action.DELETE,),
    Kind.CONTACTS: (Action.ANONYMISE,),
    Kind.CALL_NOTES: (Action.PURGE_TEXT,),
    Kind.UYC_CASES: (Action.ANONYMISE,),
    Kind.CHATS: (Action.ANONYMISE,),
    Kind.VIDEO_CALLS: (Action.ANONYMISE,),
    Kind.APPOINTMENTS: (Action.ANONYMISE,),
    Kind.OUTBOX: (Action.ANONYMISE,),
    Kind.READ_LOG: (Action.DELETE,),
    Kind.CITIZENS: (Action.ANONYMISE,),
}

# Months. Accountability records (the read log) and case records are kept longest.
DEFAULT_MINIMUMS: dict[str, int] = {
    Kind.CLOSED_TICKETS: 60,
    Kind.ATTACHMENTS: 24,
    Kind.CONTACTS: 36,
    Kind.CALL_NOTES: 12,
    Kind.UYC_CASES: 60,
    Kind.CHATS: 24,
    Kind.VIDEO_CALLS: 12,
    Kind.APPOINTMENTS: 24,
    Kind.OUTBOX: 12,
    Kind.READ_LOG: 24,
    Kind.CITIZENS: 120,
}

# The periods the policies are created with (inactive: an administrator turns each on).
DEFAULT_PERIODS: dict[str, int] = {
    Kind.CLOSED_TICKETS: 84,
    Kind.ATTACHMENTS: 36,
    Kind.CONTACTS: 60,
    Kind.CALL_NOTES: 24,
    Kind.UYC_CASES: 84,
    Kind.CHATS: 36,
    Kind.VIDEO_CALLS: 24,
    Kind.APPOINTMENTS: 36,
    Kind.OUTBOX: 24,
    Kind.READ_LOG: 36,
    Kind.CITIZENS: 120,
}

# The order a sweep takes the kinds in (each kind's selection never depends on another's
# effect, so the order changes nothing but the log's readability).
ORDER: tuple[str, ...] = tuple(Kind.values)


def _parse(raw) -> dict[str, int]:
    """``HOUSING_RETENTION_MINIMUMS`` as {kind: months}; anything malformed is an error
    (a minimum silently ignored would let a policy go shorter than the law allows)."""
    items = raw.items() if isinstance(raw, dict) else (str(item).partition("=")[::2] for item in raw or ())
    parsed: dict[str, int] = {}
    for key, value in items:
        key, value = str(key).strip(), str(value).strip()
        if key not in DEFAULT_MINIMUMS or not (value.isascii() and value.isdigit()):
            raise ImproperlyConfigured(
                f"HOUSING_RETENTION_MINIMUMS: {key}={value} is not <kind>=<months>; kinds: {', '.join(DEFAULT_MINIMUMS)}"
            )
        parsed[key] = int(value)
    return parsed


def check_minimums(app_configs=None, **kwargs) -> list:
    """A system check: start-up stops on a malformed ``HOUSING_RETENTION_MINIMUMS``."""
    from django.core import checks

    try:
        minimums()
    except ImproperlyConfigured as error:
        return [checks.Error(str(error), id="privacy_retention.E001")]
    return []


def minimums() -> dict[str, int]:
    """The legal minimum of every kind, in months, with the setting's overrides applied."""
    result = dict(DEFAULT_MINIMUMS)
    for kind, months in _parse(getattr(settings, "HOUSING_RETENTION_MINIMUMS", None)).items():
        result[kind] = months
    return result


def minimum_for(kind: str) -> int:
    return minimums().get(kind, 0)
