"""The Housing Committee with its people: the secretary persona keeps the minutes, the
member persona sits as a member, ``chair`` chairs, and two more members make up the
quorum arithmetic (four voting seats: a quorum is three, the chair among them)."""

import datetime

import pytest

from apps.accounts import services as account_services
from apps.accounts.roles import Role
from apps.committee import services
from apps.committee.models import MemberRole, Outcome

from .factories import CitizenFactory, ReferralFactory


@pytest.fixture
def chair(db):
    return account_services.user_create(
        username="chair",
        password="x-very-long-1",
        roles=[Role.COMMITTEE_MEMBER],
        actor=None,
        full_name_ar="رئيس اللجنة",
    )


@pytest.fixture
def members(db):
    return [
        account_services.user_create(
            username=f"member{i}", password="x-very-long-1", roles=[Role.COMMITTEE_MEMBER], actor=None
        )
        for i in (2, 3)
    ]


@pytest.fixture
def committee(db, secretary, chair, member, members):
    committee = services.committee_upsert(code="housing", name_ar="لجنة الإسكان", name_en="Housing Committee")
    services.membership_add(committee=committee, user=secretary, role=MemberRole.SECRETARY)
    services.membership_add(committee=committee, user=chair, role=MemberRole.CHAIR)
    services.membership_add(committee=committee, user=member, role=MemberRole.MEMBER)
    for user in members:
        services.membership_add(committee=committee, user=user, role=MemberRole.MEMBER)
    return committee


@pytest.fixture
def reason(db):
    return services.rejection_reason_upsert(
        code="income", text_ar="الدخل يتجاوز الحد المسموح", text_en="Income above the allowed limit"
    )


@pytest.fixture
def citizen(db):
    return CitizenFactory(cpr="880412345", name_ar="أحمد علي", name_en="Ahmed Ali")


@pytest.fixture
def make_referral(committee):
    def _make(**kwargs):
        kwargs.setdefault("committee", committee)
        return ReferralFactory(**kwargs)

    return _make


@pytest.fixture
def meeting(committee, secretary):
    return services.meeting_create(
        committee=committee,
        number=1,
        date=datetime.date(2026, 7, 5),
        place="قاعة الاجتماعات",
        actor=secretary,
    )


@pytest.fixture
def quorate(meeting, secretary, chair, member, members):
    """The meeting with attendance recorded and the quorum reached."""
    return services.meeting_record_attendance(
        meeting=meeting, present_user_ids=[secretary.pk, chair.pk, member.pk, members[0].pk], actor=secretary
    )


@pytest.fixture
def decide(secretary, reason):
    """``decide(meeting, referral, outcome)`` records a valid decision of that outcome."""

    def _decide(meeting, referral, outcome, actor=None, **fields):
        defaults = {
            Outcome.APPROVED: {"conditions": "تقديم عقد الإيجار"},
            Outcome.REJECTED: {"rejection_reason": reason},
            Outcome.DEFERRED: {"needs": "تقرير البحث الاجتماعي"},
        }[outcome]
        return services.decision_record(
            meeting=meeting,
            referral=referral,
            outcome=outcome,
            actor=actor or secretary,
            **{**defaults, **fields},
        )

    return _decide
