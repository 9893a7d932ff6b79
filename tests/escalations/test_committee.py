"""A case referred to the housing committee, and the committee's ruling coming back."""

import pytest

from apps.committee import services as committee_services
from apps.committee.models import Outcome, Referral, SourceKind
from apps.core.errors import ValidationFailed
from apps.escalations import services
from apps.escalations.models import EscalationEvent
from apps.escalations.services import EscalationTransitionError
from apps.escalations.workflow import Status
from tests.committee.conftest import chair, committee, decide, meeting, members, quorate, reason  # noqa: F401

SUMMARY = "نطلب من اللجنة النظر في استثناء المواطن من شرط الدخل"


@pytest.fixture
def referred(case, senior, committee):  # noqa: F811
    return services.escalation_refer_to_committee(
        escalation=case, committee=committee, summary=SUMMARY, actor=senior
    )


@pytest.fixture
def sign(quorate, secretary, chair, decide):  # noqa: F811
    def _sign(referral, outcome):
        committee_services.agenda_add(meeting=quorate, referrals=[referral], actor=secretary)
        decide(quorate, referral, outcome)
        committee_services.meeting_close(meeting=quorate, actor=secretary)
        committee_services.meeting_sign(meeting=quorate, actor=chair)

    return _sign


def test_referring_puts_the_case_in_the_committees_pool(referred, case):
    referral = Referral.objects.get()
    assert (referred.status, referred.committee_referral_id, referred.committee_reference) == (
        Status.REFERRED_TO_COMMITTEE,
        referral.pk,
        referral.reference,
    )
    assert (referral.source_kind, referral.source_reference, referral.summary) == (
        SourceKind.ESCALATION,
        case.ticket.review_number,
        SUMMARY,
    )


def test_the_referral_carries_none_of_the_citizens_words(referred, case):
    referral = Referral.objects.get()
    assert case.ticket.subject not in referral.subject and case.ticket.description not in referral.summary


def test_referring_without_a_summary_is_refused_and_saves_nothing(case, senior, committee):  # noqa: F811
    with pytest.raises(ValidationFailed):
        services.escalation_refer_to_committee(
            escalation=case, committee=committee, summary=" ", actor=senior
        )
    case.refresh_from_db()
    assert case.status == Status.RECEIVED and not Referral.objects.exists()


def test_a_decided_case_is_not_referred(case, senior, committee):  # noqa: F811
    services.escalation_decide(escalation=case, public_text="قرار", actor=senior)
    with pytest.raises(EscalationTransitionError):
        services.escalation_refer_to_committee(
            escalation=case, committee=committee, summary=SUMMARY, actor=senior
        )
    assert not Referral.objects.exists()


def test_an_approval_comes_back_to_the_case_for_its_own_decision(referred, sign, chair):  # noqa: F811
    sign(Referral.objects.get(), Outcome.APPROVED)
    referred.refresh_from_db()
    event = referred.events.get(kind=EscalationEvent.Kind.COMMITTEE_DECISION)
    assert referred.status == Status.UNDER_STUDY
    assert (event.actor, event.data["outcome"]) == (chair, "approved") and "تقديم عقد الإيجار" in event.body


def test_a_deferral_is_noted_and_the_case_stays_with_the_committee(referred, sign):
    sign(Referral.objects.get(), Outcome.DEFERRED)
    referred.refresh_from_db()
    assert referred.status == Status.REFERRED_TO_COMMITTEE
    assert referred.events.get(kind=EscalationEvent.Kind.COMMITTEE_DECISION).data["outcome"] == "deferred"


def test_after_the_committee_the_office_decides_and_informs(referred, sign, senior):
    sign(Referral.objects.get(), Outcome.REJECTED)
    decided = services.escalation_decide(escalation=referred, public_text="نعتذر عن قبول الطلب", actor=senior)
    assert services.escalation_inform(escalation=decided, actor=senior).status == Status.CITIZEN_INFORMED
