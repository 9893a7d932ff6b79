from datetime import date, timedelta

import pytest

from apps.appointments import errors, services
from apps.appointments.availability import free_slots
from apps.appointments.models import (
    Appointment,
    AppointmentEvent,
    BranchClosure,
    CapacityChange,
    Offering,
    SlotCounter,
    Status,
)
from apps.notifications.models import Notification
from tests.appointments.conftest import NOW, at, make_citizen
from tests.sla.factories import HolidayFactory

pytestmark = pytest.mark.django_db


def book(catalogue, citizen, when, *, service="mazaya", branch="hq", channel="phone", actor=None):
    return services.appointment_book(
        citizen=citizen,
        service=catalogue[service],
        branch=catalogue[branch],
        slot_start=when,
        channel=channel,
        actor=actor,
        now=NOW,
    )


def test_it_books_a_free_slot_and_queues_the_confirmation(catalogue, citizen, agent, frozen):
    appointment = book(catalogue, citizen, at(8, 9, 0), actor=agent)
    assert appointment.status == Status.BOOKED
    assert appointment.reference.startswith("A-")
    assert SlotCounter.objects.get(slot_start=at(8, 9, 0), service=catalogue["mazaya"]).booked == 1
    assert AppointmentEvent.objects.filter(appointment=appointment, kind="booked").count() == 1
    message = Notification.objects.get(event="appointment.booked")
    assert appointment.reference in message.body
    assert "1447" in message.body  # the Hijri year beside the Gregorian date
    assert "البطاقة الذكية" in message.body  # what to bring
    assert "maps" in message.body


def test_references_are_unique_and_carry_a_damm_check_digit(catalogue, frozen):
    from apps.tickets.review_numbers import damm_is_valid

    refs = {book(catalogue, make_citizen(), at(8, 9, 0)).reference for _ in range(2)}
    assert len(refs) == 2
    for ref in refs:
        assert damm_is_valid(ref.replace("A-", "").replace("-", ""))


@pytest.mark.parametrize(
    ("when", "code"),
    [
        (at(7, 7, 30), "slot_in_past"),
        (at(7, 8, 30), "slot_too_soon"),
        (at(12, 9, 0), "slot_day_closed"),  # a Friday
        (at(8, 6, 0), "slot_outside_hours"),
        (at(8, 13, 30), "slot_outside_hours"),
        (at(8, 9, 10), "slot_outside_hours"),  # not on the 30-minute grid
        (at(10, 9, 0, month=8), "slot_beyond_horizon"),
    ],
)
def test_it_refuses_a_slot_that_cannot_be_booked_and_writes_nothing(catalogue, citizen, frozen, when, code):
    with pytest.raises(errors.SlotRefused) as refused:
        book(catalogue, citizen, when)
    assert refused.value.code == code
    assert str(refused.value.message)
    assert not Appointment.objects.exists()
    assert not Notification.objects.exists()


def test_it_refuses_a_public_holiday_with_its_name(catalogue, citizen, frozen):
    HolidayFactory(date=date(2026, 6, 9), name_ar="عيد", name_en="Eid")
    with pytest.raises(errors.SlotRefused) as refused:
        book(catalogue, citizen, at(9, 9, 0))
    assert refused.value.code == "slot_on_holiday"
    assert not any(
        s.start.date() == date(2026, 6, 9) for s in free_slots(service=catalogue["mazaya"], now=NOW)
    )


def test_it_refuses_a_day_the_branch_is_closed(catalogue, citizen, frozen):
    BranchClosure.objects.create(
        branch=catalogue["hq"], start_date=date(2026, 6, 8), end_date=date(2026, 6, 8), reason_ar="صيانة"
    )
    with pytest.raises(errors.SlotRefused) as refused:
        book(catalogue, citizen, at(8, 9, 0))
    assert refused.value.code == "slot_branch_closed"


def test_it_refuses_a_branch_that_does_not_offer_the_service(catalogue, citizen, frozen):
    with pytest.raises(errors.ServiceNotOffered):
        book(catalogue, citizen, at(8, 9, 0), branch="danat", service="mazaya")
    assert not Appointment.objects.exists()


def test_it_refuses_a_full_slot_with_the_next_free_ones(catalogue, frozen):
    for _ in range(2):  # HQ offers Mazaya at two counters
        book(catalogue, make_citizen(), at(8, 9, 0))
    with pytest.raises(errors.SlotTaken) as taken:
        book(catalogue, make_citizen(), at(8, 9, 0))
    assert taken.value.status == 409
    assert taken.value.details["next_slots"][0]["start"] == at(8, 9, 30).isoformat()
    assert Appointment.objects.count() == 2
    assert SlotCounter.objects.get(slot_start=at(8, 9, 0)).booked == 2


def test_a_capacity_change_for_a_date_range_gives_more_seats(catalogue, frozen):
    offering = Offering.objects.get(branch=catalogue["hq"], service=catalogue["mazaya"])
    CapacityChange.objects.create(
        offering=offering, start_date=date(2026, 6, 8), end_date=date(2026, 6, 8), counters=3
    )
    for _ in range(3):
        book(catalogue, make_citizen(), at(8, 9, 0))
    with pytest.raises(errors.SlotTaken):
        book(catalogue, make_citizen(), at(8, 9, 0))


def test_one_active_appointment_per_citizen_per_service(catalogue, citizen, frozen):
    first = book(catalogue, citizen, at(8, 9, 0))
    with pytest.raises(errors.AlreadyBooked) as refused:
        book(catalogue, citizen, at(9, 9, 0), branch="moayyed")
    assert refused.value.details["reference"] == first.reference
    book(catalogue, citizen, at(8, 9, 10), service="new")  # another service: allowed
    assert Appointment.objects.filter(citizen=citizen).count() == 2


def test_after_cancelling_the_citizen_may_book_the_service_again_and_the_seat_is_free(
    catalogue, citizen, frozen
):
    first = book(catalogue, citizen, at(8, 9, 0))
    services.appointment_cancel(appointment=first, actor=None, reason="", now=NOW)
    assert SlotCounter.objects.get(slot_start=at(8, 9, 0)).booked == 0
    book(catalogue, citizen, at(8, 9, 0))
    assert Notification.objects.filter(event="appointment.cancelled").count() == 1


def test_a_citizen_who_missed_twice_in_90_days_must_book_through_the_contact_centre(
    catalogue, citizen, frozen
):
    for days_ago in (10, 40):
        Appointment.objects.create(
            reference=services.next_reference(),
            citizen=citizen,
            branch=catalogue["hq"],
            service=catalogue["inspection"],
            slot_start=NOW - timedelta(days=days_ago),
            slot_end=NOW - timedelta(days=days_ago) + timedelta(minutes=30),
            status=Status.NO_SHOW,
            channel="phone",
            booked_at=NOW - timedelta(days=days_ago + 5),
        )
    with pytest.raises(errors.NoShowRestricted) as refused:
        book(catalogue, citizen, at(8, 9, 0), channel="portal")
    assert refused.value.status == 403
    with pytest.raises(errors.NoShowRestricted):
        book(catalogue, citizen, at(8, 9, 0), channel="api")
    assert book(catalogue, citizen, at(8, 9, 0), channel="phone").status == Status.BOOKED


def test_the_no_show_rule_can_be_turned_off(catalogue, citizen, frozen, settings):
    settings.HOUSING_APPOINTMENTS_NO_SHOW_LIMIT = 0
    for days_ago in (10, 40):
        Appointment.objects.create(
            reference=services.next_reference(),
            citizen=citizen,
            branch=catalogue["hq"],
            service=catalogue["inspection"],
            slot_start=NOW - timedelta(days=days_ago),
            slot_end=NOW - timedelta(days=days_ago) + timedelta(minutes=30),
            status=Status.NO_SHOW,
            channel="phone",
            booked_at=NOW - timedelta(days=days_ago + 5),
        )
    assert book(catalogue, citizen, at(8, 9, 0), channel="portal").status == Status.BOOKED


def test_reschedule_moves_the_seat_and_keeps_the_reference(catalogue, citizen, frozen):
    appointment = book(catalogue, citizen, at(8, 9, 0))
    moved = services.appointment_reschedule(
        appointment=appointment, slot_start=at(9, 10, 0), actor=None, now=NOW
    )
    assert moved.reference == appointment.reference
    assert moved.slot_start == at(9, 10, 0)
    assert SlotCounter.objects.get(slot_start=at(8, 9, 0)).booked == 0
    assert SlotCounter.objects.get(slot_start=at(9, 10, 0)).booked == 1
    assert Notification.objects.filter(event="appointment.rescheduled").count() == 1


def test_reschedule_of_an_attended_appointment_is_refused(catalogue, citizen, frozen, agent):
    appointment = book(catalogue, citizen, at(7, 10, 0))
    services.appointment_check_in(appointment=appointment, actor=agent, now=NOW)
    with pytest.raises(errors.NotReschedulable):
        services.appointment_reschedule(appointment=appointment, slot_start=at(9, 10, 0), actor=None, now=NOW)
    appointment.refresh_from_db()
    assert appointment.slot_start == at(7, 10, 0)


def test_availability_lists_every_branch_offering_the_service_soonest_first(catalogue, frozen):
    slots = free_slots(service=catalogue["new"], days=3, now=NOW)
    assert {s.branch_id for s in slots} == {catalogue["hq"].pk, catalogue["danat"].pk}
    assert slots == sorted(slots, key=lambda s: (s.start, s.branch_id))
    assert slots[0].start >= NOW + timedelta(minutes=60)
    only_danat = free_slots(service=catalogue["new"], branch_id=catalogue["danat"].pk, days=3, now=NOW)
    assert {s.branch_id for s in only_danat} == {catalogue["danat"].pk}
