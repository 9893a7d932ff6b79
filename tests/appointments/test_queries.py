"""The hot paths' query counts (issue 14's performance): a booking's slot check reads one
branch's day in one query, availability is five queries whatever the bookings, and a booking
costs the same number of queries on an empty day as on a busy one. Counts, never timings."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.appointments import services
from apps.appointments.availability import Plan, check_slot, free_slots
from apps.appointments.models import BranchClosure, CapacityChange, Offering
from apps.sla.selectors import get_calendar
from tests.appointments.conftest import NOW, at, make_citizen

pytestmark = pytest.mark.django_db


def book(catalogue, when, *, branch="hq", channel="phone"):
    return services.appointment_book(
        citizen=make_citizen(),
        service=catalogue["mazaya"],
        branch=catalogue[branch],
        slot_start=when,
        channel=channel,
        now=NOW,
    )


def test_the_slot_check_is_one_query(catalogue, frozen, django_assert_num_queries):
    book(catalogue, at(8, 9, 0))
    get_calendar()  # built once per process, not per check
    with django_assert_num_queries(1):
        slot, _plan = check_slot(
            service=catalogue["mazaya"], branch=catalogue["hq"], slot_start=at(8, 9, 0), now=NOW
        )
    assert (slot.capacity, slot.booked) == (2, 1)


def test_the_one_day_plan_agrees_with_the_range_plan(catalogue, frozen):
    """Same offering, hours, closures, capacity and taken seats as the five-query plan, on a
    day with a capacity change (two overlapping: the later start wins), bookings and a
    closure at another branch."""
    offering = Offering.objects.get(branch=catalogue["hq"], service=catalogue["mazaya"])
    CapacityChange.objects.create(
        offering=offering, start_date=date(2026, 6, 1), end_date=date(2026, 6, 30), counters=5
    )
    CapacityChange.objects.create(
        offering=offering, start_date=date(2026, 6, 8), end_date=date(2026, 6, 8), counters=4
    )
    BranchClosure.objects.create(
        branch=catalogue["moayyed"], start_date=date(2026, 6, 8), end_date=date(2026, 6, 8), reason_ar="صيانة"
    )
    book(catalogue, at(8, 9, 0))
    book(catalogue, at(8, 9, 0))
    book(catalogue, at(8, 10, 30))
    calendar = get_calendar()
    day = date(2026, 6, 8)
    for code in ("hq", "moayyed", "danat"):
        branch = catalogue[code]
        wide = Plan(service=catalogue["mazaya"], first=day, last=day, branch_id=branch.pk, calendar=calendar)
        one = Plan.one_day(service=catalogue["mazaya"], branch_id=branch.pk, day=day, calendar=calendar)
        assert set(one.offerings) == set(wide.offerings)
        assert one.hours.get((branch.pk, day.weekday())) == wide.hours.get((branch.pk, day.weekday()))
        assert one.taken == wide.taken
        assert (one.closure_on(branch.pk, day) is None) == (wide.closure_on(branch.pk, day) is None)
        if branch.pk in wide.offerings:
            assert one.capacity(branch.pk, day) == wide.capacity(branch.pk, day)
            assert one.day_grid(branch.pk, day) == wide.day_grid(branch.pk, day)
    assert (
        Plan.one_day(
            service=catalogue["mazaya"], branch_id=catalogue["hq"].pk, day=day, calendar=calendar
        ).capacity(catalogue["hq"].pk, day)
        == 4
    )


def test_availability_is_five_queries_whatever_the_bookings(catalogue, frozen, django_assert_num_queries):
    get_calendar()
    with django_assert_num_queries(5):
        empty = free_slots(service=catalogue["mazaya"], days=30, now=NOW)
    for hour in (9, 10, 11):
        book(catalogue, at(8, hour, 0))
        book(catalogue, at(8, hour, 0))
    with django_assert_num_queries(5):
        busy = free_slots(service=catalogue["mazaya"], days=30, now=NOW)
    assert len(busy) == len(empty) - 3  # three slots of two seats each are now full


def test_a_booking_costs_the_same_queries_on_a_busy_day(catalogue, frozen):
    get_calendar()
    book(catalogue, at(8, 8, 0))  # the first booking of a process fills its caches

    def queries(when) -> int:
        with CaptureQueriesContext(connection) as captured:
            book(catalogue, when, channel="api")
        return len(captured)

    quiet = queries(at(8, 9, 0))
    for hour, minute in ((10, 30), (11, 0), (11, 30)):
        book(catalogue, at(8, hour, minute))
    busy = queries(at(8, 9, 0))
    assert quiet == busy
    # slot check, standing (no-shows + active), seat, reference, the appointment, its event,
    # the confirmation (phone, template, notification) and the savepoints around them (23
    # through the API before the slot check, the standing and the seat were folded).
    assert busy <= 15
