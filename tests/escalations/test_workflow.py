"""The case workflow: one mapping of allowed moves, one transition service."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.core.errors import PermissionDenied, ValidationFailed
from apps.escalations import services
from apps.escalations.models import EscalationEvent
from apps.escalations.services import EscalationTransitionError
from apps.escalations.workflow import ALLOWED_MOVES, MOVES_NEEDING_A_SERVICE, Status, plain_moves


def test_every_status_has_its_moves_and_closed_is_final():
    assert set(ALLOWED_MOVES) == set(Status)
    assert ALLOWED_MOVES[Status.CLOSED] == frozenset()


def test_the_path_runs_from_received_to_closed_through_the_citizen_being_told():
    assert Status.CLOSED in ALLOWED_MOVES[Status.CITIZEN_INFORMED]
    assert not any(
        Status.CLOSED in moves for s, moves in ALLOWED_MOVES.items() if s != Status.CITIZEN_INFORMED
    )
    assert ALLOWED_MOVES[Status.DECIDED] == {Status.CITIZEN_INFORMED}


def test_the_plain_moves_offered_leave_out_the_actions():
    assert plain_moves(Status.RECEIVED) == [Status.UNDER_STUDY]
    assert not set(plain_moves(Status.UNDER_STUDY)) & MOVES_NEEDING_A_SERVICE


def test_starting_the_study_is_recorded_with_who_and_when(case, senior):
    moved = services.escalation_transition(
        escalation=case, to_status="under_study", actor=senior, reason="بدء"
    )
    event = moved.events.get(kind=EscalationEvent.Kind.STATUS_CHANGE)
    assert (moved.status, event.from_status, event.to_status, event.actor, event.body) == (
        Status.UNDER_STUDY,
        Status.RECEIVED,
        Status.UNDER_STUDY,
        senior,
        "بدء",
    )


def test_the_move_locks_the_case_row_and_saves_only_what_changed(case, senior):
    with CaptureQueriesContext(connection) as queries:
        services.escalation_transition(escalation=case, to_status="under_study", actor=senior)
    assert any("FOR UPDATE" in q["sql"] for q in queries.captured_queries)
    update = next(q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE"))
    assert '"summary"' not in update


def test_closing_before_the_citizen_is_told_is_refused(case, senior):
    with pytest.raises(EscalationTransitionError) as refused:
        services.escalation_transition(escalation=case, to_status="closed", actor=senior)
    assert refused.value.details == {"from": "received", "to": "closed"}
    case.refresh_from_db()
    assert case.status == Status.RECEIVED and case.closed_at is None


def test_a_plain_transition_cannot_record_a_decision(case, senior):
    with pytest.raises(EscalationTransitionError) as refused:
        services.escalation_transition(escalation=case, to_status="decided", actor=senior)
    assert refused.value.code == "use_the_action"


def test_an_unknown_status_is_refused(case, senior):
    with pytest.raises(ValidationFailed):
        services.escalation_transition(escalation=case, to_status="won", actor=senior)


@pytest.mark.parametrize("persona", ["agent", "supervisor", "officer"])
def test_only_the_office_moves_a_case(request, case, persona):
    with pytest.raises(PermissionDenied):
        services.escalation_transition(
            escalation=case, to_status="under_study", actor=request.getfixturevalue(persona)
        )
    case.refresh_from_db()
    assert case.status == Status.RECEIVED


def test_closing_after_informing_stamps_the_close(case, senior):
    services.escalation_decide(escalation=case, public_text="تمت الموافقة", actor=senior)
    services.escalation_inform(escalation=case, actor=senior)
    closed = services.escalation_transition(escalation=case, to_status="closed", actor=senior)
    assert closed.status == Status.CLOSED and closed.closed_at is not None
