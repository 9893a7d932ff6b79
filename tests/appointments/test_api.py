import pytest

from apps.appointments.models import Appointment, SlotCounter, Status
from apps.notifications.models import Notification
from tests.appointments.conftest import at, make_citizen

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client, agent):
    client.force_login(agent)
    return client


def _book(api, citizen, when, **extra):
    body = {"cpr": citizen.cpr, "service": "mazaya", "branch": "hq", "slot_start": when.isoformat(), **extra}
    return api.post(
        "/api/v1/appointments/", body, content_type="application/json", **extra.pop("headers", {})
    )


def test_services_list_the_branches_and_what_to_bring(api, catalogue, frozen):
    response = api.get("/api/v1/appointments/services/")
    assert response.status_code == 200
    mazaya = next(s for s in response.json()["results"] if s["code"] == "mazaya")
    assert {b["code"] for b in mazaya["branches"]} == {"hq", "bank-moayyed"}
    assert mazaya["documents"]


def test_availability_gives_free_slots_of_every_branch(api, catalogue, frozen):
    response = api.get("/api/v1/appointments/availability/?service=mazaya&days=2")
    assert response.status_code == 200
    slots = response.json()["results"]
    assert {s["branch"] for s in slots} == {catalogue["hq"].pk, catalogue["moayyed"].pk}
    assert slots[0]["start"] >= at(7, 9, 0).isoformat()


def test_availability_refuses_an_unknown_service_with_a_json_error(api, catalogue, frozen):
    response = api.get("/api/v1/appointments/availability/?service=nothing")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    response = api.get("/api/v1/appointments/availability/?service=mazaya&days=²")
    assert response.status_code == 400


def test_booking_answers_201_with_the_reference_and_writes_it(api, catalogue, citizen, frozen):
    response = _book(api, citizen, at(8, 9, 0))
    assert response.status_code == 201, response.content
    body = response.json()
    appointment = Appointment.objects.get(reference=body["reference"])
    assert appointment.channel == "api"
    assert response["Location"].endswith(f"/appointments/{body['reference']}/")
    assert Notification.objects.filter(event="appointment.booked").count() == 1


def test_an_idempotency_key_books_once(api, catalogue, citizen, frozen):
    body = {"cpr": citizen.cpr, "service": "mazaya", "branch": "hq", "slot_start": at(8, 9, 0).isoformat()}
    first = api.post(
        "/api/v1/appointments/", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    again = api.post(
        "/api/v1/appointments/", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert first.json()["reference"] == again.json()["reference"]
    assert Appointment.objects.count() == 1
    assert SlotCounter.objects.get().booked == 1


@pytest.mark.parametrize(
    ("change", "code", "status"),
    [
        ({"slot_start": "2026-06-07T07:00:00+03:00"}, "slot_in_past", 400),
        ({"slot_start": "2026-06-12T09:00:00+03:00"}, "slot_day_closed", 400),
        ({"slot_start": "2026-06-08T05:00:00+03:00"}, "slot_outside_hours", 400),
        ({"branch": "bank-danat"}, "service_not_offered", 400),
        ({"cpr": "12345"}, "invalid_cpr", 400),
        ({"cpr": "999999999"}, "unknown_citizen", 400),
        ({"slot_start": "tomorrow"}, "invalid", 400),
        ({"mobile": "12"}, None, 400),
    ],
)
def test_bad_bookings_are_refused_with_a_code_and_nothing_written(
    api, catalogue, citizen, frozen, change, code, status
):
    body = {
        "cpr": citizen.cpr,
        "service": "mazaya",
        "branch": "hq",
        "slot_start": at(8, 9, 0).isoformat(),
        **change,
    }
    response = api.post("/api/v1/appointments/", body, content_type="application/json")
    assert response.status_code == status, response.content
    if code:
        assert response.json()["code"] == code
    assert response.json()["message"]
    assert not Appointment.objects.exists()


def test_a_full_slot_answers_409_with_the_next_free_slots(api, catalogue, frozen):
    for _ in range(2):
        assert _book(api, make_citizen(), at(8, 9, 0)).status_code == 201
    response = _book(api, make_citizen(), at(8, 9, 0))
    assert response.status_code == 409
    assert response.json()["code"] == "slot_taken"
    assert response.json()["details"]["next_slots"]


def test_second_active_booking_for_a_service_is_refused(api, catalogue, citizen, frozen):
    assert _book(api, citizen, at(8, 9, 0)).status_code == 201
    response = _book(api, citizen, at(9, 9, 0))
    assert response.status_code == 409
    assert response.json()["code"] == "already_booked"


def test_reschedule_and_cancel_by_reference(api, catalogue, citizen, frozen):
    reference = _book(api, citizen, at(8, 9, 0)).json()["reference"]
    moved = api.post(
        f"/api/v1/appointments/{reference}/reschedule/",
        {"slot_start": at(9, 10, 0).isoformat()},
        content_type="application/json",
    )
    assert moved.status_code == 200
    assert Appointment.objects.get(reference=reference).slot_start == at(9, 10, 0)
    cancelled = api.post(
        f"/api/v1/appointments/{reference}/cancel/", {"reason": "x"}, content_type="application/json"
    )
    assert cancelled.status_code == 200
    assert Appointment.objects.get(reference=reference).status == Status.CANCELLED
    again = api.post(f"/api/v1/appointments/{reference}/cancel/", {}, content_type="application/json")
    assert again.status_code == 409
    assert api.get("/api/v1/appointments/A-000000-0/").status_code == 404


def test_people_without_the_booking_permission_are_refused(client, outsider, catalogue, citizen, frozen):
    client.force_login(outsider)
    response = client.post(
        "/api/v1/appointments/",
        {"cpr": citizen.cpr, "service": "mazaya", "branch": "hq", "slot_start": at(8, 9, 0).isoformat()},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert citizen.cpr not in response.content.decode()
    assert not Appointment.objects.exists()


def test_the_schema_documents_the_endpoints(api):
    response = api.get("/api/v1/schema/")
    assert response.status_code == 200
    assert b"/api/v1/appointments/availability/" in response.content
