"""The REST API: outbox, resend, a person's messages, and one's own notifications."""

import pytest
from rest_framework.test import APIClient

from apps.notifications import services
from apps.notifications.choices import Channel, State
from apps.notifications.models import Notification

from .factories import NotificationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def test_a_supervisor_lists_the_outbox_filtered_by_state(api, supervisor):
    NotificationFactory(state=State.SENT)
    failed = NotificationFactory(state=State.FAILED)
    api.force_authenticate(supervisor)

    response = api.get("/api/v1/notifications/outbox/", {"state": "failed"})

    assert response.status_code == 200
    assert [item["id"] for item in response.json()["results"]] == [failed.pk]


def test_an_agent_is_refused_the_outbox_with_a_json_error_and_no_data(api, agent):
    NotificationFactory(to_phone="+97336001234")
    api.force_authenticate(agent)

    response = api.get("/api/v1/notifications/outbox/")

    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert "36001234" not in response.content.decode()


def test_an_unknown_state_filter_is_a_400_with_details(api, supervisor):
    api.force_authenticate(supervisor)

    response = api.get("/api/v1/notifications/outbox/", {"state": "lost"})

    assert response.status_code == 400
    assert response.json()["code"] == "invalid" and "state" in response.json()["details"]


def test_resend_through_the_api_creates_a_new_row(api, supervisor):
    failed = NotificationFactory(state=State.FAILED)
    api.force_authenticate(supervisor)

    response = api.post(f"/api/v1/notifications/outbox/{failed.pk}/resend/", {}, format="json")

    assert response.status_code == 201
    new = Notification.objects.get(pk=response.json()["id"])
    assert new.resent_from == failed and new.state == State.QUEUED


def test_resending_a_sent_message_through_the_api_is_a_conflict(api, supervisor):
    sent = NotificationFactory(state=State.SENT)
    api.force_authenticate(supervisor)

    response = api.post(f"/api/v1/notifications/outbox/{sent.pk}/resend/", {}, format="json")

    assert response.status_code == 409 and response.json()["code"] == "not_resendable"
    assert Notification.objects.count() == 1


def test_an_agent_reads_a_citizens_messages_for_the_timeline(api, agent):
    sms = NotificationFactory(to_phone="+97336001234")
    email = NotificationFactory(channel=Channel.EMAIL, to_phone="", to_email="Mariam@example.bh")
    NotificationFactory(to_phone="+97339999999")
    api.force_authenticate(agent)

    response = api.get("/api/v1/notifications/messages/", {"phone": "36001234", "email": "mariam@example.bh"})

    assert response.status_code == 200
    assert {item["id"] for item in response.json()["results"]} == {sms.pk, email.pk}


def test_someone_without_a_role_cannot_read_a_citizens_messages(api, outsider):
    NotificationFactory(to_phone="+97336001234", body="نص خاص")
    api.force_authenticate(outsider)

    response = api.get("/api/v1/notifications/messages/", {"phone": "36001234"})

    assert response.status_code == 403
    assert "نص خاص" not in response.content.decode()


def test_messages_need_a_phone_email_or_reference(api, agent):
    api.force_authenticate(agent)

    response = api.get("/api/v1/notifications/messages/")

    assert response.status_code == 400


def test_the_inbox_returns_ones_own_notifications_and_the_unread_count(api, agent):
    row = services.notification_queue(
        event="sla.at_risk",
        recipient_user=agent,
        context={"review_number": "2026-1", "ticket_url": "/t/1/", "due_at": "2026-12-01"},
    )[0]
    api.force_authenticate(agent)

    listing = api.get("/api/v1/notifications/inbox/")
    read = api.post(f"/api/v1/notifications/inbox/{row.pk}/read/")

    assert listing.json()["unread"] == 1 and [i["id"] for i in listing.json()["results"]] == [row.pk]
    assert read.status_code == 200 and read.json()["read_at"]
    assert api.get("/api/v1/notifications/inbox/").json()["unread"] == 0


def test_the_api_is_in_the_openapi_schema(api, agent):
    api.force_authenticate(agent)

    schema = api.get("/api/v1/schema/", {"format": "json"}).json()

    assert "/api/v1/notifications/outbox/{id}/resend/" in schema["paths"]
