"""Calling hours: when a campaign may ring a citizen.

A campaign calls on its calling days (default Sunday–Thursday) between its opening and
closing times (default 08:00–20:00, Bahrain time), from its start date to its end date,
and never on a day the business calendar of apps.sla marks as an official holiday or a
ministry closure. The calendar's own working hours (the offices' 07:00–14:00) are not
the calling hours, so only its holidays and closures are read here.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from apps.sla.business_calendar import Calendar, CalendarRangeError, DayStatus

ZONE = ZoneInfo("Asia/Bahrain")
# How far ahead "the next calling instant" looks before giving up (a campaign's dates bound it too).
_HORIZON_DAYS = 400


def is_calling_day(campaign, day: date, calendar: Calendar) -> bool:
    if day < campaign.starts_on or day > campaign.ends_on:
        return False
    if day.weekday() not in campaign.calling_days:
        return False
    try:
        status = calendar.day(day).status
    except CalendarRangeError:
        return False
    return status not in (DayStatus.HOLIDAY, DayStatus.CLOSURE)


def is_calling_time(campaign, instant: datetime, calendar: Calendar) -> bool:
    local = instant.astimezone(ZONE)
    return is_calling_day(campaign, local.date(), calendar) and (
        campaign.calling_opens <= local.time().replace(tzinfo=None) < campaign.calling_closes
    )


def next_calling_instant(campaign, instant: datetime, calendar: Calendar) -> datetime | None:
    """The first instant at or after ``instant`` inside the campaign's calling hours, or
    ``None`` when there is none before the campaign ends."""
    local = instant.astimezone(ZONE)
    day = local.date()
    clock: time = local.time().replace(tzinfo=None)
    for _step in range(_HORIZON_DAYS):
        if day > campaign.ends_on:
            return None
        if is_calling_day(campaign, day, calendar):
            if clock < campaign.calling_opens:
                return datetime.combine(day, campaign.calling_opens, ZONE)
            if clock < campaign.calling_closes:
                return datetime.combine(day, clock, ZONE)
        day += timedelta(days=1)
        clock = time(0, 0)
    return None
