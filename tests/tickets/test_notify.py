"""Ticket messages go to the notifications outbox in the ticket's own transaction."""

import pytest
from django.db import transaction

from apps.core.text import LRI, PDI
from apps.notifications.models import Notification
from apps.tickets import notify, services

from .factories import CitizenFactory, TicketFactory


def _sms(event="ticket.received"):
    return Notification.objects.get(event=event, channel="sms")


def test_an_english_preferring_citizen_is_told_of_the_receipt_in_english(agent):
    ticket = TicketFactory(citizen=CitizenFactory(language="en"), actor=agent)
    sms = _sms()
    assert sms.language == "en" and "review number" in sms.body
    assert ticket.review_number in sms.body and LRI not in sms.body


def test_any_other_citizen_is_told_of_the_receipt_in_arabic_with_the_number_isolated(agent):
    ticket = TicketFactory(citizen=CitizenFactory(language="ar"), actor=agent)
    sms = _sms()
    assert sms.language == "ar" and "رقم المراجعة" in sms.body
    assert f"{LRI}{ticket.review_number}{PDI}" in sms.body


def test_the_receipt_is_essential_and_goes_to_the_tickets_mobile_under_the_citizens_key(agent, citizen):
    TicketFactory(citizen=citizen, actor=agent)
    sms = _sms()
    assert sms.essential and sms.to_phone == "+97336001234"
    assert sms.recipient_ref == f"citizens.citizen:{citizen.pk}"
    assert "/portal/track/" in sms.body


def test_without_a_phone_the_receipt_goes_by_email_only(agent):
    citizen = CitizenFactory(phones=[], email="citizen@example.bh")
    TicketFactory(citizen=citizen, actor=agent)
    rows = Notification.objects.filter(event="ticket.received")
    assert [(row.channel, row.to_email) for row in rows] == [("email", "citizen@example.bh")]


def test_an_anonymous_suggestion_without_a_mobile_queues_nothing(db):
    services.ticket_create(
        kind="suggestion", channel="web", subject="s", description="d", actor=None, anonymous=True
    )
    assert not Notification.objects.exists()


def test_nothing_is_queued_when_the_ticket_creation_rolls_back(agent, citizen):
    with pytest.raises(RuntimeError), transaction.atomic():
        TicketFactory(citizen=citizen, actor=agent)
        assert Notification.objects.filter(event="ticket.received").exists()
        raise RuntimeError("boom")
    assert not Notification.objects.exists()


def test_a_rolled_back_reply_messages_nobody(ticket, agent):
    with pytest.raises(RuntimeError), transaction.atomic():
        services.ticket_reply(ticket=ticket, body="رد", actor=agent)
        raise RuntimeError("boom")
    assert not Notification.objects.filter(event="ticket.public_reply").exists()


def test_asking_the_citizen_for_more_gives_the_contact_centre_number_isolated(ticket, agent):
    for status in ("acknowledged", "in_progress", "awaiting_citizen"):
        services.ticket_transition(ticket=ticket, to_status=status, actor=agent)
    sms = _sms("ticket.awaiting_citizen")
    assert f"{LRI}80008001{PDI}" in sms.body and f"{LRI}{ticket.review_number}{PDI}" in sms.body


def test_answering_and_closing_each_tell_the_citizen(ticket, agent):
    for status in ("acknowledged", "in_progress", "responded", "closed"):
        services.ticket_transition(ticket=ticket, to_status=status, actor=agent)
    assert {"ticket.responded", "ticket.closed"} <= set(Notification.objects.values_list("event", flat=True))


def test_a_reopened_ticket_tells_the_citizen(ticket, agent):
    for status in ("acknowledged", "in_progress", "responded"):
        services.ticket_transition(ticket=ticket, to_status=status, actor=agent)
    services.ticket_transition(ticket=ticket, to_status="in_progress", actor=agent, reason="لم يكتمل")
    assert ticket.review_number in _sms("ticket.reopened").body


def test_a_merged_duplicate_tells_the_citizen_both_numbers(ticket, agent, supervisor, citizen):
    duplicate = TicketFactory(citizen=citizen, actor=agent)
    services.ticket_merge(duplicate=duplicate, original=ticket, actor=supervisor)
    body = _sms("ticket.merged").body
    assert f"{LRI}{duplicate.review_number}{PDI}" in body and f"{LRI}{ticket.review_number}{PDI}" in body


def test_the_legacy_adapter_queues_by_ticket_id(ticket):
    rows = notify.ticket_notify("created", ticket.pk)
    assert {row.event for row in rows} == {"ticket.received"}


def test_an_unknown_event_is_refused(ticket):
    with pytest.raises(ValueError):
        notify.queue_ticket_notice("exploded", ticket)


def test_assigning_a_ticket_tells_the_assignee_in_the_bell(ticket, supervisor, agent):
    services.ticket_assign(ticket=ticket, actor=supervisor, assignee=agent)
    bell = Notification.objects.get(event="ticket.assigned", channel="in_app")
    assert bell.recipient_user == agent and ticket.review_number in bell.subject
    assert bell.link_url.endswith(f"/tickets/{ticket.pk}/")


def test_taking_a_ticket_yourself_sends_no_assignment_notice(ticket, agent, supervisor):
    services.ticket_assign(ticket=ticket, actor=supervisor, assignee=supervisor)
    assert not Notification.objects.filter(event="ticket.assigned").exists()
