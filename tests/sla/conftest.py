"""Fixtures of the SLA tests: a pure calendar with Bahrain's real 2025–2027 holidays, and a
clean per-process calendar cache around every test (tests roll back without committing, so
the on-commit invalidation never runs)."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from apps.sla import selectors, services
from apps.sla.business_calendar import (
    Calendar,
    CalendarConfig,
    CalendarData,
    ClosureRow,
    HolidayRow,
    ShortenedHoursRow,
)

BH = ZoneInfo("Asia/Bahrain")

# A ministry closure and Ramadan hours, made up for the tests.
CLOSURE = ClosureRow(date(2026, 2, 8), date(2026, 2, 9), "إغلاق للصيانة", "Closed for building works")
RAMADAN_2026 = ShortenedHoursRow(
    date(2026, 2, 18), date(2026, 3, 19), time(8, 0), time(13, 0), "رمضان", "Ramadan"
)


def official_holidays(*years):
    return tuple(
        HolidayRow(h.date, h.name_ar, h.name_en, h.estimated)
        for year in years
        for h in services.package_holidays(year)
    )


@pytest.fixture(scope="session")
def bahrain_holidays():
    return official_holidays(2025, 2026, 2027)


@pytest.fixture(scope="session")
def calendar(bahrain_holidays):
    """Bahrain 2025–2027: official holidays, one two-day closure, Ramadan 2026 hours 08:00–13:00."""
    return Calendar(
        CalendarData(holidays=bahrain_holidays, closures=(CLOSURE,), shortened=(RAMADAN_2026,)),
        CalendarConfig(first_year=2020, last_year=2035),
    )


@pytest.fixture(scope="session")
def plain_calendar():
    """Only weekends: no holiday, closure or shortened hours."""
    return Calendar(CalendarData(), CalendarConfig(first_year=2020, last_year=2035))


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    selectors.forget_local_calendar()
    yield
    selectors.forget_local_calendar()


@pytest.fixture
def sla_world(db):
    """The default policies (in force from 1 January 2025) and Bahrain's 2025–2026 holidays
    in the database, as the product has them after ``seed``."""
    import time_machine

    from apps.sla import seed

    with time_machine.travel(datetime(2025, 1, 1, 0, 0, tzinfo=BH), tick=False):
        seed.seed_policies()
        for year in (2025, 2026):
            services.holiday_import_year(year=year)
    selectors.forget_local_calendar()
    return None
