"""The SLA engine's settings, read from ``django.conf.settings`` at call time (never at import).

HOUSING_SLA_TIME_ZONE        the calendar's zone (default "Asia/Bahrain")
HOUSING_SLA_WORKING_HOURS    ("07:00", "14:00"): default opening and closing time
HOUSING_SLA_WORKING_WEEKDAYS Python weekday numbers worked (default Sunday–Thursday: 6, 0, 1, 2, 3)
HOUSING_SLA_AT_RISK_FRACTION share of the allowance used that makes a clock "at risk" (0.75)
HOUSING_SLA_CALENDAR_YEARS   (first, last) years the calendar is precomputed for (2000, 2060)
"""

from __future__ import annotations

from datetime import time

from django.conf import settings

from apps.sla.business_calendar import CalendarConfig


def _time(value) -> time:
    return value if isinstance(value, time) else time.fromisoformat(value)


def calendar_config() -> CalendarConfig:
    opens, closes = getattr(settings, "HOUSING_SLA_WORKING_HOURS", ("07:00", "14:00"))
    first_year, last_year = getattr(settings, "HOUSING_SLA_CALENDAR_YEARS", (2000, 2060))
    return CalendarConfig(
        time_zone=getattr(settings, "HOUSING_SLA_TIME_ZONE", "Asia/Bahrain"),
        opens=_time(opens),
        closes=_time(closes),
        working_weekdays=frozenset(getattr(settings, "HOUSING_SLA_WORKING_WEEKDAYS", (6, 0, 1, 2, 3))),
        first_year=first_year,
        last_year=last_year,
    )


def at_risk_fraction() -> float:
    return float(getattr(settings, "HOUSING_SLA_AT_RISK_FRACTION", 0.75))
