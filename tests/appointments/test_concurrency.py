"""Concurrent bookings on the real database: separate threads, separate connections."""

import threading
from datetime import date

import pytest
from django.db import connection

from apps.appointments import errors, services
from apps.appointments.models import Appointment, Branch, CapacityChange, Offering, Service, SlotCounter
from tests.appointments.conftest import NOW, at, make_citizen

pytestmark = pytest.mark.django_db(transaction=True)


def _race(workers):
    barrier = threading.Barrier(len(workers))
    results = [None] * len(workers)

    def run(i, work):
        try:
            barrier.wait()
            results[i] = work()
        except Exception as error:  # noqa: BLE001 - the test inspects every outcome
            results[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, w)) for i, w in enumerate(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_fifty_clients_for_the_last_three_seats_exactly_three_succeed():
    services.catalogue_ensure()
    hq, mazaya = Branch.objects.get(code="hq"), Service.objects.get(code="mazaya")
    offering = Offering.objects.get(branch=hq, service=mazaya)
    CapacityChange.objects.create(
        offering=offering, start_date=date(2026, 6, 8), end_date=date(2026, 6, 8), counters=5
    )
    slot = at(8, 9, 0)
    for _ in range(2):
        services.appointment_book(
            citizen=make_citizen(), service=mazaya, branch=hq, slot_start=slot, channel="phone", now=NOW
        )
    citizens = [make_citizen() for _ in range(50)]

    def booking(citizen):
        return lambda: services.appointment_book(
            citizen=citizen, service=mazaya, branch=hq, slot_start=slot, channel="portal", now=NOW
        )

    results = _race([booking(c) for c in citizens])
    booked = [r for r in results if isinstance(r, Appointment)]
    refused = [r for r in results if isinstance(r, errors.SlotTaken)]
    assert len(booked) == 3
    assert len(refused) == 47, [r for r in results if not isinstance(r, Appointment | errors.SlotTaken)]
    assert all(r.details["next_slots"] for r in refused)
    assert SlotCounter.objects.get(service=mazaya, branch=hq, slot_start=slot).booked == 5
    assert Appointment.objects.filter(slot_start=slot).count() == 5


def test_the_same_citizen_booking_twice_at_once_gets_one_appointment():
    services.catalogue_ensure()
    hq, mazaya = Branch.objects.get(code="hq"), Service.objects.get(code="mazaya")
    citizen = make_citizen()

    def booking(slot):
        return lambda: services.appointment_book(
            citizen=citizen, service=mazaya, branch=hq, slot_start=slot, channel="portal", now=NOW
        )

    results = _race([booking(at(8, 9, 0)), booking(at(8, 10, 0)), booking(at(9, 9, 0))])
    assert sum(isinstance(r, Appointment) for r in results) == 1
    assert sum(isinstance(r, errors.AlreadyBooked) for r in results) == 2
    assert Appointment.objects.filter(citizen=citizen).count() == 1
    assert sum(SlotCounter.objects.values_list("booked", flat=True)) == 1
