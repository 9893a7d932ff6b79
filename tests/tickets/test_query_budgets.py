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
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.authtoken.models import Token

from apps.notifications.models import Notification
from apps.sla.models import Clock, Extension
from apps.tickets import services
from apps.tickets.models import Ticket, TicketEvent

from ..query_budget import committed, exactly, settle
from .factories import CategoryFactory, CitizenFactory

# token, citizen with phones, category, BEGIN, the review number with the ticket's id, the
# ticket with its clocks, its event and the acknowledgement in the outbox (one statement),
# COMMIT
CREATE_BUDGET = 7
# One statement: the ticket with its phones, its due date and every public reply (its own,
# the deadline extensions, its "Under Your Command" cases' extensions and decision), one
# array per source.
TRACK_BUDGET = 1
# user (session), the page of tickets (each row's tag ids in it), their clocks, their pauses,
# the bell. The filter's people and departments come from the process's copy of them (for
# those who see every ticket; an officer's own department's are read). Nothing per saved view or tag,
# nor for the viewer's delegations (the process's copy of the open ones, for the navigation's
# "Under Your Command" entry): the filter's tags and the rows' chips come from the
# process's copy of the tags, the per-tag counts from Redis (per visibility scope, 60 s), the
# views bar from the navigation's cached menu of views, the departments one may share with
# from the process's copy of the departments.
LIST_BUDGET = 5


@pytest.fixture(autouse=True)
def _policies(db):
    """The default deadlines, as the product has them after ``seed``: tickets get clocks."""
    from apps.sla import seed

    committed(seed.seed_policies)


@pytest.mark.parametrize("phones", [1, 3])
def test_creating_a_ticket_through_the_api_takes_seven_statements(client, agent, category, phones):
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
    """A citizen's ticket to track with ``n`` public replies, ``n`` deadline extensions and an
    "Under Your Command" case with ``n`` extensions and its decision told: 3n + 1 replies."""
    ticket = services.ticket_create(
        kind="complaint",
        channel="phone",
        subject="s",
        description="d",
        actor=agent,
        citizen=CitizenFactory(phones=["3600 1234"]),
    )
    _public_replies(ticket, agent, n)
    _case_replies(ticket, agent, n)
    return ticket


def _case_replies(ticket, agent, n):
    from apps.escalations import services as escalation_services
    from apps.escalations.models import Escalation, EscalationEvent

    case = escalation_services.escalation_create(ticket=ticket, reason="يحتاج إلى قرار", actor=agent)
    now = timezone.now()
    EscalationEvent.objects.bulk_create(
        EscalationEvent(
            escalation=case,
            kind=EscalationEvent.Kind.EXTENSION,
            actor=agent,
            at=now,
            body=f"تمديد {i}",
            data={"new_due": (now + dt.timedelta(days=i + 1)).isoformat()},
        )
        for i in range(n)
    )
    Escalation.objects.filter(pk=case.pk).update(
        decided_at=now, decision_public="القرار العلني", informed_at=now
    )


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
def test_tracking_through_the_api_takes_one_statement(api, agent, rows):
    ticket = _tracked_ticket(agent, rows)
    client = api()

    def track():
        return client.post(
            "/api/v1/public/track/",
            {"review_number": ticket.review_number, "phone_last4": "1234"},
            format="json",
        )

    response = exactly(TRACK_BUDGET, track)
    replies = response.json()["replies"]
    assert response.status_code == 200 and len(replies) == 3 * rows + 1
    assert any("تمديد 0" in r["body"] for r in replies) and "القرار العلني" in replies[-1]["body"]


@pytest.mark.parametrize("rows", [3, 30])
def test_tracking_on_the_portal_takes_one_statement(client, agent, rows):
    ticket = _tracked_ticket(agent, rows)

    def track():
        return client.post("/portal/track/", {"review_number": ticket.review_number, "phone_last4": "1234"})

    response = exactly(TRACK_BUDGET, track)
    page = response.content.decode()
    assert response.status_code == 200 and "رد 0" in page and "تمديد 0" in page and "القرار العلني" in page


def test_the_replies_read_with_the_ticket_are_those_of_their_own_query(agent):
    """``track_lookup`` brings the replies along (one array per source); any other ticket
    object reads them with the union. Same replies, same order, same words."""
    from apps.tickets import review_numbers, selectors

    ticket = _tracked_ticket(agent, 3)
    tracked = selectors.track_lookup(number=review_numbers.parse(ticket.review_number))
    assert len(tracked.public_reply_rows) == 10
    alone = Ticket.objects.get(pk=ticket.pk)
    assert not hasattr(alone, "public_reply_rows")
    assert selectors.public_replies(tracked) == selectors.public_replies(alone)


@pytest.mark.parametrize("rows", [3, 30])
def test_the_staff_list_first_page_takes_a_fixed_number_of_statements(login, supervisor, agent, rows):
    from apps.core import saved_views

    category = committed(lambda: CategoryFactory(code="delay", name_ar="تأخر", name_en="Delay"))
    housing = committed(lambda: services.tag_save(actor=supervisor, name_ar="إسكان", name_en="Housing"))
    urgent = committed(lambda: services.tag_save(actor=supervisor, name_ar="عاجل", name_en="Urgent"))
    from apps.accounts.models import Department

    housing_dept = committed(
        lambda: Department.objects.create(code="housing", name_ar="الإسكان", name_en="Housing")
    )
    for name, department_id in (("Mine", None), ("Shared", housing_dept.pk)):
        committed(
            lambda name=name, department_id=department_id: saved_views.saved_view_save(
                actor=supervisor, list_key="tickets", name=name, params={}, department_id=department_id
            )
        )
    citizen = CitizenFactory()
    for i in range(rows):
        ticket = services.ticket_create(
            kind="complaint",
            channel="phone",
            subject=f"s{i}",
            description="d",
            actor=agent,
            citizen=citizen,
            category=category,
        )
        committed(
            lambda ticket=ticket: services.ticket_tags_change(
                ticket=ticket, actor=agent, add=[housing, urgent]
            )
        )
    settle()  # the users made by the fixtures, committed as far as the copies can tell
    client = committed(lambda: login(supervisor))  # a sign-in writes the user (last_login)
    response = exactly(LIST_BUDGET, lambda: client.get("/tickets/"))
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count('data-testid="ticket-row"') == min(rows, 25)
    assert body.count(f'data-tag="{housing.pk}"') == min(rows, 25)  # every row's chips
    assert f">إسكان ({rows})</option>" in body  # the filter's count
    assert body.count('data-testid="saved-view"') == 2  # the views bar, one shared
    assert f'<option value="{housing_dept.pk}">مشترك مع الإسكان</option>' in body  # may share with it


def test_the_filters_copy_of_people_and_departments_follows_every_change(login, supervisor, agent):
    """The filter's people and departments come from the process's copy; a new member of
    staff, a department, a role taken away show on the next list page."""
    from apps.accounts import services as account_services
    from apps.accounts.models import Department
    from apps.accounts.roles import Role

    settle()  # the users made by the fixtures, committed as far as the copies can tell
    client = committed(lambda: login(supervisor))  # a sign-in writes the user (last_login)
    assert ">عائشة</option>" in client.get("/tickets/").content.decode()  # the copy is loaded

    newcomer = committed(
        lambda: account_services.user_create(
            username="newcomer",
            password="long-enough-pass-2026",
            roles=[Role.AGENT],
            actor=None,
            full_name_ar="نادية",
        )
    )
    archive = committed(
        lambda: Department.objects.create(code="archive", name_ar="الأرشيف", name_en="Archive")
    )
    page = client.get("/tickets/").content.decode()
    assert f'<option value="{newcomer.pk}">نادية</option>' in page
    assert f'<option value="{archive.pk}">الأرشيف</option>' in page

    committed(lambda: newcomer.groups.clear())  # no longer works tickets
    assert ">نادية</option>" not in client.get("/tickets/").content.decode()

    with CaptureQueriesContext(connection) as warm:
        client.get("/tickets/")
    committed(lambda: Client().force_login(agent))  # a sign-in stamps last_login: the copy stays
    with CaptureQueriesContext(connection) as after_sign_in:
        client.get("/tickets/")
    assert len(after_sign_in) == len(warm)
    agent.full_name_ar = "عائشة الجديدة"
    committed(agent.save)  # any other save of a user is a change
    assert ">عائشة الجديدة</option>" in client.get("/tickets/").content.decode()


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
