"""Writes to campaigns: the campaign and its status, "next call", dispositions with the
retry rules and the fall-back SMS, exclusions, and the data-update changes.

Targets are added by ``apps.campaigns.imports`` (files, API batches and filters).
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from django.db import connection, transaction
from django.db.backends.postgresql.base import ServerBindingCursor
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.campaigns import hours
from apps.campaigns.models import (
    BAD_NUMBER,
    KIND_PURPOSES,
    REACHED,
    RETRIED,
    Attempt,
    Campaign,
    CampaignEvent,
    DataChange,
    Disposition,
    Kind,
    OptOut,
    Target,
    WrongNumber,
)
from apps.core.errors import Conflict, NotFound, ValidationFailed

# ---------------------------------------------------------------- the campaign

_EDITABLE = (
    "name_ar",
    "name_en",
    "kind",
    "purpose",
    "starts_on",
    "ends_on",
    "calling_days",
    "calling_opens",
    "calling_closes",
    "max_attempts",
    "min_gap_minutes",
    "script_ar",
    "script_en",
    "fallback_sms_ar",
    "fallback_sms_en",
)


def _purpose_for(kind: str):
    from apps.contacts.selectors import purpose_by_code

    purpose = purpose_by_code(code=KIND_PURPOSES.get(kind, "other"))
    if purpose is None:
        raise NotFound()
    return purpose


def _check_fields(values: dict) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not (values.get("name_ar") or "").strip():
        errors.setdefault("name_ar", []).append(_("The campaign's name in Arabic is required."))
    if values.get("kind") not in Kind.values:
        errors.setdefault("kind", []).append(_("Choose the kind of campaign."))
    starts, ends = values.get("starts_on"), values.get("ends_on")
    if not isinstance(starts, date):
        errors.setdefault("starts_on", []).append(_("Give the start date."))
    if not isinstance(ends, date):
        errors.setdefault("ends_on", []).append(_("Give the end date."))
    if isinstance(starts, date) and isinstance(ends, date) and ends < starts:
        errors.setdefault("ends_on", []).append(_("The campaign ends before it starts."))
    opens, closes = values.get("calling_opens"), values.get("calling_closes")
    if not isinstance(opens, time) or not isinstance(closes, time) or closes <= opens:
        errors.setdefault("calling_closes", []).append(_("Calling hours must end after they start."))
    days = values.get("calling_days")
    if not days or any(not isinstance(d, int) or d < 0 or d > 6 for d in days):
        errors.setdefault("calling_days", []).append(_("Choose at least one calling day."))
    attempts = values.get("max_attempts")
    if not isinstance(attempts, int) or not 1 <= attempts <= 20:
        errors.setdefault("max_attempts", []).append(_("Between 1 and 20 attempts."))
    gap = values.get("min_gap_minutes")
    if not isinstance(gap, int) or not 0 <= gap <= 60 * 24 * 30:
        errors.setdefault("min_gap_minutes", []).append(_("Between 0 minutes and 30 days."))
    for name in ("script_ar", "script_en", "fallback_sms_ar", "fallback_sms_en"):
        if len(values.get(name) or "") > 5_000:
            errors.setdefault(name, []).append(_("At most 5,000 characters."))
    return errors


@transaction.atomic
def campaign_create(*, actor, **fields) -> Campaign:
    """Create a campaign as a draft; the purpose follows the kind unless given."""
    unknown = set(fields) - set(_EDITABLE)
    if unknown:
        raise ValidationFailed(details={name: [_("Unknown field.")] for name in sorted(unknown)})
    campaign = Campaign(created_by=actor if getattr(actor, "pk", None) else None)
    values = {name: getattr(campaign, name, None) for name in _EDITABLE if name != "purpose"}
    values.update(fields)
    errors = _check_fields(values)
    if errors:
        raise ValidationFailed(details=errors)
    for name, value in values.items():
        setattr(campaign, name, value.strip() if isinstance(value, str) else value)
    campaign.purpose = fields.get("purpose") or _purpose_for(campaign.kind)
    campaign.save()
    CampaignEvent.objects.create(
        campaign=campaign, from_status="", to_status=campaign.status, actor=actor, at=timezone.now()
    )
    return campaign


@transaction.atomic
def campaign_update(*, campaign: Campaign, actor, **fields) -> Campaign:
    unknown = set(fields) - set(_EDITABLE)
    if unknown:
        raise ValidationFailed(details={name: [_("Unknown field.")] for name in sorted(unknown)})
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status == Campaign.Status.FINISHED:
        raise Conflict(_("A finished campaign cannot be changed."), code="campaign_finished")
    if "kind" in fields and fields["kind"] != campaign.kind and campaign.status != Campaign.Status.DRAFT:
        raise Conflict(_("The kind can be changed only while the campaign is a draft."), code="kind_locked")
    values = {name: getattr(campaign, name) for name in _EDITABLE if name != "purpose"}
    values.update({k: v for k, v in fields.items() if k != "purpose"})
    errors = _check_fields(values)
    if errors:
        raise ValidationFailed(details=errors)
    for name, value in fields.items():
        setattr(campaign, name, value.strip() if isinstance(value, str) else value)
    campaign.save(update_fields=[*fields, "updated_at"])
    return campaign


@transaction.atomic
def campaign_transition(*, campaign: Campaign, to_status: str, actor, reason: str = "", now=None) -> Campaign:
    """Move a campaign along draft → running ⇄ paused → finished.

    Starting (or resuming) needs the call script and at least one target still to call;
    finishing releases the targets agents hold.
    """
    now = now or timezone.now()
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    current = campaign.status
    if to_status not in Campaign.Status.values or to_status not in Campaign.ALLOWED_MOVES[current]:
        raise Conflict(
            _("A campaign cannot go from %(from)s to %(to)s.")
            % {"from": Campaign.Status(current).label, "to": _status_label(to_status)},
            code="invalid_transition",
            details={"from": current, "to": to_status},
        )
    if to_status == Campaign.Status.RUNNING:
        errors: dict[str, list[str]] = {}
        if not (campaign.script_ar or "").strip():
            errors["script_ar"] = [_("Write the call script before starting the campaign.")]
        if not Target.objects.filter(campaign=campaign, status=Target.Status.PENDING).exists():
            errors["targets"] = [_("Add the citizens to call before starting the campaign.")]
        if errors:
            raise ValidationFailed(
                _("The campaign cannot start yet."), code="campaign_not_ready", details=errors
            )
    if to_status == Campaign.Status.FINISHED:
        Target.objects.filter(campaign=campaign, status=Target.Status.CLAIMED).update(
            status=Target.Status.PENDING, claimed_by=None, claimed_at=None
        )
    campaign.status = to_status
    campaign.save(update_fields=["status", "updated_at"])
    CampaignEvent.objects.create(
        campaign=campaign, from_status=current, to_status=to_status, actor=actor, at=now, reason=reason or ""
    )
    return campaign


def _status_label(value: str) -> str:
    try:
        return str(Campaign.Status(value).label)
    except ValueError:
        return value


# ---------------------------------------------------------------- the call list

# One statement, one round trip: the target the agent already holds, else the oldest due
# one. The inner SELECT locks one due row and skips rows other agents are locking at that
# instant (SKIP LOCKED), so twenty agents pressing "next call" together each get a different
# target without waiting on each other; the UPDATE marks it claimed in the same statement.
# Served by the partial indexes target_claimed and target_due_queue (pending rows only).
# ``{columns}`` is the model's column list, named rather than ``*`` so the prepared
# statement (below) keeps its result type when a migration adds a column.
_CLAIM_SQL = """
WITH {quick_commit}held AS (
    SELECT {columns} FROM campaigns_target
    WHERE campaign_id = %(campaign)s AND status = 'claimed' AND claimed_by_id = %(agent)s
    ORDER BY claimed_at LIMIT 1
), claimed AS (
    UPDATE campaigns_target SET status = 'claimed', claimed_by_id = %(agent)s, claimed_at = %(now)s
    WHERE NOT EXISTS (SELECT 1 FROM held){quick_commit_used} AND id = (
        SELECT id FROM campaigns_target
        WHERE campaign_id = %(campaign)s AND status = 'pending' AND next_due_at <= %(now)s
          AND (callback_for_id IS NULL OR callback_for_id = %(agent)s)
        ORDER BY next_due_at, id
        LIMIT 1
        FOR UPDATE SKIP LOCKED
    )
    RETURNING {columns}
)
SELECT * FROM held UNION ALL SELECT * FROM claimed
"""
# When the claim is a transaction of its own, it commits without waiting for the WAL flush
# (``synchronous_commit`` off for that one transaction, set inside the same statement so it
# costs no round trip). The row lock and the new status are visible to every other agent at
# commit as always, so no target can be handed out twice; only a database crash in the next
# fraction of a second could forget the claim, and a forgotten claim is a target back on the
# list. A caller's own transaction keeps its durability (the plain statement).
_QUICK_COMMIT = "quick_commit AS MATERIALIZED (SELECT set_config('synchronous_commit', 'off', true)), "
_QUICK_COMMIT_USED = " AND EXISTS (SELECT 1 FROM quick_commit)"


@lru_cache(maxsize=2)
def _claim_statement(own_transaction: bool) -> tuple[str, tuple]:
    fields = tuple(Target._meta.concrete_fields)
    columns = ", ".join(f'"{f.column}"' for f in fields)
    sql = _CLAIM_SQL.format(
        columns=columns,
        quick_commit=_QUICK_COMMIT if own_transaction else "",
        quick_commit_used=_QUICK_COMMIT_USED if own_transaction else "",
    )
    return sql, fields


def _claim_row(params: dict) -> Target | None:
    """Run the claim with server-side parameters, so psycopg prepares it after a few calls
    on a connection (no parse and plan per "next call"); Django's cursor wrapper is kept,
    so errors, execute wrappers and query logging see it like any other query."""
    sql, fields = _claim_statement(not connection.in_atomic_block)
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    raw = ServerBindingCursor(connection.connection)
    cursor = connection.make_debug_cursor(raw) if connection.queries_logged else connection.make_cursor(raw)
    with cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    values = []
    for field, value in zip(fields, row, strict=True):
        for converter in field.get_db_converters(connection):
            value = converter(value, field, connection)
        values.append(value)
    return Target.from_db(connection.alias, [f.attname for f in fields], values)


def target_claim_next(
    *, campaign: Campaign, actor, now: datetime | None = None, calendar=None
) -> Target | None:
    """Give ``actor`` the next due target of ``campaign``, never one another agent holds.

    1. The campaign must be running and ``now`` inside its calling hours.
    2. A target the agent already holds (a page reloaded, a browser closed) comes back
       first: an agent holds at most one target of a campaign at a time.
    3. Otherwise the oldest due target is claimed — both in one statement (``_CLAIM_SQL``),
       which commits on its own (or with the caller's transaction).
    Returns ``None`` when nothing is due now.
    """
    now = now or timezone.now()
    if campaign.status != Campaign.Status.RUNNING:
        raise Conflict(_("This campaign is not running."), code="campaign_not_running")
    if calendar is None:
        from apps.sla.selectors import get_calendar

        calendar = get_calendar()
    if not hours.is_calling_time(campaign, now, calendar):
        raise Conflict(_("It is outside this campaign's calling hours."), code="outside_calling_hours")
    target = _claim_row({"agent": actor.pk, "now": now, "campaign": campaign.pk})
    if target is None:
        return None
    target.campaign = campaign
    return target


@transaction.atomic
def target_release(*, target: Target, actor) -> Target:
    """Hand a claimed target back to the list, due at once, without an attempt."""
    target = Target.objects.select_for_update().get(pk=target.pk)
    _check_held(target, actor)
    target.status = Target.Status.PENDING
    target.claimed_by = target.claimed_at = None
    target.save(update_fields=["status", "claimed_by", "claimed_at"])
    return target


def targets_release_stale(
    *, older_than: timedelta = timedelta(minutes=30), now: datetime | None = None
) -> int:
    """Put back on the list the targets claimed longer ago than ``older_than`` (an agent who
    went home mid-call); one conditional UPDATE, safe to run at any time."""
    now = now or timezone.now()
    return Target.objects.filter(status=Target.Status.CLAIMED, claimed_at__lt=now - older_than).update(
        status=Target.Status.PENDING, claimed_by=None, claimed_at=None
    )


def _check_held(target: Target, actor) -> None:
    if target.status == Target.Status.CLAIMED and target.claimed_by_id == actor.pk:
        return
    if target.is_closed:
        raise Conflict(
            _("This citizen's call is already finished (%(status)s).")
            % {"status": target.get_status_display()},
            code="target_finished",
        )
    if target.status == Target.Status.CLAIMED:
        raise Conflict(_("Another agent is calling this citizen."), code="target_claimed_by_another")
    raise Conflict(_("Press “next call” to take this citizen first."), code="target_not_claimed")


def target_ensure_citizen(*, target: Target, actor) -> Target:
    """Link the target to the citizen of its CPR, creating the citizen from the imported
    row when the ministry has no file yet, so every attempt lands on a 360° timeline."""
    if target.citizen_id:
        return target
    from apps.citizens import selectors as citizen_selectors
    from apps.citizens import services as citizen_services

    with transaction.atomic():
        citizen = citizen_selectors.citizen_by_cpr(cpr=target.cpr)
        if citizen is None:
            try:
                with transaction.atomic():
                    citizen = citizen_services.citizen_create(
                        cpr=target.cpr, name_ar=target.name, phones=target.phones, actor=actor
                    )
            except Conflict:  # created meanwhile by someone else
                citizen = citizen_selectors.citizen_by_cpr(cpr=target.cpr)
        Target.objects.filter(pk=target.pk).update(citizen=citizen)
    target.citizen = citizen
    return target


def _disposition_errors(
    *, target: Target, disposition: str, callback_at, answer: str, now: datetime, calendar
) -> dict[str, list[str]]:
    campaign = target.campaign
    errors: dict[str, list[str]] = {}
    if disposition not in Disposition.values:
        errors["disposition"] = [_("Choose what happened on the call.")]
        return errors
    if disposition == Disposition.CALLBACK:
        if callback_at is None:
            errors["callback_at"] = [_("Give the time to call back.")]
        elif callback_at <= now:
            errors["callback_at"] = [_("A callback must be in the future.")]
        elif not hours.is_calling_time(campaign, callback_at, calendar):
            errors["callback_at"] = [
                _("Call back within the calling hours: %(days)s, %(opens)s–%(closes)s, before %(ends)s.")
                % {
                    "days": weekday_names(campaign.calling_days),
                    "opens": campaign.calling_opens.strftime("%H:%M"),
                    "closes": campaign.calling_closes.strftime("%H:%M"),
                    "ends": campaign.ends_on.isoformat(),
                }
            ]
    if (
        campaign.kind == Kind.DRAW_INVITATION
        and disposition == Disposition.DONE
        and answer not in Target.Answer.values
    ):
        errors["answer"] = [_("Record whether the citizen will attend the draw.")]
    return errors


def weekday_names(days) -> str:
    from django.utils.dates import WEEKDAYS

    # Sunday first, as the week is read in Bahrain.
    order = [6, 0, 1, 2, 3, 4, 5]
    return "، ".join(str(WEEKDAYS[d]) for d in order if d in days)


@transaction.atomic
def target_record_disposition(
    *,
    target: Target,
    actor,
    disposition: str,
    notes: str = "",
    callback_at: datetime | None = None,
    callback_mine: bool = True,
    answer: str = "",
    do_not_call: bool = False,
    booking: dict | None = None,
    now: datetime | None = None,
    calendar=None,
) -> Attempt:
    """Record what happened on the call to a target the agent holds.

    1. Lock the target; only the agent holding it may record (a finished target, or one
       another agent holds, is refused). Check the disposition's own needs: a callback time
       inside the calling hours, the draw answer.
    2. The attempt is a contact (outbound call, the campaign's purpose, an outcome) on the
       citizen's 360° timeline (the citizen is filed from the imported row if new).
    3. A hand-over call marked done books the branch appointment (``booking``:
       ``{"branch": id, "slot_start": datetime}``) through apps.appointments in this same
       transaction, so a slot taken meanwhile leaves nothing recorded.
    4. The retry rules decide what comes next (``_apply_rules``); the last failed attempt
       queues the fall-back SMS once; a draw invitation accepted queues its details by SMS.
    """
    now = now or timezone.now()
    if calendar is None:
        from apps.sla.selectors import get_calendar

        calendar = get_calendar()
    target = Target.objects.select_for_update().select_related("campaign").filter(pk=target.pk).first()
    if target is None:
        raise NotFound()
    _check_held(target, actor)
    campaign = target.campaign
    notes = (notes or "").strip()
    errors = _disposition_errors(
        target=target,
        disposition=disposition,
        callback_at=callback_at,
        answer=answer,
        now=now,
        calendar=calendar,
    )
    if len(notes) > 5_000:
        errors["notes"] = [_("Notes are limited to 5,000 characters.")]
    needs_booking = campaign.kind == Kind.HANDOVER and disposition == Disposition.DONE
    if needs_booking and not (booking and booking.get("branch") and booking.get("slot_start")):
        errors["slot"] = [_("Book the hand-over appointment before finishing the call.")]
    if errors:
        raise ValidationFailed(details=errors)
    if campaign.kind != Kind.DRAW_INVITATION or disposition != Disposition.DONE:
        answer = ""

    target_ensure_citizen(target=target, actor=actor)
    appointment = None
    if needs_booking:
        from apps.campaigns import handover

        appointment = handover.book(
            citizen=target.citizen,
            branch_id=booking["branch"],
            slot_start=booking["slot_start"],
            actor=actor,
            now=now,
        )
    phone = target.phones[0] if target.phones else ""
    contact = _log_contact(
        target=target,
        actor=actor,
        disposition=disposition,
        notes=notes,
        phone=phone,
        callback_at=callback_at,
        appointment=appointment,
        now=now,
    )
    target.attempts += 1
    attempt = Attempt.objects.create(
        campaign=campaign,
        target=target,
        number=target.attempts,
        agent=actor,
        disposition=disposition,
        phone=phone,
        started_at=min(target.claimed_at or now, now),
        at=now,
        callback_at=callback_at if disposition == Disposition.CALLBACK else None,
        answer=answer,
        notes=notes,
        contact=contact,
        appointment_ref=appointment.reference if appointment is not None else "",
    )
    _apply_rules(
        target=target,
        attempt=attempt,
        actor=actor,
        callback_mine=callback_mine,
        now=now,
        calendar=calendar,
    )
    if do_not_call and disposition == Disposition.REFUSED:
        opt_out_add(
            cpr=target.cpr, kind=campaign.kind, reason=_("Asked during a campaign call."), actor=actor
        )
    return attempt


def _apply_rules(*, target: Target, attempt: Attempt, actor, callback_mine: bool, now, calendar) -> None:
    """The retry rules.

    - done / refused: the target is finished;
    - call back: it comes back at the time agreed, for this agent or for any;
    - no answer, busy, switched off: it comes back after the campaign's minimum gap, at the
      next instant inside the calling hours (so never on a weekend or a holiday); the last
      allowed attempt exhausts it and queues the fall-back SMS;
    - wrong number, not in service: the number is recorded as wrong and dropped; with
      another number left the target comes back at once, else it is unreachable.
    """
    campaign = target.campaign
    disposition = attempt.disposition
    target.last_disposition = disposition
    target.last_attempt_at = now
    target.claimed_by = None
    target.claimed_at = None
    target.callback_for = None
    if disposition in REACHED and target.reached_at is None:
        target.reached_at = now
    if attempt.answer:
        target.answer = attempt.answer
    fallback = False
    if disposition == Disposition.DONE:
        target.status = Target.Status.DONE
        if attempt.answer == Target.Answer.WILL_ATTEND:
            _queue_draw_invitation(target=target, actor=actor, now=now)
    elif disposition == Disposition.REFUSED:
        target.status = Target.Status.REFUSED
    elif disposition == Disposition.CALLBACK:
        target.status = Target.Status.PENDING
        target.next_due_at = attempt.callback_at
        target.callback_for = actor if callback_mine else None
    elif disposition in RETRIED:
        if target.attempts >= campaign.max_attempts:
            target.status = Target.Status.EXHAUSTED
            fallback = True
        else:
            due = hours.next_calling_instant(
                campaign, now + timedelta(minutes=campaign.min_gap_minutes), calendar
            )
            target.status = Target.Status.PENDING if due else Target.Status.EXHAUSTED
            target.next_due_at = due or target.next_due_at
            fallback = due is None
    elif disposition in BAD_NUMBER:
        wrong_number_record(number=attempt.phone, reason=disposition, actor=actor, campaign=campaign, now=now)
        target.phones = [p for p in target.phones if p != attempt.phone]
        if not target.phones:
            target.status = Target.Status.UNREACHABLE
        elif target.attempts >= campaign.max_attempts:
            target.status = Target.Status.EXHAUSTED
            fallback = True
        else:
            target.status = Target.Status.PENDING
            target.next_due_at = hours.next_calling_instant(campaign, now, calendar) or now
    target.save(
        update_fields=[
            "status",
            "attempts",
            "next_due_at",
            "callback_for",
            "claimed_by",
            "claimed_at",
            "last_disposition",
            "last_attempt_at",
            "reached_at",
            "answer",
            "phones",
        ]
    )
    if fallback:
        fallback_sms_queue(target=target, actor=actor, now=now)


def _log_contact(*, target, actor, disposition, notes, phone, callback_at, appointment, now):
    from apps.contacts.models import Channel, Outcome
    from apps.contacts.services import contact_log

    campaign = target.campaign
    if disposition in REACHED:
        outcome = {
            Disposition.DONE: Outcome.APPOINTMENT_BOOKED if appointment is not None else Outcome.RESOLVED,
            Disposition.REFUSED: Outcome.RESOLVED,
            Disposition.CALLBACK: Outcome.CALLBACK_SCHEDULED,
        }[disposition]
        answered_at = min(target.claimed_at or now, now)
    else:
        outcome, answered_at = Outcome.ABANDONED, None
    summary = _("Campaign “%(campaign)s”: %(disposition)s.") % {
        "campaign": campaign.name(),
        "disposition": Disposition(disposition).label,
    }
    return contact_log(
        actor=actor,
        channel=Channel.OUTBOUND_CALL,
        purpose=campaign.purpose,
        outcome=outcome,
        citizen=target.citizen,
        caller_number=phone,
        notes=f"{summary}\n{notes}" if notes else summary,
        answered_at=answered_at,
        callback_at=callback_at if disposition == Disposition.CALLBACK else None,
        callback_list=False,
        appointment=appointment,
        now=now,
    )


# ---------------------------------------------------------------- the SMS


_PLACEHOLDER = re.compile(r"\{\s*(\w+)\s*\}")


def fill_placeholders(text: str, values: dict) -> str:
    """``{name}``-style placeholders filled from ``values``; unknown ones are left visible,
    so a typo in a script shows on the agent's screen rather than failing the call."""
    return _PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), m.group(0))), text or "")


def placeholder_values(target: Target, *, agent=None) -> dict:
    values = {str(k): v for k, v in (target.fields or {}).items()}
    values.update(
        {
            "name": target.name,
            "campaign": target.campaign.name(),
            "cpr_last4": target.cpr[-4:],
            "agent": agent.display_name() if agent is not None and hasattr(agent, "display_name") else "",
        }
    )
    return values


def _recipient(target: Target):
    from apps.citizens.validation import is_mobile
    from apps.notifications.services import Recipient

    mobiles = [p for p in target.phones if is_mobile(p)]
    citizen = target.citizen
    return Recipient(
        phone=mobiles[0] if mobiles else (target.phones[0] if target.phones else ""),
        language=citizen.language if citizen else "ar",
        ref=citizen.notification_ref if citizen else "",
    )


def fallback_sms_queue(*, target: Target, actor, now: datetime | None = None) -> bool:
    """Queue the campaign's "we could not reach you" SMS for ``target``, once ever.

    The conditional UPDATE claims the right to send (``fallback_sms_at`` empty → now) in
    the caller's transaction: a second call, or a concurrent one, updates no row and sends
    nothing. Returns whether it queued the SMS.
    """
    from apps.notifications.services import notification_queue

    now = now or timezone.now()
    claimed = Target.objects.filter(pk=target.pk, fallback_sms_at__isnull=True).update(fallback_sms_at=now)
    if not claimed:
        return False
    target.fallback_sms_at = now
    recipient = _recipient(target)
    text = fill_placeholders(target.campaign.fallback_sms(recipient.language), placeholder_values(target))
    if not text.strip() or not recipient.phone:
        return True  # nothing to say or nowhere to say it: recorded as done, never retried
    notification_queue(
        event="campaigns.unreached",
        recipient_citizen=recipient,
        context={"message": text},
        channels=["sms"],
        actor=actor,
        now=now,
    )
    return True


def _queue_draw_invitation(*, target: Target, actor, now) -> None:
    from apps.notifications.services import notification_queue

    recipient = _recipient(target)
    if not recipient.phone:
        return
    fields = target.fields or {}
    notification_queue(
        event="campaigns.draw_invitation",
        recipient_citizen=recipient,
        context={
            "project": str(fields.get("project") or target.campaign.name()),
            "draw_date": str(fields.get("draw_date") or ""),
            "place": str(fields.get("place") or ""),
        },
        channels=["sms"],
        actor=actor,
        now=now,
    )


# ---------------------------------------------------------------- exclusion lists


@transaction.atomic
def opt_out_add(*, cpr: str, kind: str = "", reason: str = "", actor) -> OptOut:
    """Record that a citizen asked not to be called for ``kind`` (empty: any campaign); their
    targets still waiting in campaigns of that kind are excluded at once."""
    from apps.citizens.validation import normalize_cpr

    cpr = normalize_cpr(cpr)
    if kind and kind not in Kind.values:
        raise ValidationFailed(details={"kind": [_("Choose the kind of campaign.")]})
    opt_out, _created = OptOut.objects.get_or_create(
        cpr=cpr, kind=kind, defaults={"reason": (reason or "")[:200], "created_by": actor}
    )
    waiting = Target.objects.filter(cpr=cpr, status=Target.Status.PENDING)
    if kind:
        waiting = waiting.filter(campaign__kind=kind)
    waiting.update(
        status=Target.Status.EXCLUDED,
        exclusion=Target.Exclusion.OPTED_OUT,
        exclusion_detail=(reason or "")[:200],
    )
    return opt_out


def wrong_number_record(*, number: str, reason: str, actor, campaign=None, now=None) -> WrongNumber | None:
    if not number:
        return None
    wrong, _created = WrongNumber.objects.update_or_create(
        number=number,
        defaults={
            "reason": reason,
            "recorded_by": actor,
            "recorded_at": now or timezone.now(),
            "campaign": campaign,
        },
    )
    return wrong


# ---------------------------------------------------------------- data-update calls

_ADDRESS_FIELDS = ("block", "road", "building", "flat", "area")


def _held_for_data_update(target: Target, actor) -> Target:
    target = Target.objects.select_for_update().select_related("campaign").get(pk=target.pk)
    _check_held(target, actor)
    return target_ensure_citizen(target=target, actor=actor)


@transaction.atomic
def data_update_confirm_phone(*, target: Target, phone_id: int, actor, now=None) -> DataChange:
    """The citizen confirms a number on file (recorded on the phone: who and when)."""
    from apps.citizens import services as citizen_services
    from apps.citizens.selectors import citizen_phone

    now = now or timezone.now()
    target = _held_for_data_update(target, actor)
    phone = citizen_phone(citizen=target.citizen, phone_id=phone_id)
    citizen_services.citizen_phone_confirm(phone=phone, actor=actor, now=now)
    return DataChange.objects.create(
        target=target,
        citizen=target.citizen,
        what=DataChange.What.PHONE_CONFIRMED,
        after=str(phone.number),
        actor=actor,
        at=now,
    )


@transaction.atomic
def data_update_add_phone(*, target: Target, number: str, make_primary: bool, actor, now=None) -> DataChange:
    from apps.citizens import services as citizen_services

    now = now or timezone.now()
    target = _held_for_data_update(target, actor)
    phone = citizen_services.citizen_phone_add(
        citizen=target.citizen, number=number, actor=actor, make_primary=make_primary, confirmed=True, now=now
    )
    return DataChange.objects.create(
        target=target,
        citizen=target.citizen,
        what=DataChange.What.PHONE_ADDED,
        after=str(phone.number),
        actor=actor,
        at=now,
    )


@transaction.atomic
def data_update_flag_wrong_phone(*, target: Target, phone_id: int, actor, now=None) -> DataChange:
    """The number on file is not the citizen's: recorded as wrong (future campaigns skip it)."""
    from apps.citizens.selectors import citizen_phone

    now = now or timezone.now()
    target = _held_for_data_update(target, actor)
    phone = citizen_phone(citizen=target.citizen, phone_id=phone_id)
    wrong_number_record(
        number=str(phone.number),
        reason=Disposition.WRONG_NUMBER,
        actor=actor,
        campaign=target.campaign,
        now=now,
    )
    return DataChange.objects.create(
        target=target,
        citizen=target.citizen,
        what=DataChange.What.PHONE_WRONG,
        before=str(phone.number),
        actor=actor,
        at=now,
    )


@transaction.atomic
def data_update_address(*, target: Target, address: dict, actor, now=None) -> DataChange:
    """The citizen confirms or corrects the address; the change is kept with who and when."""
    from apps.citizens import services as citizen_services

    now = now or timezone.now()
    target = _held_for_data_update(target, actor)
    citizen = target.citizen
    new = {name: str(address.get(name) or "").strip() for name in _ADDRESS_FIELDS}
    too_long = {
        name: [_("At most %(n)s characters.") % {"n": 100 if name == "area" else 10}]
        for name, value in new.items()
        if len(value) > (100 if name == "area" else 10)
    }
    if too_long:
        raise ValidationFailed(details=too_long)
    old = {name: getattr(citizen, name) or "" for name in _ADDRESS_FIELDS}
    changed = {name: value for name, value in new.items() if value != old[name]}
    if changed:
        citizen_services.citizen_update(
            citizen=citizen,
            actor=actor,
            reason=_("Address given by the citizen in a data-update campaign call"),
            **changed,
        )
    return DataChange.objects.create(
        target=target,
        citizen=citizen,
        what=DataChange.What.ADDRESS_CHANGED if changed else DataChange.What.ADDRESS_CONFIRMED,
        before=_address_text(old) if changed else "",
        after=_address_text(new),
        actor=actor,
        at=now,
    )


def _address_text(values: dict) -> str:
    labels = {"flat": _("Flat"), "building": _("Building"), "road": _("Road"), "block": _("Block")}
    parts = [f"{labels[k]} {values[k]}" for k in ("flat", "building", "road", "block") if values.get(k)]
    if values.get("area"):
        parts.append(values["area"])
    return "، ".join(parts)[:300]
