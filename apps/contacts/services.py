"""Writes to contacts: the agent console's log, the telephony import, follow-ups,
callbacks, and the managed purposes and quick answers."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import psycopg
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.citizens.validation import normalize_phone
from apps.contacts import repeats, selectors
from apps.contacts.models import (
    Callback,
    Channel,
    Contact,
    FollowUp,
    FollowUpEvent,
    Outcome,
    Purpose,
    QuickAnswer,
    QuickAnswerUse,
)
from apps.contacts.validation import ContactRow, RowError, parse_row, rule_errors
from apps.core.errors import Conflict, PermissionDenied, ValidationFailed
from apps.core.history import history_door

# ---------------------------------------------------------------- taxonomy


@transaction.atomic
def purpose_upsert(*, code: str, name_ar: str, name_en: str, order: int = 100, actor=None) -> Purpose:
    purpose, _created = Purpose.objects.update_or_create(
        code=code, defaults={"name_ar": name_ar, "name_en": name_en, "order": order}
    )
    return purpose


@transaction.atomic
def quick_answer_upsert(
    *,
    purpose: Purpose,
    title_ar: str,
    title_en: str,
    body_ar: str,
    body_en: str,
    order: int = 100,
    actor=None,
) -> QuickAnswer:
    answer, _created = QuickAnswer.objects.update_or_create(
        purpose=purpose,
        title_en=title_en,
        defaults={"title_ar": title_ar, "body_ar": body_ar, "body_en": body_en, "order": order},
    )
    return answer


# ---------------------------------------------------------------- follow-ups


# ---------------------------------------------------------------- tags


@transaction.atomic
def contact_tags_change(*, contact: Contact, actor, add: Iterable = (), remove: Iterable = ()) -> dict | None:
    """Add and remove tags on a contact, by the tickets' rules (``ticket_services.tags_apply``);
    the answer says what changed, None when nothing did. Agents at the console and
    supervisors tag contacts."""
    if not (selectors.can_supervise(actor) or actor.has_perm(selectors.CONSOLE_PERMISSION)):
        raise PermissionDenied()
    from apps.tickets import services as ticket_services

    locked = Contact.objects.select_for_update().get(pk=contact.pk)
    return ticket_services.tags_apply(locked=locked, add=add, remove=remove)


def follow_up_due(*, start: datetime) -> datetime:
    """When a department's answer is due: ``HOUSING_FOLLOWUP_DAYS`` calendar days after the
    contact. A placeholder rule read at call time; the SLA engine (issue 5) replaces it with
    working time on the Bahrain calendar."""
    return start + timedelta(days=int(settings.HOUSING_FOLLOWUP_DAYS))


def _follow_up_open(*, contact: Contact, actor) -> FollowUp:
    follow_up = FollowUp.objects.create(
        contact=contact,
        citizen_id=contact.citizen_id,
        department_id=contact.department_id,
        due_at=follow_up_due(start=contact.answered_at or contact.offered_at),
    )
    FollowUpEvent.objects.create(
        follow_up=follow_up, from_status="", to_status=FollowUp.Status.OPEN, actor=actor
    )
    return follow_up


@transaction.atomic
def follow_up_close(*, follow_up: FollowUp, answer: str, actor, now: datetime | None = None) -> FollowUp:
    """Record the department's answer and close the follow-up.

    1. Only an officer of the follow-up's department (or an administrator) may answer.
    2. The row is locked, so two officers answering at once give one answer and one error.
    3. The move is checked against ``FollowUp.ALLOWED_MOVES`` and recorded as an event.
    """
    if not selectors.can_answer_follow_up(actor, follow_up):
        raise PermissionDenied(_("Only the department this follow-up is referred to can answer it."))
    answer = (answer or "").strip()
    if not answer:
        raise ValidationFailed(
            _("Write the department's answer."), code="answer_required", details={"answer": [_("Required.")]}
        )
    locked = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
    target = FollowUp.Status.CLOSED
    if target not in FollowUp.ALLOWED_MOVES[locked.status]:
        raise Conflict(
            _("This follow-up is already %(status)s.") % {"status": locked.get_status_display()},
            code="follow_up_closed",
        )
    when = now or timezone.now()
    previous = locked.status
    locked.status, locked.answer, locked.answered_at, locked.answered_by = target, answer, when, actor
    locked.save(update_fields=["status", "answer", "answered_at", "answered_by", "updated_at"])
    FollowUpEvent.objects.create(
        follow_up=locked, from_status=previous, to_status=target, actor=actor, at=when, note=answer
    )
    return locked


# ---------------------------------------------------------------- callbacks


def _callback_schedule(*, contact: Contact, due_at: datetime, number: str, assigned_to) -> Callback:
    return Callback.objects.create(
        contact=contact,
        citizen_id=contact.citizen_id,
        number=number or contact.caller_number,
        due_at=due_at,
        assigned_to=assigned_to,
    )


@transaction.atomic
def callback_transition(
    *, callback: Callback, to_status: str, actor, done_contact: Contact | None = None, now=None
) -> Callback:
    locked = Callback.objects.select_for_update().get(pk=callback.pk)
    if to_status not in Callback.ALLOWED_MOVES.get(locked.status, ()):
        raise Conflict(
            _("A callback that is %(status)s cannot be changed.") % {"status": locked.get_status_display()},
            code="callback_transition",
        )
    locked.status = to_status
    locked.done_at = now or timezone.now()
    locked.done_contact = done_contact
    locked.save(update_fields=["status", "done_at", "done_contact", "updated_at"])
    return locked


# ---------------------------------------------------------------- the agent console


@transaction.atomic
def contact_log(
    *,
    actor,
    channel: str,
    purpose: Purpose | None,
    outcome: str,
    citizen=None,
    caller_number: str = "",
    notes: str = "",
    call_id: str = "",
    answered_at: datetime | None = None,
    ended_at: datetime | None = None,
    department=None,
    ticket=None,
    open_ticket: dict | None = None,
    callback_at: datetime | None = None,
    callback_number: str = "",
    quick_answers: Sequence[QuickAnswer] = (),
    sms_quick_answers: Sequence[QuickAnswer] = (),
    completes_callback: Callback | None = None,
    appointment=None,
    callback_list: bool = True,
    offered_at: datetime | None = None,
    tags: Sequence = (),
    now: datetime | None = None,
) -> Contact:
    """Log a contact the agent handled, with its purpose and outcome.

    1. The same rules as the telephony import apply (times in order; referred needs a
       department; ticket opened needs the ticket; a callback needs its time).
    2. A ``call_id`` from the screen-pop links the log to the telephony record when that
       arrived first: the agent's wrap-up is written onto it, the telephony times kept.
       A call already wrapped up is refused rather than overwritten.
    3. Referred → a follow-up on the department's queue; callback → a callback for the
       agent; ticket opened → the given ``ticket``, or a new one opened from ``open_ticket``
       (``{"kind", "subject"}``) with this contact's channel, citizen and notes, in this
       same transaction; appointment booked → the ``appointment`` booked from the console
       is linked to this contact; the quick answers given (and those to text later) are recorded.
       ``callback_list=False`` records the promised callback on the contact only: a caller
       that keeps its own call list (an outbound campaign) brings the citizen back itself.
    4. A repeat of the citizen's earlier contact on the same purpose (``repeats.py``) is
       marked (``repeat_of``) in this same transaction.
    5. The ``tags`` the agent chose are put on the contact (``contact_tags_change``), in this
       same transaction.
    """
    now = now or timezone.now()
    errors: dict[str, list[str]] = {}
    if channel not in Channel.values:
        errors.setdefault("channel", []).append(_("This channel is not known."))
    if outcome not in Outcome.values:
        errors.setdefault("outcome", []).append(_("Choose the outcome."))
    if purpose is None and outcome != Outcome.ABANDONED:
        errors.setdefault("purpose", []).append(_("Choose the purpose."))
    if caller_number:
        try:
            caller_number = normalize_phone(caller_number, field="caller_number")
        except ValidationFailed:
            errors.setdefault("caller_number", []).append(_("This is not a valid phone number."))
    if callback_number:
        try:
            callback_number = normalize_phone(callback_number, field="callback_number")
        except ValidationFailed:
            errors.setdefault("callback_number", []).append(_("This is not a valid phone number."))
    if outcome == Outcome.CALLBACK_SCHEDULED and callback_at and callback_at <= now:
        errors.setdefault("callback_at", []).append(_("A callback must be in the future."))
    if outcome == Outcome.CALLBACK_SCHEDULED and not (callback_number or caller_number or citizen):
        errors.setdefault("callback_number", []).append(_("Give the number to call back."))
    if len(notes or "") > 10_000:
        errors.setdefault("notes", []).append(_("Notes are limited to 10,000 characters."))

    existing = None
    if call_id:
        existing = Contact.objects.select_for_update().filter(call_id=call_id.strip()).first()
        if existing and existing.outcome and existing.outcome != Outcome.ABANDONED:
            raise Conflict(_("This call has already been logged."), code="call_already_logged")
    if outcome == Outcome.ABANDONED:
        answered_at = None
    elif existing and existing.answered_at:
        answered_at = existing.answered_at
    else:
        answered_at = answered_at or now
    # A live chat knows when it was asked for (``offered_at``); a call without a telephony
    # record was offered when it was answered.
    offered_at = existing.offered_at if existing else (offered_at or min(answered_at or now, now))
    ended_at = (existing.ended_at if existing else None) or ended_at or now
    for field_name, _code, reason in rule_errors(
        outcome=outcome,
        offered_at=offered_at,
        answered_at=answered_at,
        ended_at=ended_at,
        has_department=department is not None,
        has_ticket=ticket is not None or bool(open_ticket),
        callback_at=callback_at,
    ):
        errors.setdefault(field_name, []).append(reason)
    if errors:
        raise ValidationFailed(details=errors)

    contact = existing or Contact(
        channel=channel,
        call_id=call_id.strip() or None,
        offered_at=offered_at,
        recorded_via=Contact.RecordedVia.CONSOLE,
        created_by=actor,
    )
    contact.channel = channel if not existing else existing.channel
    contact.citizen = citizen or (existing.citizen if existing else None)
    contact.caller_number = (existing.caller_number if existing else "") or caller_number
    contact.agent = (existing.agent if existing else None) or actor
    contact.purpose = purpose
    contact.outcome = outcome
    contact.answered_at = answered_at
    contact.ended_at = ended_at
    contact.notes = (notes or "").strip()
    contact.department = department if outcome == Outcome.REFERRED else None
    if outcome == Outcome.TICKET_OPENED and ticket is None:
        ticket = _ticket_open(
            actor=actor,
            channel=contact.channel,
            citizen=contact.citizen,
            caller_number=contact.caller_number,
            notes=contact.notes,
            **open_ticket,
        )
    contact.ticket = ticket if outcome == Outcome.TICKET_OPENED else None
    contact.save()
    repeats.contact_flag_repeat(contact=contact)

    if outcome == Outcome.REFERRED:
        _follow_up_open(contact=contact, actor=actor)
    if outcome == Outcome.CALLBACK_SCHEDULED and callback_list:
        number = callback_number or caller_number or _primary_number(citizen)
        _callback_schedule(contact=contact, due_at=callback_at, number=number, assigned_to=actor)
    _record_quick_answers(contact=contact, given=quick_answers, to_text=sms_quick_answers, actor=actor)
    if tags:
        contact_tags_change(contact=contact, actor=actor, add=tags)
    if outcome == Outcome.APPOINTMENT_BOOKED and appointment is not None:
        from apps.appointments.services import appointment_link_contact

        appointment_link_contact(appointment=appointment, contact=contact, actor=actor)
    if completes_callback is not None:
        callback_transition(
            callback=completes_callback,
            to_status=Callback.Status.DONE,
            actor=actor,
            done_contact=contact,
            now=now,
        )
    return contact


@transaction.atomic
def contact_message_received(
    *,
    channel: str,
    received_at: datetime,
    purpose: Purpose | None,
    citizen=None,
    caller_number: str = "",
    notes: str = "",
    ticket=None,
    call_id: str = "",
) -> Contact:
    """A message a citizen left with no agent on hand (a chat out of working hours).

    The message was taken in full when it arrived, so the contact is answered then; its
    outcome is "ticket opened" when a ticket was filed for it, else empty ("not recorded
    yet") until an agent deals with it.
    """
    contact = Contact.objects.create(
        channel=channel,
        citizen=citizen,
        caller_number=caller_number,
        purpose=purpose,
        outcome=Outcome.TICKET_OPENED if ticket is not None else "",
        offered_at=received_at,
        answered_at=received_at,
        ended_at=received_at,
        notes=(notes or "")[:10_000],
        ticket=ticket,
        call_id=call_id or None,
        recorded_via=Contact.RecordedVia.CONSOLE,
    )
    return repeats.contact_flag_repeat(contact=contact)


# The ticket channel a contact's channel becomes when the contact opens a ticket.
TICKET_CHANNELS = {
    Channel.INBOUND_CALL: "phone",
    Channel.OUTBOUND_CALL: "phone",
    Channel.CHAT: "chat",
    Channel.VIDEO: "video",
    Channel.WALK_IN: "walk_in",
    Channel.EMAIL: "email",
    Channel.WEB_FORM: "web",
    Channel.TAWASUL: "tawasul",
    Channel.UYC: "uyc",
    # Tickets have no SMS channel: a text message came by phone.
    Channel.SMS: "phone",
}
# Where a ticket's field errors show on the console's log form.
_TICKET_FIELDS = {"kind": "ticket_kind", "subject": "ticket_subject", "description": "notes"}


def _ticket_open(*, actor, channel: str, citizen, caller_number: str, notes: str, kind: str, subject: str):
    """Open a ticket for this contact through the tickets app (same transaction)."""
    from apps.citizens.validation import is_mobile
    from apps.tickets import services as ticket_services

    if not (notes or "").strip():
        raise ValidationFailed(
            details={"notes": [_("Write the notes: they become the ticket's description.")]}
        )
    try:
        return ticket_services.ticket_create(
            kind=kind,
            channel=TICKET_CHANNELS[channel],
            subject=subject,
            description=notes,
            actor=actor,
            citizen=citizen,
            contact_phone=caller_number if caller_number and is_mobile(caller_number) else "",
        )
    except ValidationFailed as failure:
        details = {
            _TICKET_FIELDS.get(name, "__all__"): reasons for name, reasons in (failure.details or {}).items()
        }
        if "__all__" in details or not details:
            details["__all__"] = [str(failure.message)]
        raise ValidationFailed(failure.message, code=failure.code, details=details) from failure


def _primary_number(citizen) -> str:
    if citizen is None:
        return ""
    from apps.citizens.selectors import primary_phone

    return primary_phone(citizen) or ""


def _record_quick_answers(
    *, contact: Contact, given: Iterable[QuickAnswer], to_text: Iterable[QuickAnswer], actor
) -> None:
    """Record the answers given; those to text go to the notifications outbox now (in this
    transaction), to be sent after commit, outside SMS quiet hours."""
    from apps.notifications.services import Recipient, notification_queue

    texted = {answer.pk for answer in to_text}
    answers = {answer.pk: answer for answer in [*given, *to_text]}
    number = contact.caller_number or _primary_number(contact.citizen)
    language = contact.citizen.language if contact.citizen else "ar"
    queued_at = timezone.now() if texted and number else None
    QuickAnswerUse.objects.bulk_create(
        [
            QuickAnswerUse(
                contact=contact,
                quick_answer=a,
                send_by_sms=a.pk in texted,
                sms_queued_at=queued_at if a.pk in texted else None,
            )
            for a in answers.values()
        ],
        ignore_conflicts=True,
    )
    if queued_at is None:
        return
    recipient = Recipient(
        phone=number,
        language=language,
        ref=f"citizens.citizen:{contact.citizen_id}" if contact.citizen_id else "",
    )
    for answer in answers.values():
        if answer.pk in texted:
            notification_queue(
                event="contacts.quick_answer",
                recipient_citizen=recipient,
                context={"answer": answer.body_ar if language == "ar" else answer.body_en},
                channels=["sms"],
                actor=actor,
            )


# ---------------------------------------------------------------- the telephony import


@dataclass
class ImportReport:
    """What became of every record posted: created, unchanged (a repeat of what is stored),
    merged (telephony times added to a contact the console logged first), conflicts (a
    repeat with different data: nothing changed) and errors (not valid: nothing saved)."""

    created: list[dict] = field(default_factory=list)
    unchanged: list[dict] = field(default_factory=list)
    merged: list[dict] = field(default_factory=list)
    conflicts: list[dict] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)

    def summary(self) -> dict:
        return {
            "received": sum(len(x) for x in (self.created, self.unchanged, self.merged, self.conflicts))
            + len({e["line"] for e in self.errors}),
            "created": len(self.created),
            "unchanged": len(self.unchanged),
            "merged": len(self.merged),
            "conflicts": len(self.conflicts),
            "rejected": len({e["line"] for e in self.errors}),
        }

    def as_dict(self) -> dict:
        return {
            "summary": self.summary(),
            "created": self.created,
            "unchanged": self.unchanged,
            "merged": self.merged,
            "conflicts": self.conflicts,
            "errors": self.errors,
        }


# Fields the telephony system knows; the rest (purpose, outcome, notes…) is the agent's wrap-up.
_TELEPHONY_FIELDS = ("offered_at", "answered_at", "ended_at", "caller_number", "agent_id")
_COMPARED = {
    "channel": "channel",
    "offered_at": "offered_at",
    "answered_at": "answered_at",
    "ended_at": "ended_at",
    "caller_number": "caller_number",
    "citizen_cpr": "citizen_id",
    "agent": "agent_id",
    "purpose": "purpose_id",
    "outcome": "outcome",
    "department": "department_id",
    "ticket": "ticket_id",
    "notes": "notes",
}


def contacts_import(
    *, records: Sequence[tuple[int, object]], actor, via: str, pre_errors: Sequence[RowError] = ()
) -> ImportReport:
    """Save a batch of contact records from the telephony system, each row atomically.

    1. Every row is checked on its own (``validation.parse_row``) with the purposes,
       agents, departments and citizens of the whole batch looked up once.
    2. The call id is the idempotency key: a row whose call id is stored already is
       compared with it — identical is ``unchanged``, different is a ``conflict`` naming
       each field, and nothing is updated; a contact the console logged before the
       telephony record arrived gets the telephony times (``merged``) when nothing
       else differs.
    3. New rows are inserted together in one statement (fast path). Should the database
       refuse it (a concurrent import of the same call id), each row is retried alone
       inside its own savepoint, so one row never takes another down with it.
    """
    with history_door("import", actor=actor):
        return _contacts_import(records=records, actor=actor, via=via, pre_errors=pre_errors)


def _contacts_import(*, records, actor, via: str, pre_errors) -> ImportReport:
    report = ImportReport(errors=[e.as_dict() for e in pre_errors])
    lookups = selectors.lookups_for_records(raw for _line, raw in records)
    valid: list[ContactRow] = []
    for line, raw in records:
        row, errors = parse_row(raw, line=line, lookups=lookups)
        if errors:
            report.errors.extend(e.as_dict() for e in errors)
        else:
            valid.append(row)
    stored = {c.call_id: c for c in Contact.objects.filter(call_id__in=[r.call_id for r in valid])}
    new_rows: list[ContactRow] = []
    first_in_batch: dict[str, ContactRow] = {}
    for row in valid:
        if row.call_id in stored:
            _import_existing(row=row, contact=stored[row.call_id], report=report)
        elif row.call_id in first_in_batch:
            differences = _row_differences(row, first_in_batch[row.call_id])
            if differences:
                report.conflicts.append(_conflict(row, None, differences))
            else:
                report.unchanged.append({"line": row.line, "call_id": row.call_id, "id": None})
        else:
            first_in_batch[row.call_id] = row
            new_rows.append(row)
    if new_rows:
        _insert_new(rows=new_rows, actor=actor, via=via, report=report)
    for bucket in (report.created, report.unchanged, report.merged, report.conflicts):
        bucket.sort(key=lambda item: item["line"])
    _fill_batch_repeat_ids(report)
    report.errors.sort(key=lambda item: (item["line"], item["field"]))
    return report


def _fill_batch_repeat_ids(report: ImportReport) -> None:
    ids = {item["call_id"]: item["id"] for item in report.created}
    for item in report.unchanged + report.conflicts:
        if item["id"] is None:
            item["id"] = ids.get(item["call_id"])


def _insert_new(*, rows: list[ContactRow], actor, via: str, report: ImportReport) -> None:
    received = timezone.now()
    try:
        with transaction.atomic():
            ids = _insert_rows(rows, actor=actor, via=via, received=received)
            repeats.contact_flag_repeats(contact_ids=ids)
            # Only a referral or a callback brings more records; building a model instance
            # for every other row would be a large share of a big import's time.
            pairs = [
                (r, Contact(pk=pk, **_contact_fields(r, actor, via, received)))
                for r, pk in zip(rows, ids, strict=True)
                if r.outcome in _OUTCOMES_WITH_RECORDS
            ]
            _after_insert(pairs, actor)
    except IntegrityError:
        for row in rows:
            _insert_one(row=row, actor=actor, via=via, received=received, report=report)
        return
    report.created.extend(
        {"line": r.line, "call_id": r.call_id, "id": pk} for r, pk in zip(rows, ids, strict=True)
    )


_OUTCOMES_WITH_RECORDS = frozenset({Outcome.REFERRED, Outcome.CALLBACK_SCHEDULED})

# The columns written by the bulk insert, with their PostgreSQL array types.
_INSERT_COLUMNS = (
    ("channel", "varchar"),
    ("call_id", "varchar"),
    ("offered_at", "timestamptz"),
    ("answered_at", "timestamptz"),
    ("ended_at", "timestamptz"),
    ("caller_number", "varchar"),
    ("citizen_id", "bigint"),
    ("agent_id", "bigint"),
    ("purpose_id", "bigint"),
    ("outcome", "varchar"),
    ("department_id", "bigint"),
    ("ticket_id", "bigint"),
    ("notes", "text"),
    ("recorded_via", "varchar"),
    ("telephony_received_at", "timestamptz"),
    ("created_by_id", "bigint"),
)


def _insert_rows(rows: list[ContactRow], *, actor, via: str, received) -> list[int]:
    """One INSERT … SELECT FROM unnest(arrays) for the whole batch, ids in row order.

    Django's bulk_create prepares every value of every row through its field in Python,
    which is most of a large import's time; the arrays go to PostgreSQL as they are.
    The table's check constraints still judge every row.
    """
    values = [_contact_fields(r, actor, via, received) for r in rows]
    columns = ", ".join(name for name, _type in _INSERT_COLUMNS)
    arrays = ", ".join(f"%b::{kind}[]" for _name, kind in _INSERT_COLUMNS)
    # WITH ORDINALITY … ORDER BY n keeps the rows in batch order, and RETURNING gives the
    # ids in the order the rows were inserted.
    sql = (
        f"INSERT INTO {Contact._meta.db_table} ({columns}, created_at, updated_at) "
        f"SELECT {columns}, %b, %b FROM unnest({arrays}) WITH ORDINALITY AS t({columns}, n) ORDER BY n "
        "RETURNING id"
    )
    params = [received, received] + [[v[name] for v in values] for name, _type in _INSERT_COLUMNS]
    # Django's cursors bind on the client: psycopg would quote each array into the SQL text
    # in Python. A plain psycopg cursor on the same connection (same transaction) sends
    # them as binary parameters instead, several times faster for a batch of 1,000.
    connection.ensure_connection()
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def _contact_fields(row: ContactRow, actor, via: str, received) -> dict:
    return {
        "channel": row.channel,
        "call_id": row.call_id,
        "offered_at": row.offered_at,
        "answered_at": row.answered_at,
        "ended_at": row.ended_at,
        "caller_number": row.caller_number,
        "citizen_id": row.citizen_id,
        "agent_id": row.agent_id,
        "purpose_id": row.purpose_id,
        "outcome": row.outcome,
        "department_id": row.department_id,
        "ticket_id": row.ticket_id,
        "notes": row.notes,
        "recorded_via": via,
        "telephony_received_at": received,
        "created_by_id": actor.pk if getattr(actor, "pk", None) else None,
    }


def _insert_one(*, row: ContactRow, actor, via: str, received, report: ImportReport) -> None:
    try:
        with transaction.atomic():
            contact = _contact_from_row(row, actor, via, received)
            contact.save(force_insert=True)
            repeats.contact_flag_repeat(contact=contact)
            _after_insert([(row, contact)], actor)
    except IntegrityError as exc:
        existing = Contact.objects.filter(call_id=row.call_id).first()
        if existing is not None:  # another import stored this call id first
            _import_existing(row=row, contact=existing, report=report)
        else:
            report.errors.append(
                RowError(
                    row.line,
                    "",
                    "rejected",
                    _("The database refused this row: %(reason)s")
                    % {"reason": str(exc).splitlines()[0][:200]},
                    row.call_id,
                ).as_dict()
            )
        return
    report.created.append({"line": row.line, "call_id": row.call_id, "id": contact.pk})


def _contact_from_row(row: ContactRow, actor, via: str, received) -> Contact:
    return Contact(**_contact_fields(row, actor, via, received))


def _after_insert(pairs: list[tuple[ContactRow, Contact]], actor) -> None:
    """The records a new contact brings with it: its follow-up and its callback."""
    follow_ups, callbacks = [], []
    for row, contact in pairs:
        if row.outcome == Outcome.REFERRED:
            follow_ups.append(
                FollowUp(
                    contact=contact,
                    citizen_id=row.citizen_id,
                    department_id=row.department_id,
                    due_at=follow_up_due(start=row.answered_at or row.offered_at),
                )
            )
        if row.outcome == Outcome.CALLBACK_SCHEDULED:
            callbacks.append(
                Callback(
                    contact=contact,
                    citizen_id=row.citizen_id,
                    number=row.caller_number,
                    due_at=row.callback_at,
                    assigned_to_id=row.agent_id,
                )
            )
    if follow_ups:
        created = FollowUp.objects.bulk_create(follow_ups)
        FollowUpEvent.objects.bulk_create(
            [
                FollowUpEvent(follow_up=f, from_status="", to_status=FollowUp.Status.OPEN, actor=None)
                for f in created
            ]
        )
    if callbacks:
        Callback.objects.bulk_create(callbacks)


def _row_differences(row: ContactRow, other) -> dict[str, dict]:
    """Fields the row gives whose value differs from ``other`` (a stored contact or a row)."""
    differences = {}
    for name, attribute in _COMPARED.items():
        if name not in row.given and not (name == "outcome" and row.outcome):
            continue
        posted = getattr(row, attribute)
        stored = getattr(other, attribute)
        if (posted or None) != (stored or None):
            differences[name] = {"stored": _jsonable(stored), "posted": _jsonable(posted)}
    return differences


def _jsonable(value):
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def _conflict(row: ContactRow, contact: Contact | None, differences: dict) -> dict:
    return {
        "line": row.line,
        "call_id": row.call_id,
        "id": contact.pk if contact else None,
        "code": "conflict",
        "reason": str(_("This call id is already stored with different data; nothing was changed.")),
        "fields": differences,
    }


def _import_existing(*, row: ContactRow, contact: Contact, report: ImportReport) -> None:
    differences = _row_differences(row, contact)
    if not differences:
        report.unchanged.append({"line": row.line, "call_id": row.call_id, "id": contact.pk})
        return
    if contact.telephony_received_at is None and contact.channel == row.channel:
        # Logged by the console before the telephony record came: the times are the
        # telephony system's to give, the wrap-up is the agent's and must agree.
        wrap_up = {k: v for k, v in differences.items() if _COMPARED[k] not in _TELEPHONY_FIELDS}
        if row.agent_id and contact.agent_id and row.agent_id != contact.agent_id:
            wrap_up["agent"] = differences["agent"]
        if not wrap_up:
            merged = _merge_telephony(row=row, contact=contact)
            if merged is not None:
                report.merged.append(
                    {
                        "line": row.line,
                        "call_id": row.call_id,
                        "id": contact.pk,
                        "fields": sorted(differences),
                    }
                )
                return
            differences = {**differences, "times": {"stored": None, "posted": None}}
    report.conflicts.append(_conflict(row, contact, differences))


def _merge_telephony(*, row: ContactRow, contact: Contact) -> Contact | None:
    """Write the telephony times onto a console-logged contact; ``None`` if they do not fit."""
    with transaction.atomic():
        locked = Contact.objects.select_for_update().get(pk=contact.pk)
        if locked.telephony_received_at is not None:
            return None
        answered_at = row.answered_at if "answered_at" in row.given else locked.answered_at
        offered_at = row.offered_at
        ended_at = row.ended_at if "ended_at" in row.given else locked.ended_at
        if rule_errors(
            outcome=locked.outcome,
            offered_at=offered_at,
            answered_at=answered_at,
            ended_at=ended_at,
            has_department=bool(locked.department_id),
            has_ticket=bool(locked.ticket_id),
            callback_at=None if locked.outcome != Outcome.CALLBACK_SCHEDULED else offered_at,
        ):
            return None
        locked.offered_at, locked.answered_at, locked.ended_at = offered_at, answered_at, ended_at
        locked.caller_number = locked.caller_number or row.caller_number
        locked.agent_id = locked.agent_id or row.agent_id
        locked.telephony_received_at = timezone.now()
        locked.save(
            update_fields=[
                "offered_at",
                "answered_at",
                "ended_at",
                "caller_number",
                "agent",
                "telephony_received_at",
                "updated_at",
            ]
        )
        # The telephony time of the call may move it across the repeat window.
        return repeats.contact_flag_repeat(contact=locked)
