"""Tawasul two-way, end to end against the fake Tawasul over real HTTP on loopback."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from apps.integrations import signing
from apps.integrations.outbound import services as outbound
from apps.integrations.outbound.models import Delivery
from apps.integrations.tawasul import services
from apps.integrations.tawasul.fake import sample_message
from apps.integrations.tawasul.models import TawasulMessage
from apps.tickets import selectors as ticket_selectors
from apps.tickets import services as ticket_services
from apps.tickets.models import Ticket
from apps.tickets.workflow import Status

from .conftest import SECRET

URL = "/api/v1/integrations/tawasul/messages"


def _post(client, message=None, *, secret=SECRET, body=None, now=None, headers=None):
    raw = body if body is not None else json.dumps(message, ensure_ascii=False).encode()
    signed = signing.sign(secret, raw, now=now)
    extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in {**signed, **(headers or {})}.items()}
    return client.generic("POST", URL, raw, content_type="application/json", **extra)


def _deliver_all():
    return outbound.delivery_deliver_due()


@pytest.mark.django_db(transaction=True)
def test_a_message_travels_both_ways_over_http(tawasul_settings, fake_tawasul, live_server, agent):
    response = fake_tawasul.send(live_server.url + URL, sample_message("TW-2026-000123"))
    assert response.status_code == 201, response.text
    answer = response.json()
    ticket = Ticket.objects.get(review_number=answer["review_number"])
    assert answer["created"] is True and answer["reference"] == "TW-2026-000123"
    assert ticket.channel == Ticket.Channel.TAWASUL and ticket.kind == Ticket.Kind.COMPLAINT
    assert ticket.external_reference == "TW-2026-000123"
    assert ticket.citizen.cpr == "850101234"

    # The acknowledgement with our review number, signed, reaches Tawasul.
    _deliver_all()
    [ack] = fake_tawasul.deliveries("acknowledgement")
    assert ack.signature_valid and ack.path == "/hc/events"
    assert ack.json["review_number"] == ticket.review_number and ack.json["reference"] == "TW-2026-000123"

    # Every status change and public reply follows; an internal note never does.
    ticket = ticket_services.ticket_transition(
        ticket=ticket, to_status=Status.ACKNOWLEDGED, actor=agent, reason="سبب داخلي"
    )
    ticket_services.ticket_note(ticket=ticket, body="ملاحظة داخلية سرية", actor=agent)
    ticket_services.ticket_reply(ticket=ticket, body="تمت جدولة زيارة الصيانة.", actor=agent)
    _deliver_all()
    [status] = fake_tawasul.deliveries("status")
    assert status.json["status"] == "acknowledged" and status.json["status_label"]["ar"]
    assert "سبب داخلي" not in status.body.decode()
    [reply] = fake_tawasul.deliveries("reply")
    assert reply.json["text"] == "تمت جدولة زيارة الصيانة." and reply.signature_valid
    everything = b"".join(r.body for r in fake_tawasul.received).decode()
    assert "ملاحظة داخلية سرية" not in everything


@pytest.mark.django_db
def test_the_same_reference_twice_is_one_ticket(tawasul_settings, client):
    first = _post(client, sample_message("TW-1"))
    again = _post(client, sample_message("TW-1", subject="نص آخر"))
    assert first.status_code == 201 and again.status_code == 200
    assert again.json()["review_number"] == first.json()["review_number"] and again.json()["created"] is False
    assert Ticket.objects.count() == 1 and TawasulMessage.objects.count() == 1
    assert Delivery.objects.filter(event="tawasul.acknowledgement").count() == 1


@pytest.mark.django_db
def test_an_exact_resend_gets_the_first_answer_and_creates_nothing(tawasul_settings, client):
    # Tawasul's own retry after a time-out: the very same bytes and signature.
    raw = json.dumps(sample_message("TW-2")).encode()
    signed = signing.sign(SECRET, raw)
    extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in signed.items()}
    first = client.generic("POST", URL, raw, content_type="application/json", **extra)
    assert first.status_code == 201
    resend = client.generic("POST", URL, raw, content_type="application/json", **extra)
    assert resend.status_code == 200, resend.content
    assert resend.json() == {**first.json(), "created": False}
    assert Ticket.objects.count() == 1 and TawasulMessage.objects.count() == 1
    assert Delivery.objects.filter(event="tawasul.acknowledgement").count() == 1


@pytest.mark.django_db
def test_an_exact_resend_of_a_refused_message_is_refused_again(tawasul_settings, client):
    raw = json.dumps(sample_message("TW-3", kind="praise")).encode()
    signed = signing.sign(SECRET, raw)
    extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in signed.items()}
    for _attempt in range(2):
        response = client.generic("POST", URL, raw, content_type="application/json", **extra)
        assert response.status_code == 400 and response.json()["code"] == "unknown_kind"
    assert Ticket.objects.count() == 0 and TawasulMessage.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        (lambda m: {**m, "colour": "red"}, 400, "unknown_fields"),
        (lambda m: {**m, "citizen": {**m["citizen"], "iban": "x"}}, 400, "unknown_fields"),
        (lambda m: {**m, "kind": "maintenance"}, 400, "unknown_kind"),
        (lambda m: {**m, "kind": "praise"}, 400, "unknown_kind"),
        (lambda m: {k: v for k, v in m.items() if k != "reference"}, 400, "required"),
        (lambda m: {**m, "reference": "TW 1 <script>"}, 400, "invalid_reference"),
        (lambda m: {k: v for k, v in m.items() if k != "citizen"}, 400, "citizen_required"),
        (lambda m: {**m, "submitted_at": "yesterday"}, 400, "invalid"),
        (lambda m: {**m, "submitted_at": "2026-12-03T09:00:00"}, 400, "invalid"),  # no offset
        (lambda m: {**m, "citizen": {**m["citizen"], "cpr": "12"}}, 400, None),
        (lambda m: {**m, "citizen": {**m["citizen"], "mobile": "17001234"}}, 400, None),
    ],
)
def test_bad_messages_are_refused_with_a_clear_error_and_nothing_saved(
    tawasul_settings, client, change, status, code
):
    response = _post(client, change(sample_message("TW-BAD")))
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "details"} and body["message"]
    if code:
        assert body["code"] == code
    else:  # refused by the citizens or tickets app: named as Tawasul named the field
        assert set(body["details"]) <= {"citizen.cpr", "citizen.mobile"}, body
    assert (
        Ticket.objects.count() == 0 and TawasulMessage.objects.count() == 0 and Delivery.objects.count() == 0
    )


@pytest.mark.django_db
def test_signatures_are_checked(tawasul_settings, client):
    message = sample_message("TW-3")
    assert _post(client, message, secret="wrong").json()["code"] == "signature_invalid"
    old = datetime.now(UTC) - timedelta(minutes=10)
    expired = _post(client, message, now=old)
    assert expired.status_code == 401 and expired.json()["code"] == "signature_expired"
    unsigned = client.post(URL, message, content_type="application/json")
    assert unsigned.status_code == 401 and unsigned.json()["code"] == "signature_missing"
    assert Ticket.objects.count() == 0


@pytest.mark.django_db
def test_both_secrets_work_while_one_is_rotated(tawasul_settings, client):
    tawasul_settings.HOUSING_INTEGRATION_SECRETS = {"tawasul": ["new-secret", SECRET]}
    assert _post(client, sample_message("TW-4"), secret=SECRET).status_code == 201
    assert _post(client, sample_message("TW-5"), secret="new-secret").status_code == 201


@pytest.mark.django_db
def test_oversize_malformed_and_wrong_method_are_refused(tawasul_settings, client):
    tawasul_settings.HOUSING_TAWASUL_MAX_BODY_BYTES = 1000
    big = sample_message("TW-6", text="ب" * 2000)
    response = _post(client, big)
    assert response.status_code == 413 and response.json()["code"] == "body_too_large"
    broken = _post(client, body=b"{not json")
    assert broken.status_code == 400 and broken.json()["code"] == "malformed_json"
    listed = _post(client, body=b"[1, 2]")
    assert listed.json()["code"] == "malformed_json"
    assert client.get(URL).status_code == 405
    assert Ticket.objects.count() == 0


@pytest.mark.django_db
def test_a_suggestion_may_come_without_the_citizen(tawasul_settings, client):
    message = {k: v for k, v in sample_message("TW-7", kind="suggestion").items() if k != "citizen"}
    response = _post(client, message)
    assert response.status_code == 201
    ticket = Ticket.objects.get()
    assert ticket.is_anonymous and ticket.kind == Ticket.Kind.SUGGESTION


@pytest.mark.django_db
def test_the_tawasul_reference_finds_the_ticket(tawasul_settings, client, supervisor):
    _post(client, sample_message("TW-2026-000777"))
    filters = ticket_selectors.TicketFilters(q="TW-2026-000777")
    page = ticket_selectors.ticket_list(viewer=supervisor, filters=filters)
    assert [t.external_reference for t in page.items] == ["TW-2026-000777"]


@pytest.mark.django_db
def test_a_ticket_moved_into_under_your_command_tells_tawasul_nothing(tawasul_settings, client, admin_user):
    _post(client, sample_message("TW-8"))
    ticket = Ticket.objects.get()
    Delivery.objects.all().delete()
    ticket = ticket_services.ticket_reclassify(
        ticket=ticket, actor=admin_user, channel=Ticket.Channel.UYC, reason="إلى الإدارة العليا"
    )
    assert ticket.confidential
    ticket = ticket_services.ticket_transition(ticket=ticket, to_status=Status.ACKNOWLEDGED, actor=admin_user)
    ticket_services.ticket_reply(ticket=ticket, body="قرار سري", actor=admin_user)
    assert Delivery.objects.count() == 0


@pytest.mark.django_db
def test_a_failing_tawasul_gets_the_delivery_again_later(tawasul_settings, fake_tawasul, client):
    fake_tawasul.fail_next(1)
    _post(client, sample_message("TW-9"))
    [first] = _deliver_all().values()
    assert first.status == "retry"
    row = Delivery.objects.get()
    outbound.delivery_deliver(delivery_id=row.pk, now=row.next_attempt_at)
    row.refresh_from_db()
    assert row.state == Delivery.State.SENT and row.attempts == 2
    assert len(fake_tawasul.deliveries("acknowledgement")) == 1


@pytest.mark.django_db
def test_polling_files_new_messages_once(tawasul_settings, fake_tawasul):
    fake_tawasul.queue_for_poll(
        sample_message("TW-P1"), sample_message("TW-P2", kind="inquiry"), {"reference": "x"}
    )
    result = services.tawasul_poll()
    assert (result.fetched, result.created, result.refused) == (3, 2, 1)
    fake_tawasul.queue_for_poll(sample_message("TW-P1"))
    again = services.tawasul_poll()
    assert (again.created, again.existing) == (0, 1)
    assert TawasulMessage.objects.filter(via="poll").count() == 2
    assert fake_tawasul.received[0].signature_valid  # our GET was signed


@pytest.mark.django_db
def test_polling_refuses_an_unsigned_answer(tawasul_settings, fake_tawasul):
    tawasul_settings.HOUSING_INTEGRATION_SECRETS = {"tawasul": ["other"]}
    fake_tawasul.queue_for_poll(sample_message("TW-P3"))
    with pytest.raises(signing.SignatureRejected):
        services.tawasul_poll()
    assert Ticket.objects.count() == 0


def test_the_webhook_url_is_routed():
    assert reverse("api:tawasul:webhook") == URL
