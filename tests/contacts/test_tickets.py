"""Contacts and tickets: the outcome "ticket opened" names the ticket; the console opens
one with the contact's channel, citizen and notes; tickets join the citizen's timeline."""

import pytest
from django.urls import reverse

from apps.citizens import timeline
from apps.contacts.models import Contact
from apps.tickets import services as ticket_services
from apps.tickets.models import Ticket
from tests.contacts.factories import ContactFactory, purpose, record

ONE = "/api/v1/contacts/"


@pytest.fixture
def ticket(citizen, agent):
    return ticket_services.ticket_create(
        kind="complaint",
        channel="phone",
        subject="تأخر الرد",
        description="لم يصل رد",
        actor=agent,
        citizen=citizen,
    )


def wrong_check(number: str) -> str:
    last = number[-1]
    return number[:-1] + ("0" if last != "0" else "1")


def test_a_telephony_record_names_the_ticket_it_opened(pbx_client, ticket):
    row = record(call_id="TK-1", outcome="ticket_opened", ticket=ticket.review_number)
    assert pbx_client.post(ONE, row, format="json").status_code == 201
    assert Contact.objects.get(call_id="TK-1").ticket == ticket


def test_a_review_number_no_ticket_has_is_refused(pbx_client, ticket):
    Ticket.objects.filter(pk=ticket.pk).update(review_number="1999-000001-0")
    response = pbx_client.post(
        ONE, record(outcome="ticket_opened", ticket=ticket.review_number), format="json"
    )
    assert response.status_code == 400
    assert "ticket" in response.json()["details"]
    assert not Contact.objects.exists()


def test_a_review_number_with_a_wrong_check_character_is_refused(pbx_client, ticket):
    response = pbx_client.post(
        ONE, record(outcome="ticket_opened", ticket=wrong_check(ticket.review_number)), format="json"
    )
    assert response.status_code == 400 and "ticket" in response.json()["details"]
    assert not Contact.objects.exists()


def test_the_read_api_gives_the_tickets_review_number(api_as, supervisor, ticket):
    ContactFactory(outcome="ticket_opened", ticket=ticket)
    (row,) = api_as(supervisor).get(ONE).json()["results"]
    assert row["ticket"] == ticket.review_number


# ---------------------------------------------------------------- the console


def log(client, **data):
    payload = {"channel": "inbound_call", "purpose": purpose("complaint").pk, "outcome": "ticket_opened"}
    payload.update(data)
    return client.post(reverse("contacts:console_log"), payload, HTTP_HX_REQUEST="true")


def test_the_console_opens_a_ticket_with_the_contacts_channel_citizen_and_notes(login, agent, citizen):
    response = log(
        login(agent), citizen=citizen.pk, call_id="PBX-T1", caller_number="36001234", notes="الصيانة لم تكتمل"
    )
    contact = Contact.objects.get(call_id="PBX-T1")
    ticket = contact.ticket
    assert (ticket.kind, ticket.channel, ticket.citizen) == ("complaint", "phone", citizen)
    assert ticket.description == "الصيانة لم تكتمل" and ticket.created_by == agent
    assert ticket.review_number in response.content.decode()


def test_the_agent_may_choose_the_kind_and_subject(login, agent, citizen):
    log(
        login(agent),
        citizen=citizen.pk,
        purpose=purpose("maintenance").pk,
        notes="تسرب مياه",
        ticket_kind="maintenance",
        ticket_subject="تسرب في المطبخ",
    )
    ticket = Ticket.objects.get()
    assert (ticket.kind, ticket.subject) == ("maintenance", "تسرب في المطبخ")


def test_a_ticket_needs_the_notes_and_nothing_is_saved_without_them(login, agent, citizen):
    html = log(login(agent), citizen=citizen.pk, notes="").content.decode()
    assert "is-invalid" in html
    assert not Ticket.objects.exists() and not Contact.objects.exists()


def test_a_ticket_needs_a_citizen_and_nothing_is_saved_without_one(login, agent):
    html = log(login(agent), caller_number="39990000", notes="شكوى").content.decode()
    assert 'data-testid="log-errors"' in html
    assert not Ticket.objects.exists() and not Contact.objects.exists()


def test_the_console_links_an_existing_ticket_by_its_review_number(login, agent, citizen, ticket):
    log(login(agent), citizen=citizen.pk, ticket_reference=ticket.review_number, call_id="PBX-T2")
    assert Contact.objects.get(call_id="PBX-T2").ticket == ticket
    assert Ticket.objects.count() == 1


def test_a_wrong_review_number_is_shown_on_the_form(login, agent, citizen, ticket):
    html = log(
        login(agent), citizen=citizen.pk, ticket_reference=wrong_check(ticket.review_number)
    ).content.decode()
    assert "is-invalid" in html
    assert not Contact.objects.exists()


# ---------------------------------------------------------------- the timeline


def test_the_citizens_tickets_join_the_timeline(citizen, agent, ticket):
    entries = timeline.citizen_timeline(citizen=citizen, viewer=agent).entries
    entry = next(e for e in entries if e.kind == "ticket")
    assert entry.title == "تأخر الرد" and ticket.review_number in str(entry.details)


def test_an_under_your_command_ticket_keeps_its_text_from_an_agent(citizen, agent, senior):
    ticket_services.ticket_create(
        kind="complaint",
        channel="uyc",
        subject="SECRET-UYC-TICKET",
        description="x",
        actor=agent,
        citizen=citizen,
    )
    agent_entries = timeline.citizen_timeline(citizen=citizen, viewer=agent).entries
    assert "SECRET-UYC-TICKET" not in repr(agent_entries)
    senior_entries = timeline.citizen_timeline(citizen=citizen, viewer=senior).entries
    assert any(e.title == "SECRET-UYC-TICKET" for e in senior_entries)
