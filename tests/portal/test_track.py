from datetime import timedelta

import pytest
from django.utils import timezone

from apps.tickets import services
from apps.tickets.models import Ticket, TrackingLockout
from apps.tickets.review_numbers import ReviewNumber
from tests.tickets.factories import set_status


def _track(client, number, digits, ip="10.1.1.1"):
    return client.post("/portal/track/", {"review_number": number, "phone_last4": digits}, REMOTE_ADDR=ip)


def test_the_citizen_sees_status_dates_and_public_replies(client, ticket, agent):
    services.ticket_transition(ticket=ticket, to_status="acknowledged", actor=agent)
    services.ticket_reply(ticket=ticket, body="نعمل على طلبك الآن", actor=agent)
    response = _track(client, ticket.review_number, "1234")
    body = response.content.decode()
    assert response.status_code == 200 and 'data-testid="track-result"' in body
    assert "نعمل على طلبك الآن" in body and 'data-testid="public-status"' in body  # shown as answered


def test_nothing_internal_or_personal_reaches_the_tracking_page(client, ticket, agent):
    services.ticket_note(ticket=ticket, body="ملاحظة داخلية سرية", actor=agent)
    services.ticket_reply(ticket=ticket, body="رد عام", actor=agent)
    body = _track(client, ticket.review_number, "1234").content.decode()
    for secret in (
        "ملاحظة داخلية سرية",
        ticket.citizen.name_ar,
        ticket.citizen.cpr,
        "36001234",
        "عائشة",
        ticket.subject,
    ):
        assert secret not in body


def test_every_mismatch_gets_the_identical_page(client, ticket):
    import re

    unknown = str(ReviewNumber(2026, 999_999))
    wrong_digits = _track(client, ticket.review_number, "9999", ip="10.1.1.2").content.decode()
    unknown_number = _track(client, unknown, "1234", ip="10.1.1.3").content.decode()

    def strip(html):  # the CSRF token differs per response; and the typed number is echoed back
        html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
        html = re.sub(r'"X-CSRFToken": "[^"]+"', "", html)
        return html.replace(ticket.review_number, "N").replace(unknown, "N")

    assert strip(wrong_digits) == strip(unknown_number)
    assert 'data-testid="track-error"' in wrong_digits
    assert "9999" not in wrong_digits


def test_the_review_number_is_never_read_from_the_url(client, ticket):
    body = client.get(
        "/portal/track/", {"review_number": ticket.review_number, "phone_last4": "1234"}
    ).content.decode()
    assert "track-result" not in body
    assert f'value="{ticket.review_number}"' not in body and 'name="phone_last4" value' not in body
    assert 'method="post" action="/portal/track/"' in body


def test_a_typing_mistake_in_the_number_is_pointed_out(client, ticket):
    wrong = ticket.review_number[:-1] + str((int(ticket.review_number[-1]) + 1) % 10)
    body = _track(client, wrong, "1234").content.decode()
    assert 'data-testid="track-error"' in body and not TrackingLockout.objects.exists()


def test_arabic_indic_digits_work(client, ticket):
    arabic = ticket.review_number.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")).replace("-", "")
    assert 'data-testid="track-result"' in _track(client, arabic, "١٢٣٤").content.decode()


def test_repeated_failures_lock_the_number_and_are_logged(client, ticket):
    for i in range(5):
        _track(client, ticket.review_number, "9999", ip=f"10.2.0.{i}")
    body = _track(client, ticket.review_number, "1234", ip="10.2.9.9").content.decode()
    assert 'data-testid="track-result"' not in body and 'data-testid="track-error"' in body
    assert TrackingLockout.objects.filter(scope="review_number").count() == 1


def test_tracking_pages_are_never_cached(client, ticket):
    assert "no-store" in _track(client, ticket.review_number, "1234")["Cache-Control"]
    assert "no-store" in _track(client, ticket.review_number, "9999")["Cache-Control"]


def _answered(ticket):
    return set_status(ticket, "responded", responded_at=timezone.now())


def _token(client, ticket):
    import re

    body = _track(client, ticket.review_number, "1234").content.decode()
    return re.search(r'name="token" value="([^"]+)"', body).group(1)


def test_after_the_answer_the_citizen_rates_it_once(client, ticket):
    _answered(ticket)
    token = _token(client, ticket)
    first = client.post("/portal/track/rate/", {"token": token, "rating": "4", "comment": "شكرًا"})
    again = client.post("/portal/track/rate/", {"token": token, "rating": "1"})
    ticket.refresh_from_db()
    assert (ticket.rating, ticket.rating_comment) == (4, "شكرًا")
    assert 'data-testid="track-message"' in first.content.decode()
    assert 'data-testid="track-error"' in again.content.decode()


def test_no_rating_form_before_the_answer(client, ticket):
    assert 'data-testid="rate-form"' not in _track(client, ticket.review_number, "1234").content.decode()


@pytest.mark.parametrize("rating, offered", [(1, True), (2, True), (3, False), (5, False)])
def test_a_low_rating_offers_to_reopen(client, ticket, rating, offered):
    _answered(ticket)
    body = client.post(
        "/portal/track/rate/", {"token": _token(client, ticket), "rating": str(rating)}
    ).content
    assert (b'data-testid="reopen-form"' in body) is offered


def test_the_citizen_reopens_after_a_low_rating(client, ticket):
    _answered(ticket)
    token = _token(client, ticket)
    client.post("/portal/track/rate/", {"token": token, "rating": "1"})
    client.post("/portal/track/reopen/", {"token": token, "reason": "لم تحل المشكلة"})
    ticket.refresh_from_db()
    assert ticket.status == "in_progress"
    assert ticket.events.filter(kind="status_change", actor__isnull=True, reason="لم تحل المشكلة").exists()


def test_reopening_is_refused_after_thirty_days(client, ticket):
    set_status(ticket, "responded", responded_at=timezone.now() - timedelta(days=31))
    token = _token(client, ticket)
    client.post("/portal/track/rate/", {"token": token, "rating": "1"})
    body = client.post("/portal/track/reopen/", {"token": token}).content.decode()
    assert 'data-testid="track-error"' in body
    assert Ticket.objects.get(pk=ticket.pk).status == "responded"


def test_a_forged_token_rates_nothing(client, ticket):
    _answered(ticket)
    client.post("/portal/track/rate/", {"token": "forged", "rating": "5"})
    ticket.refresh_from_db()
    assert ticket.rating is None
