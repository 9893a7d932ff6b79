"""The clock engine as pure functions: due instants, state and remaining time of one target.

Nothing here reads the database or the clock on the wall: the ticket integration passes the
policy version, the instant the clock started, the ``Calendar``, the pause intervals, the
extensions granted and ``now``. The same inputs always give the same answer, so a
recomputation after a calendar or policy change is just calling these again.

How time is measured, per unit of the target:
- working hours and working days count working time on the calendar (a working-days
  target allows the working time from the start to the close of the Nth working day);
- calendar days count elapsed real time.
A pause removes its overlap with the measured time; an extension adds allowance measured
in the same way, so later pauses still push an extended deadline.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils.translation import gettext_lazy as _

from apps.sla.business_calendar import Calendar
from apps.sla.errors import ExtensionRefused

DEFAULT_AT_RISK_FRACTION = 0.75

Interval = tuple[datetime, datetime | None]  # a pause; an end of None means "still paused"


class Unit(enum.StrEnum):
    WORKING_HOURS = "working_hours"
    WORKING_DAYS = "working_days"
    CALENDAR_DAYS = "calendar_days"


class Target(enum.StrEnum):
    ACKNOWLEDGEMENT = "acknowledgement"
    FIRST_RESPONSE = "first_response"
    RESOLUTION = "resolution"


class ClockState(enum.StrEnum):
    RUNNING = "running"
    PAUSED = "paused"
    MET = "met"
    BREACHED = "breached"


UNIT_LABELS = {
    Unit.WORKING_HOURS: _("working hours"),
    Unit.WORKING_DAYS: _("working days"),
    Unit.CALENDAR_DAYS: _("calendar days"),
}
TARGET_LABELS = {
    Target.ACKNOWLEDGEMENT: _("acknowledgement"),
    Target.FIRST_RESPONSE: _("first response"),
    Target.RESOLUTION: _("resolution"),
}
STATE_LABELS = {
    ClockState.RUNNING: _("running"),
    ClockState.PAUSED: _("paused"),
    ClockState.MET: _("met"),
    ClockState.BREACHED: _("breached"),
}


@dataclass(frozen=True)
class TargetSpec:
    value: int
    unit: Unit

    @property
    def counts_working_time(self) -> bool:
        return self.unit is not Unit.CALENDAR_DAYS


@dataclass(frozen=True)
class ClockStatus:
    state: ClockState
    due_at: datetime | None  # None while paused with allowance left: the deadline is not yet known
    allowed: timedelta  # working time (or real time for calendar days), extensions included
    used: timedelta
    remaining: timedelta
    used_fraction: float
    at_risk: bool


# --- measuring -----------------------------------------------------------------------------


def _measure(spec: TargetSpec, calendar: Calendar, start: datetime, end: datetime) -> timedelta:
    if end <= start:
        return timedelta(0)
    if spec.counts_working_time:
        return calendar.working_time_between(start, end)
    return end - start


def _advance(spec: TargetSpec, calendar: Calendar, start: datetime, amount: timedelta) -> datetime:
    if spec.counts_working_time:
        return calendar.add_working_time(start, amount)
    return (start + amount).astimezone(calendar.tz)


def base_due(*, spec: TargetSpec, started_at: datetime, calendar: Calendar) -> datetime:
    """The due instant with no pause and no extension."""
    if spec.value == 0:
        return started_at.astimezone(calendar.tz)
    if spec.unit is Unit.WORKING_HOURS:
        return calendar.add_working_hours(started_at, spec.value)
    if spec.unit is Unit.WORKING_DAYS:
        return calendar.add_working_days(started_at, spec.value)
    return calendar.add_calendar_days(started_at, spec.value)


def allowance(*, spec: TargetSpec, started_at: datetime, calendar: Calendar) -> timedelta:
    """How much (working or real) time the target allows from ``started_at``."""
    return _measure(spec, calendar, started_at, base_due(spec=spec, started_at=started_at, calendar=calendar))


def _merged_pauses(started_at: datetime, pauses: Iterable[Interval]) -> list[Interval]:
    """Pauses clipped to the clock's start, sorted and merged; an open pause ends the list."""
    clipped: list[tuple[datetime, datetime | None]] = []
    for begin, end in sorted(pauses, key=lambda p: p[0]):
        if end is not None and end <= started_at:
            continue
        begin = max(begin, started_at)
        if clipped:
            last_begin, last_end = clipped[-1]
            if last_end is None:
                break
            if begin <= last_end:
                clipped[-1] = (last_begin, None if end is None else max(last_end, end))
                continue
        clipped.append((begin, end))
    return clipped


def _used(spec, calendar, started_at, until, pauses) -> timedelta:
    used = _measure(spec, calendar, started_at, until)
    for begin, end in pauses:
        if begin >= until:
            break
        used -= _measure(spec, calendar, begin, until if end is None else min(end, until))
    return used


def target_due(
    *,
    spec: TargetSpec,
    started_at: datetime,
    calendar: Calendar,
    paused_intervals: Iterable[Interval] = (),
    extra_allowance: timedelta = timedelta(0),
    share: float = 1.0,
) -> datetime | None:
    """The instant the target falls due, given pauses and extensions.

    1. The allowance is the time from the start to the base due instant, plus extensions
       (times ``share``: 0.75 gives the instant the clock becomes at risk, 2 the instant it
       has been late for as long again as it was allowed).
    2. Walk the running stretches between pauses, spending the allowance.
    3. The due instant is where the allowance runs out; ``None`` if a still-open pause
       is reached first (the deadline resumes with the clock).
    """
    pauses = _merged_pauses(started_at, paused_intervals)
    if not pauses and not extra_allowance and share == 1.0:
        return base_due(spec=spec, started_at=started_at, calendar=calendar)  # the common case, 3x faster
    remaining = (allowance(spec=spec, started_at=started_at, calendar=calendar) + extra_allowance) * share
    if not remaining:
        return started_at.astimezone(calendar.tz)
    cursor = started_at
    for begin, end in pauses:
        stretch = _measure(spec, calendar, cursor, begin)
        if stretch >= remaining:
            return _advance(spec, calendar, cursor, remaining)
        remaining -= stretch
        if end is None:
            return None
        cursor = max(cursor, end)
    return _advance(spec, calendar, cursor, remaining)


def compute_due(
    *,
    policy,
    started_at: datetime,
    calendar: Calendar,
    paused_intervals: Iterable[Interval] = (),
    extra_allowances: Mapping[str, timedelta] | None = None,
) -> dict[Target, datetime | None]:
    """Due instant of every target the policy version sets (``PolicyVersion.targets()``)."""
    pauses = list(paused_intervals)
    extra = extra_allowances or {}
    return {
        target: target_due(
            spec=spec,
            started_at=started_at,
            calendar=calendar,
            paused_intervals=pauses,
            extra_allowance=extra.get(target, timedelta(0)),
        )
        for target, spec in policy.targets().items()
    }


def clock_status(
    *,
    spec: TargetSpec,
    started_at: datetime,
    calendar: Calendar,
    now: datetime,
    paused_intervals: Iterable[Interval] = (),
    met_at: datetime | None = None,
    extra_allowance: timedelta = timedelta(0),
    at_risk_fraction: float = DEFAULT_AT_RISK_FRACTION,
) -> ClockStatus:
    """State of one clock at ``now``.

    met: the target event happened by the due instant; breached: it happened late, or
    it has not happened and the due instant has passed; paused: a pause is open now;
    running otherwise. At risk: running or paused with at least ``at_risk_fraction`` of the
    allowance used. Remaining is in the unit's time (working time for working units).
    """
    pauses = _merged_pauses(started_at, paused_intervals)
    allowed = allowance(spec=spec, started_at=started_at, calendar=calendar) + extra_allowance
    due = target_due(
        spec=spec,
        started_at=started_at,
        calendar=calendar,
        paused_intervals=pauses,
        extra_allowance=extra_allowance,
    )
    until = met_at if met_at is not None else now
    used = _used(spec, calendar, started_at, until, pauses)
    remaining = max(allowed - used, timedelta(0))
    fraction = (used / allowed) if allowed else 1.0
    if met_at is not None:
        state = ClockState.MET if due is not None and met_at <= due else ClockState.BREACHED
    elif due is not None and now > due:
        state = ClockState.BREACHED
    elif pauses and pauses[-1][1] is None and pauses[-1][0] <= now:
        state = ClockState.PAUSED
    else:
        state = ClockState.RUNNING
    at_risk = state in (ClockState.RUNNING, ClockState.PAUSED) and fraction >= at_risk_fraction
    return ClockStatus(state, due, allowed, used, remaining, fraction, at_risk)


def extension_allowance(
    *,
    spec: TargetSpec,
    current_due: datetime,
    new_due: datetime,
    reason: str,
    calendar: Calendar,
) -> timedelta:
    """Validate an extension and return the allowance it adds, measured in the target's unit.

    Refused without a reason, when the new due instant is not later than the current one, or
    when it adds no working time (a new date on a weekend right after the old deadline).
    """
    if not (reason or "").strip():
        raise ExtensionRefused(
            _("An extension needs a reason; the citizen is told why the answer is late."),
            code="sla_extension_reason_required",
        )
    if new_due <= current_due:
        raise ExtensionRefused(
            _("An extension must move the deadline later than the current one."),
            code="sla_extension_not_later",
            details={"current_due": current_due.isoformat(), "new_due": new_due.isoformat()},
        )
    added = _measure(spec, calendar, current_due, new_due)
    if not added:
        raise ExtensionRefused(
            _("The new deadline adds no working time; choose a later working day."),
            code="sla_extension_adds_no_time",
            details={"current_due": current_due.isoformat(), "new_due": new_due.isoformat()},
        )
    return added
