"""The month's figures against values worked out by hand on a small fixture month.

    referral  referred (Bahrain)   decisions
    R1        20 Jun               M0 28 Jun deferred · M1 5 Jul approved      (15 days)
    R2         1 Jul               M1 5 Jul rejected, amended to approved      (4 days)
    R3         2 Jul               M1 5 Jul deferred  · M2 19 Jul approved     (17 days)
    R4         3 Jul               M2 19 Jul deferred
    R5        10 Jul               on the agenda of M3 28 Jul (never held)
    R6        31 Jul 23:00         —
    R7         1 Aug 00:30         —
    another committee: one referral on 15 Jul

July: referred 5 (R2–R6); meetings held 2 (M1, M2); approved 3 (R1, R2 as amended, R3),
rejected 0, deferred 2 (R3 at M1, R4 at M2); pending at 31 Jul: R4, R5, R6 = 3; median
days to a ruling over 15, 4, 17 = 15; deferrals per ruled referral: R1 1 + R2 0 + R3 1 over
3 = 0.67. June: referred 1, held 1 (M0), deferred 1, pending 1, no ruling yet.
"""

import datetime
from zoneinfo import ZoneInfo

import pytest

from apps.committee import services
from apps.committee.models import Decision, Outcome
from apps.committee.selectors import month_figures

BAHRAIN = ZoneInfo("Asia/Bahrain")


def at(day: str, hour: int = 9, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.fromisoformat(day).replace(hour=hour, minute=minute, tzinfo=BAHRAIN)


@pytest.fixture
def fixture_month(committee, make_referral, secretary, chair, member, members, decide):
    refs = {
        name: make_referral(referred_at=when)
        for name, when in {
            "R1": at("2026-06-20"),
            "R2": at("2026-07-01"),
            "R3": at("2026-07-02"),
            "R4": at("2026-07-03"),
            "R5": at("2026-07-10"),
            "R6": at("2026-07-31", 23),
            "R7": at("2026-08-01", 0, 30),
        }.items()
    }
    other = services.committee_upsert(code="other", name_ar="لجنة أخرى", name_en="Other")
    make_referral(committee=other, referred_at=at("2026-07-15"))
    present = [secretary.pk, chair.pk, member.pk, members[0].pk]

    def hold(number, day, decisions, close=True):
        meeting = services.meeting_create(
            committee=committee,
            number=number,
            date=datetime.date.fromisoformat(day),
            place="قاعة",
            actor=secretary,
        )
        services.meeting_record_attendance(meeting=meeting, present_user_ids=present, actor=secretary)
        services.agenda_add(
            meeting=meeting, referrals=[refs[name] for name, _o in decisions], actor=secretary
        )
        for name, outcome in decisions:
            if outcome:
                decide(meeting, refs[name], outcome)
        if close:
            services.meeting_close(meeting=meeting, actor=secretary)
            services.meeting_sign(meeting=meeting, actor=chair)
        return meeting

    hold(10, "2026-06-28", [("R1", Outcome.DEFERRED)])
    hold(1, "2026-07-05", [("R1", Outcome.APPROVED), ("R2", Outcome.REJECTED), ("R3", Outcome.DEFERRED)])
    hold(2, "2026-07-19", [("R3", Outcome.APPROVED), ("R4", Outcome.DEFERRED)])
    hold(3, "2026-07-28", [("R5", None)], close=False)
    services.decision_amend(
        decision=Decision.objects.get(referral=refs["R2"]),
        outcome=Outcome.APPROVED,
        reason="تصحيح بعد التدقيق",
        actor=secretary,
    )
    return committee


@pytest.fixture
def july(fixture_month):
    return month_figures(year=2026, month=7, committee=fixture_month)


def test_referred_this_month_counts_by_the_bahrain_date(july):
    assert july.referred == 5


def test_meetings_held_are_the_closed_or_signed_ones_of_the_month(july):
    assert july.meetings_held == 2


def test_decisions_by_outcome_count_the_decision_in_force(july):
    assert (july.approved, july.rejected, july.deferred) == (3, 0, 2)


def test_pending_at_month_end_counts_deferred_and_waiting_cases(july):
    assert july.pending_at_month_end == 3


def test_median_days_from_referral_to_decision(july):
    assert july.median_days_to_decision == 15.0


def test_deferrals_per_referral(july):
    assert july.deferrals_per_referral == 0.67


def test_the_previous_month_has_its_own_figures(fixture_month):
    june = month_figures(year=2026, month=6, committee=fixture_month)
    assert (june.referred, june.meetings_held, june.deferred, june.pending_at_month_end) == (1, 1, 1, 1)
    assert june.median_days_to_decision is None and june.deferrals_per_referral is None


def test_all_committees_together_include_the_other_committee(fixture_month):
    assert month_figures(year=2026, month=7).referred == 6
