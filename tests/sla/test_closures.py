"""Ministry closures and shortened hours: overlaps and bad ranges are refused, nothing half-saved."""

from datetime import date, time

import pytest
from django.db import IntegrityError, transaction

from apps.sla import selectors, services
from apps.sla.errors import CalendarInputInvalid, CalendarOverlap
from apps.sla.models import Closure, ShortenedHours
from tests.sla.factories import ClosureFactory, ShortenedHoursFactory


def test_a_closure_makes_its_days_non_working(db, admin_user):
    services.closure_create(
        start_date=date(2026, 11, 1),
        end_date=date(2026, 11, 2),
        name_ar="إغلاق",
        name_en="Closure",
        actor=admin_user,
    )
    calendar = selectors.build_calendar()
    assert [calendar.day(date(2026, 11, d)).status for d in (1, 2, 3)] == ["closure", "closure", "working"]


def test_an_overlapping_closure_is_refused_and_not_saved(db, admin_user):
    ClosureFactory(start_date=date(2026, 11, 1), end_date=date(2026, 11, 5))
    with pytest.raises(CalendarOverlap) as refused:
        services.closure_create(
            start_date=date(2026, 11, 5),
            end_date=date(2026, 11, 8),
            name_ar="إغلاق",
            name_en="Again",
            actor=admin_user,
        )
    assert refused.value.code == "sla_closure_overlap"
    assert Closure.objects.count() == 1


def test_a_closure_starting_the_day_after_another_ends_is_accepted(db, admin_user):
    ClosureFactory(start_date=date(2026, 11, 1), end_date=date(2026, 11, 5))
    services.closure_create(
        start_date=date(2026, 11, 6),
        end_date=date(2026, 11, 6),
        name_ar="إغلاق",
        name_en="Next",
        actor=admin_user,
    )
    assert Closure.objects.count() == 2


def test_moving_a_closure_onto_another_is_refused_and_it_keeps_its_dates(db, admin_user):
    ClosureFactory(start_date=date(2026, 11, 1), end_date=date(2026, 11, 5))
    later = ClosureFactory(start_date=date(2026, 12, 1), end_date=date(2026, 12, 2))
    with pytest.raises(CalendarOverlap):
        services.closure_update(
            closure=later,
            start_date=date(2026, 11, 4),
            end_date=date(2026, 11, 6),
            name_ar="إغلاق",
            name_en="Moved",
            actor=admin_user,
        )
    later.refresh_from_db()
    assert (later.start_date, later.name_en) == (date(2026, 12, 1), "Closure")


def test_a_closure_ending_before_it_starts_is_refused(db, admin_user):
    with pytest.raises(CalendarInputInvalid) as refused:
        services.closure_create(
            start_date=date(2026, 11, 5),
            end_date=date(2026, 11, 1),
            name_ar="إغلاق",
            name_en="Backwards",
            actor=admin_user,
        )
    assert refused.value.code == "sla_dates_reversed"
    assert not Closure.objects.exists()


def test_a_closure_without_both_names_is_refused(db, admin_user):
    with pytest.raises(CalendarInputInvalid) as refused:
        services.closure_create(
            start_date=date(2026, 11, 1),
            end_date=date(2026, 11, 1),
            name_ar="",
            name_en="Closure",
            actor=admin_user,
        )
    assert refused.value.code == "sla_name_required"


def test_the_database_itself_refuses_overlapping_closures(db):
    ClosureFactory(start_date=date(2026, 11, 1), end_date=date(2026, 11, 5))
    with pytest.raises(IntegrityError), transaction.atomic():
        Closure.objects.create(
            start_date=date(2026, 11, 5), end_date=date(2026, 11, 5), name_ar="x", name_en="x"
        )


def test_deleting_a_closure_makes_its_days_working_again(db, admin_user):
    closure = ClosureFactory(start_date=date(2026, 11, 1), end_date=date(2026, 11, 1))
    services.closure_delete(closure=closure, actor=admin_user)
    assert selectors.build_calendar().is_working_day(date(2026, 11, 1))


def test_shortened_hours_change_the_working_hours_of_their_days(db, admin_user):
    services.shortened_hours_create(
        start_date=date(2027, 2, 8),
        end_date=date(2027, 3, 8),
        opens_at=time(8),
        closes_at=time(13),
        name_ar="رمضان",
        name_en="Ramadan",
        actor=admin_user,
    )
    assert selectors.build_calendar().working_hours(date(2027, 2, 8)) == (time(8), time(13))


def test_overlapping_shortened_hours_are_refused_and_not_saved(db, admin_user):
    ShortenedHoursFactory(start_date=date(2027, 2, 8), end_date=date(2027, 3, 8))
    with pytest.raises(CalendarOverlap) as refused:
        services.shortened_hours_create(
            start_date=date(2027, 3, 1),
            end_date=date(2027, 3, 20),
            opens_at=time(9),
            closes_at=time(12),
            name_ar="ساعات",
            name_en="Hours",
            actor=admin_user,
        )
    assert refused.value.code == "sla_shortened_hours_overlap"
    assert ShortenedHours.objects.count() == 1


def test_shortened_hours_that_close_before_they_open_are_refused(db, admin_user):
    with pytest.raises(CalendarInputInvalid) as refused:
        services.shortened_hours_create(
            start_date=date(2027, 2, 8),
            end_date=date(2027, 3, 8),
            opens_at=time(13),
            closes_at=time(8),
            name_ar="رمضان",
            name_en="Ramadan",
            actor=admin_user,
        )
    assert refused.value.code == "sla_hours_reversed"
    assert not ShortenedHours.objects.exists()
