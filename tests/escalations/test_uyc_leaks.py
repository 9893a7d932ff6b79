"""The four ways "Under Your Command" text reached staff who may not read it (issue 12,
finding 1), each reproduced: reclassifying the channel, the assignment notification, the
decision letter read back, and the citizen's rating comment. Each failed on the code as it
was; the one policy (``apps.core.confidentiality``) closes them."""

import pytest
from django.core import mail

from apps.escalations import services
from apps.notifications.models import Notification
from apps.tickets import services as ticket_services
from apps.tickets.models import Ticket, TicketEvent
from tests.tickets.factories import CitizenFactory

from .factories import citizen_case, deliver_outbox

SUBJECT = "مرقب-عنوان-سري-441"
MESSAGE = "مرقب-نص-سري-442 عن مدير الإدارة"
DECISION = "مرقب-قرار-سري-443 تخصيص وحدة"
COMMENT = "مرقب-تعليق-سري-444 على الرد"
SECRETS = (SUBJECT, MESSAGE, DECISION, COMMENT)  # Latin digits: messages write digits in Latin


@pytest.fixture
def uyc(db):
    citizen = CitizenFactory(email="citizen@example.bh")
    return citizen_case(citizen=citizen, subject=SUBJECT, message=MESSAGE)


def _clean(response) -> str:
    body = response.content.decode()
    for secret in SECRETS:
        assert secret not in body, f"{secret!r} leaked by {response.request['PATH_INFO']}"
    return body


def _informed(uyc, senior, capture):
    services.escalation_decide(escalation=uyc, public_text=DECISION, internal_text="داخلي", actor=senior)
    with capture(execute=True):
        services.escalation_inform(escalation=uyc, actor=senior)
    return Ticket.objects.get(pk=uyc.ticket_id)


# --- 1. reclassifying the channel --------------------------------------------------------


def test_a_uyc_ticket_is_confidential_from_its_creation(uyc):
    assert Ticket.objects.get(pk=uyc.ticket_id).confidential is True


def test_an_agent_cannot_move_a_uyc_ticket_to_another_channel_through_the_api(uyc, agent, api):
    response = api(agent).post(
        f"/api/v1/tickets/{uyc.ticket_id}/reclassify/", {"channel": "phone"}, format="json"
    )
    assert response.status_code == 403 and response.json()["code"] == "confidential_channel"
    ticket = Ticket.objects.get(pk=uyc.ticket_id)
    assert (ticket.channel, ticket.confidential) == ("uyc", True)
    _clean(api(agent).get(f"/api/v1/tickets/{uyc.ticket_id}/"))


def test_a_supervisor_cannot_move_it_out_through_the_page_either(uyc, supervisor, login):
    client = login(supervisor)
    client.post(
        f"/tickets/{uyc.ticket_id}/reclassify/", {"reclassify-channel": "phone", "reclassify-reason": "x"}
    )
    assert Ticket.objects.get(pk=uyc.ticket_id).confidential is True
    _clean(client.get(f"/tickets/{uyc.ticket_id}/"))
    _clean(client.get("/api/v1/tickets/", {"q": uyc.ticket.review_number}))


def test_a_new_channel_set_by_senior_management_keeps_the_ticket_confidential_unless_moved_out(
    uyc, senior, agent, api
):
    refused = api(senior).post(
        f"/api/v1/tickets/{uyc.ticket_id}/reclassify/", {"channel": "phone"}, format="json"
    )
    assert refused.status_code == 400 and refused.json()["code"] == "reason_required"
    assert Ticket.objects.get(pk=uyc.ticket_id).confidential is True


def test_senior_management_moves_it_out_with_a_reason_and_the_move_is_recorded(uyc, senior, agent, api):
    response = api(senior).post(
        f"/api/v1/tickets/{uyc.ticket_id}/reclassify/",
        {"channel": "phone", "reason": "رسالة عامة وصلت بالخطأ"},
        format="json",
    )
    assert response.status_code == 200
    ticket = Ticket.objects.get(pk=uyc.ticket_id)
    assert (ticket.channel, ticket.confidential) == ("phone", False)
    event = TicketEvent.objects.filter(ticket=ticket, kind=TicketEvent.Kind.INTERNAL_NOTE).latest("id")
    assert (event.actor, event.reason) == (senior, "رسالة عامة وصلت بالخطأ")
    assert SUBJECT in api(agent).get(f"/api/v1/tickets/{uyc.ticket_id}/").content.decode()


# --- 2. the assignment notification ------------------------------------------------------


def test_the_assignment_notification_carries_the_review_number_only(
    uyc, supervisor, agent, api, login, django_capture_on_commit_callbacks
):
    agent.email = "agent@example.bh"
    agent.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        assigned = api(supervisor).post(
            f"/api/v1/tickets/{uyc.ticket_id}/assign/", {"assignee": agent.pk}, format="json"
        )
    assert assigned.status_code == 200
    rows = Notification.objects.filter(event="ticket.assigned", recipient_user=agent)
    assert rows.exists() and all(SUBJECT not in r.subject + r.body + str(r.context) for r in rows)
    assert all(uyc.ticket.review_number in r.subject for r in rows)
    inbox = _clean(api(agent).get("/api/v1/notifications/inbox/"))
    assert uyc.ticket.review_number in inbox
    _clean(login(agent).get("/notifications/inbox/"))
    deliver_outbox()
    assert mail.outbox and all(SUBJECT not in m.subject + m.body for m in mail.outbox)
    _clean(api(supervisor).get("/api/v1/notifications/outbox/"))
    _clean(login(supervisor).get("/notifications/outbox/"))
    for row in rows:
        _clean(login(supervisor).get(f"/notifications/outbox/{row.pk}/"))


# --- 3. the decision letter read back ----------------------------------------------------


def test_staff_without_the_right_never_read_the_decision_letter_back(
    uyc, senior, agent, supervisor, api, login, django_capture_on_commit_callbacks
):
    _informed(uyc, senior, django_capture_on_commit_callbacks)
    letters = Notification.objects.filter(event="escalation.decided")
    assert any(DECISION in row.body for row in letters), "the citizen's e-mail carries the decision"
    ref = f"citizens.citizen:{uyc.citizen_id}"
    for user in (agent, supervisor):
        _clean(api(user).get("/api/v1/notifications/messages/", {"ref": ref}))
        _clean(login(user).get(f"/console/citizens/{uyc.citizen_id}/timeline/"))
        _clean(api(user).get(f"/api/v1/citizens/{uyc.citizen_id}/"))
        _clean(login(user).get(f"/citizens/{uyc.citizen_id}/"))
    _clean(api(supervisor).get("/api/v1/notifications/outbox/"))
    _clean(login(supervisor).get("/notifications/outbox/"))
    for row in letters:
        _clean(login(supervisor).get(f"/notifications/outbox/{row.pk}/"))
        _clean(api(supervisor).get(f"/api/v1/notifications/outbox/{row.pk}/"))
    assert all(row.confidential for row in letters)


def test_senior_management_reads_the_letter_it_sent(uyc, senior, api, django_capture_on_commit_callbacks):
    _informed(uyc, senior, django_capture_on_commit_callbacks)
    body = api(senior).get("/api/v1/notifications/messages/", {"ref": f"citizens.citizen:{uyc.citizen_id}"})
    assert DECISION in body.content.decode()


# --- 4. the rating comment ---------------------------------------------------------------


def test_the_citizens_rating_comment_is_redacted_like_the_subject(
    uyc, senior, agent, api, login, django_capture_on_commit_callbacks
):
    ticket = _informed(uyc, senior, django_capture_on_commit_callbacks)
    ticket_services.ticket_rate(ticket=ticket, rating=2, comment=COMMENT)
    detail = api(agent).get(f"/api/v1/tickets/{ticket.pk}/")
    assert detail.status_code == 200 and detail.json()["rating_comment"] == ""
    assert detail.json()["rating"] == 2
    _clean(detail)
    _clean(login(agent).get(f"/tickets/{ticket.pk}/"))
    _clean(login(agent).get(f"/console/citizens/{uyc.citizen_id}/timeline/"))
    assert COMMENT in api(senior).get(f"/api/v1/tickets/{ticket.pk}/").content.decode()
