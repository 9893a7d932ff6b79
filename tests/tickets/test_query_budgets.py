"""Query budgets of the hot paths (issue 20): exact statement counts, the same for 3 rows
and for 30, so a query per row cannot creep in unnoticed.

What is counted: every statement Django sends for the request, as the test client runs it
through the whole middleware stack with a real token or session. Tests run inside a test
transaction, so a request's own outermost ``atomic`` shows as SAVEPOINT and RELEASE where
production sends BEGIN and COMMIT: the same number of statements either way, and both are
counted. Caches (permissions, the process's copy of the policies, templates and
categories) are warm, as they are after a server's first request.
"""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone
from rest_framework.authtoken.models import Token

from apps.notifications.models import Notification
from apps.sla.models import Clock, Extension
from apps.tickets import services
from apps.tickets.models import Ticket, TicketEvent

from ..query_budget import committed, exactly
from .factories import CategoryFactory, CitizenFactory

CREATE_BUDGET = (
    10  # token, citizen with phones, category, BEGIN, review number, ticket, clocks, event, outbox, COMMIT
)
TRACK_BUDGET = 3  # ticket with phones and due date, every public reply, "Under Your Command" texts
# user, departments, people, tickets, clocks, pauses, delegations, bell; and since saved views
# and tags: the tag filter's tags and their counts, the list's saved views, the departments a
# supervisor may share a view with, the rows' tags (the navigation's views come from Redis).
LIST_BUDGET = 13


@pytest.fixture(autouse=True)
def _policies(db):
    """The default deadlines, as the product has them after ``seed``: tickets get clocks."""
    from apps.sla import seed

    committed(seed.seed_policies)


@pytest.mark.parametrize("phones", [1, 3])
def test_creating_a_ticket_through_the_api_takes_ten_statements(client, agent, category, phones):
    citizen = CitizenFactory(phones=[f"3600 12{i:02d}" for i in range(phones)], email="a@example.com")
    token = Token.objects.create(user=agent)
    body = {
        "kind": "complaint",
        "channel": "phone",
        "subject": "تأخر الطلب الإسكاني",
        "description": "تقدمت بطلب منذ سنوات",
        "citizen": citizen.pk,
        "category": category.pk,
    }

    def create():
        return client.post(
            "/api/v1/tickets/", body, content_type="application/json", HTTP_AUTHORIZATION=f"Token {token.key}"
        )

    response = exactly(CREATE_BUDGET, create)
    assert response.status_code == 201
    created = response.json()
    ticket = Ticket.objects.get(pk=created["id"])
    # Answered from what was written, and that is what the database holds.
    assert [c["target"] for c in created["sla_clocks"]] == [
        c.target for c in sorted(Clock.objects.filter(ticket=ticket), key=lambda c: created_order(c))
    ]
    assert ticket.sla_policy_version_id is not None
    assert [e["kind"] for e in created["timeline"]] == ["created"]
    # The acknowledgement is in the outbox, written in the same transaction.
    assert (
        Notification.objects.filter(
            event="ticket.received", context__review_number=ticket.review_number
        ).count()
        == 2
    )


def created_order(clock):
    from apps.sla.clocks import Target

    return ([t.value for t in Target].index(clock.target), clock.cycle)


def _tracked_ticket(agent, n):
    """A citizen's ticket with ``n`` public replies and ``n`` deadline extensions to track."""
    ticket = services.ticket_create(
        kind="complaint",
        channel="phone",
        subject="s",
        description="d",
        actor=agent,
        citizen=CitizenFactory(phones=["3600 1234"]),
    )
    _public_replies(ticket, agent, n)
    return ticket


def _public_replies(ticket, agent, n):
    now = timezone.now()
    TicketEvent.objects.bulk_create(
        TicketEvent(ticket=ticket, kind=TicketEvent.Kind.PUBLIC_REPLY, actor=agent, at=now, body=f"رد {i}")
        for i in range(n)
    )
    clock = Clock.objects.filter(ticket=ticket, target="resolution").first()
    Extension.objects.bulk_create(
        Extension(
            clock=clock,
            reason=f"سبب {i}",
            old_due_at=clock.due_at,
            new_due_at=clock.due_at + dt.timedelta(days=i + 1),
            added=dt.timedelta(days=1),
            actor=agent,
            at=now,
        )
        for i in range(n)
    )


@pytest.mark.parametrize("rows", [3, 30])
def test_tracking_through_the_api_takes_three_statements(api, agent, rows):
    ticket = _tracked_ticket(agent, rows)
    client = api()

    def track():
        return client.post(
            "/api/v1/public/track/",
            {"review_number": ticket.review_number, "phone_last4": "1234"},
            format="json",
        )

    response = exactly(TRACK_BUDGET, track)
    assert response.status_code == 200 and len(response.json()["replies"]) == 2 * rows


@pytest.mark.parametrize("rows", [3, 30])
def test_tracking_on_the_portal_takes_three_statements(client, agent, rows):
    ticket = _tracked_ticket(agent, rows)

    def track():
        return client.post("/portal/track/", {"review_number": ticket.review_number, "phone_last4": "1234"})

    response = exactly(TRACK_BUDGET, track)
    assert response.status_code == 200 and "رد 0" in response.content.decode()


@pytest.mark.parametrize("rows", [3, 30])
def test_the_staff_list_first_page_takes_a_fixed_number_of_statements(login, supervisor, agent, rows):
    category = committed(lambda: CategoryFactory(code="delay", name_ar="تأخر", name_en="Delay"))
    citizen = CitizenFactory()
    for i in range(rows):
        services.ticket_create(
            kind="complaint",
            channel="phone",
            subject=f"s{i}",
            description="d",
            actor=agent,
            citizen=citizen,
            category=category,
        )
    client = login(supervisor)
    response = exactly(LIST_BUDGET, lambda: client.get("/tickets/"))
    assert response.status_code == 200
    assert response.content.decode().count('data-testid="ticket-row"') == min(rows, 25)


def test_the_answer_built_from_what_was_written_is_the_ticket_as_read_back(client, agent, category):
    """The 201 is serialised from the rows ``ticket_create`` kept in memory (``Written``),
    every later read from the database: two paths that must give the same ticket."""
    citizen = CitizenFactory(phones=["3600 1200", "3600 1201"], email="a@example.com")
    token = Token.objects.create(user=agent)
    auth = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    body = {
        "kind": "complaint",
        "channel": "phone",
        "subject": "تأخر الطلب الإسكاني",
        "description": "تقدمت بطلب منذ سنوات",
        "citizen": citizen.pk,
        "category": category.pk,
    }
    with time_machine.travel(timezone.now(), tick=False):  # remaining_seconds: the same instant
        created = client.post("/api/v1/tickets/", body, content_type="application/json", **auth).json()
        read = client.get(f"/api/v1/tickets/{created['id']}/", **auth).json()
    assert created["sla_clocks"] and created["timeline"]
    assert created == read
