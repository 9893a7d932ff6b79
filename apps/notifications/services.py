"""Writes of the notifications app: queue, deliver, sweep, resend, read, templates, preferences.

Other apps call ``notification_queue`` inside their own transaction; everything else is
this app's business (its tasks, views and admin).
"""

from __future__ import annotations

import inspect
import logging
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, ParamSpec, Protocol, runtime_checkable
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.core.errors import Conflict, PermissionDenied, ValidationFailed
from apps.core.handover import hand_over_on_commit
from apps.notifications import conf, events, selectors
from apps.notifications.backends import (
    DeliveryError,
    OutgoingSms,
    TransientDeliveryError,
    get_sms_backend,
)
from apps.notifications.backends.email import send_email
from apps.notifications.choices import FALLBACK_LANGUAGE, Audience, Channel, Language, State
from apps.notifications.models import MessageTemplate, Notification, NotificationPreference
from apps.notifications.rendering import plain_values, prepare_context, render_text, template_problems
from apps.notifications.sms import UnusablePhone, normalise_mobile

logger = logging.getLogger(__name__)
P = ParamSpec("P")


# --------------------------------------------------------------------------- recipients


@dataclass(frozen=True)
class Recipient:
    """A person to notify, as plain data, so this app needs no other app's models.

    ``ref`` names the person in their own app (``citizens.citizen:42``) and links the
    rows to their timeline; ``opted_out`` is the person's own flag if the caller knows
    it, otherwise (None) the preferences kept here decide.
    """

    phone: str = ""
    email: str = ""
    language: str = ""
    opted_out: bool | None = None
    ref: str = ""


@runtime_checkable
class Notifiable(Protocol):
    """What a citizen model implements to be passed as ``recipient_citizen`` directly."""

    def as_notification_recipient(self) -> Recipient: ...


def as_recipient(value: Recipient | Notifiable | Mapping | None) -> Recipient:
    if value is None:
        return Recipient()
    if isinstance(value, Recipient):
        return value
    if isinstance(value, Notifiable):
        return value.as_notification_recipient()
    if isinstance(value, Mapping):
        return Recipient(**value)
    raise TypeError(f"Cannot notify a {type(value).__name__}: pass a Recipient or implement Notifiable.")


def _language(*candidates: str | None) -> str:
    for candidate in candidates:
        if candidate and candidate[:2] in Language.values:
            return candidate[:2]
    return FALLBACK_LANGUAGE


def preference_keys(recipient: Recipient) -> list[str]:
    keys = []
    if recipient.ref:
        keys.append(recipient.ref)
    if recipient.phone:
        keys.append(selectors.preference_key_for_phone(recipient.phone))
    if recipient.email:
        keys.append(selectors.preference_key_for_email(recipient.email))
    return keys


# --------------------------------------------------------------------------- quiet hours


def quiet_hours_end(now: datetime) -> datetime | None:
    """When the SMS quiet hours around ``now`` end, or None if ``now`` is outside them."""
    zone = ZoneInfo(conf.get("HOUSING_SMS_QUIET_TIMEZONE"))
    start, end = conf.get("HOUSING_SMS_QUIET_START"), conf.get("HOUSING_SMS_QUIET_END")
    local = now.astimezone(zone)
    moment = local.time()
    if start > end:  # the window crosses midnight, e.g. 21:00–07:00
        if moment >= start:
            day = local.date() + timedelta(days=1)
        elif moment < end:
            day = local.date()
        else:
            return None
    elif start <= moment < end:
        day = local.date()
    else:
        return None
    return datetime.combine(day, end, tzinfo=zone)


# --------------------------------------------------------------------------- queueing


def _publish(ids: list[int]) -> None:
    """Hand rows to Celery. Runs after commit; a broker outage only delays them.

    One row travels as ``notifications.deliver``; more travel together as
    ``notifications.deliver_batch`` tasks of up to ``HOUSING_NOTIFY_TASK_BATCH`` ids, so a
    campaign of thousands costs a few hundred broker messages, not thousands. Any failure
    is logged and swallowed on purpose: the rows are safely committed and the sweep hands
    them over again once the broker answers.
    """
    from apps.notifications.tasks import deliver, deliver_batch

    size = int(conf.get("HOUSING_NOTIFY_TASK_BATCH"))
    chunks = [ids[i : i + size] for i in range(0, len(ids), size)]
    published = 0
    try:
        # A pooled connection, checked once with a single quick retry: left to itself
        # kombu keeps retrying for seconds, which would hold up the request that
        # committed the event while the broker is down.
        with deliver.app.pool.acquire(block=True) as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0.2, timeout=2)
            for chunk in chunks:
                if len(chunk) == 1:
                    deliver.apply_async((chunk[0],), connection=conn, retry=False)
                else:
                    deliver_batch.apply_async((chunk,), connection=conn, retry=False)
                published += len(chunk)
    except Exception as error:  # noqa: BLE001 - see docstring
        logger.warning(
            "notifications: broker unavailable (%s: %s); %d row(s) left for the sweep",
            error.__class__.__name__,
            error,
            len(ids) - published,
        )


def _publish_on_commit(ids: list[int]) -> None:
    """Publish ``ids`` once the current transaction commits, together with its other rows
    (``apps.core.handover``)."""
    hand_over_on_commit(ids, _publish)


def _failure(row: Notification, code: str, message: str, now: datetime) -> None:
    row.state = State.FAILED
    row.error_code = code
    row.last_error = message
    row.failed_at = now


def rows_written(rows: Iterable[Notification]) -> None:
    """Rows of ``notification_rows`` a caller wrote itself (with its own rows, in one statement:
    ``apps.core.inserts``) are handed to delivery once its transaction commits."""
    _publish_on_commit([row.pk for row in rows if row.enqueued_at is not None])


def notification_rows(
    *,
    event: str,
    context: dict[str, Any],
    recipient_citizen: Recipient | Notifiable | Mapping | None = None,
    recipient_user=None,
    to_phone: str | None = None,
    to_email: str | None = None,
    language: str | None = None,
    channels: Iterable[str] | None = None,
    essential: bool | None = None,
    urgent: bool | None = None,
    confidential: bool = False,
    actor=None,
    now: datetime | None = None,
) -> list[Notification]:
    """The outbox rows for one event to one person, built and checked but not written.

    ``notification_queue`` writes them at once; a caller that writes them together with its
    own rows in one statement calls ``rows_written`` after, in the same transaction.

    Give a citizen (``recipient_citizen``: a ``Recipient`` or an object implementing
    ``Notifiable``), a member of staff (``recipient_user``), or bare addresses
    (``to_phone`` / ``to_email``, which also override the citizen's).

    1. The language is the one asked for, else the person's, else Arabic; a template
       missing in that language falls back to Arabic.
    2. The channels are the event's, less those the person has no address for (every
       one of them is tried if the person has none); ``channels`` asks for exact ones.
    3. A citizen who opted out gets essential messages only: the others are recorded as
       skipped. An unusable address (a landline, a malformed number, no e-mail) is
       recorded as failed with the reason, without raising: the event itself stands.
    4. Non-urgent SMS written during quiet hours wait until they end; the sweep sends them.
    5. In-app notifications are delivered by being written (the bell reads them).
    6. ``confidential`` (or an event that always is): the message is about an "Under Your
       Command" record. A member of staff gets its review number and a neutral title only,
       whatever the template says; a citizen gets the message, and staff read it back only
       if they may read the record (``apps.core.confidentiality``).
    """
    definition = events.get(event)
    now = now or timezone.now()
    if recipient_citizen is not None and recipient_user is not None:
        raise ValueError("Give either recipient_citizen or recipient_user, not both.")
    person = as_recipient(recipient_citizen)
    if recipient_user is not None:
        person = Recipient(
            email=recipient_user.email or "",
            language=recipient_user.language,
            ref=f"accounts.user:{recipient_user.pk}",
            opted_out=False,
        )
    phone = person.phone if to_phone is None else to_phone
    email = person.email if to_email is None else to_email
    language = _language(language, person.language)
    essential = definition.essential if essential is None else essential
    urgent = definition.urgent if urgent is None else urgent
    confidential = bool(confidential or definition.confidential)

    reachable = {
        Channel.SMS: bool(phone),
        Channel.EMAIL: bool(email),
        Channel.IN_APP: recipient_user is not None,
    }
    if channels is None:
        # In-app needs a member of staff; the other channels are all tried (and recorded
        # as failed with their reason) when the person has an address for none of them.
        possible = [c for c in definition.channels if c != Channel.IN_APP or recipient_user is not None]
        wanted = [c for c in possible if reachable[c]] or possible
    else:
        wanted = list(dict.fromkeys(channels))
        for channel in wanted:
            if channel not in definition.channels:
                raise ValueError(f"{event} is not sent on {channel}.")
            if channel == Channel.IN_APP and recipient_user is None:
                raise ValueError("In-app notifications go to a member of staff (recipient_user).")
    if not wanted:
        raise ValueError(f"{event} has no channel that can reach this recipient.")
    # Refuses a wrong context before any write; the values serve every template in this language.
    prepared = prepare_context(definition, context, language)

    return _build_rows(
        definition=definition,
        context=context,
        person=person,
        recipient_user=recipient_user,
        phone=phone,
        email=email,
        language=language,
        channels=wanted,
        essential=essential,
        urgent=urgent,
        confidential=confidential,
        actor=actor,
        now=now,
        prepared=(language, prepared),
    )


def _same_arguments_as(build: Callable[P, list[Notification]]):
    """Give the decorated function ``build``'s signature (for ``help()``, editors and type
    checkers), when it takes the same arguments and hands them on."""

    def apply(function: Callable[..., list[Notification]]) -> Callable[P, list[Notification]]:
        function.__signature__ = inspect.signature(build)
        return function

    return apply


@_same_arguments_as(notification_rows)
def notification_queue(**arguments: Any) -> list[Notification]:
    """Write the outbox rows for one event to one person; they are sent after commit.

    Call it inside the transaction that records the event: if that transaction rolls
    back, nothing is sent. The arguments are ``notification_rows``'s (see there; its
    signature is this function's, for ``help()`` and editors).
    """
    rows = notification_rows(**arguments)
    # No savepoint: queued inside a caller's transaction (a campaign may queue thousands),
    # each savepoint would be a PostgreSQL subtransaction, and past 64 of them in one
    # transaction every other session slows down. Everything that can be refused has
    # been checked by ``notification_rows``, before this block.
    with transaction.atomic(savepoint=False):
        Notification.objects.bulk_create(rows)  # one statement for every channel
        rows_written(rows)
    return rows


def _build_rows(
    *,
    definition,
    context,
    prepared=(None, None),
    person,
    recipient_user,
    phone,
    email,
    language,
    channels,
    essential,
    urgent,
    confidential,
    actor,
    now,
) -> list[Notification]:
    opted_out = stopped = False
    if definition.audience == Audience.CITIZEN:
        stoppable = events.can_be_stopped(definition)
        keys = preference_keys(Recipient(phone=phone, email=email, ref=person.ref))
        if stoppable or (not essential and person.opted_out is None):
            flagged, stopped_events = selectors.preference_flags(keys)
            stopped = stoppable and definition.key in stopped_events
            if not essential:
                opted_out = person.opted_out if person.opted_out is not None else flagged
        elif not essential:
            opted_out = person.opted_out

    rows = []
    for channel in channels:
        template = selectors.template_for(definition, channel, language)
        values = (
            prepared[1]
            if template.language == prepared[0]
            else prepare_context(definition, context, template.language)
        )
        subject, body = render_text(template.subject, values), render_text(template.body, values)
        kept = plain_values(definition, context)
        if confidential:
            kept = {key: value for key, value in kept.items() if key in selectors.NEUTRAL_CONTEXT}
            if definition.audience == Audience.STAFF:
                subject, body = selectors.neutral_text(definition, kept, template.language)
        row = Notification(
            event=definition.key,
            channel=channel,
            audience=definition.audience,
            essential=essential,
            urgent=urgent,
            language=template.language,
            recipient_ref=person.ref,
            recipient_user=recipient_user if channel == Channel.IN_APP else None,
            to_phone=(phone or "") if channel == Channel.SMS else "",
            to_email=(email or "").strip() if channel == Channel.EMAIL else "",
            subject=subject,
            body=body,
            link_url=values.get(definition.link_placeholder, "") if definition.link_placeholder else "",
            context=kept,
            confidential=confidential,
            send_after=now,
            created_by=actor,
        )
        if stopped:
            row.state = State.SKIPPED
            row.error_code = "stopped"
            row.last_error = _("The recipient objected to messages of this kind.")
        elif opted_out:
            row.state = State.SKIPPED
            row.error_code = "opted_out"
            row.last_error = _("The recipient opted out of non-essential messages.")
        elif channel == Channel.SMS:
            _address_sms(row, now=now, urgent=urgent)
        elif channel == Channel.EMAIL:
            _address_email(row, now=now)
        else:
            row.state = State.SENT
            row.sent_at = now
        rows.append(row)

    for row in rows:
        if row.state == State.QUEUED and row.send_after <= now:
            row.enqueued_at = now
    return rows


def _address_sms(row: Notification, *, now: datetime, urgent: bool) -> None:
    try:
        row.to_phone = normalise_mobile(row.to_phone)
    except UnusablePhone as error:
        _failure(row, error.code, str(error.message), now)
        return
    if not urgent:
        row.send_after = quiet_hours_end(now) or now


def _address_email(row: Notification, *, now: datetime) -> None:
    if not row.to_email:
        _failure(row, "missing_email", _("There is no e-mail address to send the message to."), now)
        return
    try:
        validate_email(row.to_email)
    except ValidationError:
        _failure(
            row,
            "invalid_email",
            _("“%(address)s” is not a valid e-mail address.") % {"address": row.to_email},
            now,
        )


# --------------------------------------------------------------------------- delivery


@dataclass(frozen=True)
class DeliveryOutcome:
    status: str  # "sent", "failed", "retry" or "not_claimed"
    retry_in: int | None = None


def retry_delay(attempts: int) -> int:
    """Seconds to wait after the ``attempts``-th failed attempt: exponential, capped."""
    base = int(conf.get("HOUSING_NOTIFY_RETRY_BASE_SECONDS"))
    return min(base * 2 ** max(attempts - 1, 0), int(conf.get("HOUSING_NOTIFY_RETRY_MAX_SECONDS")))


def notification_deliver(*, notification_id: int, now: datetime | None = None) -> DeliveryOutcome:
    """Send one queued row to its provider, at most once (see ``notification_deliver_many``)."""
    return notification_deliver_many(notification_ids=[notification_id], now=now)[notification_id]


def notification_deliver_many(
    *, notification_ids: Iterable[int], now: datetime | None = None
) -> dict[int, DeliveryOutcome]:
    """Send queued rows to their providers, each at most once; return each row's outcome.

    Deliberately not one transaction: the claim must be committed before any provider
    is called, so that a second worker holding the same ids finds nothing to claim.

    1. Claim: in one short transaction, lock the rows that are still queued and due
       (``SKIP LOCKED``: rows another worker is claiming are simply not ours) and mark them
       ``sending`` with this call's claim token. Rows not claimed are left alone.
    2. Call the provider for each claimed row, outside any transaction (it may be slow).
    3. Record each outcome only where our claim still holds (same claim token): sent with
       the provider's id; a permanent error → failed; a transient one → queued again after
       an exponential back-off, or failed once the attempts are used up. Successes are
       written a few at a time, so a worker stopped mid-batch leaves at most that many
       rows whose sending is not recorded (the sweep reclaims them).
    """
    now = now or timezone.now()
    ids = list(dict.fromkeys(notification_ids))
    token = uuid.uuid4()
    with transaction.atomic():
        rows = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(pk__in=ids, state=State.QUEUED, send_after__lte=now)
            .order_by("pk")
            .only("id", "channel", "to_phone", "to_email", "subject", "body", "reference", "attempts")
        )
        if rows:
            Notification.objects.filter(pk__in=[row.pk for row in rows]).update(
                state=State.SENDING,
                claimed_at=now,
                claim_token=token,
                attempts=F("attempts") + 1,
                updated_at=now,
            )
    outcomes = dict.fromkeys(ids, DeliveryOutcome("not_claimed"))
    sent: list[tuple[int, str, datetime]] = []
    record_every = int(conf.get("HOUSING_NOTIFY_RECORD_EVERY"))
    for row in rows:
        row.attempts += 1
        try:
            provider_id = _send(row)
        except DeliveryError as error:
            outcomes[row.pk] = _record_failure(row, token, error)
            continue
        except Exception as error:  # noqa: BLE001 - an unexpected bug is retried, bounded, and logged
            logger.exception("notifications: unexpected error sending %s", row.pk)
            failure = TransientDeliveryError(f"{error.__class__.__name__}: {error}", code="error")
            outcomes[row.pk] = _record_failure(row, token, failure)
            continue
        sent.append((row.pk, provider_id[:200], timezone.now()))
        outcomes[row.pk] = DeliveryOutcome("sent")
        if len(sent) >= record_every:
            _record_sent(sent, token)
            sent = []
    _record_sent(sent, token)
    return outcomes


def _record_sent(sent: list[tuple[int, str, datetime]], token: uuid.UUID) -> None:
    """Mark rows sent, with each one's provider id and time, where our claim still holds.

    One statement over arrays: the ORM's equivalent (a CASE per column) costs more to
    build than the delivery itself on large batches.
    """
    if not sent:
        return
    table = Notification._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE {table} AS n
               SET state = %s, sent_at = v.sent_at, provider_message_id = v.provider_id, claim_token = NULL,
                   error_code = '', last_error = '', updated_at = %s
              FROM unnest(%s::bigint[], %s::text[], %s::timestamptz[]) AS v(id, provider_id, sent_at)
             WHERE n.id = v.id AND n.state = %s AND n.claim_token = %s
            """,
            [
                State.SENT,
                timezone.now(),
                [pk for pk, _id, _at in sent],
                [provider_id for _pk, provider_id, _at in sent],
                [at for _pk, _id, at in sent],
                State.SENDING,
                token,
            ],
        )


def _send(row: Notification) -> str:
    if row.channel == Channel.SMS:
        message = OutgoingSms(
            to=row.to_phone,
            text=row.body,
            reference=str(row.reference),
            sender_id=conf.get("HOUSING_SMS_SENDER_ID"),
        )
        return get_sms_backend().send(message)
    if row.channel == Channel.EMAIL:
        return send_email(to=row.to_email, subject=row.subject, body=row.body, reference=str(row.reference))
    raise ValueError(f"{row.channel} rows are not sent through a provider")


def _record_failure(row: Notification, token: uuid.UUID, error: DeliveryError) -> DeliveryOutcome:
    now = timezone.now()
    ours = Notification.objects.filter(pk=row.pk, state=State.SENDING, claim_token=token)
    message = error.message[:2000]
    if error.transient and row.attempts < int(conf.get("HOUSING_NOTIFY_MAX_ATTEMPTS")):
        delay = retry_delay(row.attempts)
        later = now + timedelta(seconds=delay)
        # enqueued_at = send_after: the retry task is already on its way with a countdown,
        # so the sweep waits for it as for any freshly handed-over row.
        ours.update(
            state=State.QUEUED,
            send_after=later,
            enqueued_at=later,
            claim_token=None,
            error_code=error.code,
            last_error=message,
            updated_at=now,
        )
        return DeliveryOutcome("retry", retry_in=delay)
    if error.transient:
        message = _("Gave up after %(count)d attempts. Last error: %(error)s") % {
            "count": row.attempts,
            "error": message,
        }
    ours.update(
        state=State.FAILED,
        failed_at=now,
        claim_token=None,
        error_code=error.code,
        last_error=message,
        updated_at=now,
    )
    return DeliveryOutcome("failed")


# --------------------------------------------------------------------------- the sweep


@dataclass(frozen=True)
class SweepResult:
    reclaimed: int
    abandoned: int
    handed_over: int


def notification_sweep(*, now: datetime | None = None) -> SweepResult:
    """Reclaim stuck claims and hand over again queued rows nobody took; idempotent.

    1. Rows left ``sending`` longer than the claim timeout belonged to a worker that
       was stopped: they go back to queued (the attempt counts), or to failed once the
       attempts are used up. The gateway gets the same reference again, so one that
       de-duplicates by reference does not send twice.
    2. Queued rows that are due and were handed to the broker more than a minute ago
       (or never, such as those deferred by quiet hours) are marked handed over now,
       then published after commit — in batches, each row locked with SKIP LOCKED so
       two sweeps never hand over the same rows.
    """
    now = now or timezone.now()
    timeout = timedelta(seconds=int(conf.get("HOUSING_NOTIFY_CLAIM_TIMEOUT_SECONDS")))
    max_attempts = int(conf.get("HOUSING_NOTIFY_MAX_ATTEMPTS"))
    stuck = Notification.objects.filter(state=State.SENDING, claimed_at__lt=now - timeout)
    abandoned = stuck.filter(attempts__gte=max_attempts).update(
        state=State.FAILED,
        failed_at=now,
        claim_token=None,
        error_code="gave_up",
        last_error=_("The worker stopped while sending and no attempts are left."),
        updated_at=now,
    )
    reclaimed = stuck.filter(attempts__lt=max_attempts).update(
        state=State.QUEUED,
        send_after=now,
        enqueued_at=None,
        claim_token=None,
        error_code="reclaimed",
        last_error=_("The worker stopped while sending; the message was queued again."),
        updated_at=now,
    )
    stale_before = now - timedelta(seconds=int(conf.get("HOUSING_NOTIFY_REQUEUE_AFTER_SECONDS")))
    with transaction.atomic():
        ids = list(
            selectors.notifications_due(
                now=now, stale_before=stale_before, limit=int(conf.get("HOUSING_NOTIFY_SWEEP_BATCH"))
            )
            .select_for_update(skip_locked=True)
            .values_list("id", flat=True)
        )
        if ids:
            Notification.objects.filter(pk__in=ids).update(enqueued_at=now, updated_at=now)
        _publish_on_commit(ids)
    return SweepResult(reclaimed=reclaimed, abandoned=abandoned, handed_over=len(ids))


# --------------------------------------------------------------------------- staff actions


@transaction.atomic
def notification_resend(
    *, notification: Notification, actor, to_phone: str = "", to_email: str = "", now: datetime | None = None
) -> Notification:
    """Send a failed message again as a new row (the failed one is kept as it was).

    Staff may give a corrected number or address; an unusable one is refused here,
    so no second failed row is written for the same mistake.
    """
    now = now or timezone.now()
    if not actor.has_perm(selectors.RESEND_PERMISSION):
        raise PermissionDenied()
    original = Notification.objects.select_for_update().get(pk=notification.pk)
    if not original.can_be_resent:
        raise Conflict(
            _("Only a failed SMS or e-mail can be sent again; this one is %(state)s.")
            % {"state": original.get_state_display()},
            code="not_resendable",
        )
    row = Notification(
        event=original.event,
        channel=original.channel,
        audience=original.audience,
        essential=original.essential,
        urgent=original.urgent,
        language=original.language,
        recipient_ref=original.recipient_ref,
        subject=original.subject,
        body=original.body,
        link_url=original.link_url,
        context=original.context,
        confidential=original.confidential,
        send_after=now,
        resent_from=original,
        created_by=actor,
    )
    if original.channel == Channel.SMS:
        try:
            row.to_phone = normalise_mobile(to_phone or original.to_phone)
        except UnusablePhone as error:
            raise ValidationFailed(
                error.message, code=error.code, details={"to_phone": [str(error.message)]}
            ) from None
        if not original.urgent:
            row.send_after = quiet_hours_end(now) or now
    else:
        row.to_email = (to_email or original.to_email).strip()
        try:
            validate_email(row.to_email)
        except ValidationError:
            message = _("“%(address)s” is not a valid e-mail address.") % {"address": row.to_email}
            raise ValidationFailed(message, code="invalid_email", details={"to_email": [message]}) from None
    if row.send_after <= now:
        row.enqueued_at = now
    row.save()
    _publish_on_commit([row.pk] if row.enqueued_at else [])
    return row


def notification_mark_read(*, notification: Notification, actor, now: datetime | None = None) -> Notification:
    """Mark one of the actor's own in-app notifications read (once; later opens change nothing)."""
    if notification.channel != Channel.IN_APP or notification.recipient_user_id != actor.pk:
        raise PermissionDenied()
    now = now or timezone.now()
    if Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
        read_at=now, updated_at=now
    ):
        notification.read_at = now
    return notification


def notification_mark_all_read(*, actor, now: datetime | None = None, before: datetime | None = None) -> int:
    """Mark the actor's unread in-app notifications read (only those created before ``before``)."""
    now = now or timezone.now()
    unread = Notification.objects.filter(channel=Channel.IN_APP, recipient_user=actor, read_at__isnull=True)
    if before is not None:
        unread = unread.filter(created_at__lt=before)
    return unread.update(read_at=now, updated_at=now)


# --------------------------------------------------------------------------- templates


@transaction.atomic
def message_template_save(
    *, event: str, channel: str, language: str, subject: str, body: str, actor
) -> MessageTemplate:
    """Create or change the wording of one event × channel × language, refusing bad placeholders."""
    try:
        definition = events.get(event)
    except events.UnknownEvent:
        raise ValidationFailed(
            _("Unknown event."), code="unknown_event", details={"event": [_("Unknown event.")]}
        ) from None
    if language not in Language.values:
        raise ValidationFailed(_("Unknown language."), code="unknown_language")
    problems = template_problems(definition, channel, subject=subject, body=body)
    if problems:
        raise ValidationFailed(
            _("The template cannot be saved."),
            code="invalid_template",
            details={field: [str(m) for m in messages] for field, messages in problems.items()},
        )
    template, _created = MessageTemplate.objects.update_or_create(
        event=event,
        channel=channel,
        language=language,
        defaults={"subject": subject, "body": body, "updated_by": actor},
    )
    return template


@transaction.atomic
def message_templates_install_defaults(*, actor=None) -> int:
    """Copy every registered event's default wording into editable rows; keeps edited ones."""
    created = 0
    for definition in events.all_events():
        for channel in definition.channels:
            for language in Language.values:
                default = definition.defaults.get((channel, language))
                if default is None:
                    continue
                _row, was_created = MessageTemplate.objects.get_or_create(
                    event=definition.key,
                    channel=channel,
                    language=language,
                    defaults={"subject": default.subject, "body": default.body, "updated_by": actor},
                )
                created += was_created
    return created


def message_template_preview(*, event: str, channel: str, language: str, subject: str, body: str) -> dict:
    """The template rendered on the event's sample data, with problems and SMS length."""
    from apps.notifications.sms import sms_length

    definition = events.get(event)
    problems = template_problems(definition, channel, subject=subject, body=body)
    language = _language(language)
    values = prepare_context(definition, definition.sample_context(), language)
    rendered_body = render_text(body, values)
    with translation.override(language):
        is_bidi = translation.get_language_bidi()
    return {
        "problems": problems,
        "subject": render_text(subject, values),
        "body": rendered_body,
        "direction": "rtl" if is_bidi else "ltr",
        "sms": sms_length(rendered_body) if channel == Channel.SMS else None,
    }


# --------------------------------------------------------------------------- preferences


@transaction.atomic
def notification_events_stop(*, ref: str, event_keys: Iterable[str], actor) -> NotificationPreference:
    """Stop the stoppable events ``event_keys`` for the person filed under ``ref`` (an
    approved objection); events that cannot be stopped are refused, not silently kept."""
    keys = list(dict.fromkeys(event_keys))
    for key in keys:
        if not events.can_be_stopped(events.get(key)):
            raise ValidationFailed(_("These messages cannot be stopped."), code="not_stoppable")
    if not ref:
        raise ValidationFailed(_("Say whose preference this is: a reference, a phone or an e-mail."))
    preference, _created = NotificationPreference.objects.select_for_update().get_or_create(
        key=ref, defaults={"updated_by": actor}
    )
    preference.stopped_events = sorted({*preference.stopped_events, *keys})
    preference.updated_by = actor
    preference.save(update_fields=["stopped_events", "updated_by", "updated_at"])
    return preference


@transaction.atomic
def notification_preference_set(
    *, opted_out: bool, actor, ref: str = "", phone: str = "", email: str = ""
) -> list[NotificationPreference]:
    """Record a person's choice under each key given (their reference, phone, e-mail)."""
    keys = preference_keys(Recipient(phone=phone, email=email, ref=ref))
    if not keys:
        raise ValidationFailed(_("Say whose preference this is: a reference, a phone or an e-mail."))
    preferences = []
    for key in keys:
        preference, _created = NotificationPreference.objects.update_or_create(
            key=key, defaults={"opted_out": opted_out, "updated_by": actor}
        )
        preferences.append(preference)
    return preferences
