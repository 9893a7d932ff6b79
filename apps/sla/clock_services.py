"""Writes of the ticket clocks: start, reclassify, pause, resume, meet, stop, reopen, extend.

The ticket services call these inside their own transaction (the ticket row is locked by
then), so a clock never disagrees with its ticket. The pure engine (``clocks``) does the
arithmetic; here the results are stored: ``due_at`` (the deadline), ``at_risk_at`` (the
instant ``HOUSING_SLA_AT_RISK_FRACTION`` of the allowance is used) and ``escalate_at``
(late for as long again as it was allowed: the second escalation level), so the sweep
never has to compute anything per row.

Rules worth knowing (README "Ticket clocks"):
- The policy version is the one in force at the ticket's ``created_at``; the clocks start
  at ``received_at``. No policy applies → no clocks (and the ticket says so).
- An "at once" (0) acknowledgement target is met by the automatic acknowledgement that
  ticket creation queues; a later acknowledgement target is met when staff acknowledge.
- A pause stops the running clocks; a clock already past its deadline is not paused —
  its breach stands and the sweep records it.
- Meeting fixes the verdict: met when on time, breached when late; a breached clock that
  is met later keeps "breached" but stops escalating.
- Reopening starts a new resolution clock (cycle 2, 3, …) with the full allowance from
  the reopening; the earlier cycle keeps its verdict.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.sla import clocks, conf, selectors
from apps.sla.business_calendar import Calendar
from apps.sla.clocks import Target
from apps.sla.errors import ExtensionRefused, PolicyNotFound
from apps.sla.models import Clock, Extension, Pause, PolicyVersion

logger = logging.getLogger(__name__)

OPEN = (Clock.State.RUNNING, Clock.State.PAUSED)


# --- computing one clock -------------------------------------------------------------------


def pauses_of(ticket_id: int) -> list[tuple[datetime, datetime | None]]:
    return [p.as_interval() for p in Pause.objects.filter(ticket_id=ticket_id).order_by("started_at")]


def recompute(clock: Clock, *, calendar: Calendar, pauses: Iterable, fraction: float | None = None) -> Clock:
    """Set the stored instants and running/paused state of an OPEN clock (not saved)."""
    pauses = list(pauses)
    fraction = conf.at_risk_fraction() if fraction is None else fraction
    common = {
        "spec": clock.spec,
        "started_at": clock.started_at,
        "calendar": calendar,
        "paused_intervals": pauses,
        "extra_allowance": clock.extra_allowance,
    }
    due = clocks.target_due(**common)
    if due is None:
        clock.state = Clock.State.PAUSED
        clock.due_at = clock.at_risk_at = clock.escalate_at = None
        return clock
    clock.state = Clock.State.RUNNING
    clock.due_at = due
    clock.at_risk_at = clocks.target_due(**common, share=fraction)
    clock.escalate_at = clocks.target_due(**common, share=2.0)
    return clock


def status_of(clock: Clock, *, calendar: Calendar, pauses: Iterable, now: datetime) -> clocks.ClockStatus:
    return clocks.clock_status(
        spec=clock.spec,
        started_at=clock.started_at,
        calendar=calendar,
        now=now,
        paused_intervals=list(pauses),
        met_at=clock.met_at,
        extra_allowance=clock.extra_allowance,
        at_risk_fraction=conf.at_risk_fraction(),
    )


_FIELDS = ["state", "due_at", "at_risk_at", "escalate_at", "updated_at"]


# --- creation and reclassification ---------------------------------------------------------


def policy_version_for_ticket(ticket, *, kind=None, channel=None, priority=None) -> PolicyVersion | None:
    """The version in force when the ticket was created, for its (possibly new) keys."""
    try:
        return selectors.policy_for_ticket_keys(
            kind=kind or ticket.kind,
            channel=channel or ticket.channel,
            priority=priority or ticket.priority,
            at=ticket.created_at or timezone.now(),  # not saved yet: it is being created now
        )
    except PolicyNotFound:
        logger.warning("sla: no policy applies to ticket %s; it has no deadlines", ticket.review_number)
        return None


def _new_clock(ticket, target: Target, spec, *, started_at: datetime, cycle: int = 1) -> Clock:
    return Clock(
        ticket=ticket,
        target=target.value,
        cycle=cycle,
        value=spec.value,
        unit=spec.unit.value,
        started_at=started_at,
    )


def _event_instant(ticket, target: Target) -> datetime | None:
    """When the ticket already reached this target's event (for clocks added by a reclassify)."""
    if target is Target.ACKNOWLEDGEMENT:
        return ticket.acknowledged_at or ticket.first_response_at or ticket.responded_at
    if target is Target.FIRST_RESPONSE:
        return ticket.first_response_at or ticket.responded_at
    return ticket.responded_at or ticket.closed_at


def _meet_now(clock: Clock, at: datetime, *, calendar: Calendar, pauses) -> None:
    clock.met_at = at
    status = status_of(clock, calendar=calendar, pauses=pauses, now=at)
    clock.elapsed = status.used
    clock.due_at = status.due_at if status.due_at is not None else clock.due_at
    if status.state is clocks.ClockState.MET:
        clock.state = Clock.State.MET
    else:
        clock.state = Clock.State.BREACHED
        clock.breached_at = clock.breached_at or status.due_at


_CHOOSE = object()


@transaction.atomic(savepoint=False)  # inside ticket creation's transaction: no savepoint round trips
def clocks_start(*, ticket, calendar: Calendar | None = None, version=_CHOOSE) -> list[Clock]:
    """Choose the ticket's policy version, store it on the ticket, and start its clocks (in
    one statement). ``version``: the one the caller chose and saved with the ticket already
    (``policy_version_for_ticket``, None for none), sparing the update."""
    if version is _CHOOSE:
        version = policy_version_for_ticket(ticket)
        if version is not None:
            type(ticket).objects.filter(pk=ticket.pk).update(sla_policy_version=version)
            ticket.sla_policy_version = version
    return Clock.objects.bulk_create(new_clocks(ticket=ticket, version=version, calendar=calendar))


def new_clocks(*, ticket, version, calendar: Calendar | None = None) -> list[Clock]:
    """The clocks a new ticket starts under ``version`` (None: none), computed, not saved:
    ``clocks_start`` saves them, ``ticket_create`` writes them with the ticket."""
    if version is None:
        return []
    calendar = calendar or selectors.get_calendar()
    created = []
    for target, spec in version.targets().items():
        clock = _new_clock(ticket, target, spec, started_at=ticket.received_at)
        recompute(clock, calendar=calendar, pauses=())
        if target is Target.ACKNOWLEDGEMENT and spec.value == 0:
            # "At once": the automatic acknowledgement queued with the ticket meets it.
            _meet_now(clock, ticket.received_at, calendar=calendar, pauses=())
        created.append(clock)
    return created


@transaction.atomic
def clocks_reclassify(*, ticket, now: datetime | None = None) -> PolicyVersion | None:
    """The ticket's kind, channel or priority changed: apply the policy for its new keys.

    The version is the one in force at the ticket's creation (a policy changed since then
    never applies). Open clocks take the new targets (or stop when the new policy has no
    such target); a target the ticket had no clock for starts from the ticket's receipt —
    met already if its event already happened. Met and breached clocks keep their verdict.
    """
    now = now or timezone.now()
    version = policy_version_for_ticket(ticket)
    if version is not None and version.pk == ticket.sla_policy_version_id:
        return version
    calendar = selectors.get_calendar()
    pauses = pauses_of(ticket.pk)
    type(ticket).objects.filter(pk=ticket.pk).update(sla_policy_version=version)
    ticket.sla_policy_version = version
    targets = version.targets() if version is not None else {}
    existing = {
        c.target: c for c in Clock.objects.select_for_update().filter(ticket=ticket).order_by("cycle")
    }
    changed, added = [], []
    for target in Target:
        clock = existing.get(target.value)
        spec = targets.get(target)
        if clock is not None:
            if not clock.is_open:
                continue
            if spec is None:
                clock.state = Clock.State.STOPPED
                clock.due_at = clock.at_risk_at = clock.escalate_at = None
            else:
                clock.value, clock.unit = spec.value, spec.unit.value
                recompute(clock, calendar=calendar, pauses=pauses)
            changed.append(clock)
        elif spec is not None:
            clock = _new_clock(ticket, target, spec, started_at=ticket.received_at)
            recompute(clock, calendar=calendar, pauses=pauses)
            happened = _event_instant(ticket, target)
            if happened is None and target is Target.ACKNOWLEDGEMENT and spec.value == 0:
                happened = ticket.received_at
            if happened is not None:
                _meet_now(clock, happened, calendar=calendar, pauses=pauses)
            added.append(clock)
    if changed:
        Clock.objects.bulk_update(changed, ["value", "unit", *_FIELDS])
    Clock.objects.bulk_create(added)
    return version


# --- pauses --------------------------------------------------------------------------------


@transaction.atomic
def clocks_pause(*, ticket, now: datetime | None = None) -> None:
    """The ticket now waits for the citizen: open a pause, stop the running clocks."""
    now = now or timezone.now()
    if Pause.objects.filter(ticket=ticket, ended_at__isnull=True).exists():
        return
    Pause.objects.create(ticket=ticket, started_at=now)
    _recompute_open(ticket, now=now)


@transaction.atomic
def clocks_resume(*, ticket, now: datetime | None = None) -> None:
    """The citizen answered (or staff went on without them): close the pause, restart the clocks."""
    now = now or timezone.now()
    if not Pause.objects.filter(ticket=ticket, ended_at__isnull=True).update(ended_at=now):
        return
    _recompute_open(ticket, now=now)


def _recompute_open(ticket, *, now: datetime) -> None:
    calendar = selectors.get_calendar()
    pauses = pauses_of(ticket.pk)
    changed = []
    for clock in Clock.objects.select_for_update().filter(ticket=ticket, state__in=OPEN):
        if clock.state == Clock.State.RUNNING and clock.due_at is not None and clock.due_at < now:
            continue  # already late: a pause does not hide a breach (the sweep records it)
        recompute(clock, calendar=calendar, pauses=pauses)
        changed.append(clock)
    Clock.objects.bulk_update(changed, _FIELDS)


# --- target events -------------------------------------------------------------------------


@transaction.atomic
def clocks_meet(*, ticket, targets: Iterable[Target], at: datetime | None = None) -> list[Clock]:
    """The targets' event happened at ``at``: fix the verdict of their open clocks.

    A breached clock still waiting for its event gets ``met_at`` too (it stays breached,
    and the second escalation level no longer applies).
    """
    at = at or timezone.now()
    wanted = [Target(t).value for t in targets]
    rows = list(
        Clock.objects.select_for_update().filter(
            ticket=ticket, target__in=wanted, met_at__isnull=True, state__in=[*OPEN, Clock.State.BREACHED]
        )
    )
    if not rows:
        return []
    calendar = selectors.get_calendar()
    pauses = pauses_of(ticket.pk)
    for clock in rows:
        if clock.state == Clock.State.BREACHED:
            clock.met_at = at
            clock.elapsed = status_of(clock, calendar=calendar, pauses=pauses, now=at).used
        else:
            _meet_now(clock, at, calendar=calendar, pauses=pauses)
    Clock.objects.bulk_update(rows, ["met_at", "elapsed", "breached_at", *_FIELDS])
    return rows


@transaction.atomic
def clocks_stop(*, ticket, at: datetime | None = None) -> int:
    """The ticket no longer owes anything of its own (merged into its original)."""
    return Clock.objects.filter(ticket=ticket, state__in=OPEN).update(
        state=Clock.State.STOPPED, due_at=None, at_risk_at=None, escalate_at=None, updated_at=timezone.now()
    )


@transaction.atomic
def clocks_reopen(*, ticket, at: datetime | None = None) -> Clock | None:
    """A reopened ticket owes a new answer: a new resolution clock with the full allowance.

    The earlier cycle keeps its verdict (met or breached stays on the record).
    """
    at = at or timezone.now()
    last = (
        Clock.objects.select_for_update()
        .filter(ticket=ticket, target=Target.RESOLUTION.value)
        .order_by("-cycle")
        .first()
    )
    version = ticket.sla_policy_version if ticket.sla_policy_version_id else None
    spec = version.targets().get(Target.RESOLUTION) if version is not None else None
    if spec is None and last is not None:
        spec = last.spec
    if spec is None:
        return None
    calendar = selectors.get_calendar()
    pauses = pauses_of(ticket.pk)
    if last is not None and last.is_open:
        _meet_now(last, at, calendar=calendar, pauses=pauses)
        last.save()
    clock = _new_clock(ticket, Target.RESOLUTION, spec, started_at=at, cycle=(last.cycle + 1 if last else 1))
    recompute(clock, calendar=calendar, pauses=pauses)
    clock.save()
    return clock


# --- extensions ----------------------------------------------------------------------------


def _as_instant(new_due: date | datetime, calendar: Calendar) -> datetime:
    """A date means the end of that day's work (its closing time; the usual one if it is not worked)."""
    if isinstance(new_due, datetime):
        if timezone.is_naive(new_due):
            return new_due.replace(tzinfo=calendar.tz)
        return new_due
    hours = calendar.working_hours(new_due)
    return datetime.combine(new_due, hours[1] if hours else calendar.config.closes, calendar.tz)


@transaction.atomic
def clock_extend(
    *,
    ticket,
    new_due: date | datetime | None,
    reason: str,
    actor,
    target: str = Target.RESOLUTION.value,
    now: datetime | None = None,
) -> Extension:
    """Give an open clock more time, record why, and queue the citizen's message.

    1. Lock the clock; only an open one (running or paused) can be extended — a met or
       breached verdict is fixed.
    2. ``clocks.extension_allowance`` refuses no reason, a date not later than the current
       deadline, or one that adds no working time (``ExtensionRefused``).
    3. Add the allowance, recompute, record the ``Extension`` and queue ``sla.extended``
       to the citizen, all in this transaction.
    """
    from apps.tickets.notify import queue_ticket_notice  # the tickets app depends on this one

    now = now or timezone.now()
    if new_due is None:
        raise ExtensionRefused(
            _("Choose the new deadline."),
            code="sla_extension_date_required",
            details={"new_due": [_("Required.")]},
        )
    clock = Clock.objects.select_for_update().filter(ticket=ticket, target=target).order_by("-cycle").first()
    if clock is None or not clock.is_open:
        raise ExtensionRefused(
            _("Only a deadline still running can be extended."),
            code="sla_extension_clock_closed",
            details={"target": target, "state": clock.state if clock else None},
        )
    calendar = selectors.get_calendar()
    pauses = pauses_of(ticket.pk)
    current_due = clock.due_at
    if current_due is None:  # paused: the deadline it would have if it resumed now
        resumed = [(b, e if e is not None else now) for b, e in pauses]
        current_due = clocks.target_due(
            spec=clock.spec,
            started_at=clock.started_at,
            calendar=calendar,
            paused_intervals=resumed,
            extra_allowance=clock.extra_allowance,
        )
    new_instant = _as_instant(new_due, calendar)
    added = clocks.extension_allowance(
        spec=clock.spec, current_due=current_due, new_due=new_instant, reason=reason, calendar=calendar
    )
    clock.extra_allowance += added
    recompute(clock, calendar=calendar, pauses=pauses)
    # A fresh deadline earns a fresh warning when it comes close again.
    clock.at_risk_notified_at = None
    clock.save(update_fields=["extra_allowance", "at_risk_notified_at", *_FIELDS])
    extension = Extension.objects.create(
        clock=clock,
        reason=reason.strip(),
        old_due_at=current_due,
        new_due_at=new_instant,
        added=added,
        actor=actor,
        at=now,
    )
    queue_ticket_notice(
        "extended", ticket, new_due=timezone.localtime(new_instant, calendar.tz).date(), reason=reason.strip()
    )
    return extension


# --- calendar changes ----------------------------------------------------------------------


def clocks_recompute_for_dates(*, dates: Iterable[date], calendar: Calendar, batch: int = 2000) -> int:
    """Recompute the OPEN clocks whose pending window can contain ``dates``; returns how many.

    A clock's deadline depends on the dates from its start to its due instant, so only
    clocks still due on or after the earliest changed date (and paused ones, whose
    deadline is open) can move. Met and breached clocks are never touched.
    """
    dates = sorted(dates)
    if not dates:
        return 0
    first = datetime.combine(dates[0], time.min, calendar.tz)
    candidates = Clock.objects.filter(state__in=OPEN).filter(
        Q(due_at__gte=first) | Q(due_at__isnull=True) | Q(escalate_at__gte=first)
    )
    count = 0
    last_id = 0
    while True:
        rows = list(candidates.filter(id__gt=last_id).order_by("id")[:batch])
        if not rows:
            return count
        last_id = rows[-1].id
        pauses: dict[int, list] = {}
        for pause in Pause.objects.filter(ticket_id__in={r.ticket_id for r in rows}).order_by("started_at"):
            pauses.setdefault(pause.ticket_id, []).append(pause.as_interval())
        for clock in rows:
            recompute(clock, calendar=calendar, pauses=pauses.get(clock.ticket_id, ()))
        Clock.objects.bulk_update(rows, _FIELDS)
        count += len(rows)


def clocks_moved_by_dates(*, dates: Iterable[date], calendar: Calendar, limit: int = 50) -> list[dict]:
    """Met or breached clocks whose window (start … met or breach instant) contains a date."""
    dates = frozenset(dates)
    if not dates:
        return []
    tz = calendar.tz
    first = datetime.combine(min(dates), time.min, tz)
    after_last = datetime.combine(max(dates) + timedelta(days=1), time.min, tz)
    rows = (
        Clock.objects.filter(state__in=[Clock.State.MET, Clock.State.BREACHED], started_at__lt=after_last)
        .annotate(ended=Coalesce(F("breached_at"), F("met_at")))
        .filter(ended__gte=first)
        .select_related("ticket")
        .only("id", "target", "cycle", "started_at", "met_at", "breached_at", "ticket__review_number")
        .order_by("id")
    )
    found = []
    for clock in rows.iterator(chunk_size=2000):
        start = timezone.localtime(clock.started_at, tz).date()
        end = timezone.localtime(clock.breached_at or clock.met_at, tz).date()
        if any(start <= d <= end for d in dates):
            found.append(
                {"review_number": clock.ticket.review_number, "target": clock.target, "cycle": clock.cycle}
            )
            if len(found) >= limit:
                break
    return found
