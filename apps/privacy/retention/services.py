"""Retention's writes: policies, legal holds and the sweep (dry or real)."""

from __future__ import annotations

import contextlib
import logging
from datetime import datetime, time

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.errors import Conflict, ValidationFailed
from apps.core.history import history_door
from apps.privacy.retention.kinds import ORDER, Kind
from apps.privacy.retention.models import LegalHold, RetentionPolicy, RetentionRun, period_error
from apps.privacy.retention.sweeps import SWEEPS

logger = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 500
MAX_BATCH_SIZE = 10_000
REASON_MAX = 2000


def cutoff_for(months: int, now: datetime | None = None) -> datetime:
    """Records that ended before this moment are past a ``months``-month period.

    Whole months, Bahrain time: midnight on the 1st of the month ``months`` months before
    the current one. A whole month becomes due on the same night, so a month's records are
    never half anonymised by the calendar (only by holds and open cases).
    """
    local = timezone.localtime(now or timezone.now())
    first = local.date().replace(day=1) - relativedelta(months=months)
    return datetime.combine(first, time.min, tzinfo=timezone.get_current_timezone())


# ------------------------------------------------------------------------------- policies


def policy_update(
    *, policy: RetentionPolicy, months: int, action: str, is_active: bool, actor
) -> RetentionPolicy:
    """Change a policy; a period shorter than the kind's legal minimum is refused."""
    errors = period_error(policy.kind, months, action)
    if errors:
        raise ValidationFailed(next(iter(errors.values())), details={k: [str(v)] for k, v in errors.items()})
    with transaction.atomic():
        locked = RetentionPolicy.objects.select_for_update().get(pk=policy.pk)
        locked.months, locked.action, locked.is_active, locked.updated_by = months, action, is_active, actor
        locked.save(update_fields=["months", "action", "is_active", "updated_by", "updated_at"])
    return locked


# ---------------------------------------------------------------------------------- holds


def _clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Give a reason."), details={"reason": [_("Give a reason.")]})
    if len(reason) > REASON_MAX:
        raise ValidationFailed(
            _("The reason is too long."), details={"reason": [_("The reason is too long.")]}
        )
    return reason


def hold_place(*, reason: str, actor, citizen=None, ticket=None, contact=None, now=None) -> LegalHold:
    """Place a legal hold on exactly one of a citizen, a ticket or a contact."""
    reason = _clean_reason(reason)
    targets = [t for t in (citizen, ticket, contact) if t is not None]
    if len(targets) != 1:
        raise ValidationFailed(_("Choose one citizen, ticket or contact to hold."))
    hold = LegalHold.objects.create(
        citizen=citizen,
        ticket=ticket,
        contact=contact,
        reason=reason,
        placed_by=actor,
        placed_at=now or timezone.now(),
    )
    return hold


def hold_release(*, hold: LegalHold, reason: str, actor, now=None) -> LegalHold:
    """Release a hold, with a reason; a hold is released once."""
    reason = _clean_reason(reason)
    with transaction.atomic():
        locked = LegalHold.objects.select_for_update().get(pk=hold.pk)
        if locked.released_at is not None:
            raise Conflict(_("This hold has already been released."))
        locked.released_at = now or timezone.now()
        locked.released_by = actor
        locked.release_reason = reason
        locked.save(update_fields=["released_at", "released_by", "release_reason"])
    return locked


# ---------------------------------------------------------------------------------- sweep


def _history_door(actor, reason: str):
    """The change-history door "retention" (apps.core.history): who ran the sweep and why."""
    return history_door("retention", actor=actor, reason=reason)


def _apply_in_batches(sweep, cutoff: datetime, batch_size: int) -> int:
    """Handle every eligible row of one kind, ``batch_size`` rows per transaction.

    Rows are claimed in id order (a keyset: each batch starts after the last id handled)
    with ``FOR UPDATE SKIP LOCKED``, so a concurrent sweep or a user editing a row never
    waits on the other, and a crash loses at most the batch in flight.
    """
    done = 0
    last_id = 0
    while True:
        with transaction.atomic():
            ids = list(
                sweep.eligible(cutoff)
                .filter(pk__gt=last_id)
                .order_by("pk")
                .select_for_update(skip_locked=True, of=("self",))
                .values_list("pk", flat=True)[:batch_size]
            )
            if not ids:
                return done
            done += sweep.apply(ids)
        last_id = ids[-1]


def retention_sweep(
    *,
    dry_run: bool,
    actor=None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    now: datetime | None = None,
    kinds: list[str] | None = None,
) -> RetentionRun:
    """Apply every active policy (or only count, for a dry run), and record the run.

    1. The run row is written first (state "running"), so a run that dies shows as such.
    2. Each active policy, in a fixed order: its cutoff (whole months); a policy below the
       legal minimum (the minimum raised after it was saved) is skipped and reported.
    3. Dry run: one COUNT of the eligible rows per kind. Real run: the same selection,
       handled in batches inside the change-history door "retention".
    4. The counts per kind and the end state are saved on the run.

    ``kinds`` limits the run to those kinds (all active policies when None).
    """
    if not 1 <= batch_size <= MAX_BATCH_SIZE:
        raise ValidationFailed(
            _("The batch size must be between 1 and %(max)s.") % {"max": MAX_BATCH_SIZE},
            details={"batch_size": [_("Out of range.")]},
        )
    now = now or timezone.now()
    run = RetentionRun.objects.create(
        dry_run=dry_run, started_at=timezone.now(), actor=actor, batch_size=batch_size
    )
    policies = {p.kind: p for p in RetentionPolicy.objects.filter(is_active=True)}
    counts: dict[str, dict] = {}
    try:
        door = contextlib.nullcontext() if dry_run else _history_door(actor, "retention sweep")
        with door:
            for kind in ORDER:
                policy = policies.get(kind)
                if policy is None or (kinds is not None and kind not in kinds):
                    continue
                cutoff = cutoff_for(policy.months, now)
                row = {"months": policy.months, "action": policy.action, "cutoff": cutoff.isoformat()}
                if period_error(kind, policy.months, policy.action):
                    counts[kind] = {**row, "count": 0, "refused": True}
                    continue
                sweep = SWEEPS[kind]
                if dry_run:
                    count = sweep.eligible(cutoff).count()
                else:
                    count = _apply_in_batches(sweep, cutoff, batch_size)
                counts[kind] = {**row, "count": count}
                logger.info("retention %s %s: %s", "dry run" if dry_run else "sweep", kind, count)
    except Exception as error:
        run.state, run.error, run.counts, run.finished_at = (
            RetentionRun.State.FAILED,
            repr(error),
            counts,
            timezone.now(),
        )
        run.save(update_fields=["state", "error", "counts", "finished_at"])
        raise
    run.state, run.counts, run.finished_at = RetentionRun.State.DONE, counts, timezone.now()
    run.save(update_fields=["state", "counts", "finished_at"])
    return run


__all__ = [
    "Kind",
    "cutoff_for",
    "hold_place",
    "hold_release",
    "policy_update",
    "retention_sweep",
]
