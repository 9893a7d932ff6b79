"""Appeals: a rejection, once, within 30 days, verified by CPR; the appeal is a new referral."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from apps.committee import services
from apps.committee.models import Outcome, Referral, SourceKind
from apps.core.errors import Conflict, ValidationFailed

SIGNED_AT = datetime.datetime(2026, 7, 6, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture
def ruled(quorate, make_referral, secretary, chair, decide, citizen):
    """Sign a meeting that ruled on one case with ``outcome``; return that referral."""

    def _ruled(outcome=Outcome.REJECTED, **kwargs):
        referral = make_referral(citizen=citizen, **kwargs)
        services.agenda_add(meeting=quorate, referrals=[referral], actor=secretary)
        decide(quorate, referral, outcome)
        services.meeting_close(meeting=quorate, actor=secretary)
        services.meeting_sign(meeting=quorate, actor=chair, now=SIGNED_AT)
        return referral

    return _ruled


def test_a_rejection_appealed_within_30_days_becomes_a_new_linked_referral(ruled):
    rejected = ruled()
    with time_machine.travel(SIGNED_AT + datetime.timedelta(days=29), tick=False):
        appeal = services.appeal_submit(reference=rejected.reference, cpr="880412345", grounds="تغير دخلي")
    assert appeal.appeal_of == rejected and appeal.source_kind == SourceKind.APPEAL
    assert appeal.citizen == rejected.citizen and appeal.summary == "تغير دخلي"
    assert appeal.status == "pending" and appeal.referred_at == SIGNED_AT + datetime.timedelta(days=29)


def test_an_appeal_after_30_days_is_refused(ruled):
    rejected = ruled()
    with time_machine.travel(SIGNED_AT + datetime.timedelta(days=30, minutes=1), tick=False):
        with pytest.raises(ValidationFailed) as error:
            services.appeal_submit(reference=rejected.reference, cpr="880412345", grounds="تغير دخلي")
    assert error.value.code == "appeal_window_closed"
    assert not Referral.objects.filter(appeal_of=rejected).exists()


def test_a_second_appeal_is_refused(ruled):
    rejected = ruled()
    now = SIGNED_AT + datetime.timedelta(days=3)
    services.appeal_submit(reference=rejected.reference, cpr="880412345", grounds="أولى", now=now)
    with pytest.raises(Conflict) as error:
        services.appeal_submit(reference=rejected.reference, cpr="880412345", grounds="ثانية", now=now)
    assert error.value.code == "already_appealed"
    assert Referral.objects.filter(source_kind=SourceKind.APPEAL).count() == 1


def test_an_approval_cannot_be_appealed(ruled):
    approved = ruled(Outcome.APPROVED)
    with pytest.raises(ValidationFailed) as error:
        services.appeal_submit(
            reference=approved.reference,
            cpr="880412345",
            grounds="x",
            now=SIGNED_AT + datetime.timedelta(days=1),
        )
    assert error.value.code == "nothing_to_appeal"


def test_a_wrong_cpr_gets_the_same_answer_as_an_unknown_number(ruled):
    rejected = ruled()
    now = SIGNED_AT + datetime.timedelta(days=1)
    answers = []
    for reference, cpr in [
        (rejected.reference, "880412346"),
        ("CR-2026-999999", "880412345"),
        ("junk", "12"),
    ]:
        with pytest.raises(ValidationFailed) as error:
            services.appeal_submit(reference=reference, cpr=cpr, grounds="x", now=now)
        answers.append((error.value.code, str(error.value.message), error.value.status))
    assert len(set(answers)) == 1 and answers[0][0] == "appeal_not_verified"
    assert not Referral.objects.filter(source_kind=SourceKind.APPEAL).exists()


def test_the_reference_accepts_arabic_indic_digits_and_spaces(ruled):
    rejected = ruled()
    digits = rejected.reference[3:].translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    appeal = services.appeal_submit(
        reference=f"cr {digits}", cpr="٨٨٠٤١٢٣٤٥", grounds="x", now=SIGNED_AT + datetime.timedelta(days=1)
    )
    assert appeal.appeal_of == rejected


def test_an_appeal_needs_grounds(ruled):
    rejected = ruled()
    with pytest.raises(ValidationFailed) as error:
        services.appeal_submit(
            reference=rejected.reference,
            cpr="880412345",
            grounds="  ",
            now=SIGNED_AT + datetime.timedelta(days=1),
        )
    assert error.value.code == "appeal_grounds_required"


def test_the_appeal_page_creates_the_appeal_and_is_not_cached(client, ruled):
    rejected = ruled()
    with time_machine.travel(SIGNED_AT + datetime.timedelta(days=2)):
        response = client.post(
            "/portal/committee/appeal/",
            {"reference": rejected.reference, "cpr": "880412345", "grounds": "دخلي تغير"},
        )
    assert response.status_code == 200
    appeal = Referral.objects.get(appeal_of=rejected)
    assert appeal.reference in response.content.decode()
    assert "no-store" in response["Cache-Control"]


def test_the_appeal_page_shows_no_personal_data_on_a_mismatch(client, ruled):
    rejected = ruled()
    response = client.post(
        "/portal/committee/appeal/", {"reference": rejected.reference, "cpr": "880412346", "grounds": "x"}
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert rejected.citizen.name_ar not in body and rejected.subject not in body
    assert not Referral.objects.filter(appeal_of=rejected).exists()


def test_the_appeal_page_limits_attempts_per_number(client, ruled):
    rejected = ruled()
    statuses = [
        client.post(
            "/portal/committee/appeal/",
            {"reference": rejected.reference, "cpr": "880412346", "grounds": "x"},
            REMOTE_ADDR=f"10.0.0.{i}",
        ).status_code
        for i in range(6)
    ]
    assert statuses == [400] * 5 + [429]


def test_an_appeal_of_an_appeal_is_refused(ruled, quorate, secretary, chair, decide, committee):
    rejected = ruled()
    appeal = services.appeal_submit(
        reference=rejected.reference, cpr="880412345", grounds="x", now=SIGNED_AT + datetime.timedelta(days=1)
    )
    later = services.meeting_create(
        committee=committee, number=2, date=datetime.date(2026, 7, 20), place="قاعة", actor=secretary
    )
    services.meeting_record_attendance(
        meeting=later, present_user_ids=[m.user_id for m in committee.memberships.all()], actor=secretary
    )
    services.agenda_add(meeting=later, referrals=[appeal], actor=secretary)
    decide(later, appeal, Outcome.REJECTED)
    services.meeting_close(meeting=later, actor=secretary)
    services.meeting_sign(meeting=later, actor=chair)
    with pytest.raises(Conflict):
        services.appeal_submit(reference=appeal.reference, cpr="880412345", grounds="y", now=timezone.now())
