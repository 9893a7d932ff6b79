from datetime import timedelta

import pytest
from django.utils import timezone

from apps.core.errors import Conflict, PermissionDenied, ValidationFailed
from apps.notifications.models import Notification
from apps.tickets import services
from apps.tickets.models import TicketEvent

from .factories import set_status


def test_a_reply_is_public_and_stamps_the_first_response(ticket, agent):
    event = services.ticket_reply(ticket=ticket, body="تمت مراجعة طلبك.", actor=agent)
    ticket.refresh_from_db()
    assert event.kind == TicketEvent.Kind.PUBLIC_REPLY and event.is_public
    assert ticket.first_response_at == event.at


def test_a_second_reply_keeps_the_first_response_date(ticket, agent):
    first = services.ticket_reply(ticket=ticket, body="أولا", actor=agent)
    services.ticket_reply(ticket=ticket, body="ثانيا", actor=agent, now=timezone.now() + timedelta(hours=1))
    ticket.refresh_from_db()
    assert ticket.first_response_at == first.at


def test_a_reply_to_a_closed_ticket_is_refused(ticket, agent):
    set_status(ticket, "closed", closed_at=timezone.now())
    with pytest.raises(Conflict) as error:
        services.ticket_reply(ticket=ticket, body="رد", actor=agent)
    assert error.value.code == "ticket_not_open_for_reply"
    assert not ticket.events.filter(kind="public_reply").exists()


def test_an_empty_reply_is_refused(ticket, agent):
    with pytest.raises(ValidationFailed):
        services.ticket_reply(ticket=ticket, body="   ", actor=agent)


def test_a_reply_tells_the_citizen_without_quoting_it(ticket, agent):
    services.ticket_reply(ticket=ticket, body="نص الرد السري", actor=agent)
    notice = Notification.objects.get(event="ticket.public_reply", channel="sms")
    assert "نص الرد السري" not in notice.body and ticket.review_number in notice.body
    assert notice.recipient_ref == f"citizens.citizen:{ticket.citizen_id}"


def test_an_internal_note_never_appears_in_any_notification(ticket, agent, supervisor):
    services.ticket_note(ticket=ticket, body="ملاحظة داخلية لا يراها المواطن", actor=agent)
    services.ticket_assign(ticket=ticket, actor=supervisor, assignee=agent)
    for status in ("acknowledged", "in_progress", "awaiting_citizen", "in_progress", "responded", "closed"):
        services.ticket_transition(ticket=ticket, to_status=status, actor=agent)
    assert ticket.events.filter(kind="internal_note").count() == 1
    rows = list(Notification.objects.values_list("event", "subject", "body", "context"))
    assert {row[0] for row in rows} == {
        "ticket.received",
        "ticket.assigned",
        "ticket.awaiting_citizen",
        "ticket.responded",
        "ticket.closed",
    }
    for event, subject, body, context in rows:
        assert "ملاحظة داخلية" not in f"{subject} {body} {context}"
        assert "note" not in event


def test_assignment_records_who_from_and_to(ticket, supervisor, agent):
    services.ticket_assign(ticket=ticket, assignee=agent, actor=supervisor, reason="on shift")
    ticket.refresh_from_db()
    event = ticket.events.get(kind="assignment_change")
    assert ticket.assignee == agent
    assert (event.actor, event.from_assignee, event.to_assignee, event.reason) == (
        supervisor,
        None,
        agent,
        "on shift",
    )


def test_assigning_to_a_department_routes_the_ticket(ticket, supervisor, department):
    services.ticket_assign(ticket=ticket, assignee=None, department=department, actor=supervisor)
    ticket.refresh_from_db()
    assert ticket.department == department
    assert ticket.events.get(kind="assignment_change").to_department == department


def test_an_officer_assigns_only_within_their_department(make_ticket, officer, department, other_officer):
    ticket = make_ticket(department=department)
    with pytest.raises(ValidationFailed):
        services.ticket_assign(ticket=ticket, assignee=other_officer, actor=officer)
    services.ticket_assign(ticket=ticket, assignee=officer, actor=officer)
    ticket.refresh_from_db()
    assert ticket.assignee == officer


def test_an_officer_cannot_send_a_ticket_to_another_department(
    make_ticket, officer, department, other_department
):
    ticket = make_ticket(department=department)
    with pytest.raises(PermissionDenied):
        services.ticket_assign(ticket=ticket, assignee=None, department=other_department, actor=officer)
    ticket.refresh_from_db()
    assert ticket.department == department


def test_someone_who_does_not_work_tickets_cannot_be_assigned(ticket, supervisor, secretary):
    with pytest.raises(ValidationFailed) as error:
        services.ticket_assign(ticket=ticket, assignee=secretary, actor=supervisor)
    assert error.value.code == "invalid_assignee"


def test_a_duplicate_is_merged_into_its_original(make_ticket, citizen, agent):
    original = make_ticket(citizen=citizen)
    duplicate = make_ticket(citizen=citizen)
    number = duplicate.review_number
    merged = services.ticket_merge(duplicate=duplicate, original=original, actor=agent)
    merged.refresh_from_db()
    assert (merged.status, merged.duplicate_of, merged.review_number) == ("merged", original, number)
    assert original.events.get(kind="merge").related_ticket == merged
    assert merged.events.get(kind="status_change").to_status == "merged"


def test_a_ticket_cannot_be_merged_into_itself(ticket, agent):
    with pytest.raises(ValidationFailed):
        services.ticket_merge(duplicate=ticket, original=ticket, actor=agent)


def test_a_ticket_cannot_be_merged_into_a_duplicate(make_ticket, agent):
    a, b, c = make_ticket(), make_ticket(), make_ticket()
    services.ticket_merge(duplicate=b, original=a, actor=agent)
    with pytest.raises(Conflict) as error:
        services.ticket_merge(duplicate=c, original=b, actor=agent)
    assert error.value.code == "merge_into_duplicate"
    c.refresh_from_db()
    assert c.status == "new" and c.duplicate_of is None


def test_a_closed_ticket_cannot_be_merged(make_ticket, agent):
    original, duplicate = make_ticket(), make_ticket()
    set_status(duplicate, "closed", closed_at=timezone.now())
    with pytest.raises(services.TicketTransitionError):
        services.ticket_merge(duplicate=duplicate, original=original, actor=agent)


def test_a_department_officer_cannot_merge(make_ticket, officer, department):
    original, duplicate = make_ticket(department=department), make_ticket(department=department)
    with pytest.raises(PermissionDenied):
        services.ticket_merge(duplicate=duplicate, original=original, actor=officer)


def test_the_citizen_rates_an_answered_ticket_once(ticket):
    set_status(ticket, "responded", responded_at=timezone.now())
    services.ticket_rate(ticket=ticket, rating=4, comment="شكرا")
    ticket.refresh_from_db()
    assert (ticket.rating, ticket.rating_comment) == (4, "شكرا")
    with pytest.raises(Conflict) as error:
        services.ticket_rate(ticket=ticket, rating=5)
    assert error.value.code == "already_rated"
    ticket.refresh_from_db()
    assert ticket.rating == 4


@pytest.mark.parametrize("rating", [0, 6, "x", None])
def test_a_rating_outside_one_to_five_is_refused(ticket, rating):
    set_status(ticket, "responded", responded_at=timezone.now())
    with pytest.raises(ValidationFailed):
        services.ticket_rate(ticket=ticket, rating=rating)


def test_an_unanswered_ticket_cannot_be_rated(ticket):
    with pytest.raises(Conflict) as error:
        services.ticket_rate(ticket=ticket, rating=3)
    assert error.value.code == "not_rateable"


@pytest.mark.parametrize("rating, may_reopen", [(1, True), (2, True), (3, False), (5, False)])
def test_a_low_rating_lets_the_citizen_reopen(ticket, rating, may_reopen):
    set_status(ticket, "responded", responded_at=timezone.now())
    services.ticket_rate(ticket=ticket, rating=rating)
    if may_reopen:
        reopened = services.ticket_reopen_by_citizen(ticket=ticket)
        assert reopened.status == "in_progress"
        event = reopened.events.get(kind="status_change")
        assert event.actor is None and event.reason
    else:
        with pytest.raises(Conflict):
            services.ticket_reopen_by_citizen(ticket=ticket)
