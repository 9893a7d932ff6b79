"""Opening a case: by staff with a reason, by a missed deadline, one open case per ticket."""

import pytest

from apps.core.errors import Conflict, PermissionDenied, ValidationFailed
from apps.escalations import services
from apps.escalations.models import Escalation, EscalationEvent, Source
from apps.tickets import services as ticket_services
from apps.tickets.models import TicketEvent
from apps.tickets.services import TicketTransitionError
from apps.tickets.workflow import Status as TicketStatus
from tests.tickets.factories import TicketFactory, set_status

from .factories import staff_case


def test_an_agent_escalates_a_ticket_with_a_reason(agent):
    ticket = TicketFactory(actor=agent)
    case = services.escalation_create(ticket=ticket, reason="المواطن يطلب مقابلة الوزير", actor=agent)
    ticket.refresh_from_db()
    assert (case.source, case.reason, case.status, case.created_by) == (
        Source.STAFF,
        "المواطن يطلب مقابلة الوزير",
        "received",
        agent,
    )
    assert ticket.status == TicketStatus.ESCALATED
    assert case.events.get().kind == EscalationEvent.Kind.CREATED


def test_escalating_without_a_reason_is_refused_and_saves_nothing(agent):
    ticket = TicketFactory(actor=agent)
    with pytest.raises(ValidationFailed) as refused:
        services.escalation_create(ticket=ticket, reason="   ", actor=agent)
    assert refused.value.code == "reason_required" and "reason" in refused.value.details
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.NEW and not Escalation.objects.exists()


def test_the_tickets_timeline_says_only_that_it_was_escalated(agent):
    case = staff_case(actor=agent, reason="سبب سري للإدارة")
    move = TicketEvent.objects.get(ticket=case.ticket, kind=TicketEvent.Kind.STATUS_CHANGE)
    assert (move.to_status, move.reason) == (TicketStatus.ESCALATED, "")


def test_a_ticket_has_one_open_case(agent, case):
    with pytest.raises(Conflict) as refused:
        services.escalation_create(ticket=case.ticket, reason="مرة أخرى", actor=agent)
    assert refused.value.code == "already_escalated"
    assert Escalation.objects.count() == 1


def test_a_department_officer_cannot_escalate(officer, agent, department):
    ticket = TicketFactory(actor=agent, department=department)
    with pytest.raises(PermissionDenied):
        services.escalation_create(ticket=ticket, reason="سبب", actor=officer)
    assert not Escalation.objects.exists()


def test_an_answered_ticket_is_not_escalated_and_nothing_is_saved(agent):
    ticket = set_status(TicketFactory(actor=agent), TicketStatus.RESPONDED)
    with pytest.raises(TicketTransitionError):
        services.escalation_create(ticket=ticket, reason="سبب", actor=agent)
    assert not Escalation.objects.exists()


def test_the_ticket_workflow_refuses_escalating_without_a_case(agent):
    ticket = TicketFactory(actor=agent)
    with pytest.raises(TicketTransitionError) as refused:
        ticket_services.ticket_transition(ticket=ticket, to_status="escalated", actor=agent)
    assert refused.value.code == "use_escalation"


def test_an_escalated_ticket_is_not_moved_on_from_the_ticket_page(agent, case):
    with pytest.raises(TicketTransitionError) as refused:
        ticket_services.ticket_transition(ticket=case.ticket, to_status="in_progress", actor=agent)
    assert refused.value.code == "use_escalation"
    case.ticket.refresh_from_db()
    assert case.ticket.status == TicketStatus.ESCALATED


def test_a_second_level_breach_opens_a_case_once(agent):
    ticket = TicketFactory(actor=agent)
    first = services.escalation_open_from_breach(ticket=ticket)
    again = services.escalation_open_from_breach(ticket=ticket)
    assert first == again and Escalation.objects.count() == 1
    assert (first.source, first.created_by) == (Source.SLA_BREACH, None) and first.reason


def test_a_breach_on_an_answered_ticket_opens_nothing(agent):
    ticket = set_status(TicketFactory(actor=agent), TicketStatus.RESPONDED)
    assert services.escalation_open_from_breach(ticket=ticket) is None
    assert not Escalation.objects.exists()


def test_the_priority_follows_the_ticket_unless_given(agent):
    urgent = staff_case(actor=agent, ticket=TicketFactory(actor=agent, priority="urgent"))
    chosen = staff_case(actor=agent, priority="low")
    assert (urgent.priority, chosen.priority) == ("urgent", "low")
