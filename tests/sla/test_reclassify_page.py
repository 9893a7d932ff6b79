"""Reclassifying a ticket from its page: who may, what it refuses, and the deadlines it
recomputes (the same service and permission as the API's reclassify endpoint)."""

import pytest
from django.urls import reverse
from django.utils import translation

from apps.core.templatetags.dates import dual_datetime
from apps.tickets.models import Ticket, TicketEvent

from .helpers import at, clock, frozen, make_ticket

pytestmark = pytest.mark.usefixtures("sla_world")

HX = {"HTTP_HX_REQUEST": "true"}


def _form(**changes):
    data = {"kind": "complaint", "channel": "phone", "priority": "normal", "urgency": "", "reason": ""}
    data.update(changes)
    return {f"reclassify-{k}": v for k, v in data.items()}


@pytest.fixture
def complaint(agent):
    """A phone complaint received on Sunday 6 April 2025 09:00 (respond within 10 working days)."""
    return make_ticket(actor=agent, when=at(2025, 4, 6, 9, 0), kind="complaint", channel="phone")


def _card(page: str) -> str:
    return page.split('data-testid="sla-clocks"')[1].split("</div></div>")[0]


def test_an_agent_reclassifies_from_the_page_and_sees_the_recomputed_deadlines(login, agent, complaint):
    before = clock(complaint, "resolution").due_at
    with frozen(at(2025, 4, 6, 12, 0)):
        response = login(agent).post(
            reverse("tickets:reclassify", args=[complaint.pk]),
            _form(kind="inquiry", reason="سؤال لا شكوى"),
            **HX,
        )
    assert response.status_code == 200
    complaint.refresh_from_db()
    assert complaint.kind == "inquiry"
    # An inquiry is answered within 5 working days: Sunday 13 April at closing.
    resolution = clock(complaint, "resolution")
    assert resolution.due_at == at(2025, 4, 13, 14, 0) != before
    page = response.content.decode()
    assert 'data-testid="done"' in page
    with translation.override("ar"):
        assert str(dual_datetime(resolution.due_at)) in _card(page)
    assert str(dual_datetime(before)) not in _card(page)
    note = complaint.events.get(kind=TicketEvent.Kind.INTERNAL_NOTE)
    assert (note.actor, note.reason) == (agent, "سؤال لا شكوى")


def test_maintenance_urgency_sets_the_priority_and_the_calendar_day_deadline(login, agent, complaint):
    with frozen(at(2025, 4, 6, 10, 0)):
        response = login(agent).post(
            reverse("tickets:reclassify", args=[complaint.pk]),
            _form(kind="maintenance", urgency="emergency", reason="تسرب مياه"),
        )
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert (complaint.kind, complaint.urgency, complaint.priority) == ("maintenance", "emergency", "urgent")
    resolution = clock(complaint, "resolution")
    assert (resolution.unit, resolution.due_at) == ("calendar_days", at(2025, 4, 7, 9, 0))


def test_the_form_is_shown_to_those_who_work_the_ticket_only(login, agent, senior, complaint):
    url = reverse("tickets:detail", args=[complaint.pk])
    assert 'data-testid="reclassify-form"' in login(agent).get(url).content.decode()
    assert 'data-testid="reclassify-form"' not in login(senior).get(url).content.decode()


def test_senior_management_who_only_read_tickets_are_refused(login, senior, complaint):
    due = clock(complaint, "resolution").due_at
    with frozen(at(2025, 4, 6, 12, 0)):
        response = login(senior).post(
            reverse("tickets:reclassify", args=[complaint.pk]), _form(kind="inquiry"), **HX
        )
    page = response.content.decode()
    assert 'data-testid="action-error"' in page and 'data-testid="done"' not in page
    complaint.refresh_from_db()
    assert complaint.kind == "complaint"
    assert clock(complaint, "resolution").due_at == due
    assert not complaint.events.filter(kind=TicketEvent.Kind.INTERNAL_NOTE).exists()


def test_someone_who_cannot_see_the_ticket_gets_not_found(login, outsider, complaint):
    response = login(outsider).post(reverse("tickets:reclassify", args=[complaint.pk]), _form(kind="inquiry"))
    assert response.status_code == 404
    complaint.refresh_from_db()
    assert complaint.kind == "complaint"
    assert complaint.review_number not in response.content.decode()


def test_an_unknown_kind_is_refused_with_a_clear_error_and_changes_nothing(login, agent, complaint):
    due = clock(complaint, "resolution").due_at
    with frozen(at(2025, 4, 6, 12, 0)):
        response = login(agent).post(
            reverse("tickets:reclassify", args=[complaint.pk]), _form(kind="complain"), **HX
        )
    error = response.content.decode().split('data-testid="action-error">')[1].split("</div>")[0]
    assert "النوع" in error  # the field, named in Arabic (the default language)
    complaint.refresh_from_db()
    assert complaint.kind == "complaint"
    assert clock(complaint, "resolution").due_at == due
    assert not complaint.events.filter(kind=TicketEvent.Kind.INTERNAL_NOTE).exists()


def test_a_submit_that_changes_nothing_is_refused_in_arabic_and_english(login, agent, complaint):
    client = login(agent)
    url = reverse("tickets:reclassify", args=[complaint.pk])
    with frozen(at(2025, 4, 6, 12, 0)):
        arabic = client.post(url, _form(reason="لا شيء"), **HX).content.decode()
        agent.language = "en"
        agent.save(update_fields=["language"])
        english = client.post(url, _form(reason="nothing"), **HX).content.decode()
    assert "لم يتغير شيء" in arabic
    assert "Nothing changed" in english
    assert not complaint.events.filter(kind=TicketEvent.Kind.INTERNAL_NOTE).exists()
    assert Ticket.objects.get(pk=complaint.pk).updated_at == complaint.updated_at


def test_a_closed_ticket_cannot_be_reclassified(login, agent, complaint):
    Ticket.objects.filter(pk=complaint.pk).update(status="closed")
    with frozen(at(2025, 4, 6, 12, 0)):
        response = login(agent).post(
            reverse("tickets:reclassify", args=[complaint.pk]), _form(kind="inquiry"), **HX
        )
    assert 'data-testid="action-error"' in response.content.decode()
    assert Ticket.objects.get(pk=complaint.pk).kind == "complaint"
