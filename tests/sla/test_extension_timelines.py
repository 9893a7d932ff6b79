"""A deadline extension in every timeline: the ticket's staff timeline (reason, previous and
new deadline, who granted it), the citizen's 360° timeline, and the tracking page (that the
deadline moved, and the reason the citizen was told; never an internal note)."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from apps.citizens import timeline
from apps.core.templatetags.dates import dual_datetime
from apps.tickets import selectors as ticket_selectors
from apps.tickets import services as ticket_services
from tests.tickets.factories import CitizenFactory

from .helpers import at, frozen, make_ticket

pytestmark = pytest.mark.usefixtures("sla_world")

REASON = "ننتظر رأي الإدارة القانونية"
NOTE = "ملاحظة داخلية: المدير لم يوقع بعد"


@pytest.fixture
def citizen(db):
    return CitizenFactory(cpr="880412345", name_ar="أحمد علي", phones=["3600 1234"])


@pytest.fixture
def extended(agent, citizen):
    """An inquiry received Tuesday 15 April 2025 09:00 (due 22 April), extended on the 16th
    to 28 April, with an internal note beside it."""
    ticket = make_ticket(actor=agent, when=at(2025, 4, 15, 9, 0), kind="inquiry", citizen=citizen)
    with frozen(at(2025, 4, 16, 9, 0)):
        extension = ticket_services.ticket_extend_deadline(
            ticket=ticket, actor=agent, new_due=at(2025, 4, 28, 14, 0).date(), reason=REASON
        )
    with frozen(at(2025, 4, 16, 9, 5)):
        ticket_services.ticket_note(ticket=ticket, body=NOTE, actor=agent)
    return ticket, extension


def test_the_staff_timeline_shows_the_extension_in_time_order(login, agent, extended):
    ticket, extension = extended
    with frozen(at(2025, 4, 16, 10, 0)):
        page = login(agent).get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    items = page.split('data-testid="timeline"')[1].split("</ol>")[0].split("<li ")[1:]
    kinds = [item.split('data-kind="')[1].split('"')[0] for item in items]
    assert kinds.index("created") < kinds.index("deadline_extended") < kinds.index("internal_note")
    entry = items[kinds.index("deadline_extended")]
    assert REASON in entry and agent.display_name() in entry
    with translation.override("ar"):
        assert str(dual_datetime(extension.old_due_at)) in entry
        assert str(dual_datetime(extension.new_due_at)) in entry
    assert extension.old_due_at == at(2025, 4, 22, 14, 0)


def test_the_staff_timeline_selector_keeps_the_api_timeline_to_events(extended):
    ticket, _ = extended
    events, _ = ticket_selectors.ticket_timeline(ticket=ticket, viewer=None)
    assert "deadline_extended" not in {e.kind for e in events}
    with_extensions, _ = ticket_selectors.ticket_timeline(ticket=ticket, viewer=None, with_extensions=True)
    assert [e.kind for e in with_extensions].count("deadline_extended") == 1


def test_the_citizen_timeline_has_the_extension_for_staff_who_see_the_ticket(
    agent, outsider, extended, citizen
):
    ticket, extension = extended
    assert "sla_extension" in timeline.registered_kinds()
    page = timeline.citizen_timeline(citizen=citizen, viewer=agent)
    entry = next(e for e in page.entries if e.kind == "sla_extension")
    assert (entry.id, entry.body, entry.actor, entry.restricted) == (
        extension.pk,
        REASON,
        agent.display_name(),
        False,
    )
    assert ticket.review_number in entry.title
    assert entry.url == reverse("tickets:detail", args=[ticket.pk])
    nothing = timeline.citizen_timeline(citizen=citizen, viewer=outsider)
    assert not [e for e in nothing.entries if e.kind == "sla_extension"]


def test_the_citizen_timeline_pages_through_extensions(agent, extended, citizen):
    ticket, _ = extended
    with frozen(at(2025, 4, 17, 9, 0)):
        ticket_services.ticket_extend_deadline(
            ticket=ticket, actor=agent, new_due=at(2025, 4, 30, 14, 0).date(), reason="ثانية"
        )
    bodies = []
    cursor = None
    while True:
        page = timeline.citizen_timeline(citizen=citizen, viewer=agent, limit=1, before=cursor)
        bodies += [e.body for e in page.entries if e.kind == "sla_extension"]
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    assert bodies == ["ثانية", REASON]


def test_an_under_your_command_extension_keeps_its_text_from_agents(agent, senior, citizen):
    ticket = make_ticket(
        actor=agent, when=at(2025, 4, 15, 9, 0), kind="complaint", channel="uyc", citizen=citizen
    )
    with frozen(at(2025, 4, 16, 9, 0)):
        ticket_services.ticket_extend_deadline(
            ticket=ticket, actor=agent, new_due=at(2025, 6, 30, 14, 0).date(), reason="سري للإدارة"
        )
    for_agent = [
        e
        for e in timeline.citizen_timeline(citizen=citizen, viewer=agent).entries
        if e.kind == "sla_extension"
    ]
    assert for_agent and for_agent[0].restricted
    assert "سري للإدارة" not in repr(for_agent) and ticket.review_number not in repr(for_agent)


def test_the_tracking_page_shows_the_new_date_and_the_reason_and_no_internal_note(client, extended):
    ticket, _ = extended
    cache.clear()
    with frozen(at(2025, 4, 16, 10, 0)):
        body = client.post(
            "/portal/track/",
            {"review_number": ticket.review_number, "phone_last4": "1234"},
            REMOTE_ADDR="10.9.9.9",
        ).content.decode()
    cache.clear()
    replies = body.split('data-testid="public-replies"')[1].split("</ol>")[0]
    assert REASON in replies
    assert "28" in replies  # the new date
    assert NOTE not in body
    public = ticket_selectors.public_ticket(ticket)
    assert len(public.replies) == 1 and REASON in public.replies[0].body
