"""Writes of the partner outbox: queue, deliver, sweep, retry.

Other integration apps call ``delivery_queue`` inside their own transaction; everything else is this app's business (its tasks, admin and management command).
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.errors import Conflict
from apps.core.handover import hand_over_on_commit
from apps.integrations import signing
from apps.integrations.outbound import conf
from apps.integrations.outbound.models import Delivery

logger = logging.getLogger(__name__)
State = Delivery.State
USER_AGENT = "HousingContact-Outbox/1"

# --------------------------------------------------------------------------- secrets

_RESOLVERS: dict[str, Callable[[str], str]] = {}


def register_secret_resolver(prefix: str, resolver: Callable[[str], str]) -> None:
    """``resolver(ref)`` returns the secret for refs ``<prefix>:<anything>`` ("" when none)."""
    _RESOLVERS[prefix] = resolver


def signing_secret(secret_ref: str) -> str:
    """The secret that signs a delivery: the newest of a partner's, or a registered one."""
    prefix, _sep, _rest = secret_ref.partition(":")
    if _sep and prefix in _RESOLVERS:
        return _RESOLVERS[prefix](secret_ref) or ""
    secrets = signing.partner_secrets(secret_ref)
    return secrets[0] if secrets else ""


# --------------------------------------------------------------------------- queueing


def _publish(ids: list[int]) -> None:
    """Hand rows to Celery after commit; a broker outage only delays them (the sweep)."""
    from apps.integrations.outbound.tasks import deliver

    size = int(conf.get("HOUSING_OUTBOUND_TASK_BATCH"))
    published = 0
    try:
        # One quick check of a pooled connection: left alone kombu retries for seconds and
        # would hold up the request that committed the change.
        with deliver.app.pool.acquire(block=True) as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0.2, timeout=2)
            for start in range(0, len(ids), size):
                chunk = ids[start : start + size]
                deliver.apply_async((chunk,), connection=conn, retry=False)
                published += len(chunk)
    except Exception as error:  # noqa: BLE001 - the rows are committed; the sweep hands them over
        logger.warning(
            "outbound: broker unavailable (%s: %s); %d delivery(ies) left for the sweep",
            error.__class__.__name__,
            error,
            len(ids) - published,
        )


def _publish_on_commit(ids: list[int]) -> None:
    """Publish ``ids`` once the transaction commits, together with its other deliveries
    (``apps.core.handover``)."""
    hand_over_on_commit(ids, _publish)


def delivery_queue(
    *,
    partner: str,
    event: str,
    target_url: str,
    payload: dict[str, Any],
    secret_ref: str,
    source: str = "",
    dedupe_key: str | None = None,
    actor=None,
    fresh: bool = False,
    now: datetime | None = None,
) -> Delivery:
    """Write one delivery in the caller's transaction; it is posted after commit.

    With ``dedupe_key``, queuing the same thing again returns the row already written
    (a repeated hook or a retried request sends once). ``fresh=True`` says the caller
    knows no row of that key can exist yet (it names something created in this very
    transaction): the row is inserted in one statement, with no look-up and no savepoint,
    and a conflict, should one happen all the same, fails the caller's transaction.
    """
    now = now or timezone.now()
    # Fail now, not at delivery time, on a payload JSON cannot carry.
    json.dumps(payload)
    if dedupe_key and not fresh:
        existing = Delivery.objects.filter(dedupe_key=dedupe_key).first()
        if existing is not None:
            return existing
    row = Delivery(
        partner=partner,
        event=event,
        target_url=target_url,
        payload=payload,
        secret_ref=secret_ref,
        source=source[:100],
        dedupe_key=dedupe_key or None,
        next_attempt_at=now,
        enqueued_at=now,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    if fresh:
        row.save(force_insert=True)
        _publish_on_commit([row.pk])
        return row
    try:
        with transaction.atomic():
            row.save(force_insert=True)
    except IntegrityError:
        # A concurrent queue of the same key won the unique index.
        if dedupe_key and (existing := Delivery.objects.filter(dedupe_key=dedupe_key).first()):
            return existing
        raise
    _publish_on_commit([row.pk])
    return row


# --------------------------------------------------------------------------- delivery


@dataclass(frozen=True)
class DeliveryOutcome:
    status: str  # "sent", "dead", "retry" or "not_claimed"
    retry_in: int | None = None


@dataclass(frozen=True)
class _Attempt:
    ok: bool
    transient: bool
    status_code: int | None
    response: str
    error_code: str
    error: str


def retry_delay(attempts: int) -> int:
    """Seconds to wait after the ``attempts``-th failed attempt: exponential, capped."""
    base = int(conf.get("HOUSING_OUTBOUND_RETRY_BASE_SECONDS"))
    return min(base * 2 ** max(attempts - 1, 0), int(conf.get("HOUSING_OUTBOUND_RETRY_MAX_SECONDS")))


def body_bytes(payload: dict[str, Any]) -> bytes:
    """The exact bytes posted (and signed): compact UTF-8 JSON, Arabic left as it is."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def _post(row: Delivery) -> _Attempt:
    secret = signing_secret(row.secret_ref)
    if not secret:
        return _Attempt(
            False, False, None, "", "no_secret", _("No signing secret is configured for this partner.")
        )
    body = body_bytes(row.payload)
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        "X-HC-Event": row.event,
        "X-HC-Delivery": str(row.reference),
        **signing.sign(secret, body),
    }
    excerpt = int(conf.get("HOUSING_OUTBOUND_RESPONSE_EXCERPT"))
    try:
        response = httpx.post(
            row.target_url,
            content=body,
            headers=headers,
            timeout=float(conf.get("HOUSING_OUTBOUND_TIMEOUT_SECONDS")),
            follow_redirects=False,
        )
    except httpx.TimeoutException as error:
        return _Attempt(False, True, None, "", "timeout", f"{error.__class__.__name__}: {error}"[:2000])
    except httpx.HTTPError as error:
        return _Attempt(False, True, None, "", "connection", f"{error.__class__.__name__}: {error}"[:2000])
    text = response.text[:excerpt]
    code = response.status_code
    if 200 <= code < 300:
        return _Attempt(True, False, code, text, "", "")
    transient = code >= 500 or code in (408, 425, 429)
    return _Attempt(
        False,
        transient,
        code,
        text,
        f"http_{code}",
        _("The partner answered %(code)d.") % {"code": code},
    )


def delivery_deliver(*, delivery_id: int, now: datetime | None = None) -> DeliveryOutcome:
    return delivery_deliver_many(delivery_ids=[delivery_id], now=now)[delivery_id]


def delivery_deliver_many(
    *, delivery_ids: Iterable[int], now: datetime | None = None
) -> dict[int, DeliveryOutcome]:
    """Post pending deliveries to their partners, each at most once per claim.

    Deliberately not one transaction: the claim is committed before any partner is called,
    so a second worker holding the same ids finds nothing to claim.

    1. Claim: lock the rows still pending and due (``SKIP LOCKED``: rows another worker is
       claiming are not ours) and mark them ``sending`` with this call's token.
    2. Post each claimed row, signed at the moment it leaves, outside any transaction.
    3. Record the outcome where our claim still holds: 2xx → sent; 5xx, 408, 429, a
       time-out or a refused connection → pending again after an exponential back-off, or
       dead once the attempts are used up; any other 4xx → dead at once (resending the
       same request cannot help). Dead rows wait in the admin's dead-letter list.
    """
    now = now or timezone.now()
    ids = list(dict.fromkeys(delivery_ids))
    token = uuid.uuid4()
    with transaction.atomic():
        rows = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(pk__in=ids, state=State.PENDING, next_attempt_at__lte=now)
            .order_by("pk")
        )
        if rows:
            Delivery.objects.filter(pk__in=[row.pk for row in rows]).update(
                state=State.SENDING,
                claimed_at=now,
                claim_token=token,
                attempts=F("attempts") + 1,
                updated_at=now,
            )
    outcomes = dict.fromkeys(ids, DeliveryOutcome("not_claimed"))
    for row in rows:
        row.attempts += 1
        try:
            attempt = _post(row)
        except Exception as error:  # noqa: BLE001 - a bug is retried, bounded, and logged
            logger.exception("outbound: unexpected error posting delivery %s", row.pk)
            attempt = _Attempt(False, True, None, "", "error", f"{error.__class__.__name__}: {error}"[:2000])
        outcomes[row.pk] = _record(row, token, attempt)
    return outcomes


def delivery_deliver_due(*, limit: int = 1000, now: datetime | None = None) -> dict[int, DeliveryOutcome]:
    """Post the due pending deliveries from this process (by hand, tests, no broker)."""
    now = now or timezone.now()
    ids = list(
        Delivery.objects.filter(state=State.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("id", flat=True)[:limit]
    )
    return delivery_deliver_many(delivery_ids=ids, now=now)


def _record(row: Delivery, token: uuid.UUID, attempt: _Attempt) -> DeliveryOutcome:
    now = timezone.now()
    ours = Delivery.objects.filter(pk=row.pk, state=State.SENDING, claim_token=token)
    common = {
        "claim_token": None,
        "last_status_code": attempt.status_code,
        "last_response": attempt.response,
        "updated_at": now,
    }
    if attempt.ok:
        ours.update(state=State.SENT, sent_at=now, error_code="", last_error="", **common)
        return DeliveryOutcome("sent")
    log = logger.warning if attempt.transient else logger.error
    log(
        "outbound: %s delivery %s to %s failed (attempt %d): %s %s",
        row.partner,
        row.pk,
        row.target_url,
        row.attempts,
        attempt.error_code,
        attempt.error,
    )
    if attempt.transient and row.attempts < int(conf.get("HOUSING_OUTBOUND_MAX_ATTEMPTS")):
        delay = retry_delay(row.attempts)
        later = now + timedelta(seconds=delay)
        # enqueued_at = next_attempt_at: the retry task is on its way with a countdown, so
        # the sweep waits for it as for any freshly handed-over row.
        ours.update(
            state=State.PENDING,
            next_attempt_at=later,
            enqueued_at=later,
            error_code=attempt.error_code,
            last_error=attempt.error,
            **common,
        )
        return DeliveryOutcome("retry", retry_in=delay)
    message = attempt.error
    if attempt.transient:
        message = _("Gave up after %(count)d attempts. Last error: %(error)s") % {
            "count": row.attempts,
            "error": attempt.error,
        }
    ours.update(state=State.DEAD, dead_at=now, error_code=attempt.error_code, last_error=message, **common)
    return DeliveryOutcome("dead")


# --------------------------------------------------------------------------- the sweep


@dataclass(frozen=True)
class SweepResult:
    reclaimed: int
    abandoned: int
    handed_over: int


def delivery_sweep(*, now: datetime | None = None) -> SweepResult:
    """Reclaim stuck claims, hand over pending rows nobody took.

    Set-based and idempotent (healthchecks' sendalerts): every step is one conditional
    UPDATE whose WHERE names the old state, so two sweeps never act twice.

    1. Rows ``sending`` longer than the claim timeout (a stopped worker) go back to
       pending, or to dead once the attempts are used up.
    2. Pending rows that are due and were handed to the broker more than a minute ago (or
       never) are marked handed over now and published after commit, locked with
       SKIP LOCKED so two sweeps never hand over the same rows.
    """
    now = now or timezone.now()
    timeout = timedelta(seconds=int(conf.get("HOUSING_OUTBOUND_CLAIM_TIMEOUT_SECONDS")))
    max_attempts = int(conf.get("HOUSING_OUTBOUND_MAX_ATTEMPTS"))
    stuck = Delivery.objects.filter(state=State.SENDING, claimed_at__lt=now - timeout)
    abandoned = stuck.filter(attempts__gte=max_attempts).update(
        state=State.DEAD,
        dead_at=now,
        claim_token=None,
        error_code="gave_up",
        last_error=_("The worker stopped while sending and no attempts are left."),
        updated_at=now,
    )
    reclaimed = stuck.filter(attempts__lt=max_attempts).update(
        state=State.PENDING,
        next_attempt_at=now,
        enqueued_at=None,
        claim_token=None,
        error_code="reclaimed",
        last_error=_("The worker stopped while sending; the delivery was queued again."),
        updated_at=now,
    )
    stale_before = now - timedelta(seconds=int(conf.get("HOUSING_OUTBOUND_REQUEUE_AFTER_SECONDS")))
    with transaction.atomic():
        ids = list(
            Delivery.objects.filter(state=State.PENDING, next_attempt_at__lte=now)
            .exclude(enqueued_at__gt=stale_before)
            .order_by("next_attempt_at")
            .select_for_update(skip_locked=True)
            .values_list("id", flat=True)[: int(conf.get("HOUSING_OUTBOUND_SWEEP_BATCH"))]
        )
        if ids:
            Delivery.objects.filter(pk__in=ids).update(enqueued_at=now, updated_at=now)
        _publish_on_commit(ids)
    return SweepResult(reclaimed=reclaimed, abandoned=abandoned, handed_over=len(ids))


# --------------------------------------------------------------------------- staff actions


class DeliveryNotRetryable(Conflict):
    code = "delivery_not_retryable"
    default_message = gettext_lazy("Only a dead or sent delivery can be sent again.")


@transaction.atomic
def delivery_retry(*, delivery: Delivery, actor, now: datetime | None = None) -> Delivery:
    """Send a dead (or, as a replay, a sent) delivery again: a new row, the old one kept.

    The new row carries the same event and payload, signed afresh when it leaves, under a
    new X-HC-Delivery reference, and points back to the row it repeats.
    """
    now = now or timezone.now()
    original = Delivery.objects.select_for_update().get(pk=delivery.pk)
    if original.state not in (State.DEAD, State.SENT):
        raise DeliveryNotRetryable()
    row = Delivery.objects.create(
        partner=original.partner,
        event=original.event,
        target_url=original.target_url,
        payload=original.payload,
        secret_ref=original.secret_ref,
        source=original.source,
        next_attempt_at=now,
        enqueued_at=now,
        replay_of=original,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    _publish_on_commit([row.pk])
    logger.info("outbound: delivery %s sent again as %s by %s", original.pk, row.pk, actor)
    return row
