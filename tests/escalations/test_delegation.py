"""A senior manager hands their queue to a named deputy for a period: start and end honoured."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from apps.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from apps.escalations import selectors, services
from apps.escalations.models import Delegation

from .factories import staff_case

BH = ZoneInfo("Asia/Bahrain")
START = datetime(2026, 5, 10, 7, 0, tzinfo=BH)
END = datetime(2026, 5, 20, 7, 0, tzinfo=BH)


@pytest.fixture
def delegated(senior, deputy, agent):
    """senior owns one case, senior2's case is not delegated; senior hands over 10–20 May."""
    with time_machine.travel(datetime(2026, 5, 1, 9, 0, tzinfo=BH), tick=False):
        mine = staff_case(actor=agent)
        mine = services.escalation_assign(escalation=mine, owner=senior, actor=senior)
        services.delegation_create(
            delegator=senior, deputy=deputy, starts_at=START, ends_at=END, actor=senior, reason="إجازة"
        )
    return mine


def _sees(user, case, at):
    return selectors.visible_escalations(user, now=at).filter(pk=case.pk).exists()


def test_the_deputy_sees_nothing_before_the_start(delegated, deputy):
    assert not _sees(deputy, delegated, START - timedelta(seconds=1))


def test_the_deputy_sees_the_delegated_queue_from_the_start(delegated, deputy):
    assert _sees(deputy, delegated, START)
    assert selectors.can_work(deputy, delegated, now=START + timedelta(days=3))


def test_the_deputy_sees_nothing_from_the_end(delegated, deputy):
    assert _sees(deputy, delegated, END - timedelta(seconds=1))
    assert not _sees(deputy, delegated, END)
    assert not selectors.can_work(deputy, delegated, now=END)


def test_the_deputy_sees_only_the_delegators_cases(delegated, deputy, senior2, agent):
    other = staff_case(actor=agent)
    services.escalation_assign(escalation=other, owner=senior2, actor=senior2)
    unowned = staff_case(actor=agent)
    at = START + timedelta(days=1)
    assert _sees(deputy, delegated, at) and not _sees(deputy, other, at) and not _sees(deputy, unowned, at)


def test_the_deputy_decides_a_delegated_case_within_the_period(delegated, deputy):
    with time_machine.travel(START + timedelta(days=2), tick=False):
        decided = services.escalation_decide(escalation=delegated, public_text="قرار النائب", actor=deputy)
    assert decided.decided_by == deputy


def test_the_deputy_cannot_act_after_the_end(delegated, deputy):
    with time_machine.travel(END + timedelta(minutes=1), tick=False), pytest.raises(PermissionDenied):
        services.escalation_note(escalation=delegated, body="ملاحظة", actor=deputy)


def test_ending_a_delegation_early_takes_the_queue_back_at_once(delegated, deputy, senior):
    delegation = Delegation.objects.get()
    with time_machine.travel(START + timedelta(days=1), tick=False):
        services.delegation_end(delegation=delegation, actor=senior)
        assert not _sees(deputy, delegated, START + timedelta(days=1, seconds=1))


def test_a_delegation_must_end_after_it_starts(senior, deputy):
    with pytest.raises(ValidationFailed) as refused:
        services.delegation_create(
            delegator=senior, deputy=deputy, starts_at=END, ends_at=START, actor=senior
        )
    assert "ends_at" in refused.value.details and not Delegation.objects.exists()


def test_a_manager_cannot_delegate_to_themselves(senior):
    with pytest.raises(ValidationFailed) as refused:
        services.delegation_create(
            delegator=senior, deputy=senior, starts_at=START, ends_at=END, actor=senior
        )
    assert "deputy" in refused.value.details


def test_only_senior_management_delegates_a_queue(supervisor, deputy):
    with pytest.raises(PermissionDenied):
        services.delegation_create(
            delegator=supervisor, deputy=deputy, starts_at=START, ends_at=END, actor=supervisor
        )


def test_a_manager_cannot_delegate_someone_elses_queue(senior, senior2, deputy):
    with pytest.raises(PermissionDenied):
        services.delegation_create(
            delegator=senior2, deputy=deputy, starts_at=START, ends_at=END, actor=senior
        )


def test_the_same_deputy_twice_for_overlapping_periods_is_refused(delegated, senior, deputy):
    with pytest.raises(Conflict):
        services.delegation_create(
            delegator=senior,
            deputy=deputy,
            starts_at=START + timedelta(days=5),
            ends_at=END + timedelta(days=5),
            actor=senior,
            now=START,
        )


def test_an_agent_with_no_delegation_sees_no_case(case, agent):
    assert not selectors.visible_escalations(agent).exists()
    with pytest.raises(NotFound):
        selectors.escalation_get(viewer=agent, pk=case.pk)
