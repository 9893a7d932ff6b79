"""Outbound webhooks: signed deliveries of the product's events to registered subscribers,
logged and replayable; never an internal note, never "Under Your Command"."""

import json
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from apps.integrations.outbound import services as outbound
from apps.integrations.outbound.models import Delivery
from apps.integrations.webhooks import events
from apps.integrations.webhooks.models import Subscription
from apps.sla import signals as sla_signals
from apps.sla.models import Clock
from apps.tickets import services as ticket_services
from apps.tickets.models import Ticket
from apps.tickets.workflow import Status
from tests.tickets.factories import CitizenFactory, TicketFactory

from .conftest import SECRET

pytestmark = pytest.mark.django_db


@pytest.fixture
def subscriber(fake_tawasul):
    return Subscription.objects.create(
        name="Dashboard", url=f"{fake_tawasul.url}/hook", events=list(events.EVENTS), secret=SECRET
    )


def _posted(fake, event=None):
    outbound.delivery_deliver_due()
    return [r for r in fake.received if r.status == 200 and (event is None or r.json["event"] == event)]


def test_ticket_events_reach_the_subscriber_signed_with_its_secret(subscriber, fake_tawasul, agent):
    ticket = TicketFactory(citizen=CitizenFactory(), actor=agent, subject="موضوع خاص بالمواطن")
    ticket = ticket_services.ticket_transition(
        ticket=ticket, to_status=Status.ACKNOWLEDGED, actor=agent, reason="سبب داخلي"
    )
    ticket_services.ticket_note(ticket=ticket, body="ملاحظة داخلية", actor=agent)
    ticket_services.ticket_reply(ticket=ticket, body="رد عام للمواطن", actor=agent)
    posted = _posted(fake_tawasul)
    assert [r.json["event"] for r in posted] == ["ticket.created", "ticket.status_changed", "ticket.replied"]
    assert all(r.signature_valid for r in posted)
    assert posted[0].json["data"]["review_number"] == ticket.review_number
    assert posted[1].json["data"]["to_status"] == "acknowledged"
    assert posted[2].json["data"]["text"] == "رد عام للمواطن"
    everything = b"".join(r.body for r in fake_tawasul.received).decode()
    for secret_text in ("ملاحظة داخلية", "سبب داخلي", "موضوع خاص بالمواطن"):
        assert secret_text not in everything
    assert Delivery.objects.filter(partner="webhooks", state="sent", last_status_code=200).count() == 3


def test_nothing_of_an_under_your_command_ticket_leaves(subscriber, fake_tawasul, admin_user):
    ticket = TicketFactory(citizen=CitizenFactory(), actor=admin_user, channel=Ticket.Channel.UYC)
    assert ticket.confidential
    ticket = ticket_services.ticket_transition(ticket=ticket, to_status=Status.ACKNOWLEDGED, actor=admin_user)
    ticket_services.ticket_reply(ticket=ticket, body="قرار الإدارة العليا", actor=admin_user)
    sla_signals.clock_breached.send(
        sender=Clock,
        clock=SimpleNamespace(pk=1, cycle=1, target="resolution", due_at=None),
        ticket=ticket,
        now=timezone.now(),
    )
    assert Delivery.objects.count() == 0 and fake_tawasul.received == []


def test_only_the_events_asked_for_are_sent(fake_tawasul, agent):
    Subscription.objects.create(
        name="Replies", url=f"{fake_tawasul.url}/r", events=[events.TICKET_REPLIED], secret=SECRET
    )
    ticket = TicketFactory(citizen=CitizenFactory(), actor=agent)
    assert Delivery.objects.count() == 0
    ticket_services.ticket_reply(ticket=ticket, body="رد عام للمواطن", actor=agent)
    assert list(Delivery.objects.values_list("event", flat=True)) == [events.TICKET_REPLIED]


def test_an_inactive_subscriber_gets_nothing(subscriber, agent):
    subscriber.is_active = False
    subscriber.save()
    TicketFactory(citizen=CitizenFactory(), actor=agent)
    assert Delivery.objects.count() == 0


def test_a_missed_deadline_is_sent(subscriber, fake_tawasul, agent):
    ticket = TicketFactory(citizen=CitizenFactory(), actor=agent)
    Delivery.objects.all().delete()
    clock = SimpleNamespace(pk=7, cycle=1, target="resolution", due_at=timezone.now())
    sla_signals.clock_breached.send(sender=Clock, clock=clock, ticket=ticket, now=timezone.now())
    sla_signals.clock_breached.send(sender=Clock, clock=clock, ticket=ticket, now=timezone.now())
    [posted] = _posted(fake_tawasul, "sla.breached")
    assert (
        posted.json["data"]["target"] == "resolution"
        and posted.json["data"]["review_number"] == ticket.review_number
    )


def test_a_booked_appointment_is_sent(subscriber, fake_tawasul):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    import time_machine

    from apps.appointments import services as appointment_services
    from apps.appointments.models import Branch, Service
    from tests.contacts.factories import CitizenFactory as ContactCitizenFactory
    from tests.contacts.factories import PhoneFactory

    bahrain = ZoneInfo("Asia/Bahrain")
    now = datetime(2026, 6, 7, 8, 0, tzinfo=bahrain)
    with time_machine.travel(now, tick=False):
        appointment_services.catalogue_ensure()
        citizen = PhoneFactory(citizen=ContactCitizenFactory()).citizen
        appointment = appointment_services.appointment_book(
            citizen=citizen,
            service=Service.objects.get(code="mazaya"),
            branch=Branch.objects.get(code="hq"),
            slot_start=datetime(2026, 6, 9, 9, 0, tzinfo=bahrain),
            channel="phone",
            now=now,
        )
    [posted] = _posted(fake_tawasul, "appointment.booked")
    assert posted.json["data"]["reference"] == appointment.reference and posted.signature_valid
    assert citizen.cpr not in posted.body.decode()


def test_a_failing_subscriber_is_retried_and_its_response_code_logged(subscriber, fake_tawasul, agent):
    fake_tawasul.fail_next(1, status=503)
    TicketFactory(citizen=CitizenFactory(), actor=agent)
    outbound.delivery_deliver_due()
    row = Delivery.objects.get()
    assert row.state == "pending" and row.last_status_code == 503 and row.attempts == 1


def test_a_delivery_is_replayed_through_the_api(subscriber, fake_tawasul, agent, admin_user, client):
    TicketFactory(citizen=CitizenFactory(), actor=agent)
    outbound.delivery_deliver_due()
    row = Delivery.objects.get()
    url = f"/api/v1/integrations/webhooks/deliveries/{row.reference}/replay/"
    client.force_login(agent)
    refused = client.post(url)
    assert refused.status_code == 403 and Delivery.objects.count() == 1
    client.force_login(admin_user)
    response = client.post(url)
    assert response.status_code == 201, response.content
    again = Delivery.objects.get(replay_of=row)
    assert response.json()["reference"] == str(again.reference)
    listed = client.get(f"/api/v1/integrations/webhooks/deliveries/?subscription={subscriber.pk}")
    assert listed.status_code == 200 and len(listed.json()["results"]) == 2
    outbound.delivery_deliver_due()
    bodies = [json.loads(r.body) for r in fake_tawasul.received]
    assert bodies[0] == bodies[1]
    assert (
        fake_tawasul.received[0].headers["X-HC-Delivery"] != fake_tawasul.received[1].headers["X-HC-Delivery"]
    )


def test_a_subscription_with_an_unknown_event_is_refused():
    with pytest.raises(ValidationError):
        Subscription(name="x", url="https://example.org/h", events=["ticket.deleted"]).full_clean()


def test_the_admin_registers_a_subscriber(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        "/admin/integrations_webhooks/subscription/add/",
        {
            "name": "Ops",
            "url": "https://ops.example.org/hook",
            "events": ["ticket.created"],
            "is_active": "on",
            "secret": "s" * 40,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Subscription.objects.get().events == ["ticket.created"]


def test_the_deliveries_list_refuses_a_malformed_subscription_number(client, admin_user):
    client.force_login(admin_user)
    response = client.get("/api/v1/integrations/webhooks/deliveries/?subscription=false")
    assert response.status_code == 400 and response.json()["code"] == "invalid"


def test_a_committed_subscription_change_reaches_every_process_copy(django_capture_on_commit_callbacks):
    from apps.integrations.webhooks import selectors

    assert selectors.subscribers_for(events.TICKET_CREATED) == []  # this process's copy, filled
    with django_capture_on_commit_callbacks(execute=True):
        added = Subscription.objects.create(
            name="Late", url="https://example.org/hook", events=[events.TICKET_CREATED], secret="s"
        )
    assert selectors.subscribers_for(events.TICKET_CREATED) == [(added.pk, "https://example.org/hook")]
    with django_capture_on_commit_callbacks(execute=True):
        Subscription.objects.filter(pk=added.pk).first().delete()
    assert selectors.subscribers_for(events.TICKET_CREATED) == []
