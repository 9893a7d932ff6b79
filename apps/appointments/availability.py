"""Free slots: the one query path the console, the portal and the API all use.

A slot exists at a branch for a service when (1) the branch offers the service, (2) the SLA
business calendar has the date as a working day (no weekend, public holiday or ministry
closure — one calendar for the whole product), (3) the branch is not closed that date, and
(4) the slot lies inside the branch's opening hours for that weekday (cut short when the
calendar shortens the day). Its capacity is the offering's counters, or a capacity change
covering the date; what is taken is the slot's ``SlotCounter`` row.

``Plan`` loads everything for one service over a date range in five queries, whatever the
number of days or bookings, then works in memory; ``Plan.one_day`` (a booking's check of one
slot) loads one branch's day in one.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import connection
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from apps.appointments.errors import ServiceNotOffered, SlotRefused
from apps.appointments.models import (
    BranchClosure,
    CapacityChange,
    Offering,
    OpeningHours,
    Service,
)
from apps.sla.business_calendar import CalendarRangeError, DayStatus
from apps.sla.selectors import get_calendar


@dataclass(frozen=True)
class Slot:
    branch_id: int
    start: datetime
    end: datetime
    capacity: int
    booked: int

    @property
    def free(self) -> int:
        return max(0, self.capacity - self.booked)

    def as_dict(self, branches: dict | None = None) -> dict:
        data = {
            "branch": self.branch_id,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "free": self.free,
        }
        if branches and self.branch_id in branches:
            data["branch_name"] = branches[self.branch_id].display_name()
        return data


def _grid(day: date, opens: time, closes: time, minutes: int, tz) -> list[tuple[datetime, datetime]]:
    start = datetime.combine(day, opens, tzinfo=tz)
    end_of_day = datetime.combine(day, closes, tzinfo=tz)
    step = timedelta(minutes=minutes)
    slots = []
    while start + step <= end_of_day:
        slots.append((start, start + step))
        start += step
    return slots


class Plan:
    """One service's offerings, hours, closures, capacities and counters from ``first`` to
    ``last`` (inclusive, local dates)."""

    def __init__(
        self, *, service: Service, first: date, last: date, branch_id: int | None = None, calendar=None
    ):
        self.service = service
        self.first, self.last = first, last
        self.calendar = calendar or get_calendar()
        self.tz = self.calendar.tz
        offerings = Offering.objects.filter(
            service=service, is_active=True, branch__is_active=True
        ).select_related("branch")
        if branch_id is not None:
            offerings = offerings.filter(branch_id=branch_id)
        self.offerings = {o.branch_id: o for o in offerings}
        ids = list(self.offerings)
        self.hours: dict[tuple[int, int], tuple[time, time]] = {}
        self.closures: dict[int, list[BranchClosure]] = defaultdict(list)
        self.changes: dict[int, list[CapacityChange]] = defaultdict(list)
        self.taken: dict[tuple[int, int], int] = {}
        if not ids:
            return
        for row in OpeningHours.objects.filter(branch_id__in=ids):
            self.hours[(row.branch_id, row.weekday)] = (row.opens, row.closes)
        for row in BranchClosure.objects.filter(branch_id__in=ids, start_date__lte=last, end_date__gte=first):
            self.closures[row.branch_id].append(row)
        for row in CapacityChange.objects.filter(
            offering__in=self.offerings.values(), start_date__lte=last, end_date__gte=first
        ).order_by("start_date", "id"):
            self.changes[row.offering_id].append(row)
        since = datetime.combine(first, time.min, tzinfo=self.tz)
        until = datetime.combine(last + timedelta(days=1), time.min, tzinfo=self.tz)
        # Keyed by epoch seconds, read as integers: parsing thousands of timestamps into
        # datetimes was most of an availability request's time.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT branch_id, extract(epoch FROM slot_start)::bigint, booked FROM appointments_slotcounter"
                " WHERE service_id = %s AND branch_id = ANY(%s) AND slot_start >= %s AND slot_start < %s"
                " AND booked > 0",
                [service.pk, ids, since, until],
            )
            for branch, epoch, booked in cursor.fetchall():
                self.taken[(branch, epoch)] = booked

    @classmethod
    def one_day(cls, *, service: Service, branch_id: int, day: date, calendar) -> Plan:
        """The same plan for one branch on one day, read in one query instead of five: what a
        booking's check needs (``check_slot``), on the hot path of every booking."""
        plan = cls.__new__(cls)
        plan.service, plan.first, plan.last = service, day, day
        plan.calendar, plan.tz = calendar, calendar.tz
        plan.offerings, plan.hours, plan.taken = {}, {}, {}
        plan.closures, plan.changes = defaultdict(list), defaultdict(list)
        since = datetime.combine(day, time.min, tzinfo=plan.tz)
        until = datetime.combine(day + timedelta(days=1), time.min, tzinfo=plan.tz)
        with connection.cursor() as cursor:
            cursor.execute(
                _ONE_DAY_SQL,
                {
                    "service": service.pk,
                    "branch": branch_id,
                    "day": day,
                    "weekday": day.weekday(),
                    "since": since,
                    "until": until,
                },
            )
            row = cursor.fetchone()
        if row is None:
            return plan
        offering_id, counters, opens, closes, closure_ids, change_ids, change_counters, epochs, booked = row
        offering = Offering(id=offering_id, branch_id=branch_id, service_id=service.pk, counters=counters)
        plan.offerings[branch_id] = offering
        if opens is not None:
            plan.hours[(branch_id, day.weekday())] = (opens, closes)
        if closure_ids:  # rare: read the rows themselves for their reason
            plan.closures[branch_id] = list(BranchClosure.objects.filter(pk__in=closure_ids))
        for change_id, change_counters_ in zip(change_ids or (), change_counters or (), strict=True):
            plan.changes[offering_id].append(
                CapacityChange(
                    id=change_id, offering=offering, start_date=day, end_date=day, counters=change_counters_
                )
            )
        for epoch, count in zip(epochs or (), booked or (), strict=True):
            plan.taken[(branch_id, epoch)] = count
        return plan

    # --- one day at one branch ------------------------------------------------------------

    def closure_on(self, branch_id: int, day: date) -> BranchClosure | None:
        for row in self.closures.get(branch_id, ()):
            if row.start_date <= day <= row.end_date:
                return row
        return None

    def capacity(self, branch_id: int, day: date) -> int:
        offering = self.offerings[branch_id]
        counters = offering.counters
        for row in self.changes.get(offering.pk, ()):
            if row.start_date <= day <= row.end_date:
                counters = row.counters  # the latest-starting change wins (ordered by start)
        return counters

    def day_grid(self, branch_id: int, day: date) -> list[tuple[datetime, datetime]]:
        """The slots of that day, or [] when the branch does not receive citizens then."""
        try:
            hours = self.calendar.working_hours(day)
        except CalendarRangeError:
            return []
        if hours is None or self.closure_on(branch_id, day) is not None:
            return []
        branch_hours = self.hours.get((branch_id, day.weekday()))
        if branch_hours is None:
            return []
        opens, closes = branch_hours
        if self.calendar.day(day).shortened:
            closes = min(closes, hours[1])
        return _grid(day, opens, closes, self.service.slot_minutes, self.tz)

    def slots(self, *, earliest: datetime, only_free: bool = True) -> list[Slot]:
        result = []
        for day_number in range((self.last - self.first).days + 1):
            day = self.first + timedelta(days=day_number)
            for branch_id in self.offerings:
                grid = self.day_grid(branch_id, day)
                if not grid:
                    continue
                capacity = self.capacity(branch_id, day)
                taken = self.taken
                for start, end in grid:
                    if start < earliest:
                        continue
                    booked = taken.get((branch_id, int(start.timestamp())), 0)
                    if only_free and booked >= capacity:
                        continue
                    result.append(Slot(branch_id, start, end, capacity, booked))
        result.sort(key=lambda s: (s.start, s.branch_id))
        return result


# Plan.one_day: the offering (active, at an active branch), that weekday's hours, the
# closures and capacity changes covering the day (changes by start, so the latest wins), and
# the day's taken seats — each a scalar subquery of the one offering row.
_ONE_DAY_SQL = """
SELECT o.id, o.counters, h.opens, h.closes,
    (SELECT array_agg(c.id) FROM appointments_branchclosure c
     WHERE c.branch_id = o.branch_id AND c.start_date <= %(day)s AND c.end_date >= %(day)s),
    (SELECT array_agg(x.id ORDER BY x.start_date, x.id) FROM appointments_capacitychange x
     WHERE x.offering_id = o.id AND x.start_date <= %(day)s AND x.end_date >= %(day)s),
    (SELECT array_agg(x.counters ORDER BY x.start_date, x.id) FROM appointments_capacitychange x
     WHERE x.offering_id = o.id AND x.start_date <= %(day)s AND x.end_date >= %(day)s),
    t.epochs, t.booked
FROM appointments_offering o
JOIN appointments_branch b ON b.id = o.branch_id
LEFT JOIN appointments_openinghours h ON h.branch_id = o.branch_id AND h.weekday = %(weekday)s
LEFT JOIN LATERAL (
    SELECT array_agg(extract(epoch FROM s.slot_start)::bigint ORDER BY s.slot_start) AS epochs,
           array_agg(s.booked ORDER BY s.slot_start) AS booked
    FROM appointments_slotcounter s
    WHERE s.service_id = o.service_id AND s.branch_id = o.branch_id
      AND s.slot_start >= %(since)s AND s.slot_start < %(until)s AND s.booked > 0
) t ON true
WHERE o.service_id = %(service)s AND o.branch_id = %(branch)s AND o.is_active AND b.is_active
"""


def earliest_bookable(service: Service, now: datetime) -> datetime:
    return now + timedelta(minutes=service.min_notice_minutes)


def horizon_end(service: Service, now: datetime, calendar=None) -> date:
    calendar = calendar or get_calendar()
    return now.astimezone(calendar.tz).date() + timedelta(days=service.horizon_days)


def free_slots(
    *,
    service: Service,
    branch_id: int | None = None,
    days: int | None = None,
    start_date: date | None = None,
    limit: int | None = None,
    now: datetime | None = None,
) -> list[Slot]:
    """The free slots of ``service`` (at one branch or at every branch offering it), from
    ``start_date`` (default today) for ``days`` days (default the service's horizon), never
    earlier than the minimum notice nor later than the horizon; soonest first."""
    now = now or timezone.now()
    calendar = get_calendar()
    today = now.astimezone(calendar.tz).date()
    first = max(start_date or today, today)
    last_allowed = horizon_end(service, now, calendar)
    last = min(first + timedelta(days=(days or service.horizon_days) - 1), last_allowed)
    if last < first:
        return []
    plan = Plan(service=service, first=first, last=last, branch_id=branch_id, calendar=calendar)
    slots = plan.slots(earliest=earliest_bookable(service, now))
    return slots[:limit] if limit else slots


def check_slot(
    *, service: Service, branch, slot_start: datetime, now: datetime | None = None
) -> tuple[Slot, Plan]:
    """The slot a booking asks for, or the reason it cannot be booked.

    Refuses a service the branch does not offer, a time in the past or inside the minimum
    notice, beyond the horizon, on a weekend, holiday or closure, or outside opening hours
    (or not on the slot grid). Capacity is not checked here: only the counter's conditional
    update can say so safely under concurrency.
    """
    now = now or timezone.now()
    if slot_start is None or timezone.is_naive(slot_start):
        raise SlotRefused(
            _("Give the slot's date and time."),
            code="slot_required",
            details={"slot_start": [_("Required.")]},
        )
    calendar = get_calendar()
    local = slot_start.astimezone(calendar.tz)
    day = local.date()
    if not service.is_active:
        raise ServiceNotOffered(details={"service": [_("This service is not offered at the moment.")]})
    plan = Plan.one_day(service=service, branch_id=branch.pk, day=day, calendar=calendar)
    if branch.pk not in plan.offerings:
        raise ServiceNotOffered(details={"branch": [str(ServiceNotOffered.default_message)]})
    if slot_start <= now:
        raise SlotRefused(
            _("This time has already passed."),
            code="slot_in_past",
            details={"slot_start": [_("Choose a time in the future.")]},
        )
    if slot_start < earliest_bookable(service, now):
        hours = max(1, round(service.min_notice_minutes / 60))
        raise SlotRefused(
            ngettext(
                "Appointments for this service must be booked at least %(hours)s hour ahead.",
                "Appointments for this service must be booked at least %(hours)s hours ahead.",
                hours,
            )
            % {"hours": hours},
            code="slot_too_soon",
            details={"slot_start": [_("Choose a later time.")]},
        )
    if day > horizon_end(service, now, calendar):
        raise SlotRefused(
            _("Appointments can be booked up to %(days)s days ahead.") % {"days": service.horizon_days},
            code="slot_beyond_horizon",
            details={"slot_start": [_("Choose an earlier date.")]},
        )
    try:
        info = calendar.day(day)
    except CalendarRangeError:
        raise SlotRefused(_("This date cannot be booked."), code="slot_day_closed") from None
    if info.status is DayStatus.HOLIDAY:
        name = info.name_en if get_language() == "en" and info.name_en else (info.name_ar or info.name_en)
        raise SlotRefused(
            _("This date is a public holiday (%(name)s): the branches are closed.") % {"name": name},
            code="slot_on_holiday",
            details={"slot_start": [_("Choose a working day.")]},
        )
    if info.status is not DayStatus.WORKING:
        raise SlotRefused(
            _("The branches are closed on this date."),
            code="slot_day_closed",
            details={"slot_start": [_("Choose a working day.")]},
        )
    closure = plan.closure_on(branch.pk, day)
    if closure is not None:
        raise SlotRefused(
            _("This branch is closed on this date (%(reason)s).") % {"reason": closure.reason()},
            code="slot_branch_closed",
            details={"slot_start": [_("Choose another date or branch.")]},
        )
    for start, end in plan.day_grid(branch.pk, day):
        if start == local:
            booked = plan.taken.get((branch.pk, int(start.timestamp())), 0)
            return Slot(branch.pk, start, end, plan.capacity(branch.pk, day), booked), plan
    raise SlotRefused(
        _("This time is outside the branch's opening hours or not the start of a slot."),
        code="slot_outside_hours",
        details={"slot_start": [_("Choose one of the offered times.")]},
    )
