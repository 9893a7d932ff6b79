"""Closing, the chair's sign-off, immutability, amendments and decision listeners."""

import datetime

import pytest
from django.db import DatabaseError, transaction

from apps.committee import listeners, services
from apps.committee.models import Decision, MeetingStatus, Outcome, ReferralStatus
from apps.core.errors import ApplicationError, Conflict, PermissionDenied, ValidationFailed
from apps.notifications.models import Notification


@pytest.fixture
def three(quorate, make_referral, secretary, decide):
    """A meeting with one approval, one rejection and one deferral recorded, then closed."""
    approved, rejected, deferred = make_referral(), make_referral(), make_referral()
    services.agenda_add(meeting=quorate, referrals=[approved, rejected, deferred], actor=secretary)
    decide(quorate, approved, Outcome.APPROVED)
    decide(quorate, rejected, Outcome.REJECTED)
    decide(quorate, deferred, Outcome.DEFERRED)
    services.meeting_close(meeting=quorate, actor=secretary)
    return quorate, approved, rejected, deferred


@pytest.fixture
def signed(three, chair):
    meeting, *referrals = three
    services.meeting_sign(meeting=meeting, actor=chair)
    meeting.refresh_from_db()
    return meeting, *referrals


def test_only_the_chair_signs_the_minutes(three, secretary, member):
    meeting = three[0]
    for person in (secretary, member):
        with pytest.raises(PermissionDenied) as error:
            services.meeting_sign(meeting=meeting, actor=person)
        assert error.value.code == "not_committee_chair"
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CLOSED
    assert not Decision.objects.filter(is_final=True).exists()


def test_an_open_meeting_cannot_be_signed_before_it_is_closed(quorate, chair):
    with pytest.raises(Conflict) as error:
        services.meeting_sign(meeting=quorate, actor=chair)
    assert error.value.code == "illegal_meeting_move"


def test_signing_makes_every_decision_final_and_moves_the_referrals(signed):
    meeting, approved, rejected, deferred = signed
    assert meeting.status == MeetingStatus.SIGNED and meeting.signed_at is not None
    assert set(Decision.objects.values_list("is_final", flat=True)) == {True}
    for referral in (approved, rejected, deferred):
        referral.refresh_from_db()
    assert approved.status == ReferralStatus.APPROVED
    assert rejected.status == ReferralStatus.REJECTED
    assert deferred.status == ReferralStatus.PENDING and deferred.deferral_count == 1
    assert not meeting.agenda.filter(is_open=True).exists()


def test_a_deferred_referral_is_proposed_first_for_the_next_agenda(
    signed, make_referral, committee, secretary
):
    deferred = signed[3]
    make_referral()  # a newer case, never deferred
    following = services.meeting_create(
        committee=committee, number=2, date=datetime.date(2026, 7, 12), place="قاعة", actor=secretary
    )
    from apps.committee import selectors

    proposals = selectors.agenda_proposals(meeting=following, viewer=secretary)
    assert proposals[0] == deferred


def test_the_database_refuses_to_change_a_signed_decision(signed):
    decision = Decision.objects.get(referral=signed[1])
    decision.outcome = Outcome.REJECTED
    with pytest.raises(DatabaseError), transaction.atomic():
        decision.save()
    assert Decision.objects.get(pk=decision.pk).outcome == Outcome.APPROVED


def test_the_database_refuses_to_delete_a_signed_decision(signed):
    with pytest.raises(DatabaseError), transaction.atomic():
        Decision.objects.filter(referral=signed[1]).delete()
    assert Decision.objects.filter(referral=signed[1]).exists()


def test_the_signed_minutes_are_kept_with_their_hash(signed):
    import hashlib

    meeting = signed[0]
    content = meeting.minutes_file.open("rb").read()
    assert content.startswith(b"%PDF")
    assert hashlib.sha256(content).hexdigest() == meeting.minutes_sha256


def test_the_chair_can_send_closed_minutes_back_with_a_reason(three, chair, decide):
    meeting, approved, *_ = three
    with pytest.raises(ValidationFailed):
        services.meeting_reopen(meeting=meeting, actor=chair, reason=" ")
    services.meeting_reopen(meeting=meeting, actor=chair, reason="تصحيح شروط الموافقة")
    decide(meeting, approved, Outcome.APPROVED, conditions="شروط مصححة")
    assert Decision.objects.get(referral=approved).conditions == "شروط مصححة"
    assert meeting.events.filter(to_status=MeetingStatus.PLANNED, reason="تصحيح شروط الموافقة").exists()


def test_listeners_hear_each_final_decision(three, chair):
    heard = []
    listeners.register("test", lambda effect: heard.append((effect.referral.pk, effect.decision.outcome)))
    try:
        services.meeting_sign(meeting=three[0], actor=chair)
    finally:
        listeners.unregister("test")
    assert sorted(heard) == sorted(
        [(three[1].pk, Outcome.APPROVED), (three[2].pk, Outcome.REJECTED), (three[3].pk, Outcome.DEFERRED)]
    )


def test_a_refusing_listener_rolls_back_the_whole_sign_off(three, chair):
    def refuse(effect):
        if effect.decision.outcome == Outcome.DEFERRED:
            raise ApplicationError("the source refused", code="source_refused")

    listeners.register("test", refuse)
    try:
        with pytest.raises(ApplicationError):
            services.meeting_sign(meeting=three[0], actor=chair)
    finally:
        listeners.unregister("test")
    three[0].refresh_from_db()
    assert three[0].status == MeetingStatus.CLOSED
    assert not Decision.objects.filter(is_final=True).exists()
    assert not Notification.objects.filter(event__startswith="committee.").exists()
    three[1].refresh_from_db()
    assert three[1].status == ReferralStatus.SCHEDULED


# ---------------------------------------------------------------------------- amendments


def test_an_amendment_records_who_and_why_and_leaves_the_signed_decision_untouched(signed, secretary, reason):
    original = Decision.objects.get(referral=signed[1])
    amendment = services.decision_amend(
        decision=original,
        outcome=Outcome.REJECTED,
        rejection_reason=reason,
        reason="ظهر أن الدخل يتجاوز الحد بعد التدقيق",
        actor=secretary,
    )
    original.refresh_from_db()
    assert original.outcome == Outcome.APPROVED and original.is_final
    assert amendment.amends == original and amendment.is_final
    assert amendment.recorded_by == secretary
    assert amendment.amendment_reason == "ظهر أن الدخل يتجاوز الحد بعد التدقيق"


def test_an_amendment_moves_the_referral_and_queues_a_new_letter(signed, secretary, reason):
    referral = signed[1]
    letters = Notification.objects.filter(
        event__startswith="committee.",
        channel="email",
        recipient_ref=f"citizens.citizen:{referral.citizen_id}",
    )
    before = letters.count()
    services.decision_amend(
        decision=Decision.objects.get(referral=referral),
        outcome=Outcome.REJECTED,
        rejection_reason=reason,
        reason="تصحيح",
        actor=secretary,
    )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.REJECTED
    assert letters.count() == before + 1
    amended = letters.order_by("-pk").first()
    assert amended.event == "committee.decision_rejected" and "يصحح هذا الخطاب" in amended.body


def test_amending_a_deferral_into_a_ruling_clears_the_deferral_count(signed, secretary):
    referral = signed[3]
    services.decision_amend(
        decision=Decision.objects.get(referral=referral),
        outcome=Outcome.APPROVED,
        reason="تصحيح",
        actor=secretary,
    )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.APPROVED and referral.deferral_count == 0


def test_an_amendment_must_say_why(signed, secretary):
    with pytest.raises(ValidationFailed) as error:
        services.decision_amend(
            decision=Decision.objects.get(referral=signed[1]),
            outcome=Outcome.APPROVED,
            reason="",
            actor=secretary,
        )
    assert error.value.code == "amendment_reason_required"
    assert Decision.objects.count() == 3


def test_only_the_secretary_amends(signed, chair):
    with pytest.raises(PermissionDenied):
        services.decision_amend(
            decision=Decision.objects.get(referral=signed[1]),
            outcome=Outcome.APPROVED,
            reason="x",
            actor=chair,
        )
    assert Decision.objects.count() == 3


def test_an_unsigned_decision_is_not_amended_but_changed(three, secretary):
    with pytest.raises(Conflict) as error:
        services.decision_amend(
            decision=Decision.objects.get(referral=three[1]),
            outcome=Outcome.APPROVED,
            reason="x",
            actor=secretary,
        )
    assert error.value.code == "decision_not_final"


def test_an_amended_decision_is_not_amended_again(signed, secretary, reason):
    original = Decision.objects.get(referral=signed[1])
    services.decision_amend(
        decision=original, outcome=Outcome.APPROVED, conditions="جديد", reason="x", actor=secretary
    )
    with pytest.raises(Conflict) as error:
        services.decision_amend(decision=original, outcome=Outcome.APPROVED, reason="y", actor=secretary)
    assert error.value.code == "already_amended"


def test_amending_a_deferral_is_refused_while_the_case_sits_on_another_agenda(signed, committee, secretary):
    deferred = signed[3]
    following = services.meeting_create(
        committee=committee, number=2, date=datetime.date(2026, 7, 12), place="قاعة", actor=secretary
    )
    services.agenda_add(meeting=following, referrals=[deferred], actor=secretary)
    with pytest.raises(Conflict) as error:
        services.decision_amend(
            decision=Decision.objects.get(referral=deferred),
            outcome=Outcome.APPROVED,
            reason="x",
            actor=secretary,
        )
    assert error.value.code == "already_on_agenda"
    assert Decision.objects.filter(referral=deferred).count() == 1
