"""Official holidays in the database: import, confirm, move, and the hooks a move fires."""

from dataclasses import dataclass
from datetime import date, datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from apps.sla import selectors, services, signals
from apps.sla.clocks import TargetSpec, Unit, target_due
from apps.sla.errors import CalendarChangeRefused, CalendarOverlap
from apps.sla.models import Holiday

BH = ZoneInfo("Asia/Bahrain")
TWO_DAYS = TargetSpec(2, Unit.WORKING_DAYS)


def at(year, month, day, hour=0, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=BH)


# --- import --------------------------------------------------------------------------------


def test_importing_a_year_materialises_its_official_holidays(db):
    result = services.holiday_import_year(year=2026)
    assert result.created == 14
    eid = Holiday.objects.get(date=date(2026, 3, 20))
    assert (eid.name_ar, eid.name_en, eid.source, eid.estimated) == (
        "عيد الفطر",
        "Eid al-Fitr",
        "package",
        False,
    )


def test_islamic_holidays_the_package_only_estimates_are_flagged_estimated(db):
    services.holiday_import_year(year=2027)
    estimated = set(Holiday.objects.filter(estimated=True).values_list("name_en", flat=True))
    fixed = set(Holiday.objects.filter(estimated=False).values_list("name_en", flat=True))
    assert {"Eid al-Fitr", "Eid al-Adha", "Islamic New Year", "Ashura", "Prophet's Birthday"} == estimated
    assert {"New Year's Day", "Labor Day", "National Day"} == fixed


def test_importing_the_same_year_twice_changes_nothing(db):
    services.holiday_import_year(year=2027)
    before = list(Holiday.objects.values_list("date", "name_en", "estimated", "updated_at"))
    again = services.holiday_import_year(year=2027)
    assert (again.created, again.updated, again.removed, again.unchanged) == (0, 0, 0, 14)
    assert list(Holiday.objects.values_list("date", "name_en", "estimated", "updated_at")) == before


def test_a_reimport_keeps_a_holiday_an_administrator_moved(db, admin_user):
    services.holiday_import_year(year=2027)
    eid = Holiday.objects.filter(name_en="Eid al-Fitr").order_by("date")
    services.holiday_shift(holidays=list(eid), days=1, actor=admin_user)
    services.holiday_import_year(year=2027)
    assert list(Holiday.objects.filter(name_en="Eid al-Fitr").values_list("date", flat=True)) == [
        date(2027, 3, 10),
        date(2027, 3, 11),
        date(2027, 3, 12),
    ]


def test_a_manual_holiday_on_a_date_wins_over_the_package(db, admin_user):
    services.holiday_create(
        date=date(2027, 1, 1), name_ar="عطلة", name_en="Decreed holiday", actor=admin_user
    )
    result = services.holiday_import_year(year=2027)
    assert result.kept == 1
    assert Holiday.objects.get(date=date(2027, 1, 1)).name_en == "Decreed holiday"


def test_the_import_command_imports_the_years_given(db):
    out = StringIO()
    call_command("sla_import_holidays", "2026", "2027", stdout=out)
    assert Holiday.objects.filter(date__year=2026).count() == 14
    assert Holiday.objects.filter(date__year=2027).count() == 14
    assert "2027: 14 created" in out.getvalue()


# --- confirm and move ----------------------------------------------------------------------


def test_confirming_an_estimated_holiday_records_who_and_keeps_the_date(db, admin_user):
    services.holiday_import_year(year=2027)
    mawlid = Holiday.objects.get(name_en="Prophet's Birthday")
    assert services.holiday_confirm(holidays=[mawlid], actor=admin_user) == 1
    mawlid.refresh_from_db()
    assert (mawlid.estimated, mawlid.confirmed_by, mawlid.date) == (False, admin_user, date(2027, 8, 14))


def test_moving_a_holiday_confirms_it_at_its_new_date(db, admin_user):
    services.holiday_import_year(year=2027)
    new_year = Holiday.objects.get(name_en="Islamic New Year")
    services.holiday_move(holiday=new_year, to_date=date(2027, 6, 7), actor=admin_user)
    new_year.refresh_from_db()
    assert (new_year.date, new_year.estimated, new_year.confirmed_by) == (date(2027, 6, 7), False, admin_user)


def test_moving_a_holiday_onto_another_holiday_is_refused_and_nothing_moves(db, admin_user):
    services.holiday_import_year(year=2027)
    ashura = Holiday.objects.filter(name_en="Ashura").order_by("date").first()
    with pytest.raises(CalendarOverlap) as refused:
        services.holiday_move(holiday=ashura, to_date=date(2027, 6, 15), actor=admin_user)
    assert refused.value.code == "sla_holiday_date_taken"
    ashura.refresh_from_db()
    assert ashura.date == date(2027, 6, 14)


def test_shifting_all_three_days_of_eid_by_one_day_passes_through_shared_dates(db, admin_user):
    services.holiday_import_year(year=2027)
    eid = list(Holiday.objects.filter(name_en="Eid al-Adha"))
    services.holiday_shift(holidays=eid, days=1, actor=admin_user)
    assert sorted(Holiday.objects.filter(name_en="Eid al-Adha").values_list("date", flat=True)) == [
        date(2027, 5, 17),
        date(2027, 5, 18),
        date(2027, 5, 19),
    ]


# --- the hooks -----------------------------------------------------------------------------


@dataclass
class FakeClock:
    """What a ticket clock looks like to the hooks: a start, a target, a due, maybe met."""

    name: str
    started_at: datetime
    due_at: datetime | None = None
    met_at: datetime | None = None


class FakeClockStore:
    """A stand-in for the ticket clocks, connected the way the ticket integration will be."""

    def __init__(self, clocks):
        self.clocks = clocks
        self.changes = []

    def moved_met_clocks(self, sender, *, dates, calendar, **kwargs):
        return [
            c.name
            for c in self.clocks
            if c.met_at is not None and any(c.started_at.date() <= d <= c.met_at.date() for d in dates)
        ]

    def recompute_open_clocks(self, sender, *, dates, calendar, actor, **kwargs):
        self.changes.append(sorted(dates))
        for clock in self.clocks:
            if clock.met_at is None:
                clock.due_at = target_due(spec=TWO_DAYS, started_at=clock.started_at, calendar=calendar)


@pytest.fixture
def clock_store():
    store = FakeClockStore([])
    signals.calendar_change_requested.connect(store.moved_met_clocks)
    signals.calendar_changed.connect(store.recompute_open_clocks)
    yield store
    signals.calendar_change_requested.disconnect(store.moved_met_clocks)
    signals.calendar_changed.disconnect(store.recompute_open_clocks)


def test_moving_an_estimated_holiday_recomputes_open_deadlines_only(db, admin_user, clock_store):
    services.holiday_import_year(year=2027)  # Eid al-Fitr estimated Tuesday 9 – Thursday 11 March 2027
    clock_store.changes.clear()
    calendar = selectors.build_calendar()
    open_clock = FakeClock("open", started_at=at(2027, 3, 8, 10, 0))
    open_clock.due_at = target_due(spec=TWO_DAYS, started_at=open_clock.started_at, calendar=calendar)
    met_clock = FakeClock(
        "met", at(2027, 3, 1, 9, 0), due_at=at(2027, 3, 3, 14, 0), met_at=at(2027, 3, 3, 10, 0)
    )
    clock_store.clocks = [open_clock, met_clock]
    assert open_clock.due_at == at(2027, 3, 15, 14, 0)

    services.holiday_shift(
        holidays=list(Holiday.objects.filter(name_en="Eid al-Fitr")), days=1, actor=admin_user
    )

    assert clock_store.changes == [[date(2027, 3, 9)]]  # Friday 12 March was not a working day anyway
    assert open_clock.due_at == at(2027, 3, 14, 14, 0)
    assert met_clock.due_at == at(2027, 3, 3, 14, 0)


def test_a_move_that_would_change_a_met_clock_is_refused_and_nothing_moves(db, admin_user, clock_store):
    services.holiday_import_year(year=2027)
    clock_store.changes.clear()
    clock_store.clocks = [FakeClock("HC-2027-000123", at(2027, 3, 7, 9, 0), met_at=at(2027, 3, 15, 9, 0))]
    eid = list(Holiday.objects.filter(name_en="Eid al-Fitr"))
    with pytest.raises(CalendarChangeRefused) as refused:
        services.holiday_shift(holidays=eid, days=1, actor=admin_user)
    assert refused.value.code == "sla_calendar_change_moves_met_clocks"
    assert refused.value.details["clocks"] == ["HC-2027-000123"]
    assert clock_store.changes == []
    assert sorted(Holiday.objects.filter(name_en="Eid al-Fitr").values_list("date", "estimated")) == [
        (date(2027, 3, 9), True),
        (date(2027, 3, 10), True),
        (date(2027, 3, 11), True),
    ]


def test_confirming_a_date_fires_no_recomputation(db, admin_user, clock_store):
    services.holiday_import_year(year=2027)
    clock_store.changes.clear()
    services.holiday_confirm(holidays=list(Holiday.objects.filter(estimated=True)), actor=admin_user)
    assert clock_store.changes == []


def test_importing_holidays_is_a_calendar_change_too(db, clock_store):
    services.holiday_import_year(year=2027)
    assert date(2027, 3, 9) in clock_store.changes[0]


def test_the_calendar_changed_service_sends_the_dates_it_is_given(db, admin_user, clock_store):
    services.calendar_changed(dates=[date(2027, 1, 5)], actor=admin_user)
    assert clock_store.changes == [[date(2027, 1, 5)]]


def test_every_process_sees_a_moved_holiday_once_the_change_commits(
    db, admin_user, django_capture_on_commit_callbacks
):
    services.holiday_import_year(year=2027)
    assert not selectors.get_calendar().is_working_day(date(2027, 3, 9))
    with django_capture_on_commit_callbacks(execute=True):
        services.holiday_shift(
            holidays=list(Holiday.objects.filter(name_en="Eid al-Fitr")), days=1, actor=admin_user
        )
    assert selectors.get_calendar().is_working_day(date(2027, 3, 9))


def test_the_cached_calendar_is_kept_until_a_change_commits(db, admin_user, django_assert_num_queries):
    selectors.get_calendar()
    with django_assert_num_queries(0):
        selectors.get_calendar()
