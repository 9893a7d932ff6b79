"""The 30-calendar-day clock from the SLA engine, and its extension rule."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from apps.core.errors import Conflict
from apps.escalations import services
from apps.escalations.models import EscalationEvent
from apps.notifications.models import Notification
from apps.sla import services as sla_services
from apps.sla.errors import ExtensionRefused
from apps.sla.models import Policy
from apps.tickets import selectors as ticket_selectors
from tests.tickets.factories import TicketFactory

from .factories import staff_case

BH = ZoneInfo("Asia/Bahrain")


@time_machine.travel(datetime(2026, 3, 1, 10, 15, tzinfo=BH), tick=False)
def test_the_decision_is_due_30_calendar_days_after_receipt(agent):
    case = staff_case(actor=agent)
    assert case.due_at == datetime(2026, 3, 31, 10, 15, tzinfo=BH)
    assert case.policy_version.policy.channel == "uyc"


@time_machine.travel(datetime(2026, 3, 1, 10, 15, tzinfo=BH), tick=False)
def test_days_left_count_down_and_go_negative_when_overdue(agent):
    case = staff_case(actor=agent)
    assert case.days_left() == 30
    assert case.days_left(now=datetime(2026, 4, 2, 9, 0, tzinfo=BH)) == -2
    assert case.is_overdue(now=datetime(2026, 3, 31, 10, 16, tzinfo=BH))


@time_machine.travel(datetime(2026, 3, 1, 10, 15, tzinfo=BH), tick=False)
def test_without_a_uyc_policy_the_default_30_calendar_days_apply(agent):
    for policy in Policy.objects.filter(channel="uyc"):
        sla_services.policy_retire(policy=policy, actor=None)
    case = staff_case(actor=agent, ticket=TicketFactory(actor=agent, kind="inquiry"))
    assert case.policy_version is None
    assert case.due_at == datetime(2026, 3, 31, 10, 15, tzinfo=BH)


@time_machine.travel(datetime(2026, 3, 1, 10, 15, tzinfo=BH), tick=False)
def test_an_extension_with_a_reason_moves_the_deadline_and_tells_the_citizen(
    agent, senior, django_capture_on_commit_callbacks
):
    case = staff_case(actor=agent)
    new_due = datetime(2026, 4, 14, 10, 15, tzinfo=BH)
    with django_capture_on_commit_callbacks(execute=True):
        extended = services.escalation_extend(
            escalation=case, new_due=new_due, reason="بانتظار رأي لجنة الإسكان", actor=senior
        )
    assert extended.due_at == new_due and extended.extra_allowance == timedelta(days=14)
    event = extended.events.get(kind=EscalationEvent.Kind.EXTENSION)
    assert {k: datetime.fromisoformat(v) for k, v in event.data.items()} == {
        "previous_due": datetime(2026, 3, 31, 10, 15, tzinfo=BH),
        "new_due": new_due,
    }
    letter = Notification.objects.get(event="sla.extended", channel="sms")
    assert letter.to_phone == case.ticket.contact_phone and "بانتظار رأي لجنة الإسكان" in letter.body
    replies = [r.body for r in ticket_selectors.public_ticket(case.ticket).replies]
    assert any("بانتظار رأي لجنة الإسكان" in body for body in replies)


@time_machine.travel(datetime(2026, 3, 1, 10, 15, tzinfo=BH), tick=False)
def test_an_extension_without_a_reason_is_refused_and_changes_nothing(agent, senior):
    case = staff_case(actor=agent)
    with pytest.raises(ExtensionRefused) as refused:
        services.escalation_extend(
            escalation=case, new_due=datetime(2026, 4, 14, 10, 15, tzinfo=BH), reason="  ", actor=senior
        )
    assert refused.value.code == "sla_extension_reason_required"
    case.refresh_from_db()
    assert case.due_at == datetime(2026, 3, 31, 10, 15, tzinfo=BH)
    assert not case.events.filter(kind=EscalationEvent.Kind.EXTENSION).exists()


@time_machine.travel(datetime(2026, 3, 1, 10, 15, tzinfo=BH), tick=False)
def test_an_extension_must_move_the_deadline_later(agent, senior):
    case = staff_case(actor=agent)
    with pytest.raises(ExtensionRefused) as refused:
        services.escalation_extend(
            escalation=case, new_due=datetime(2026, 3, 20, tzinfo=BH), reason="سبب", actor=senior
        )
    assert refused.value.code == "sla_extension_not_later"


@time_machine.travel(datetime(2026, 3, 1, 10, 15, tzinfo=BH), tick=False)
def test_a_second_extension_adds_to_the_first(agent, senior):
    case = staff_case(actor=agent)
    services.escalation_extend(
        escalation=case, new_due=datetime(2026, 4, 10, 10, 15, tzinfo=BH), reason="أ", actor=senior
    )
    again = services.escalation_extend(
        escalation=case, new_due=datetime(2026, 4, 20, 10, 15, tzinfo=BH), reason="ب", actor=senior
    )
    assert again.due_at == datetime(2026, 4, 20, 10, 15, tzinfo=BH) and again.extra_allowance == timedelta(
        days=20
    )


def test_no_extension_once_the_citizen_has_the_decision(case, senior):
    services.escalation_decide(escalation=case, public_text="قرار", actor=senior)
    services.escalation_inform(escalation=case, actor=senior)
    with pytest.raises(Conflict) as refused:
        services.escalation_extend(
            escalation=case, new_due=case.due_at + timedelta(days=5), reason="سبب", actor=senior
        )
    assert refused.value.code == "clock_stopped"
