"""Citizens' text messages: threaded to their own open ticket, or logged as a contact."""

import json
from datetime import UTC, datetime, timedelta

import pytest

from apps.contacts.models import Contact
from apps.integrations import signing
from apps.integrations.sms import services
from apps.integrations.sms.models import InboundSms
from apps.tickets import services as ticket_services
from apps.tickets.models import Ticket, TicketEvent
from apps.tickets.workflow import Status
from tests.tickets.factories import CitizenFactory, TicketFactory, set_status

URL = "/api/v1/integrations/sms/inbound"
SECRET = "sms-secret"
MOBILE = "+97336001234"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _sms_secret(settings):
    settings.HOUSING_INTEGRATION_SECRETS = {"sms": [SECRET]}


@pytest.fixture
def citizen():
    return CitizenFactory(cpr="880412345", name_ar="أحمد علي", phones=[MOBILE])


@pytest.fixture
def ticket(citizen, agent):
    return TicketFactory(citizen=citizen, actor=agent)


def _send(client, message, *, secret=SECRET, body=None, now=None):
    raw = body if body is not None else json.dumps(message, ensure_ascii=False).encode()
    extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in signing.sign(secret, raw, now=now).items()}
    return client.generic("POST", URL, raw, content_type="application/json", **extra)


def _arabic(number: str) -> str:
    return number.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))


def test_a_reply_with_the_review_number_in_arabic_digits_joins_the_ticket_and_resumes_its_clock(
    client, ticket, agent
):
    ticket = ticket_services.ticket_transition(ticket=ticket, to_status=Status.ACKNOWLEDGED, actor=agent)
    ticket = ticket_services.ticket_transition(ticket=ticket, to_status=Status.IN_PROGRESS, actor=agent)
    ticket = ticket_services.ticket_transition(ticket=ticket, to_status=Status.AWAITING_CITIZEN, actor=agent)
    spaced = _arabic(ticket.review_number).replace("-", " - ")
    response = _send(
        client, {"message_id": "gw-1", "from": "36001234", "text": f"بخصوص الطلب {spaced} أرسلت المستندات"}
    )
    assert response.status_code == 200, response.content
    assert response.json() == {"message_id": "gw-1", "outcome": "threaded", "duplicate": False}
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS
    reply = ticket.events.get(kind=TicketEvent.Kind.CITIZEN_REPLY)
    assert "أرسلت المستندات" in reply.body and reply.actor is None
    assert Contact.objects.count() == 0


def test_someone_elses_review_number_is_not_threaded(client, ticket):
    response = _send(
        client, {"message_id": "gw-2", "from": "+97336009999", "text": f"رقم {ticket.review_number}"}
    )
    assert response.json()["outcome"] == "logged"
    assert not ticket.events.filter(kind=TicketEvent.Kind.CITIZEN_REPLY).exists()
    contact = Contact.objects.get()
    assert contact.channel == "sms" and contact.caller_number == "+97336009999" and contact.citizen is None


def test_a_text_without_a_review_number_is_logged_for_the_citizen(client, citizen, ticket):
    response = _send(client, {"message_id": "gw-3", "from": MOBILE, "text": "متى موعدي؟"})
    assert response.json()["outcome"] == "logged"
    contact = Contact.objects.get()
    assert contact.citizen == citizen and contact.notes == "متى موعدي؟"
    assert InboundSms.objects.get().contact == contact


def test_a_closed_ticket_is_not_reopened_by_a_text(client, ticket):
    set_status(ticket, Status.CLOSED)
    assert (
        _send(client, {"message_id": "gw-4", "from": MOBILE, "text": ticket.review_number}).json()["outcome"]
        == "logged"
    )


def test_the_same_gateway_message_twice_is_filed_once(client, ticket):
    message = {"message_id": "gw-5", "from": MOBILE, "text": f"{ticket.review_number} شكرا"}
    assert _send(client, message).json()["duplicate"] is False
    # The gateway's retry, signed again a second later.
    again = _send(client, message, now=datetime.now(UTC) + timedelta(seconds=1))
    assert again.status_code == 200 and again.json() == {
        "message_id": "gw-5",
        "outcome": "threaded",
        "duplicate": True,
    }
    assert ticket.events.filter(kind=TicketEvent.Kind.CITIZEN_REPLY).count() == 1
    assert InboundSms.objects.count() == 1


def test_an_exact_resend_gets_the_first_outcome(client, ticket):
    # The gateway's retry after a time-out: the very same bytes and signature.
    message = {"message_id": "gw-5b", "from": MOBILE, "text": f"{ticket.review_number} شكرا"}
    sent_at = datetime.now(UTC)
    assert _send(client, message, now=sent_at).json()["duplicate"] is False
    again = _send(client, message, now=sent_at)
    assert again.status_code == 200 and again.json() == {
        "message_id": "gw-5b",
        "outcome": "threaded",
        "duplicate": True,
    }
    assert ticket.events.filter(kind=TicketEvent.Kind.CITIZEN_REPLY).count() == 1
    assert InboundSms.objects.count() == 1


@pytest.mark.parametrize(
    ("message", "code"),
    [
        ({"message_id": "x", "from": MOBILE, "text": "hi", "extra": 1}, "unknown_fields"),
        ({"message_id": "x", "from": "17001234", "text": "hi"}, "invalid_phone"),
        ({"message_id": "x", "from": MOBILE}, "required"),
        ({"message_id": "x", "from": MOBILE, "text": "ب" * 2001}, "invalid"),
        ({"message_id": "x", "from": MOBILE, "text": "hi", "received_at": "2026-12-03T09:00:00"}, "invalid"),
        ({"message_id": "x", "from": MOBILE, "text": "hi", "received_at": 5}, "invalid"),
    ],
)
def test_bad_messages_are_refused_and_nothing_is_filed(client, message, code):
    response = _send(client, message)
    assert response.status_code == 400 and response.json()["code"] == code
    assert InboundSms.objects.count() == 0 and Contact.objects.count() == 0


def test_an_unsigned_or_wrongly_signed_message_is_refused(client):
    message = {"message_id": "x", "from": MOBILE, "text": "hi"}
    assert _send(client, message, secret="nope").status_code == 401
    assert client.post(URL, message, content_type="application/json").status_code == 401
    assert InboundSms.objects.count() == 0


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("رقمي 2026-004817-2", ["2026-004817-2"]),
        ("رقمي ٢٠٢٦٠٠٤٨١٧٢ شكرا", ["2026-004817-2"]),
        ("2026 004817 2 و 36001234", ["2026-004817-2"]),
        ("2026-004817-3", []),
        ("لا رقم هنا 12345", []),
    ],
)
def test_review_numbers_are_read_as_people_type_them(text, found):
    assert services.review_numbers_in(text) == found


def test_a_reply_to_an_open_ticket_not_awaiting_keeps_its_status(client, ticket):
    _send(client, {"message_id": "gw-6", "from": MOBILE, "text": ticket.review_number})
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW and Ticket.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_text_travels_over_http_from_the_gateway(live_server, settings):
    import httpx

    settings.HOUSING_INTEGRATION_SECRETS = {"sms": [SECRET]}
    citizen = CitizenFactory(cpr="880412399", name_ar="سارة", phones=[MOBILE])
    ticket = TicketFactory(citizen=citizen)
    raw = json.dumps(
        {"message_id": "gw-http", "from": MOBILE, "text": f"رقم {ticket.review_number}"}
    ).encode()
    response = httpx.post(
        live_server.url + URL,
        content=raw,
        headers={"Content-Type": "application/json", **signing.sign(SECRET, raw)},
        timeout=10,
    )
    assert response.status_code == 200 and response.json()["outcome"] == "threaded"
    assert ticket.events.filter(kind=TicketEvent.Kind.CITIZEN_REPLY).count() == 1


def test_a_text_threaded_into_a_confidential_ticket_is_read_only_through_the_policy(
    client, ticket, supervisor, admin_user
):
    from apps.core import confidentiality

    Ticket.objects.filter(pk=ticket.pk).update(confidential=True)
    _send(client, {"message_id": "gw-uyc", "from": MOBILE, "text": f"{ticket.review_number} سري"})
    _send(client, {"message_id": "gw-plain", "from": MOBILE, "text": "رسالة عامة"})
    by_id = {
        row.message_id: row
        for row in confidentiality.redacting(supervisor, InboundSms.objects.select_related("ticket"))
    }
    assert by_id["gw-uyc"].ticket_id == ticket.pk and (by_id["gw-uyc"].text, by_id["gw-uyc"].from_number) == (
        "",
        "",
    )
    assert by_id["gw-plain"].text == "رسالة عامة"
    client.force_login(admin_user)  # may read "Under Your Command"
    page = client.get(f"/admin/integrations_sms/inboundsms/{by_id['gw-uyc'].pk}/change/")
    assert page.status_code == 200 and "سري" in page.content.decode()
