"""Collision warning: who else has the ticket open (Redis presence, silent when Redis is down),
and a reply written over someone else's newer change is refused with that change shown."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from apps.tickets import presence, services
from apps.tickets.models import Ticket

HX = {"HTTP_HX_REQUEST": "true"}


def _seen(body: str) -> int:
    return int(re.search(r'name="reply-seen_event_id" value="(\d+)"', body).group(1))


# --- presence --------------------------------------------------------------------------


def test_each_sees_the_other_and_not_themself(agent, supervisor, ticket):
    assert presence.heartbeat(ticket_id=ticket.pk, user=agent) == []
    others = presence.heartbeat(ticket_id=ticket.pk, user=supervisor, state="writing")
    assert [(p.user_id, p.state) for p in others] == [(agent.pk, "viewing")]
    assert [(p.user_id, p.state) for p in presence.others(ticket_id=ticket.pk, user=agent)] == [
        (supervisor.pk, "writing")
    ]


def test_presence_is_per_ticket(agent, supervisor, ticket, make_ticket):
    presence.heartbeat(ticket_id=ticket.pk, user=agent)
    assert presence.heartbeat(ticket_id=make_ticket().pk, user=supervisor) == []


def test_someone_who_stopped_sending_heartbeats_drops_out(agent, supervisor, ticket):
    then = timezone.now()
    presence.heartbeat(ticket_id=ticket.pk, user=agent, now=then)
    later = then + timedelta(seconds=presence.STALE_AFTER + 1)
    assert presence.heartbeat(ticket_id=ticket.pk, user=supervisor, now=later) == []
    # and the stale entry is gone for good, not merely hidden
    assert presence.others(ticket_id=ticket.pk, user=supervisor, now=then) == []


def test_leaving_removes_the_person_at_once(agent, supervisor, ticket):
    presence.heartbeat(ticket_id=ticket.pk, user=agent)
    presence.leave(ticket_id=ticket.pk, user=agent)
    assert presence.others(ticket_id=ticket.pk, user=supervisor) == []


def test_the_page_heartbeat_shows_the_other_by_name_and_what_they_do(
    login, client, agent, supervisor, ticket
):
    presence.heartbeat(ticket_id=ticket.pk, user=agent, state="writing")
    response = login(supervisor).post(f"/tickets/{ticket.pk}/presence/", {"state": "viewing"}, **HX)
    body = response.content.decode()
    assert response.status_code == 200
    assert "عائشة" in body and 'data-state="writing"' in body
    assert f'data-user="{supervisor.pk}"' not in body
    assert [p.user_id for p in presence.others(ticket_id=ticket.pk, user=agent)] == [supervisor.pk]


def test_the_ticket_page_polls_for_presence(login, agent, ticket):
    body = login(agent).get(f"/tickets/{ticket.pk}/").content.decode()
    assert f'hx-post="/tickets/{ticket.pk}/presence/"' in body and "every 15s" in body


def test_no_presence_for_a_ticket_one_may_not_see(login, officer, agent, make_ticket, other_department):
    hidden = make_ticket(department=other_department)
    presence.heartbeat(ticket_id=hidden.pk, user=agent)
    response = login(officer).post(f"/tickets/{hidden.pk}/presence/", **HX)
    assert response.status_code == 404 and "عائشة" not in response.content.decode()
    assert presence.others(ticket_id=hidden.pk, user=agent) == []  # the officer was not recorded


def test_with_redis_down_there_is_no_warning_and_no_error(login, settings, agent, supervisor, ticket):
    presence.heartbeat(ticket_id=ticket.pk, user=agent)
    client = login(supervisor)
    # Redis down for this test only: the cache points at a port nothing listens on.
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": "redis://127.0.0.1:1/0"}}
    response = client.post(f"/tickets/{ticket.pk}/presence/", {"state": "writing"}, **HX)
    assert response.status_code == 200 and "presence-others" not in response.content.decode()
    assert presence.heartbeat(ticket_id=ticket.pk, user=supervisor) == []
    page = client.get(f"/tickets/{ticket.pk}/")
    assert page.status_code == 200


# --- a reply over a newer change -----------------------------------------------------


def test_a_reply_over_a_newer_reply_is_refused_with_it_shown_and_the_draft_kept(
    login, agent, supervisor, ticket
):
    client = login(agent)
    seen = _seen(client.get(f"/tickets/{ticket.pk}/").content.decode())
    services.ticket_reply(ticket=ticket, body="تم تحويل طلبك إلى الإدارة.", actor=supervisor)

    response = client.post(
        f"/tickets/{ticket.pk}/reply/", {"reply-body": "مسودة الموظفة", "reply-seen_event_id": seen}, **HX
    )
    body = response.content.decode()
    assert response.status_code == 200 and 'data-testid="ticket-changed"' in body
    assert "تم تحويل طلبك إلى الإدارة." in body.split('data-testid="reply-form"')[0]  # shown above the draft
    assert ">مسودة الموظفة</textarea>" in body
    assert ticket.events.filter(kind="public_reply").count() == 1
    assert not ticket.events.filter(body="مسودة الموظفة").exists()

    again = client.post(
        f"/tickets/{ticket.pk}/reply/",
        {"reply-body": "مسودة الموظفة", "reply-seen_event_id": _seen(body)},
        **HX,
    )
    assert 'data-testid="done"' in again.content.decode()
    assert ticket.events.filter(kind="public_reply", body="مسودة الموظفة", actor=agent).exists()


def test_a_status_change_or_an_assignment_also_counts_as_newer(agent, supervisor, ticket, department):
    seen = ticket.events.latest("pk").pk
    services.ticket_transition(ticket=ticket, to_status="acknowledged", actor=supervisor)
    with pytest.raises(services.TicketChanged):
        services.ticket_reply(ticket=ticket, body="رد", actor=agent, seen_event_id=seen)
    seen = ticket.events.latest("pk").pk
    services.ticket_assign(ticket=ticket, actor=supervisor, assignee=None, department=department)
    with pytest.raises(services.TicketChanged) as refused:
        services.ticket_reply(ticket=ticket, body="رد", actor=agent, seen_event_id=seen)
    assert refused.value.status == 409 and refused.value.details["newer_event_ids"] == [
        ticket.events.latest("pk").pk
    ]
    assert not ticket.events.filter(kind="public_reply").exists()


def test_a_fresh_reply_is_accepted(agent, ticket):
    seen = ticket.events.latest("pk").pk
    event = services.ticket_reply(ticket=ticket, body="رد", actor=agent, seen_event_id=seen)
    assert event.kind == "public_reply"


def test_ones_own_changes_do_not_block_ones_reply(agent, ticket):
    seen = ticket.events.latest("pk").pk
    services.ticket_note(ticket=ticket, body="ملاحظتي", actor=agent)
    services.ticket_reply(ticket=ticket, body="رد", actor=agent, seen_event_id=seen)
    assert ticket.events.filter(kind="public_reply").exists()


def test_callers_that_say_nothing_of_what_they_saw_are_not_checked(agent, supervisor, ticket):
    services.ticket_reply(ticket=ticket, body="أولًا", actor=supervisor)
    services.ticket_reply(ticket=ticket, body="ثانيًا", actor=agent)
    assert ticket.events.filter(kind="public_reply").count() == 2


def test_without_htmx_the_refusal_is_a_409_page_with_the_draft(login, agent, supervisor, ticket):
    seen = ticket.events.latest("pk").pk
    services.ticket_note(ticket=ticket, body="ملاحظة المشرف", actor=supervisor)
    response = login(agent).post(
        f"/tickets/{ticket.pk}/reply/", {"reply-body": "مسودة", "reply-seen_event_id": seen}
    )
    body = response.content.decode()
    assert response.status_code == 409 and "<html" in body
    assert "ملاحظة المشرف" in body and ">مسودة</textarea>" in body
    assert not ticket.events.filter(kind="public_reply").exists()


def test_a_confidential_change_is_shown_only_as_the_rules_allow(login, agent, admin_user, ticket):
    Ticket.objects.filter(pk=ticket.pk).update(confidential=True)
    seen = ticket.events.latest("pk").pk
    services.ticket_note(ticket=ticket, body="نص سري للإدارة العليا", actor=admin_user)
    response = login(agent).post(
        f"/tickets/{ticket.pk}/reply/", {"reply-body": "مسودة", "reply-seen_event_id": seen}, **HX
    )
    body = response.content.decode()
    assert 'data-testid="ticket-changed"' in body and "نص سري للإدارة العليا" not in body
    assert not ticket.events.filter(kind="public_reply").exists()


def test_a_stale_macro_is_refused_too(agent, supervisor, ticket):
    from apps.tickets import macro_services

    macro = macro_services.macro_save(
        actor=supervisor, title_ar="أ", title_en="A", body_ar="نص", body_en="t", priority="high"
    )
    seen = ticket.events.latest("pk").pk
    services.ticket_note(ticket=ticket, body="ملاحظة", actor=supervisor)
    with pytest.raises(services.TicketChanged):
        macro_services.ticket_apply_macro(ticket=ticket, macro=macro, actor=agent, seen_event_id=seen)
    ticket.refresh_from_db()
    assert ticket.priority == "normal" and not ticket.events.filter(kind="public_reply").exists()


# --- the API -------------------------------------------------------------------------


def test_the_api_refuses_a_stale_reply_with_409_and_a_code(api, agent, supervisor, ticket):
    seen = ticket.events.latest("pk").pk
    newer = services.ticket_reply(ticket=ticket, body="رد المشرف", actor=supervisor)
    response = api(agent).post(
        f"/api/v1/tickets/{ticket.pk}/reply/", {"body": "رد", "seen_event_id": seen}, format="json"
    )
    assert response.status_code == 409
    payload = response.json()
    assert payload["code"] == "ticket_changed" and payload["details"]["newer_event_ids"] == [newer.pk]
    assert ticket.events.filter(kind="public_reply").count() == 1


def test_the_api_accepts_a_fresh_reply_with_its_version(api, agent, ticket):
    seen = ticket.events.latest("pk").pk
    response = api(agent).post(
        f"/api/v1/tickets/{ticket.pk}/reply/", {"body": "رد", "seen_event_id": seen}, format="json"
    )
    assert response.status_code == 201
    assert ticket.events.filter(kind="public_reply", body="رد").exists()
