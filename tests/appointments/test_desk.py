from datetime import date, timedelta

import pytest
import time_machine

from apps.appointments import services
from apps.appointments.models import Appointment, BranchStaff, Status
from apps.notifications.models import Notification
from tests.appointments.conftest import BH, NOW, at, make_citizen
from tests.sla.factories import HolidayFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk_user(db, catalogue):
    from apps.accounts import services as account_services
    from apps.accounts.roles import Role
    from tests.conftest import PASSWORD

    user = account_services.user_create(
        username="desk", password=PASSWORD, roles=[Role.BRANCH_STAFF], actor=None
    )
    BranchStaff.objects.create(user=user, branch=catalogue["hq"])
    return user


def _book(catalogue, when, service="mazaya", branch="hq", citizen=None):
    return services.appointment_book(
        citizen=citizen or make_citizen(),
        service=catalogue[service],
        branch=catalogue[branch],
        slot_start=when,
        channel="phone",
        now=NOW - timedelta(days=3),
    )


def test_the_desk_lists_today_and_checks_in_and_serves(client, catalogue, desk_user, frozen):
    with time_machine.travel(NOW - timedelta(days=3), tick=False):
        appointment = _book(catalogue, at(7, 10, 0))
    client.force_login(desk_user)
    page = client.get("/appointments/desk/")
    assert appointment.reference in page.content.decode()
    client.post(f"/appointments/{appointment.pk}/check-in/")
    appointment.refresh_from_db()
    assert appointment.status == Status.CHECKED_IN and appointment.checked_in_at == NOW
    with time_machine.travel(NOW + timedelta(minutes=12), tick=False):
        client.post(f"/appointments/{appointment.pk}/serve/", {"outcome": "completed"})
    appointment.refresh_from_db()
    assert appointment.status == Status.SERVED and appointment.served_by == desk_user
    assert appointment.wait_minutes == 12


def test_search_by_cpr_or_reference(client, catalogue, desk_user, frozen):
    with time_machine.travel(NOW - timedelta(days=3), tick=False):
        one, other = _book(catalogue, at(7, 10, 0)), _book(catalogue, at(7, 10, 30))
    client.force_login(desk_user)
    body = client.get(f"/appointments/desk/?q={one.citizen.cpr}").content.decode()
    assert one.reference in body and other.reference not in body
    body = client.get(f"/appointments/desk/?q={other.reference}").content.decode()
    assert other.reference in body and one.reference not in body


def test_a_desk_cannot_touch_another_branchs_appointment(client, catalogue, desk_user, frozen):
    with time_machine.travel(NOW - timedelta(days=3), tick=False):
        elsewhere = _book(catalogue, at(7, 10, 0), branch="moayyed")
    client.force_login(desk_user)
    assert client.post(f"/appointments/{elsewhere.pk}/check-in/").status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.status == Status.BOOKED


def test_a_walk_in_is_recorded_checked_in(client, catalogue, desk_user, citizen, frozen):
    client.force_login(desk_user)
    client.post(
        "/appointments/desk/walk-in/",
        {"cpr": citizen.cpr, "service": catalogue["mazaya"].pk, "branch": catalogue["hq"].pk},
    )
    walk_in = Appointment.objects.get(citizen=citizen)
    assert walk_in.channel == "walk_in" and walk_in.status == Status.CHECKED_IN


def test_people_without_the_desk_role_are_refused(client, catalogue, officer):
    client.force_login(officer)
    assert client.get("/appointments/desk/").status_code == 403


def test_no_shows_are_marked_after_the_grace_period_only(catalogue, frozen):
    with time_machine.travel(NOW - timedelta(days=3), tick=False):
        early, late = _book(catalogue, at(7, 9, 0)), _book(catalogue, at(7, 9, 30))
    assert services.appointments_mark_no_shows(now=at(7, 9, 29)) == 0
    assert services.appointments_mark_no_shows(now=at(7, 9, 31)) == 1
    early.refresh_from_db(), late.refresh_from_db()
    assert early.status == Status.NO_SHOW and late.status == Status.BOOKED
    assert services.appointments_mark_no_shows(now=at(7, 9, 31)) == 0  # idempotent


def test_the_reminder_goes_once_on_the_working_day_before_across_a_holiday(catalogue, frozen):
    # Sunday 14 June; Thursday 11 June is a holiday, so the working day before is Wednesday 10.
    HolidayFactory(date=date(2026, 6, 11), name_ar="عطلة", name_en="Holiday")
    appointment = _book(catalogue, at(14, 9, 0))
    assert services.appointments_send_reminders(now=at(9, 10, 0)) == 0  # Tuesday: too early
    assert services.appointments_send_reminders(now=at(10, 10, 0)) == 1  # Wednesday
    assert services.appointments_send_reminders(now=at(10, 11, 0)) == 0  # once
    assert services.appointments_send_reminders(now=at(11, 10, 0)) == 0  # the holiday
    assert Notification.objects.filter(event="appointment.reminder").count() == 1
    appointment.refresh_from_db()
    assert appointment.reminder_sent_at == at(10, 10, 0)


def test_a_reminder_in_quiet_hours_waits_for_the_morning(catalogue, frozen):
    _book(catalogue, at(9, 9, 0))
    with time_machine.travel(at(8, 22, 0), tick=False):  # Monday 22:00
        assert services.appointments_send_reminders() == 1
    row = Notification.objects.get(event="appointment.reminder")
    assert row.send_after.astimezone(BH) == at(9, 7, 0)


def test_the_day_sheet_is_an_arabic_pdf(client, catalogue, desk_user, frozen):
    with time_machine.travel(NOW - timedelta(days=3), tick=False):
        appointment = _book(catalogue, at(7, 10, 0))
    client.force_login(desk_user)
    response = client.get("/appointments/desk/day-sheet.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    import io

    from pypdf import PdfReader

    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert appointment.reference in text
