"""The confidentiality matrix over EVERY "Under Your Command" URL and API endpoint.

The URL resolver lists them; each must be classified here (a new URL fails the test until
it is). Agents and department officers get 403 or 404 from every management page and
endpoint, whatever the method, change nothing, and never see a word of a case: not its
summary, its reason, its notes, the citizen's message or either text of the decision.
The few URLs meant for them show no case either: the escalation form (agents) shows the
ticket; a department's questions show the question asked of it; the portal form shows a form.
"""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from apps.escalations import services
from apps.escalations.models import Escalation, EscalationAccess, EscalationEvent, InformationRequest
from apps.notifications import selectors as notification_selectors
from apps.notifications.models import Notification
from tests.tickets.factories import TicketFactory

from .factories import citizen_case

SUMMARY = "ملخص-سري-للإدارة-العليا"
REASON = "سبب-التصعيد-السري"
NOTE = "ملاحظة-داخلية-سرية"
PUBLIC = "نص-القرار-للمواطن"
INTERNAL = "نص-القرار-الداخلي"
SUBJECT = "موضوع-رسالة-المواطن"
MESSAGE = "نص-رسالة-المواطن-إلى-الإدارة"
QUESTION = "سؤال-للإدارة-المختصة"
SECRETS = (SUMMARY, REASON, NOTE, PUBLIC, INTERNAL, SUBJECT, MESSAGE)

PUBLIC_URLS = {
    "uyc_portal:form",
    "uyc_portal:code",
    "uyc_portal:receipt",
    "api:uyc-public-code",
    "api:uyc-public-submit",
}
INTAKE = {"escalations:escalate", "api:uyc-escalate"}
DEPARTMENT = {
    "escalations:info_requests",
    "escalations:info_request",
    "api:uyc-questions",
    "api:uyc-question-answer",
}
MANAGEMENT = {
    "escalations:queue",
    "escalations:bulk_assign",
    "escalations:detail",
    "escalations:assign",
    "escalations:note",
    "escalations:summary",
    "escalations:transition",
    "escalations:extend",
    "escalations:request_information",
    "escalations:refer",
    "escalations:decide",
    "escalations:inform",
    "escalations:delegations",
    "escalations:delegation_end",
    "escalations:figures",
    "escalations:access_log",
    "api:uyc-cases",
    "api:uyc-bulk-assign",
    "api:uyc-case",
    "api:uyc-case-assign",
    "api:uyc-case-note",
    "api:uyc-case-summary",
    "api:uyc-case-transition",
    "api:uyc-case-extend",
    "api:uyc-case-information-request",
    "api:uyc-case-refer",
    "api:uyc-case-decide",
    "api:uyc-case-inform",
    "api:uyc-figures",
    "api:uyc-access-log",
    "api:uyc-delegations",
    "api:uyc-delegation-end",
}


def _walk(patterns, prefix="", namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = (
                f"{namespace}:{entry.namespace}"
                if namespace and entry.namespace
                else (entry.namespace or namespace)
            )
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            callback = getattr(entry.callback, "view_class", entry.callback)
            if callback.__module__.startswith("apps.escalations"):
                yield f"{namespace}:{entry.name}".lstrip(":"), prefix + str(entry.pattern)


ROUTES = sorted(set(_walk(get_resolver().url_patterns)))


def test_every_escalations_url_is_classified():
    names = {name for name, _route in ROUTES}
    assert names == PUBLIC_URLS | INTAKE | DEPARTMENT | MANAGEMENT, "classify the new URL in this test"
    assert len(ROUTES) == len(names) >= 40


@pytest.fixture
def world(agent, senior, department):
    """A citizen's case with every kind of text in it, a question to the officer's department,
    a delegation, and a decision recorded (not yet told to the citizen)."""
    case = citizen_case(subject=SUBJECT, message=MESSAGE)
    staff = services.escalation_create(ticket=TicketFactory(actor=agent), reason=REASON, actor=agent)
    services.escalation_update_summary(escalation=case, summary=SUMMARY, priority="high", actor=senior)
    services.escalation_note(escalation=case, body=NOTE, actor=senior)
    question = services.information_request_create(
        escalation=case, department=department, question=QUESTION, actor=senior
    )
    services.escalation_decide(escalation=staff, public_text=PUBLIC, internal_text=INTERNAL, actor=senior)
    delegation = services.delegation_create(
        delegator=senior,
        deputy=senior.__class__.objects.get(username="agent"),
        starts_at=staff.received_at.replace(year=2000),
        ends_at=staff.received_at.replace(year=2001),
        actor=senior,
        now=staff.received_at.replace(year=1999),
    )
    return {"case": case, "staff": staff, "question": question, "delegation": delegation}


def _path(route: str, world, name: str) -> str:
    values = {
        "pk": world["case"].pk,
        "ticket_id": world["case"].ticket_id,
    }
    if "delegation" in name:
        values["pk"] = world["delegation"].pk
    if name in ("escalations:info_request", "api:uyc-question-answer"):
        values["pk"] = world["question"].pk
    path = "/" + route
    for key, value in values.items():
        path = re.sub(rf"<int:{key}>", str(value), path)
    assert "<" not in path, path
    return path


def _state():
    return (
        Escalation.objects.filter(owner__isnull=False).count(),
        list(Escalation.objects.order_by("pk").values_list("status", "summary", "due_at", "informed_at")),
        EscalationEvent.objects.count(),
        InformationRequest.objects.filter(status="answered").count(),
        EscalationAccess.objects.count(),
    )


def _leaks(body: str) -> list[str]:
    return [secret for secret in SECRETS if secret in body]


@pytest.mark.parametrize("persona", ["agent", "officer"])
@pytest.mark.parametrize("name, route", [r for r in ROUTES if r[0] in MANAGEMENT], ids=lambda v: v)
def test_management_urls_refuse_agents_and_officers_and_leak_nothing(
    request, client, persona, name, route, world
):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    path = _path(route, world, name)
    before = _state()
    payload = {
        "owner": user.pk,
        "escalations": [world["case"].pk],
        "body": "x",
        "public_text": "x",
        "to_status": "closed",
    }
    answers = []
    for method in ("get", "post"):
        response = getattr(client, method)(path, payload)
        answers.append(response.status_code)
        assert not _leaks(response.content.decode()), f"{method.upper()} {path} leaked"
    # 405 only for the method the URL does not serve at all; the one it serves refuses.
    assert set(answers) <= {403, 404, 405} and set(answers) & {403, 404}, f"{path}: {answers}"
    assert _state() == before


def test_the_escalation_form_shows_an_agent_only_that_the_ticket_was_escalated(client, agent, world):
    client.force_login(agent)
    response = client.get(f"/uyc/escalate/{world['case'].ticket_id}/")
    body = response.content.decode()
    assert response.status_code == 200 and 'data-testid="escalated-on"' in body and not _leaks(body)
    again = client.post(f"/uyc/escalate/{world['case'].ticket_id}/", {"reason": "مرة ثانية"})
    assert again.status_code == 400 and not _leaks(again.content.decode())
    api = client.post("/api/v1/uyc/escalate/", {"ticket": world["case"].ticket_id, "reason": "x"})
    assert api.status_code == 409 and not _leaks(api.content.decode())


@pytest.mark.parametrize("name, route", [r for r in ROUTES if r[0] in INTAKE], ids=lambda v: v)
def test_a_department_officer_cannot_escalate(client, officer, world, name, route):
    client.force_login(officer)
    path = _path(route, world, name)
    for method in ("get", "post"):
        response = getattr(client, method)(path, {"ticket": world["case"].ticket_id, "reason": "x"})
        assert response.status_code in (403, 404, 405) and not _leaks(response.content.decode())
    assert Escalation.objects.count() == 2


@pytest.mark.parametrize("name, route", [r for r in ROUTES if r[0] in DEPARTMENT], ids=lambda v: v)
def test_agents_get_nothing_from_the_departments_questions(client, agent, world, name, route):
    client.force_login(agent)
    path = _path(route, world, name)
    for method in ("get", "post"):
        response = getattr(client, method)(path, {"answer": "x"})
        assert response.status_code in (403, 404, 405) and not _leaks(response.content.decode())
        assert QUESTION not in response.content.decode()
    assert not InformationRequest.objects.filter(status="answered").exists()


@pytest.mark.parametrize("name, route", [r for r in ROUTES if r[0] in DEPARTMENT], ids=lambda v: v)
def test_the_asked_department_reads_the_question_and_nothing_else_of_the_case(
    client, officer, world, name, route
):
    client.force_login(officer)
    response = client.get(_path(route, world, name))
    body = response.content.decode()
    assert response.status_code in (200, 405)
    if response.status_code == 200:
        assert QUESTION in body
    assert not _leaks(body)


def test_another_departments_officer_sees_no_question(client, other_officer, world):
    client.force_login(other_officer)
    assert QUESTION not in client.get("/uyc/questions/").content.decode()
    assert client.get(f"/uyc/questions/{world['question'].pk}/").status_code == 404
    assert (
        client.post(f"/api/v1/uyc/questions/{world['question'].pk}/answer/", {"answer": "x"}).status_code
        == 404
    )


@pytest.mark.parametrize("persona", ["agent", "officer", None])
@pytest.mark.parametrize("name, route", [r for r in ROUTES if r[0] in PUBLIC_URLS], ids=lambda v: v)
def test_the_citizens_pages_show_no_case(request, client, persona, world, name, route):
    if persona:
        client.force_login(request.getfixturevalue(persona))
    path = _path(route, world, name)
    for method in ("get", "post"):
        response = getattr(client, method)(path, {})
        assert response.status_code < 500 and not _leaks(response.content.decode())


def test_the_ticket_pages_an_agent_opens_show_only_that_it_was_escalated(client, agent, world):
    client.force_login(agent)
    ticket = world["case"].ticket
    for path in (
        f"/tickets/{ticket.pk}/",
        "/tickets/",
        f"/tickets/citizen/{ticket.citizen_id}/",
        f"/api/v1/tickets/{ticket.pk}/",
        f"/api/v1/tickets/by-review-number/{ticket.review_number}/",
        "/api/v1/tickets/",
        f"/citizens/{ticket.citizen_id}/",
    ):
        response = client.get(path)
        assert response.status_code in (200, 403, 404), path
        assert not _leaks(response.content.decode()), path
    # Searching for the citizen's words finds nothing (the box echoes what was typed).
    for path in (f"/tickets/?q={MESSAGE}", f"/api/v1/tickets/?q={SUBJECT}"):
        assert ticket.review_number not in client.get(path).content.decode(), path
    detail = client.get(f"/api/v1/tickets/{ticket.pk}/").json()
    assert detail["status"] == "escalated"
    assert any(event["to_status"] == "escalated" for event in detail["timeline"])


def test_an_officer_cannot_open_the_uyc_ticket_of_another_department(client, officer, world):
    client.force_login(officer)
    response = client.get(f"/tickets/{world['case'].ticket_id}/")
    assert response.status_code == 404 and not _leaks(response.content.decode())


def test_no_member_of_staff_can_read_a_live_one_time_code(agent, supervisor, world):
    assert Notification.objects.filter(event="escalation.one_time_code").exists()
    phone = world["case"].ticket.contact_phone
    assert (
        not notification_selectors.messages_for(viewer=agent, phone=phone)
        .filter(event="escalation.one_time_code")
        .exists()
    )
    assert (
        not notification_selectors.outbox(viewer=supervisor).filter(event="escalation.one_time_code").exists()
    )


def test_senior_management_reads_the_case_whole(client, senior, world):
    client.force_login(senior)
    body = client.get(f"/uyc/{world['case'].pk}/").content.decode()
    assert all(secret in body for secret in (SUMMARY, NOTE, SUBJECT, MESSAGE))
    staff_body = client.get(f"/api/v1/uyc/cases/{world['staff'].pk}/").content.decode()
    assert all(secret in staff_body for secret in (REASON, PUBLIC, INTERNAL))
