"""What the tickets pages, API and search show of a UYC ticket to agents and officers:
that it exists, its status and dates — never what the citizen wrote to senior management."""

import pytest

from apps.tickets import selectors as ticket_selectors
from apps.tickets.models import Ticket
from apps.tickets.selectors import TicketFilters

from .factories import citizen_case

SECRET_SUBJECT = "شكوى سرية ضد مدير الإدارة"
SECRET_MESSAGE = "تعرضت لمعاملة غير لائقة من الموظف فلان"


@pytest.fixture
def uyc(db):
    return citizen_case(subject=SECRET_SUBJECT, message=SECRET_MESSAGE)


def test_an_agent_lists_the_ticket_without_its_words(uyc, agent):
    page = ticket_selectors.ticket_list(viewer=agent, filters=TicketFilters())
    (row,) = [t for t in page.items if t.pk == uyc.ticket_id]
    assert row.subject != SECRET_SUBJECT and row.description == "" and row.status == "escalated"


def test_senior_management_reads_the_ticket_whole(uyc, senior):
    ticket = ticket_selectors.ticket_get(viewer=senior, pk=uyc.ticket_id)
    assert (ticket.subject, ticket.description) == (SECRET_SUBJECT, SECRET_MESSAGE)


def test_search_never_matches_the_words_for_an_agent(uyc, agent, senior):
    query = TicketFilters(q="معاملة غير لائقة")
    assert ticket_selectors.ticket_list(viewer=agent, filters=query).items == []
    assert [t.pk for t in ticket_selectors.ticket_list(viewer=senior, filters=query).items] == [uyc.ticket_id]


def test_the_review_number_still_finds_the_ticket_for_an_agent(uyc, agent):
    query = TicketFilters(q=uyc.ticket.review_number)
    assert [t.pk for t in ticket_selectors.ticket_list(viewer=agent, filters=query).items] == [uyc.ticket_id]


def test_a_redacted_copy_cannot_be_saved_over_the_real_text(uyc, agent):
    ticket = ticket_selectors.ticket_get(viewer=agent, pk=uyc.ticket_id)
    with pytest.raises(ValueError):
        ticket.save()
    assert Ticket.objects.get(pk=uyc.ticket_id).description == SECRET_MESSAGE


def test_the_ticket_api_gives_an_agent_no_words(uyc, agent, api):
    detail = api(agent).get(f"/api/v1/tickets/{uyc.ticket_id}/")
    listing = api(agent).get("/api/v1/tickets/", {"q": "مدير الإدارة"})
    assert detail.status_code == 200 and detail.json()["status"] == "escalated"
    for body in (detail.content.decode(), listing.content.decode()):
        assert SECRET_SUBJECT not in body and SECRET_MESSAGE not in body


def test_the_ticket_page_gives_an_agent_no_words(uyc, agent, login):
    response = login(agent).get(f"/tickets/{uyc.ticket_id}/")
    body = response.content.decode()
    assert response.status_code == 200 and uyc.ticket.review_number in body
    assert SECRET_SUBJECT not in body and SECRET_MESSAGE not in body


def test_an_agent_cannot_move_or_escalate_it_from_the_ticket_page(uyc, agent, login):
    response = login(agent).post(f"/tickets/{uyc.ticket_id}/transition/", {"to_status": "in_progress"})
    assert response.status_code == 302
    assert Ticket.objects.get(pk=uyc.ticket_id).status == "escalated"
