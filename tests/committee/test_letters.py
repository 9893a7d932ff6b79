"""Decision letters: one per final decision, per outcome, in the citizen's language."""

import pytest

from apps.committee import letters, services
from apps.committee.models import Outcome, SourceKind
from apps.core.text import LRI, PDI
from apps.notifications.models import Notification

from .factories import CitizenFactory

PHRASES = {
    ("ar", Outcome.APPROVED): "وافقت اللجنة على طلبك",
    ("ar", Outcome.REJECTED): "تعتذر اللجنة عن عدم الموافقة على طلبك",
    ("ar", Outcome.DEFERRED): "أجّلت اللجنة النظر في طلبكم لمزيد من الدراسة",
    ("en", Outcome.APPROVED): "The committee approved your request.",
    ("en", Outcome.REJECTED): "The committee regrets that it cannot approve your request",
    ("en", Outcome.DEFERRED): "The committee has deferred your case for more study.",
}


@pytest.fixture
def sign_one(quorate, secretary, chair, decide):
    def _sign(referral, outcome):
        services.agenda_add(meeting=quorate, referrals=[referral], actor=secretary)
        decide(quorate, referral, outcome)
        services.meeting_close(meeting=quorate, actor=secretary)
        services.meeting_sign(meeting=quorate, actor=chair)
        return Notification.objects.get(
            event=letters.EVENTS[outcome],
            channel="email",
            recipient_ref=f"citizens.citizen:{referral.citizen_id}",
        )

    return _sign


@pytest.mark.parametrize("language", ["ar", "en"])
@pytest.mark.parametrize("outcome", [Outcome.APPROVED, Outcome.REJECTED, Outcome.DEFERRED])
def test_the_letter_says_the_outcome_in_the_citizens_language(make_referral, sign_one, language, outcome):
    referral = make_referral(citizen=CitizenFactory(language=language))
    letter = sign_one(referral, outcome)
    assert letter.language == language and letter.event == f"committee.decision_{outcome}"
    assert letter.essential
    assert PHRASES[(language, outcome)] in letter.body
    other = "en" if language == "ar" else "ar"
    assert PHRASES[(other, outcome)] not in letter.body


def test_nothing_is_queued_before_the_chair_signs(quorate, make_referral, secretary, decide):
    referral = make_referral()
    services.agenda_add(meeting=quorate, referrals=[referral], actor=secretary)
    decide(quorate, referral, Outcome.APPROVED)
    services.meeting_close(meeting=quorate, actor=secretary)
    assert not Notification.objects.filter(event__startswith="committee.").exists()


def test_the_letter_gives_the_review_number_when_the_case_came_from_a_ticket(make_referral, sign_one):
    referral = make_referral(source_kind=SourceKind.TICKET, source_reference="2026-004817-3")
    letter = sign_one(referral, Outcome.APPROVED)
    assert f"{LRI}2026-004817-3{PDI}" in letter.body


def test_a_hand_entered_case_letter_has_no_review_number(committee, citizen, secretary, sign_one):
    referral = services.referral_create(
        committee=committee, citizen=citizen, subject="س", summary="م", actor=secretary
    )
    letter = sign_one(referral, Outcome.APPROVED)
    assert "رقم المراجعة" not in letter.body
    assert f"{LRI}{referral.reference}{PDI}" in letter.body


def test_the_approval_letter_carries_the_conditions(make_referral, sign_one):
    letter = sign_one(make_referral(), Outcome.APPROVED)
    assert "تقديم عقد الإيجار" in letter.body


def test_the_rejection_letter_gives_the_reason_and_how_to_appeal(make_referral, sign_one):
    letter = sign_one(make_referral(), Outcome.REJECTED)
    assert "الدخل يتجاوز الحد المسموح" in letter.body
    assert "/portal/committee/appeal/" in letter.body


def test_the_deferral_letter_says_what_is_needed(make_referral, sign_one):
    letter = sign_one(make_referral(), Outcome.DEFERRED)
    assert "تقرير البحث الاجتماعي" in letter.body


def test_an_unknown_language_falls_back_to_arabic():
    class Someone:
        language = "fr"

    assert letters.letter_language(Someone()) == "ar"


@pytest.mark.parametrize("outcome", [Outcome.APPROVED, Outcome.REJECTED, Outcome.DEFERRED])
def test_the_sms_gives_the_review_number_isolated_in_arabic(make_referral, sign_one, outcome):
    referral = make_referral(source_kind=SourceKind.TICKET, source_reference="2026-004817-3")
    sign_one(referral, outcome)
    sms = Notification.objects.get(event=letters.EVENTS[outcome], channel="sms")
    assert sms.language == "ar" and f"{LRI}2026-004817-3{PDI}" in sms.body
    assert f"{LRI}{referral.reference}{PDI}" in sms.body


def test_the_english_letter_has_no_isolation_marks(make_referral, sign_one):
    referral = make_referral(
        citizen=CitizenFactory(language="en"), source_kind=SourceKind.TICKET, source_reference="2026-004817-3"
    )
    letter = sign_one(referral, Outcome.APPROVED)
    assert "(review number 2026-004817-3)" in letter.body and LRI not in letter.body


def test_the_letter_render_preview_matches_the_queued_letter(make_referral, sign_one):
    referral = make_referral()
    letter = sign_one(referral, Outcome.REJECTED)
    preview = letters.letter_render(decision=referral.decisions.get())
    assert (preview.subject, preview.body) == (letter.subject, letter.body)
