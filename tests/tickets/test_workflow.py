import itertools
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.core.errors import PermissionDenied, ValidationFailed
from apps.tickets import services
from apps.tickets.models import TicketEvent
from apps.tickets.services import TicketTransitionError
from apps.tickets.workflow import (
    ALLOWED_MOVES,
    HELD_BY_A_SERVICE,
    MOVES_NEEDING_A_SERVICE,
    REOPEN_MOVES,
    Status,
    next_statuses,
)

from .factories import set_status

EVERY_PAIR = [(a, b) for a, b in itertools.product(Status, Status) if a != b]
LEGAL = [
    (a, b)
    for a, b in EVERY_PAIR
    if b in ALLOWED_MOVES[a] and b not in MOVES_NEEDING_A_SERVICE and a not in HELD_BY_A_SERVICE
]
# Into and out of an escalation: legal for the workflow, made only by the escalations module.
ESCALATION_MOVES = [(a, b) for a, b in EVERY_PAIR if b in ALLOWED_MOVES[a] and Status.ESCALATED in (a, b)]
ILLEGAL = [(a, b) for a, b in EVERY_PAIR if b not in ALLOWED_MOVES[a]]


def _start(ticket, status):
    now = timezone.now()
    dates = {}
    if status == Status.RESPONDED:
        dates["responded_at"] = now - timedelta(days=1)
    if status == Status.CLOSED:
        dates = {"responded_at": now - timedelta(days=2), "closed_at": now - timedelta(days=1)}
    return set_status(ticket, status, **dates)


@pytest.mark.parametrize("from_status, to_status", LEGAL, ids=lambda s: s.value)
def test_every_legal_move_is_made_and_recorded(ticket, agent, from_status, to_status):
    _start(ticket, from_status)
    moved = services.ticket_transition(ticket=ticket, to_status=to_status, actor=agent, reason="because")
    assert moved.status == to_status
    ticket.refresh_from_db()
    assert ticket.status == to_status
    event = ticket.events.get(kind=TicketEvent.Kind.STATUS_CHANGE)
    assert (event.from_status, event.to_status, event.actor, event.reason) == (
        from_status,
        to_status,
        agent,
        "because",
    )


@pytest.mark.parametrize("from_status, to_status", ESCALATION_MOVES, ids=lambda s: s.value)
def test_escalation_moves_are_refused_here_and_made_by_the_escalations_module(
    ticket, agent, from_status, to_status
):
    _start(ticket, from_status)
    with pytest.raises(TicketTransitionError) as error:
        services.ticket_transition(ticket=ticket, to_status=to_status, actor=agent, reason="x")
    assert error.value.code == "use_escalation"
    moved = services.ticket_move_for_escalation(ticket=ticket, to_status=to_status, actor=None)
    event = ticket.events.get(kind=TicketEvent.Kind.STATUS_CHANGE)
    assert (moved.status, event.from_status, event.to_status, event.reason) == (
        to_status,
        from_status,
        to_status,
        "",
    )


def test_the_escalations_module_makes_no_other_move(ticket):
    with pytest.raises(TicketTransitionError) as error:
        services.ticket_move_for_escalation(ticket=ticket, to_status=Status.ACKNOWLEDGED, actor=None)
    assert error.value.code == "not_an_escalation_move"


@pytest.mark.parametrize("from_status, to_status", ILLEGAL, ids=lambda s: s.value)
def test_every_illegal_move_is_refused_naming_both_statuses(ticket, agent, from_status, to_status):
    _start(ticket, from_status)
    with pytest.raises(TicketTransitionError) as error:
        services.ticket_transition(ticket=ticket, to_status=to_status, actor=agent, reason="x")
    assert error.value.details == {"from": from_status.value, "to": to_status.value} or error.value.code in (
        "use_merge",
        "use_escalation",
    )
    ticket.refresh_from_db()
    assert ticket.status == from_status
    assert not ticket.events.filter(kind=TicketEvent.Kind.STATUS_CHANGE).exists()


def test_the_main_path_runs_from_new_to_closed(ticket, agent):
    for status in ["acknowledged", "in_progress", "awaiting_citizen", "in_progress", "responded", "closed"]:
        ticket = services.ticket_transition(ticket=ticket, to_status=status, actor=agent)
    assert ticket.status == Status.CLOSED
    moves = list(ticket.events.filter(kind="status_change").values_list("from_status", "to_status"))
    assert moves[0] == ("new", "acknowledged") and moves[-1] == ("responded", "closed")


def test_moving_to_merged_is_left_to_the_merge_service(ticket, agent):
    with pytest.raises(TicketTransitionError) as error:
        services.ticket_transition(ticket=ticket, to_status=Status.MERGED, actor=agent)
    assert error.value.code == "use_merge"


def test_an_unknown_status_is_refused(ticket, agent):
    with pytest.raises(ValidationFailed):
        services.ticket_transition(ticket=ticket, to_status="done", actor=agent)


def test_reaching_a_status_stamps_its_date_once(ticket, agent):
    ticket = services.ticket_transition(ticket=ticket, to_status="acknowledged", actor=agent)
    first = ticket.acknowledged_at
    assert first is not None
    ticket = services.ticket_transition(ticket=ticket, to_status="in_progress", actor=agent)
    ticket = services.ticket_transition(ticket=ticket, to_status="responded", actor=agent)
    ticket.refresh_from_db()
    assert ticket.acknowledged_at == first and ticket.responded_at is not None


@pytest.mark.parametrize("from_status", [Status.RESPONDED, Status.CLOSED])
def test_reopen_within_thirty_days_clears_the_answer_dates(ticket, agent, from_status):
    _start(ticket, from_status)
    ticket = services.ticket_transition(
        ticket=ticket, to_status="in_progress", actor=agent, reason="not solved"
    )
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS
    assert ticket.reopened_at is not None and ticket.responded_at is None and ticket.closed_at is None


@pytest.mark.parametrize("from_status", [Status.RESPONDED, Status.CLOSED])
def test_reopen_after_thirty_days_is_refused(ticket, agent, from_status):
    old = timezone.now() - timedelta(days=31)
    set_status(ticket, from_status, responded_at=old, closed_at=old if from_status == Status.CLOSED else None)
    with pytest.raises(TicketTransitionError) as error:
        services.ticket_transition(ticket=ticket, to_status="in_progress", actor=agent, reason="late")
    assert error.value.code == "reopen_window_passed"
    ticket.refresh_from_db()
    assert ticket.status == from_status


def test_reopen_needs_a_reason(ticket, agent):
    _start(ticket, Status.RESPONDED)
    with pytest.raises(ValidationFailed) as error:
        services.ticket_transition(ticket=ticket, to_status="in_progress", actor=agent, reason="  ")
    assert error.value.code == "reason_required"


def test_reopen_moves_are_exactly_the_two_documented(ticket):
    assert REOPEN_MOVES == {(Status.RESPONDED, Status.IN_PROGRESS), (Status.CLOSED, Status.IN_PROGRESS)}


def test_the_move_locks_the_ticket_row(ticket, agent):
    with CaptureQueriesContext(connection) as queries:
        services.ticket_transition(ticket=ticket, to_status="acknowledged", actor=agent)
    assert any("FOR UPDATE" in q["sql"] for q in queries.captured_queries)
    update = next(q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE"))
    assert '"description"' not in update  # saved with update_fields


def test_the_choices_offered_exclude_merge_and_escalation():
    assert Status.MERGED not in next_statuses(Status.IN_PROGRESS)
    assert set(next_statuses(Status.NEW)) == {Status.ACKNOWLEDGED}


def test_an_escalated_ticket_offers_no_move():
    assert next_statuses(Status.ESCALATED) == []


def test_an_officer_cannot_move_another_departments_ticket(ticket, other_officer):
    with pytest.raises(PermissionDenied):
        services.ticket_transition(ticket=ticket, to_status="acknowledged", actor=other_officer)
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW


def test_a_department_officer_moves_their_own_departments_ticket(make_ticket, officer, department):
    ticket = make_ticket(department=department)
    moved = services.ticket_transition(ticket=ticket, to_status="acknowledged", actor=officer)
    assert moved.status == Status.ACKNOWLEDGED
