"""The business calendar as a pure, immutable object: no database access, no settings reads.

A ``Calendar`` is built once from plain rows (``CalendarData``) and a ``CalendarConfig``;
``apps.sla.selectors.get_calendar`` builds and caches it per process. Every question the
SLA engine asks ("add 10 working days", "working time between two instants") is then
answered from arrays precomputed per local date, so a call costs a few dictionary-free
index look-ups and one time-zone conversion:

- ``open_us[i]`` / ``close_us[i]``: working hours of day ``i`` in microseconds after local
  midnight (both 0 when the day is not worked);
- ``cum_us[i]``: working microseconds on all days before day ``i`` (prefix sums), so the
  working time between two instants is a subtraction and "add working time" a bisection;
- ``working_days``: indices of the worked days, so "the Nth working day after" is one index.

Rules (also in apps/sla/README.md):
- a day is worked when its weekday is in the working week and it is neither an official
  holiday nor inside a ministry closure; shortened hours replace the default hours;
- precedence when several apply to one date: holiday, closure, weekend, shortened hours;
- "N working days" after an instant ends at the close of the Nth working day after the
  local date of that instant (the day of receipt is never counted, whatever the hour);
- "N working hours" counts only time inside working hours, starting at the next opening when
  the instant is outside them; an amount that runs out exactly at closing time ends then;
- "N calendar days" is wall-clock arithmetic in the calendar's time zone;
- a target of zero ("at once") is the instant itself, in every unit.
"""

from __future__ import annotations

import bisect
import enum
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

US_PER_SECOND = 1_000_000
US_PER_MINUTE = 60 * US_PER_SECOND
US_PER_HOUR = 60 * US_PER_MINUTE


class CalendarRangeError(ValueError):
    """The instant or date lies outside the years this calendar was built for."""


class DayStatus(enum.StrEnum):
    WORKING = "working"
    WEEKEND = "weekend"
    HOLIDAY = "holiday"
    CLOSURE = "closure"


@dataclass(frozen=True)
class HolidayRow:
    date: date
    name_ar: str = ""
    name_en: str = ""
    estimated: bool = False
    id: int | None = None


@dataclass(frozen=True)
class ClosureRow:
    start: date
    end: date  # inclusive
    name_ar: str = ""
    name_en: str = ""
    id: int | None = None


@dataclass(frozen=True)
class ShortenedHoursRow:
    start: date
    end: date  # inclusive
    opens: time
    closes: time
    name_ar: str = ""
    name_en: str = ""
    id: int | None = None


@dataclass(frozen=True)
class CalendarData:
    holidays: tuple[HolidayRow, ...] = ()
    closures: tuple[ClosureRow, ...] = ()
    shortened: tuple[ShortenedHoursRow, ...] = ()


@dataclass(frozen=True)
class CalendarConfig:
    time_zone: str = "Asia/Bahrain"
    opens: time = time(7, 0)
    closes: time = time(14, 0)
    # Python weekday numbers (Monday 0 … Sunday 6): Sunday to Thursday.
    working_weekdays: frozenset[int] = field(default_factory=lambda: frozenset({6, 0, 1, 2, 3}))
    first_year: int = 2000
    last_year: int = 2060


@dataclass(frozen=True)
class Day:
    date: date
    status: DayStatus
    opens: time | None
    closes: time | None
    shortened: bool = False
    name_ar: str = ""
    name_en: str = ""
    estimated: bool = False

    @property
    def is_working(self) -> bool:
        return self.status is DayStatus.WORKING


def _time_us(value: time) -> int:
    return (value.hour * 3600 + value.minute * 60 + value.second) * US_PER_SECOND + value.microsecond


def _us_time(us: int) -> time:
    seconds, micro = divmod(us, US_PER_SECOND)
    return time(seconds // 3600, (seconds // 60) % 60, seconds % 60, micro)


def _dates(start: date, end: date) -> Iterable[date]:
    for ordinal in range(start.toordinal(), end.toordinal() + 1):
        yield date.fromordinal(ordinal)


class Calendar:
    """Working time on one ministry's calendar; immutable once built."""

    def __init__(self, data: CalendarData, config: CalendarConfig | None = None):
        config = config or CalendarConfig()
        if not config.opens < config.closes:
            raise ValueError("working hours must open before they close")
        self.data = data
        self.config = config
        self.tz = ZoneInfo(config.time_zone)
        self.first_date = date(config.first_year, 1, 1)
        self.last_date = date(config.last_year, 12, 31)
        self._base = self.first_date.toordinal()
        size = self.last_date.toordinal() - self._base + 1

        self._holidays = {row.date: row for row in data.holidays}
        self._closures: dict[date, ClosureRow] = {}
        for row in data.closures:
            for day in _dates(row.start, row.end):
                self._closures[day] = row
        self._shortened: dict[date, ShortenedHoursRow] = {}
        for row in data.shortened:
            for day in _dates(row.start, row.end):
                self._shortened[day] = row

        default_open, default_close = _time_us(config.opens), _time_us(config.closes)
        weekdays = config.working_weekdays
        open_us = [0] * size
        close_us = [0] * size
        cum_us = [0] * (size + 1)
        working_days: list[int] = []
        # cum_days[i]: how many worked days come before day i.
        cum_days = [0] * (size + 1)
        first_weekday = self.first_date.weekday()
        running_us = 0
        for i in range(size):
            worked = (first_weekday + i) % 7 in weekdays
            if worked and (self._holidays or self._closures):
                day = date.fromordinal(self._base + i)
                worked = day not in self._holidays and day not in self._closures
            if worked:
                opens, closes = default_open, default_close
                if self._shortened:
                    short = self._shortened.get(date.fromordinal(self._base + i))
                    if short is not None:
                        opens, closes = _time_us(short.opens), _time_us(short.closes)
                open_us[i], close_us[i] = opens, closes
                running_us += closes - opens
                working_days.append(i)
            cum_us[i + 1] = running_us
            cum_days[i + 1] = len(working_days)
        self._open_us = open_us
        self._close_us = close_us
        self._cum_us = cum_us
        self._cum_days = cum_days
        self._working_days = working_days

    # --- days ---------------------------------------------------------------------------

    def _index(self, day: date) -> int:
        i = day.toordinal() - self._base
        if i < 0 or i >= len(self._open_us):
            raise CalendarRangeError(f"{day.isoformat()} is outside the calendar")
        return i

    def day(self, day: date) -> Day:
        """What ``day`` is: worked (with its hours), a weekend, a holiday or a closure."""
        i = self._index(day)
        holiday = self._holidays.get(day)
        if holiday is not None:
            return Day(
                day, DayStatus.HOLIDAY, None, None, False, holiday.name_ar, holiday.name_en, holiday.estimated
            )
        closure = self._closures.get(day)
        if closure is not None:
            return Day(day, DayStatus.CLOSURE, None, None, False, closure.name_ar, closure.name_en)
        if self._close_us[i] == 0:
            return Day(day, DayStatus.WEEKEND, None, None)
        short = self._shortened.get(day)
        return Day(
            day,
            DayStatus.WORKING,
            _us_time(self._open_us[i]),
            _us_time(self._close_us[i]),
            short is not None,
            short.name_ar if short else "",
            short.name_en if short else "",
        )

    def days(self, start: date, end: date) -> list[Day]:
        return [self.day(day) for day in _dates(start, end)]

    def is_working_day(self, day: date) -> bool:
        return self._close_us[self._index(day)] != 0

    def working_hours(self, day: date) -> tuple[time, time] | None:
        i = self._index(day)
        if self._close_us[i] == 0:
            return None
        return _us_time(self._open_us[i]), _us_time(self._close_us[i])

    # --- instants -----------------------------------------------------------------------

    def _split(self, instant: datetime) -> tuple[int, int]:
        """(day index, microseconds after local midnight) of an aware instant."""
        if instant.tzinfo is None:
            raise ValueError("the calendar works on aware datetimes only")
        local = instant.astimezone(self.tz)
        i = local.toordinal() - self._base
        if i < 0 or i >= len(self._open_us):
            raise CalendarRangeError(f"{local.date().isoformat()} is outside the calendar")
        return i, ((local.hour * 60 + local.minute) * 60 + local.second) * US_PER_SECOND + local.microsecond

    def _instant(self, i: int, us: int) -> datetime:
        naive = datetime.fromordinal(self._base + i) + timedelta(microseconds=us)
        return naive.replace(tzinfo=self.tz)

    def _position(self, instant: datetime) -> int:
        """Working microseconds from the calendar's start up to ``instant``."""
        i, us = self._split(instant)
        opens, closes = self._open_us[i], self._close_us[i]
        if us <= opens:
            return self._cum_us[i]
        if us >= closes:
            return self._cum_us[i + 1]
        return self._cum_us[i] + us - opens

    def _at_position(self, position: int) -> datetime:
        """The earliest instant at which ``position`` working microseconds have accrued."""
        cum = self._cum_us
        j = bisect.bisect_left(cum, position) - 1
        if j < 0:
            return self._instant(0, self._open_us[0] if self._close_us[0] else 0)
        if j >= len(self._open_us):
            raise CalendarRangeError("the result lies beyond the end of the calendar")
        return self._instant(j, self._open_us[j] + position - cum[j])

    def working_time_between(self, start: datetime, end: datetime) -> timedelta:
        """Working time inside [start, end]; ``end`` must not be before ``start``."""
        if end < start:
            raise ValueError("end is before start")
        return timedelta(microseconds=self._position(end) - self._position(start))

    def add_working_time(self, instant: datetime, amount: timedelta) -> datetime:
        """The instant at which ``amount`` of working time after ``instant`` has been worked."""
        if amount < timedelta(0):
            raise ValueError("amount must not be negative")
        if not amount:
            return instant.astimezone(self.tz)
        micro = (amount.days * 86_400 + amount.seconds) * US_PER_SECOND + amount.microseconds
        return self._at_position(self._position(instant) + micro)

    def add_working_hours(self, instant: datetime, hours: int | float) -> datetime:
        return self.add_working_time(instant, timedelta(hours=hours))

    def add_working_days(self, instant: datetime, days: int) -> datetime:
        """Close of business on the ``days``-th working day after the local date of ``instant``."""
        if days < 0:
            raise ValueError("days must not be negative")
        if days == 0:
            return instant.astimezone(self.tz)
        i, _us = self._split(instant)
        k = self._cum_days[i + 1] + days - 1
        if k >= len(self._working_days):
            raise CalendarRangeError("the result lies beyond the end of the calendar")
        j = self._working_days[k]
        return self._instant(j, self._close_us[j])

    def add_calendar_days(self, instant: datetime, days: int) -> datetime:
        if days < 0:
            raise ValueError("days must not be negative")
        if instant.tzinfo is None:
            raise ValueError("the calendar works on aware datetimes only")
        # Wall-clock arithmetic in the calendar's zone: "30 days" is the same local time.
        local = instant.astimezone(self.tz).replace(tzinfo=None) + timedelta(days=days)
        return local.replace(tzinfo=self.tz)

    def next_working_instant(self, instant: datetime) -> datetime:
        """``instant`` if it is inside working hours, else the next opening."""
        i, us = self._split(instant)
        if self._close_us[i] and self._open_us[i] <= us < self._close_us[i]:
            return instant.astimezone(self.tz)
        return self._at_position(self._position(instant) + 1) - timedelta(microseconds=1)

    def changed_dates(self, other: Calendar) -> frozenset[date]:
        """The dates whose working hours differ between this calendar and ``other``.

        Only the dates of rows added, removed or edited between the two are compared, so a
        one-holiday move costs a handful of look-ups, not a pass over every year.
        """
        candidates: set[date] = set()
        for mine, theirs in (
            (self.data.holidays, other.data.holidays),
            (self.data.closures, other.data.closures),
            (self.data.shortened, other.data.shortened),
        ):
            for row in set(mine) ^ set(theirs):
                if isinstance(row, HolidayRow):
                    candidates.add(row.date)
                else:
                    candidates.update(_dates(row.start, row.end))
        if self.config != other.config:
            raise ValueError("calendars with different settings differ on every date")
        changed = set()
        for day in candidates:
            if not (self.first_date <= day <= self.last_date):
                continue
            if self.working_hours(day) != other.working_hours(day):
                changed.add(day)
        return frozenset(changed)
