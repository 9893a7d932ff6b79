"""Reading contact records from outside (the telephony API, its CSV export): one row at a
time into clean values, or a list of errors naming the field and the reason.

The same rules guard the agent console (``rule_errors``), so a contact is valid or not
whatever door it came in by; the database's check constraints repeat the essential ones.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.citizens.validation import normalize_cpr, normalize_phone
from apps.contacts.models import Channel, Outcome
from apps.core.errors import ValidationFailed
from apps.core.text import latin_digits

# The columns of a contact record, in the order of the documented CSV (apps/contacts/README.md).
COLUMNS = (
    "call_id",
    "channel",
    "offered_at",
    "answered_at",
    "ended_at",
    "caller_number",
    "citizen_cpr",
    "agent",
    "purpose",
    "outcome",
    "department",
    "ticket",
    "callback_at",
    "notes",
)
REQUIRED_COLUMNS = ("call_id", "channel", "offered_at")
_COLUMN_SET = frozenset(COLUMNS)
_CHANNELS = frozenset(Channel.values)
# Lazy, so a valid row costs no translation look-up.
_UNKNOWN_AGENT = gettext_lazy("No staff member has this user name.")
_UNKNOWN_PURPOSE = gettext_lazy("This purpose is not known.")
_UNKNOWN_DEPARTMENT = gettext_lazy("This department is not known.")
_OUTCOMES = frozenset(Outcome.values)
MAX_NOTES = 10_000
_CALL_ID = re.compile(r"^[\w.:@/+#-]{1,100}$")


@dataclass
class RowError:
    line: int
    field: str
    code: str
    reason: str
    call_id: str = ""

    def as_dict(self) -> dict:
        return {
            "line": self.line,
            "call_id": self.call_id,
            "field": self.field,
            "code": self.code,
            "reason": str(self.reason),
        }


@dataclass
class ContactRow:
    """A contact record with every value checked and resolved to ids."""

    line: int
    call_id: str
    channel: str
    offered_at: datetime
    answered_at: datetime | None = None
    ended_at: datetime | None = None
    caller_number: str = ""
    citizen_id: int | None = None
    agent_id: int | None = None
    purpose_id: int | None = None
    outcome: str = ""
    department_id: int | None = None
    ticket_id: int | None = None
    callback_at: datetime | None = None
    notes: str = ""
    given: frozenset = field(default_factory=frozenset)  # the fields the row set (not blank)


@dataclass
class Lookups:
    """Everything a batch refers to by natural key, fetched once per batch."""

    purposes: dict[str, int]
    agents: dict[str, int]
    departments: dict[str, int]
    citizens_by_cpr: dict[str, int]
    citizens_by_phone: dict[str, set[int]]
    tickets: dict[str, int]  # review number (canonical) → ticket id


def rule_errors(
    *,
    outcome: str,
    offered_at: datetime | None,
    answered_at: datetime | None,
    ended_at: datetime | None,
    has_department: bool,
    has_ticket: bool,
    callback_at: datetime | None,
) -> list[tuple[str, str, str]]:
    """The rules every contact obeys, as ``(field, code, reason)``; empty when valid."""
    errors = []
    if offered_at and answered_at and answered_at < offered_at:
        errors.append(
            ("answered_at", "answered_before_offered", _("The contact was answered before it was offered."))
        )
    if answered_at and ended_at and ended_at < answered_at:
        errors.append(("ended_at", "ended_before_answered", _("The contact ended before it was answered.")))
    elif offered_at and ended_at and ended_at < offered_at:
        errors.append(("ended_at", "ended_before_offered", _("The contact ended before it was offered.")))
    if outcome and outcome not in _OUTCOMES:
        errors.append(("outcome", "unknown_outcome", _("This outcome is not known.")))
    elif outcome == Outcome.ABANDONED and answered_at:
        errors.append(
            ("outcome", "abandoned_but_answered", _("An answered contact cannot have the outcome abandoned."))
        )
    elif outcome and outcome != Outcome.ABANDONED and not answered_at:
        errors.append(
            ("answered_at", "answered_at_required", _("Only an abandoned contact may have no answer time."))
        )
    if outcome == Outcome.REFERRED and not has_department:
        errors.append(
            ("department", "department_required", _("A contact referred for follow-up needs the department."))
        )
    if outcome == Outcome.TICKET_OPENED and not has_ticket:
        errors.append(("ticket", "ticket_required", _("The outcome ticket opened needs the ticket.")))
    if outcome == Outcome.CALLBACK_SCHEDULED and not callback_at:
        errors.append(
            ("callback_at", "callback_at_required", _("A scheduled callback needs the time to call back."))
        )
    return errors


def parse_datetime_value(value) -> datetime:
    """ISO 8601 with or without an offset; a time without offset is Bahrain time."""
    text = str(value).strip()
    if not text.isascii():
        text = latin_digits(text)
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    parsed = datetime.fromisoformat(text)  # raises ValueError on anything else
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=_local_zone())
    return parsed


@lru_cache(maxsize=4)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def _local_zone() -> ZoneInfo:
    return _zone(settings.TIME_ZONE)


@lru_cache(maxsize=262_144)
def _phone(value: str) -> str:
    return _bahraini_e164(value) or normalize_phone(value)


_BAHRAINI = re.compile(r"^(?:\+973|00973)?[\s-]*(\d{4})[\s-]*(\d{4})$")


@lru_cache(maxsize=1)
def _bahraini_patterns() -> list[re.Pattern]:
    """The national-number patterns of every valid Bahraini number type, taken from the
    phonenumbers metadata itself, so the fast path agrees with the full check."""
    import phonenumbers

    metadata = phonenumbers.PhoneMetadata.metadata_for_region("BH")
    kinds = ("fixed_line", "mobile", "toll_free", "premium_rate", "shared_cost", "voip", "personal_number",
             "pager", "uan", "voicemail")  # fmt: skip
    patterns = []
    for kind in kinds:
        desc = getattr(metadata, kind, None)
        if desc is not None and desc.national_number_pattern:
            patterns.append(re.compile(f"(?:{desc.national_number_pattern})"))
    return patterns


def _bahraini_e164(value: str) -> str | None:
    """A plain 8-digit Bahraini number (with or without +973) in E.164 without the full
    parser, which costs most of a large import's time; anything else returns ``None``."""
    match = _BAHRAINI.match(value)
    if not match:
        return None
    national = match.group(1) + match.group(2)
    if any(p.fullmatch(national) for p in _bahraini_patterns()):
        return "+973" + national
    return None


def _text(raw: dict, name: str) -> str:
    value = raw.get(name)
    if value is None:
        return ""
    if not isinstance(value, str | int | float):
        raise TypeError(name)
    return str(value).strip()


def review_number_or_none(text: str) -> str | None:
    """The canonical review number, or ``None`` when the text is not one (a wrong check
    character included: refused before any look-up)."""
    from apps.tickets import review_numbers

    try:
        return review_numbers.normalize(text)
    except (ValidationFailed, ValueError):
        return None


def parse_row(raw, *, line: int, lookups: Lookups) -> tuple[ContactRow | None, list[RowError]]:
    """Check one record; return the clean row, or ``None`` and every error found in it."""
    errors: list[RowError] = []
    if not isinstance(raw, dict):
        return None, [RowError(line, "", "not_an_object", _("Each record must be an object of fields."))]
    if not _COLUMN_SET.issuperset(raw):
        unknown = sorted(set(raw) - _COLUMN_SET)
        errors.append(
            RowError(line, unknown[0], "unknown_field", _("This field is not part of a contact record."))
        )
    values: dict[str, str] = {}
    get = raw.get
    for name in COLUMNS:
        value = get(name)
        if value is None:
            values[name] = ""
        elif type(value) is str:
            values[name] = value.strip()
        else:
            try:
                values[name] = _text(raw, name)
            except TypeError:
                errors.append(RowError(line, name, "invalid", _("This field must be text.")))
                values[name] = ""
    call_id = values["call_id"]

    def fail(field_name, code, reason):
        errors.append(RowError(line, field_name, code, reason, call_id))

    for name in REQUIRED_COLUMNS:
        if not values[name]:
            fail(name, "required", _("This field is required."))
    if call_id and not _CALL_ID.match(call_id):
        fail("call_id", "invalid_call_id", _("A call id is up to 100 letters, digits or . : @ / + # - _"))
    channel = values["channel"]
    if channel and channel not in _CHANNELS:
        fail("channel", "unknown_channel", _("This channel is not known."))

    times: dict[str, datetime | None] = {}
    for name in ("offered_at", "answered_at", "ended_at", "callback_at"):
        times[name] = None
        if values[name]:
            try:
                times[name] = parse_datetime_value(values[name])
            except ValueError:
                fail(name, "invalid_datetime", _("Write the time as 2026-07-01 08:15:00 or in ISO 8601."))

    caller_number = ""
    if values["caller_number"]:
        try:
            number = values["caller_number"]
            caller_number = _phone(number if number.isascii() else latin_digits(number))
        except ValidationFailed:
            fail("caller_number", "invalid_phone", _("This is not a valid phone number."))
    citizen_id = None
    if values["citizen_cpr"]:
        try:
            cpr = normalize_cpr(values["citizen_cpr"])
        except ValidationFailed:
            fail("citizen_cpr", "invalid_cpr", _("A CPR number is exactly 9 digits."))
        else:
            citizen_id = lookups.citizens_by_cpr.get(cpr)
            if citizen_id is None:
                fail("citizen_cpr", "unknown_citizen", _("No citizen has this CPR number."))
    elif caller_number:
        holders = lookups.citizens_by_phone.get(caller_number, ())
        if len(holders) == 1:  # a number shared by several citizens identifies nobody
            citizen_id = next(iter(holders))

    def resolve(name, table, code, reason):
        if not values[name]:
            return None
        found = table.get(values[name])
        if found is None:
            fail(name, code, reason)
        return found

    agent_id = resolve("agent", lookups.agents, "unknown_agent", _UNKNOWN_AGENT)
    purpose_id = resolve("purpose", lookups.purposes, "unknown_purpose", _UNKNOWN_PURPOSE)
    department_id = resolve("department", lookups.departments, "unknown_department", _UNKNOWN_DEPARTMENT)
    outcome = values["outcome"]
    if not outcome and values["offered_at"] and not values["answered_at"]:
        outcome = Outcome.ABANDONED  # the telephony system's unanswered call
    if len(values["notes"]) > MAX_NOTES:
        fail("notes", "too_long", _("Notes are limited to 10,000 characters."))
    ticket_id = None
    if values["ticket"]:
        number = review_number_or_none(values["ticket"])
        if number is None:
            fail("ticket", "invalid_ticket", _("This is not a review number."))
        else:
            ticket_id = lookups.tickets.get(number)
            if ticket_id is None:
                fail("ticket", "unknown_ticket", _("No ticket has this review number."))
    failed_fields = {e.field for e in errors}
    for field_name, code, reason in rule_errors(
        outcome=outcome,
        offered_at=times["offered_at"],
        answered_at=times["answered_at"],
        ended_at=times["ended_at"],
        has_department=bool(department_id) or "department" in failed_fields,
        has_ticket=bool(values["ticket"]) or "ticket" in failed_fields,
        callback_at=times["callback_at"] or (datetime.min if "callback_at" in failed_fields else None),
    ):
        if field_name not in failed_fields:
            fail(field_name, code, reason)
    if outcome == Outcome.CALLBACK_SCHEDULED and not agent_id and "agent" not in failed_fields:
        fail("agent", "agent_required", _("A scheduled callback needs the agent who will call back."))
    if errors:
        return None, errors
    given = frozenset(name for name in COLUMNS if values[name]) | ({"outcome"} if outcome else set())
    return (
        ContactRow(
            line=line,
            call_id=call_id,
            channel=channel,
            offered_at=times["offered_at"],
            answered_at=times["answered_at"],
            ended_at=times["ended_at"],
            caller_number=caller_number,
            citizen_id=citizen_id,
            agent_id=agent_id,
            purpose_id=purpose_id,
            outcome=outcome,
            department_id=department_id,
            ticket_id=ticket_id,
            callback_at=times["callback_at"],
            notes=values["notes"],
            given=given,
        ),
        [],
    )
