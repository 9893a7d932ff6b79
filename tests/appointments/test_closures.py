from datetime import date, timedelta

import pytest
import time_machine

from apps.appointments import services
from apps.appointments.models import Appointment, Status
from apps.notifications.models import Notification
from tests.appointments.conftest import NOW, at, make_citizen

pytestmark = pytest.mark.django_db


def test_a_closure_moves_every_booking_of_its_dates_and_tells_each_citizen(catalogue, supervisor, frozen):
    booked = [
        services.appointment_book(
            citizen=make_citizen(),
            service=catalogue["mazaya"],
            branch=catalogue["hq"],
            slot_start=when,
            channel="phone",
        )
        for when in (at(8, 9, 0), at(8, 9, 0), at(8, 11, 0))
    ]
    elsewhere = services.appointment_book(
        citizen=make_citizen(),
        service=catalogue["mazaya"],
        branch=catalogue["hq"],
        slot_start=at(9, 9, 0),
        channel="phone",
    )
    closure = services.branch_closure_create(
        branch=catalogue["hq"],
        start_date=date(2026, 6, 8),
        end_date=date(2026, 6, 8),
        reason_ar="أعمال صيانة",
        actor=supervisor,
    )
    result = services.closure_reschedule(closure=closure, actor=supervisor, now=NOW)
    assert sorted(result.moved) == sorted(a.reference for a in booked)
    for appointment in booked:
        appointment.refresh_from_db()
        assert appointment.status == Status.BOOKED
        assert appointment.slot_start.date() != date(2026, 6, 8)
    elsewhere.refresh_from_db()
    assert elsewhere.slot_start == at(9, 9, 0)
    messages = Notification.objects.filter(event="appointment.rescheduled")
    assert messages.count() == 3
    assert all("أعمال صيانة" in m.body for m in messages)


def test_the_supervisor_page_runs_the_bulk_reschedule(client, catalogue, supervisor, frozen):
    appointment = services.appointment_book(
        citizen=make_citizen(),
        service=catalogue["mazaya"],
        branch=catalogue["hq"],
        slot_start=at(8, 9, 0),
        channel="phone",
    )
    client.force_login(supervisor)
    response = client.post(
        "/appointments/closures/",
        {
            "branch": catalogue["hq"].pk,
            "start_date": "2026-06-08",
            "end_date": "2026-06-08",
            "reason_ar": "صيانة",
        },
    )
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert appointment.reference in page.content.decode()
    done = client.post(response["Location"])
    assert "bulk-result" in done.content.decode()
    appointment.refresh_from_db()
    assert appointment.slot_start.date() != date(2026, 6, 8)


def test_a_closure_with_its_last_day_first_is_refused(catalogue, supervisor):
    from apps.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        services.branch_closure_create(
            branch=catalogue["hq"],
            start_date=date(2026, 6, 9),
            end_date=date(2026, 6, 8),
            reason_ar="x",
            actor=supervisor,
        )


STAFF_PAGES = [
    "/appointments/",
    "/appointments/desk/",
    "/appointments/figures/",
    "/appointments/closures/",
    "/appointments/console/panel/",
    "/appointments/console/slots/",
]


@pytest.mark.parametrize("url", STAFF_PAGES)
def test_a_member_of_staff_without_an_appointments_role_is_refused_every_page(
    client, catalogue, outsider, url
):
    client.force_login(outsider)
    response = client.get(url)
    assert response.status_code == 403


@pytest.mark.parametrize("url", STAFF_PAGES)
def test_nobody_signed_out_reaches_a_staff_page(client, catalogue, url):
    response = client.get(url)
    assert response.status_code in (302, 403)


def test_the_figures_page_shows_to_a_supervisor_and_not_to_an_agent(client, catalogue, supervisor, agent):
    client.force_login(supervisor)
    assert client.get("/appointments/figures/").status_code == 200
    client.force_login(agent)
    assert client.get("/appointments/figures/").status_code == 403


def test_the_no_show_command_and_tasks_run_the_same_services(catalogue, frozen):
    from django.core.management import call_command

    with time_machine.travel(NOW - timedelta(days=3), tick=False):
        appointment = services.appointment_book(
            citizen=make_citizen(),
            service=catalogue["mazaya"],
            branch=catalogue["hq"],
            slot_start=at(7, 7, 30),
            channel="phone",
            now=NOW - timedelta(days=3),
        )
    with time_machine.travel(NOW + timedelta(minutes=5), tick=False):  # 35 minutes after the slot began
        call_command("appointments_sweep")
    appointment.refresh_from_db()
    assert appointment.status == Status.NO_SHOW
    assert Appointment.objects.filter(status=Status.NO_SHOW).count() == 1


def test_a_booking_with_no_free_slot_left_is_cancelled_and_the_citizen_told(catalogue, supervisor, frozen):
    # Inspection campaigns are held at the head office only: closing it for the whole
    # booking horizon leaves nowhere to move to.
    appointment = services.appointment_book(
        citizen=make_citizen(),
        service=catalogue["inspection"],
        branch=catalogue["hq"],
        slot_start=at(8, 9, 0),
        channel="phone",
    )
    closure = services.branch_closure_create(
        branch=catalogue["hq"],
        start_date=date(2026, 6, 7),
        end_date=date(2026, 7, 31),
        reason_ar="ترميم المبنى",
        actor=supervisor,
    )
    result = services.closure_reschedule(closure=closure, actor=supervisor, now=NOW)
    assert result.cancelled == [appointment.reference] and result.moved == []
    appointment.refresh_from_db()
    assert appointment.status == Status.CANCELLED
    assert "ترميم المبنى" in Notification.objects.get(event="appointment.cancelled").body
