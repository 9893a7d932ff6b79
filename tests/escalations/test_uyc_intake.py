"""The citizen's side, as services: CPR + mobile on file + a one-time code by SMS."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.core import otp
from apps.core.errors import ValidationFailed
from apps.core.models import OneTimeCode, OtpLockout
from apps.escalations import services
from apps.escalations.models import Escalation, Source
from apps.tickets.models import Ticket
from apps.tickets.workflow import Status as TicketStatus
from tests.tickets.factories import CitizenFactory

from .factories import citizen_case, code_sent_to, latest_sms_text

IP = "203.0.113.9"


@pytest.fixture
def citizen(db):
    return CitizenFactory(cpr="880412345", name_ar="أحمد علي", phones=["3600 1234"])


def _ask(citizen, mobile="36001234", ip=IP, capture=None):
    services.uyc_code_request(cpr=citizen.cpr, mobile=mobile, ip=ip)


def _submit(citizen, code, mobile="36001234", **extra):
    fields = {"kind": "complaint", "subject": "طلب مقابلة", "message": "أرجو النظر في طلبي"} | extra
    return services.uyc_submit(cpr=citizen.cpr, mobile=mobile, code=code, ip=IP, **fields)


def test_the_code_goes_by_sms_to_the_mobile_on_file(citizen, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _ask(citizen)
    text = latest_sms_text("+97336001234")
    assert code_sent_to("+97336001234") in text and "5" in text


def test_the_right_code_accepts_the_message_with_a_review_number_at_once(citizen):
    case = citizen_case(citizen=citizen, mobile="+97336001234", subject="طلب مقابلة", message="نص الرسالة")
    ticket = case.ticket
    assert (case.source, case.status, case.citizen) == (Source.CITIZEN, "received", citizen)
    assert (ticket.channel, ticket.status, ticket.subject, ticket.description) == (
        Ticket.Channel.UYC,
        TicketStatus.ESCALATED,
        "طلب مقابلة",
        "نص الرسالة",
    )
    assert ticket.review_number and ticket.contact_phone == "+97336001234"


def test_a_mobile_not_on_file_gets_no_sms_and_the_same_answer_as_a_wrong_code(
    citizen, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.uyc_code_request(cpr=citizen.cpr, mobile="39998877", ip=IP)  # no error: same answer
    assert latest_sms_text("+97339998877") is None
    with pytest.raises(otp.OtpWrong) as refused:
        _submit(citizen, "123456", mobile="39998877")
    assert refused.value.code == "otp_wrong"
    assert not Ticket.objects.exists() and not Escalation.objects.exists()


def test_an_unknown_cpr_gets_the_same_answer(db, django_capture_on_commit_callbacks):
    stranger = type("Stranger", (), {"cpr": "770101010"})()
    with django_capture_on_commit_callbacks(execute=True):
        services.uyc_code_request(cpr=stranger.cpr, mobile="36001234", ip=IP)
    assert latest_sms_text("+97336001234") is None
    with pytest.raises(otp.OtpWrong):
        _submit(stranger, "123456")
    assert not Ticket.objects.exists()


def test_a_wrong_code_saves_nothing_and_counts_a_try(citizen, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _ask(citizen)
    code = code_sent_to("+97336001234")
    with pytest.raises(otp.OtpWrong):
        _submit(citizen, f"{(int(code) + 1) % 1_000_000:06d}")
    assert not Ticket.objects.exists() and OneTimeCode.objects.get().attempts == 1
    assert _submit(citizen, code).ticket.channel == "uyc"


def test_an_expired_code_saves_nothing(citizen, django_capture_on_commit_callbacks, time_machine):
    with django_capture_on_commit_callbacks(execute=True):
        _ask(citizen)
    code = code_sent_to("+97336001234")
    time_machine.move_to(timezone.now() + timedelta(minutes=6))
    with pytest.raises(otp.OtpExpired):
        _submit(citizen, code)
    assert not Ticket.objects.exists()


def test_a_message_without_text_is_refused_before_the_code_is_used(
    citizen, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _ask(citizen)
    code = code_sent_to("+97336001234")
    with pytest.raises(ValidationFailed) as refused:
        _submit(citizen, code, message="  ")
    assert "message" in refused.value.details
    assert OneTimeCode.objects.get().used_at is None and not Ticket.objects.exists()


def test_three_wrong_codes_lock_the_code_and_log_it(citizen, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _ask(citizen)
    code = code_sent_to("+97336001234")
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(2):
        with pytest.raises(otp.OtpWrong):
            _submit(citizen, wrong)
    with pytest.raises(otp.OtpSpent):
        _submit(citizen, wrong)
    with pytest.raises(otp.OtpSpent):
        _submit(citizen, code)
    assert OtpLockout.objects.filter(purpose="uyc", scope="code").count() == 1 and not Ticket.objects.exists()


def test_a_fourth_code_for_a_number_within_the_hour_is_refused_and_logged(citizen):
    for _ in range(3):
        _ask(citizen)
    with pytest.raises(otp.OtpLocked):
        _ask(citizen)
    assert OtpLockout.objects.filter(purpose="uyc", scope="recipient", value="+97336001234").exists()


def test_a_landline_is_refused_before_any_code(citizen):
    with pytest.raises(ValidationFailed) as refused:
        services.uyc_code_request(cpr=citizen.cpr, mobile="17001234", ip=IP)
    assert "mobile" in refused.value.details and not OneTimeCode.objects.exists()
