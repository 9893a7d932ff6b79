"""Requests for information to a department: a tracked follow-up with an answer."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from apps.core.errors import Conflict, PermissionDenied, ValidationFailed
from apps.escalations import selectors, services
from apps.escalations.models import EscalationEvent, InformationRequest

BH = ZoneInfo("Asia/Bahrain")
QUESTION = "ما حالة الطلب الإسكاني للمواطن وتاريخ التخصيص المتوقع؟"


def _ask(case, senior, department):
    return services.information_request_create(
        escalation=case, department=department, question=QUESTION, actor=senior
    )


@time_machine.travel(datetime(2026, 3, 1, 10, 0, tzinfo=BH), tick=False)  # a Sunday
def test_a_question_is_due_in_five_working_days(case, senior, department):
    request = _ask(case, senior, department)
    assert request.due_at == datetime(2026, 3, 8, 14, 0, tzinfo=BH)
    assert case.events.filter(kind=EscalationEvent.Kind.INFO_REQUESTED, body=QUESTION).exists()


def test_asking_without_a_question_is_refused(case, senior, department):
    with pytest.raises(ValidationFailed):
        services.information_request_create(
            escalation=case, department=department, question=" ", actor=senior
        )
    assert not InformationRequest.objects.exists()


def test_the_asked_department_sees_the_question_and_answers_it(case, senior, department, officer):
    request = _ask(case, senior, department)
    assert list(selectors.department_requests(viewer=officer)) == [request]
    answered = services.information_request_answer(
        request=request, answer="الطلب مؤهل منذ 2020", actor=officer
    )
    assert (answered.status, answered.answered_by) == (InformationRequest.Status.ANSWERED, officer)
    assert case.events.filter(kind=EscalationEvent.Kind.INFO_ANSWERED, actor=officer).exists()


def test_another_department_cannot_see_or_answer(case, senior, department, other_officer):
    request = _ask(case, senior, department)
    assert not selectors.department_requests(viewer=other_officer).exists()
    with pytest.raises(PermissionDenied):
        services.information_request_answer(request=request, answer="جواب", actor=other_officer)
    request.refresh_from_db()
    assert request.status == InformationRequest.Status.OPEN


def test_a_question_is_answered_once(case, senior, department, officer):
    request = _ask(case, senior, department)
    services.information_request_answer(request=request, answer="جواب", actor=officer)
    with pytest.raises(Conflict):
        services.information_request_answer(request=request, answer="جواب آخر", actor=officer)
    request.refresh_from_db()
    assert request.answer == "جواب"


def test_an_empty_answer_is_refused(case, senior, department, officer):
    request = _ask(case, senior, department)
    with pytest.raises(ValidationFailed):
        services.information_request_answer(request=request, answer="", actor=officer)
    request.refresh_from_db()
    assert request.status == InformationRequest.Status.OPEN
