import re

import pytest

from apps.appointments import notify
from apps.appointments.models import Appointment, Status
from apps.core.models import OtpLockout
from apps.notifications.models import Notification
from tests.appointments.conftest import at

pytestmark = pytest.mark.django_db


def _code_sent(mobile) -> str:
    row = Notification.objects.filter(event="appointment.one_time_code", to_phone=mobile).latest("id")
    return re.search(r"\b(\d{6})\b", row.body).group(1)


def _sign_in(client, citizen):
    mobile = str(citizen.phones.first().number)
    response = client.post("/portal/appointments/", {"cpr": citizen.cpr, "mobile": mobile})
    assert response.status_code == 302
    response = client.post("/portal/appointments/code/", {"code": _code_sent(mobile), "action": "verify"})
    assert response.status_code == 302 and response["Location"].endswith("/portal/appointments/book/")
    return mobile


def test_a_citizen_books_with_the_code_and_gets_a_reference(client, catalogue, citizen, frozen):
    _sign_in(client, citizen)
    page = client.get(f"/portal/appointments/book/?service={catalogue['mazaya'].pk}")
    assert page.status_code == 200
    assert "البطاقة الذكية" in page.content.decode()
    choice = f"{catalogue['hq'].pk}|{at(8, 9, 0).isoformat()}"
    response = client.post(
        "/portal/appointments/book/", {"service": catalogue["mazaya"].pk, "choice": choice}
    )
    assert response.status_code == 302
    appointment = Appointment.objects.get(citizen=citizen)
    assert appointment.channel == "portal"
    receipt = client.get(response["Location"])
    assert appointment.reference in receipt.content.decode()
    assert receipt["Cache-Control"].startswith("max-age=0") or "no-store" in receipt["Cache-Control"]


def test_a_mobile_not_on_file_gets_the_same_answer_but_no_code(client, catalogue, citizen, frozen):
    response = client.post("/portal/appointments/", {"cpr": citizen.cpr, "mobile": "+97336999999"})
    assert response.status_code == 302
    assert not Notification.objects.filter(event="appointment.one_time_code").exists()
    wrong = client.post("/portal/appointments/code/", {"code": "123456", "action": "verify"})
    assert wrong.status_code == 400
    assert "appt-code-error" in wrong.content.decode()


def test_an_invalid_cpr_is_refused_with_a_message(client, catalogue, frozen):
    response = client.post("/portal/appointments/", {"cpr": "12", "mobile": "+97336000000"})
    assert response.status_code == 400
    assert not Notification.objects.exists()


def test_wrong_codes_lock_out_after_the_last_try(client, catalogue, citizen, frozen):
    mobile = str(citizen.phones.first().number)
    client.post("/portal/appointments/", {"cpr": citizen.cpr, "mobile": mobile})
    right = _code_sent(mobile)
    wrong = "000000" if right != "000000" else "111111"
    for _ in range(3):
        response = client.post("/portal/appointments/code/", {"code": wrong, "action": "verify"})
        assert response.status_code == 400
    assert OtpLockout.objects.filter(purpose="appointments").exists()
    response = client.post("/portal/appointments/code/", {"code": right, "action": "verify"})
    assert response.status_code == 400  # spent: the right code no longer works
    assert client.get("/portal/appointments/book/").status_code == 302


def test_booking_pages_need_the_code_first(client, catalogue, frozen):
    response = client.get("/portal/appointments/book/")
    assert response.status_code == 302 and response["Location"].endswith("/portal/appointments/")


def test_the_link_in_the_sms_reschedules_and_cancels(client, catalogue, citizen, frozen):
    from apps.appointments import services

    appointment = services.appointment_book(
        citizen=citizen,
        service=catalogue["mazaya"],
        branch=catalogue["hq"],
        slot_start=at(8, 9, 0),
        channel="phone",
    )
    url = f"/portal/appointments/m/{notify.manage_token(appointment)}/"
    assert url in Notification.objects.get(event="appointment.booked").body
    page = client.get(url + "?move=1")
    assert page.status_code == 200
    response = client.post(
        url, {"action": "reschedule", "choice": f"{catalogue['moayyed'].pk}|{at(9, 10, 0).isoformat()}"}
    )
    assert response.status_code == 200
    appointment.refresh_from_db()
    assert (appointment.branch, appointment.slot_start) == (catalogue["moayyed"], at(9, 10, 0))
    client.post(url, {"action": "cancel"})
    appointment.refresh_from_db()
    assert appointment.status == Status.CANCELLED
    again = client.post(
        url, {"action": "reschedule", "choice": f"{catalogue['hq'].pk}|{at(9, 10, 0).isoformat()}"}
    )
    assert again.status_code == 409


def test_a_tampered_link_finds_nothing(client, catalogue, frozen):
    assert client.get("/portal/appointments/m/not-a-token/").status_code == 404
