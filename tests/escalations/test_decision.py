"""The decision (a public text and an internal one) and telling the citizen."""

import pytest
import time_machine
from django.utils import timezone

from apps.core.errors import Conflict, ValidationFailed
from apps.escalations import services
from apps.escalations.models import EscalationEvent
from apps.escalations.services import EscalationTransitionError
from apps.escalations.workflow import Status
from apps.notifications.models import Notification
from apps.tickets import selectors as ticket_selectors
from apps.tickets.workflow import Status as TicketStatus

PUBLIC = "تقرر تخصيص وحدة سكنية لكم ضمن مشروع مدينة سلمان."
INTERNAL = "بعد التنسيق مع الوكيل، استثناء من قائمة الانتظار."


def _decided(case, senior):
    return services.escalation_decide(
        escalation=case, public_text=PUBLIC, internal_text=INTERNAL, actor=senior
    )


def test_a_decision_keeps_both_texts_with_who_and_when(case, senior):
    decided = _decided(case, senior)
    assert (decided.status, decided.decision_public, decided.decision_internal, decided.decided_by) == (
        Status.DECIDED,
        PUBLIC,
        INTERNAL,
        senior,
    )
    assert decided.events.filter(kind=EscalationEvent.Kind.DECISION, to_status=Status.DECIDED).exists()


def test_deciding_without_a_public_text_is_refused_and_saves_nothing(case, senior):
    with pytest.raises(ValidationFailed) as refused:
        services.escalation_decide(escalation=case, public_text=" ", internal_text=INTERNAL, actor=senior)
    assert refused.value.code == "public_text_required" and "public_text" in refused.value.details
    case.refresh_from_db()
    assert (case.status, case.decision_internal, case.decided_at) == (Status.RECEIVED, "", None)


def test_a_case_is_decided_once(case, senior):
    _decided(case, senior)
    with pytest.raises(EscalationTransitionError) as refused:
        services.escalation_decide(escalation=case, public_text="قرار آخر", actor=senior)
    assert refused.value.code == "already_decided"
    case.refresh_from_db()
    assert case.decision_public == PUBLIC


def test_informing_sends_the_letter_answers_the_ticket_and_records_when(
    case, senior, django_capture_on_commit_callbacks
):
    _decided(case, senior)
    with django_capture_on_commit_callbacks(execute=True):
        informed = services.escalation_inform(escalation=case, actor=senior)
    case.ticket.refresh_from_db()
    assert (
        informed.status == Status.CITIZEN_INFORMED and informed.informed_at and informed.informed_by == senior
    )
    assert case.ticket.status == TicketStatus.RESPONDED
    sms = Notification.objects.get(event="escalation.decided", channel="sms")
    assert sms.to_phone == case.ticket.contact_phone and case.ticket.review_number in sms.body
    assert INTERNAL not in sms.body and INTERNAL not in str(sms.context)
    # The ticket's own "answered" message is not sent as well.
    assert not Notification.objects.filter(
        event="ticket.responded", context__review_number=case.ticket.review_number
    ).exists()


def test_informing_before_a_decision_is_refused_and_sends_nothing(
    case, senior, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Conflict) as refused:
        services.escalation_inform(escalation=case, actor=senior)
    assert refused.value.code == "not_decided"
    case.refresh_from_db()
    assert case.informed_at is None and not Notification.objects.filter(event="escalation.decided").exists()


def test_informing_twice_is_refused_and_sends_one_letter(case, senior, django_capture_on_commit_callbacks):
    _decided(case, senior)
    with django_capture_on_commit_callbacks(execute=True):
        first = services.escalation_inform(escalation=case, actor=senior)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Conflict) as refused:
        services.escalation_inform(escalation=case, actor=senior)
    assert refused.value.code == "already_informed"
    case.refresh_from_db()
    assert case.informed_at == first.informed_at
    assert Notification.objects.filter(event="escalation.decided", channel="sms").count() == 1


def test_the_citizen_reads_the_public_text_only_once_told(case, senior):
    _decided(case, senior)
    before = ticket_selectors.public_ticket(case.ticket)
    assert PUBLIC not in [r.body for r in before.replies]
    services.escalation_inform(escalation=case, actor=senior)
    case.ticket.refresh_from_db()
    after = ticket_selectors.public_ticket(case.ticket)
    bodies = [r.body for r in after.replies]
    assert PUBLIC in bodies and not any(INTERNAL in b for b in bodies)
    assert after.status == TicketStatus.RESPONDED


def test_the_clock_is_met_when_the_citizen_is_told_within_30_days(case, senior):
    with time_machine.travel(case.received_at + timezone.timedelta(days=12)):
        _decided(case, senior)
        informed = services.escalation_inform(escalation=case, actor=senior)
    assert informed.informed_at <= informed.due_at and not informed.is_overdue()
