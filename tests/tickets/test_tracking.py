"""Tracking from outside: the public API (the portal pages are tested in tests/portal)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.tickets import services
from apps.tickets.models import TrackingLockout

from .factories import set_status

TRACK = "/api/v1/public/track/"


def _track(api, number, digits, ip="10.0.0.1"):
    return api().post(TRACK, {"review_number": number, "phone_last4": digits}, format="json", REMOTE_ADDR=ip)


def _wrong_check(number: str) -> str:
    return number[:-1] + str((int(number[-1]) + 1) % 10)


def test_the_right_digits_show_status_dates_and_public_replies(api, ticket, agent):
    services.ticket_reply(ticket=ticket, body="نعمل على طلبك", actor=agent)
    response = _track(api, ticket.review_number, "1234")
    assert response.status_code == 200
    body = response.json()
    assert body["review_number"] == ticket.review_number and body["status"] == "new"
    assert [r["body"] for r in body["replies"]] == ["نعمل على طلبك"]
    assert body["token"]


def test_internal_notes_and_personal_data_never_reach_the_public_api(api, ticket, agent):
    services.ticket_note(ticket=ticket, body="ملاحظة داخلية سرية", actor=agent)
    services.ticket_reply(ticket=ticket, body="رد عام", actor=agent)
    text = _track(api, ticket.review_number, "1234").content.decode()
    for secret in (
        "ملاحظة داخلية سرية",
        ticket.citizen.name_ar,
        ticket.citizen.cpr,
        "36001234",
        agent.username,
    ):
        assert secret not in text
    assert "رد عام" in text


def test_any_mobile_of_the_citizen_opens_the_ticket(api, ticket):
    from apps.citizens import services as citizen_services

    citizen_services.citizen_phone_add(citizen=ticket.citizen, number="39998877", actor=None, confirmed=False)
    assert _track(api, ticket.review_number, "8877").status_code == 200


def test_every_mismatch_gets_the_identical_answer(api, ticket):
    from apps.tickets.review_numbers import ReviewNumber

    unknown = str(ReviewNumber(2026, 999_999))
    wrong_digits = _track(api, ticket.review_number, "5555", ip="10.0.0.2")
    unknown_number = _track(api, unknown, "1234", ip="10.0.0.3")
    assert wrong_digits.status_code == unknown_number.status_code == 404
    assert wrong_digits.content == unknown_number.content
    assert wrong_digits.json()["code"] == "track_mismatch"


def test_both_kinds_of_mismatch_do_the_same_database_work(api, ticket):
    from apps.tickets.review_numbers import ReviewNumber

    with CaptureQueriesContext(connection) as wrong_digits:
        _track(api, ticket.review_number, "5555", ip="10.0.0.2")
    with CaptureQueriesContext(connection) as unknown_number:
        _track(api, str(ReviewNumber(2026, 999_999)), "1234", ip="10.0.0.3")
    assert len(wrong_digits) == len(unknown_number) == 1


def test_a_mistyped_number_is_refused_before_any_query_and_counts_no_failure(api, ticket, settings):
    settings.HOUSING_TRACK_MAX_FAILURES_PER_NUMBER = 1
    with CaptureQueriesContext(connection) as queries:
        response = _track(api, _wrong_check(ticket.review_number), "1234")
    assert response.status_code == 400 and response.json()["code"] == "review_number_check_failed"
    assert len(queries) == 0
    assert _track(api, ticket.review_number, "1234").status_code == 200


def test_arabic_indic_input_is_accepted(api, ticket):
    arabic = ticket.review_number.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")).replace("-", " ")
    assert _track(api, arabic, "١٢٣٤").status_code == 200


def test_a_review_number_locks_after_five_failures_even_for_the_right_digits(api, ticket):
    for i in range(5):
        assert _track(api, ticket.review_number, "5555", ip=f"10.0.1.{i}").status_code == 404
    locked = _track(api, ticket.review_number, "1234", ip="10.0.9.9")
    assert locked.status_code == 429 and locked.json()["code"] == "track_locked"
    assert "replies" not in locked.json()
    lockout = TrackingLockout.objects.get()
    assert (lockout.scope, lockout.value) == ("review_number", ticket.review_number)


def test_an_address_locks_after_too_many_failures_on_any_numbers(api, make_ticket, settings):
    settings.HOUSING_TRACK_MAX_FAILURES_PER_IP = 3
    tickets = [make_ticket() for _ in range(4)]
    for t in tickets[:3]:
        assert _track(api, t.review_number, "5555", ip="10.9.9.9").status_code == 404
    right = tickets[3].contact_phone[-4:]
    assert _track(api, tickets[3].review_number, right, ip="10.9.9.9").status_code == 429
    assert _track(api, tickets[3].review_number, right, ip="10.9.9.8").status_code == 200
    assert TrackingLockout.objects.filter(scope="ip", value="10.9.9.9").count() == 1


def test_tracking_answers_are_never_cached(api, ticket):
    for response in (_track(api, ticket.review_number, "1234"), _track(api, ticket.review_number, "5555")):
        assert "no-store" in response["Cache-Control"]


def test_tracking_is_post_only(api, ticket):
    response = api().get(TRACK, {"review_number": ticket.review_number, "phone_last4": "1234"})
    assert response.status_code == 405


def test_the_digits_must_be_four(api, ticket):
    response = _track(api, ticket.review_number, "12")
    assert response.status_code == 400 and response.json()["code"] == "invalid_last4"


def test_a_merged_ticket_points_to_its_original(api, make_ticket, citizen, agent):
    original, duplicate = make_ticket(citizen=citizen), make_ticket(citizen=citizen)
    services.ticket_merge(duplicate=duplicate, original=original, actor=agent)
    body = _track(api, duplicate.review_number, "1234").json()
    assert (body["status"], body["merged_into"]) == ("merged", original.review_number)


def _answered(ticket):
    return set_status(ticket, "responded", responded_at=timezone.now())


def test_the_citizen_rates_once_with_the_token(api, ticket):
    _answered(ticket)
    token = _track(api, ticket.review_number, "1234").json()["token"]
    first = api().post(
        "/api/v1/public/rate/", {"token": token, "rating": 5, "comment": "ممتاز"}, format="json"
    )
    second = api().post("/api/v1/public/rate/", {"token": token, "rating": 1}, format="json")
    assert first.status_code == 200 and first.json()["rating"] == 5
    assert second.status_code == 409 and second.json()["code"] == "already_rated"
    ticket.refresh_from_db()
    assert (ticket.rating, ticket.rating_comment) == (5, "ممتاز")


@pytest.mark.parametrize("rating, offered", [(1, True), (2, True), (3, False), (4, False)])
def test_a_low_rating_offers_to_reopen(api, ticket, rating, offered):
    _answered(ticket)
    token = _track(api, ticket.review_number, "1234").json()["token"]
    rated = api().post("/api/v1/public/rate/", {"token": token, "rating": rating}, format="json").json()
    assert rated["can_reopen"] is offered


def test_the_citizen_reopens_after_a_low_rating(api, ticket):
    _answered(ticket)
    token = _track(api, ticket.review_number, "1234").json()["token"]
    api().post("/api/v1/public/rate/", {"token": token, "rating": 1}, format="json")
    response = api().post(
        "/api/v1/public/reopen/", {"token": token, "reason": "لم تحل المشكلة"}, format="json"
    )
    assert response.status_code == 200 and response.json()["status"] == "in_progress"
    ticket.refresh_from_db()
    assert ticket.status == "in_progress"


def test_a_forged_token_is_refused(api, ticket):
    _answered(ticket)
    response = api().post(
        "/api/v1/public/rate/", {"token": f"{ticket.pk}:forged", "rating": 5}, format="json"
    )
    assert response.status_code == 403 and response.json()["code"] == "track_token_invalid"
    ticket.refresh_from_db()
    assert ticket.rating is None
