"""The rules of deciding: on the agenda, with a quorum, by the secretary, before sign-off."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.committee import services
from apps.committee.models import AgendaItem, Decision, Meeting, Outcome, Referral, ReferralStatus
from apps.core.errors import Conflict, PermissionDenied, ValidationFailed


@pytest.fixture
def referral(make_referral):
    return make_referral()


@pytest.fixture
def on_agenda(quorate, referral, secretary):
    services.agenda_add(meeting=quorate, referrals=[referral], actor=secretary)
    return referral


def test_it_refuses_a_decision_for_a_referral_not_on_the_agenda(quorate, referral, decide):
    with pytest.raises(ValidationFailed) as error:
        decide(quorate, referral, Outcome.APPROVED)
    assert error.value.code == "not_on_agenda"
    assert not Decision.objects.exists()


def test_it_refuses_a_decision_before_attendance_is_recorded(meeting, referral, secretary, decide):
    services.agenda_add(meeting=meeting, referrals=[referral], actor=secretary)
    with pytest.raises(Conflict) as error:
        decide(meeting, referral, Outcome.APPROVED)
    assert error.value.code == "quorum_not_recorded"
    assert not Decision.objects.exists()


def test_it_refuses_a_decision_when_the_quorum_was_not_reached(meeting, referral, secretary, member, decide):
    services.agenda_add(meeting=meeting, referrals=[referral], actor=secretary)
    services.meeting_record_attendance(
        meeting=meeting, present_user_ids=[secretary.pk, member.pk], actor=secretary
    )
    with pytest.raises(Conflict) as error:
        decide(meeting, referral, Outcome.APPROVED)
    assert error.value.code == "quorum_not_reached"
    assert not Decision.objects.exists()


@pytest.mark.parametrize("persona", ["member", "chair", "agent", "admin_user"])
def test_it_refuses_a_decision_by_anyone_but_the_secretary(request, on_agenda, quorate, decide, persona):
    with pytest.raises(PermissionDenied) as error:
        decide(quorate, on_agenda, Outcome.APPROVED, actor=request.getfixturevalue(persona))
    assert error.value.code == "not_committee_secretary"
    assert not Decision.objects.exists()


def test_a_secretary_of_another_committee_cannot_decide(on_agenda, quorate, decide, db):
    from apps.accounts import services as account_services
    from apps.accounts.roles import Role
    from apps.committee.models import MemberRole

    other = services.committee_upsert(code="other", name_ar="لجنة أخرى", name_en="Other committee")
    stranger = account_services.user_create(
        username="other-secretary", password="x-very-long-1", roles=[Role.COMMITTEE_SECRETARY], actor=None
    )
    services.membership_add(committee=other, user=stranger, role=MemberRole.SECRETARY)
    with pytest.raises(PermissionDenied):
        decide(quorate, on_agenda, Outcome.APPROVED, actor=stranger)
    assert not Decision.objects.exists()


def test_it_refuses_a_rejection_without_a_reason(on_agenda, quorate, decide):
    with pytest.raises(ValidationFailed) as error:
        decide(quorate, on_agenda, Outcome.REJECTED, rejection_reason=None)
    assert error.value.code == "rejection_reason_required"
    assert not Decision.objects.exists()


def test_the_database_also_refuses_a_rejection_without_a_reason(on_agenda, quorate, secretary):
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.create(
            meeting=quorate, referral=on_agenda, outcome=Outcome.REJECTED, recorded_by=secretary
        )


def test_it_refuses_a_retired_rejection_reason(on_agenda, quorate, decide, reason):
    services.rejection_reason_upsert(
        code=reason.code, text_ar=reason.text_ar, text_en=reason.text_en, is_active=False
    )
    reason.refresh_from_db()
    with pytest.raises(ValidationFailed):
        decide(quorate, on_agenda, Outcome.REJECTED, rejection_reason=reason)


def test_it_refuses_a_deferral_that_does_not_say_what_is_needed(on_agenda, quorate, decide):
    with pytest.raises(ValidationFailed) as error:
        decide(quorate, on_agenda, Outcome.DEFERRED, needs="   ")
    assert error.value.code == "deferral_needs_required"
    assert not Decision.objects.exists()


def test_a_decision_can_be_changed_until_the_meeting_closes(on_agenda, quorate, decide):
    decide(quorate, on_agenda, Outcome.APPROVED)
    decide(quorate, on_agenda, Outcome.DEFERRED)
    decision = Decision.objects.get()
    assert decision.outcome == Outcome.DEFERRED
    assert decision.conditions == ""  # fields of the old outcome do not linger


def test_it_refuses_a_decision_once_the_meeting_is_closed(on_agenda, quorate, decide, secretary):
    decide(quorate, on_agenda, Outcome.APPROVED)
    services.meeting_close(meeting=quorate, actor=secretary)
    with pytest.raises(Conflict) as error:
        decide(quorate, on_agenda, Outcome.REJECTED)
    assert error.value.code == "meeting_closed"
    assert Decision.objects.get().outcome == Outcome.APPROVED


def test_it_refuses_a_decision_after_sign_off(on_agenda, quorate, decide, secretary, chair):
    decide(quorate, on_agenda, Outcome.APPROVED)
    services.meeting_close(meeting=quorate, actor=secretary)
    services.meeting_sign(meeting=quorate, actor=chair)
    with pytest.raises(Conflict) as error:
        decide(quorate, on_agenda, Outcome.REJECTED)
    assert error.value.code == "decision_final"
    assert Decision.objects.get().outcome == Outcome.APPROVED


def test_a_meeting_number_cannot_be_reused_in_the_same_year(meeting, committee, secretary):
    with pytest.raises(Conflict) as error:
        services.meeting_create(
            committee=committee, number=1, date=datetime.date(2026, 9, 1), place="قاعة", actor=secretary
        )
    assert error.value.code == "meeting_number_taken"
    assert "1" in str(error.value.message)
    assert Meeting.objects.count() == 1


def test_the_same_meeting_number_is_fine_in_another_year(meeting, committee, secretary):
    services.meeting_create(
        committee=committee, number=1, date=datetime.date(2027, 1, 10), place="قاعة", actor=secretary
    )
    assert Meeting.objects.filter(number=1).count() == 2


def test_the_database_refuses_a_reused_meeting_number(meeting, committee):
    with pytest.raises(IntegrityError), transaction.atomic():
        Meeting.objects.create(
            committee=committee, year=2026, number=1, date=datetime.date(2026, 8, 1), place="x"
        )


def test_only_the_secretary_plans_a_meeting(committee, member):
    with pytest.raises(PermissionDenied):
        services.meeting_create(
            committee=committee, number=9, date=datetime.date(2026, 7, 1), place="x", actor=member
        )
    assert not Meeting.objects.exists()


def test_a_referral_cannot_sit_on_two_open_agendas(meeting, committee, referral, secretary):
    second = services.meeting_create(
        committee=committee, number=2, date=datetime.date(2026, 7, 12), place="قاعة", actor=secretary
    )
    services.agenda_add(meeting=meeting, referrals=[referral], actor=secretary)
    with pytest.raises(Conflict) as error:
        services.agenda_add(meeting=second, referrals=[referral], actor=secretary)
    assert error.value.code == "already_on_agenda"
    assert AgendaItem.objects.filter(referral=referral).count() == 1


def test_the_database_refuses_a_second_open_agenda_item(meeting, committee, referral, secretary):
    second = services.meeting_create(
        committee=committee, number=2, date=datetime.date(2026, 7, 12), place="قاعة", actor=secretary
    )
    AgendaItem.objects.create(meeting=meeting, referral=referral, position=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        AgendaItem.objects.create(meeting=second, referral=referral, position=1)


def test_adding_to_the_agenda_is_all_or_nothing(meeting, committee, make_referral, secretary):
    free, busy = make_referral(), make_referral()
    other = services.meeting_create(
        committee=committee, number=2, date=datetime.date(2026, 7, 12), place="قاعة", actor=secretary
    )
    services.agenda_add(meeting=other, referrals=[busy], actor=secretary)
    with pytest.raises(Conflict):
        services.agenda_add(meeting=meeting, referrals=[free, busy], actor=secretary)
    assert not meeting.agenda.exists()
    free.refresh_from_db()
    assert free.status == ReferralStatus.PENDING


def test_a_decided_referral_cannot_go_on_another_agenda(
    on_agenda, quorate, decide, secretary, chair, committee
):
    decide(quorate, on_agenda, Outcome.APPROVED)
    services.meeting_close(meeting=quorate, actor=secretary)
    services.meeting_sign(meeting=quorate, actor=chair)
    later = services.meeting_create(
        committee=committee, number=2, date=datetime.date(2026, 7, 19), place="قاعة", actor=secretary
    )
    with pytest.raises(Conflict) as error:
        services.agenda_add(meeting=later, referrals=[on_agenda], actor=secretary)
    assert error.value.code == "already_decided"


def test_taking_a_referral_off_the_agenda_returns_it_to_the_pool(on_agenda, quorate, secretary):
    services.agenda_remove(meeting=quorate, referral=on_agenda, actor=secretary)
    on_agenda.refresh_from_db()
    assert on_agenda.status == ReferralStatus.PENDING
    assert not quorate.agenda.exists()


def test_closing_returns_undecided_items_to_the_pool_as_not_reached(
    quorate, make_referral, secretary, decide
):
    decided, skipped = make_referral(), make_referral()
    services.agenda_add(meeting=quorate, referrals=[decided, skipped], actor=secretary)
    decide(quorate, decided, Outcome.APPROVED)
    services.meeting_close(meeting=quorate, actor=secretary)
    skipped.refresh_from_db()
    item = AgendaItem.objects.get(referral=skipped)
    assert skipped.status == ReferralStatus.PENDING and skipped.deferral_count == 0
    assert item.not_reached and not item.is_open


def test_attendance_cannot_drop_below_quorum_once_decisions_exist(on_agenda, quorate, decide, secretary):
    decide(quorate, on_agenda, Outcome.APPROVED)
    with pytest.raises(Conflict):
        services.meeting_record_attendance(meeting=quorate, present_user_ids=[secretary.pk], actor=secretary)
    quorate.refresh_from_db()
    assert quorate.quorum_reached is True


def test_quorum_needs_the_chair_when_the_committee_says_so(meeting, secretary, member, members):
    result = services.meeting_record_attendance(
        meeting=meeting, present_user_ids=[member.pk, *[m.pk for m in members]], actor=secretary
    )
    assert result.quorum_reached is False


def test_quorum_is_a_majority_of_the_voting_members(meeting, secretary, chair, member):
    # four voting seats: chair + member is two, not a majority; the secretary does not count
    result = services.meeting_record_attendance(
        meeting=meeting, present_user_ids=[secretary.pk, chair.pk, member.pk], actor=secretary
    )
    assert result.quorum_reached is False


def test_attendance_takes_only_members_of_the_committee(meeting, secretary, agent):
    with pytest.raises(ValidationFailed) as error:
        services.meeting_record_attendance(meeting=meeting, present_user_ids=[agent.pk], actor=secretary)
    assert error.value.code == "not_a_member"
    assert not meeting.attendance.exists()


def test_a_referral_reference_comes_from_the_sequence(make_referral):
    first, second = make_referral(), make_referral()
    assert first.reference.startswith("CR-") and second.reference != first.reference
    assert int(second.reference[-6:]) == int(first.reference[-6:]) + 1


def test_only_the_secretary_enters_a_referral_by_hand(committee, citizen, member):
    with pytest.raises(PermissionDenied):
        services.referral_create(committee=committee, citizen=citizen, subject="x", summary="y", actor=member)
    assert not Referral.objects.exists()


def test_a_referral_needs_a_subject_and_a_summary(committee, citizen, secretary):
    with pytest.raises(ValidationFailed) as error:
        services.referral_create(
            committee=committee, citizen=citizen, subject=" ", summary="", actor=secretary
        )
    assert set(error.value.details) == {"subject", "summary"}
    assert not Referral.objects.exists()


def test_a_document_over_10_mb_is_refused(referral, secretary):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from apps.committee.models import ReferralDocument

    big = SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024), "application/pdf")
    with pytest.raises(ValidationFailed) as error:
        services.referral_document_add(referral=referral, uploaded_file=big, actor=secretary)
    assert error.value.code == "document_too_large"
    assert not ReferralDocument.objects.exists()


def test_only_the_secretary_adds_documents(referral, member):
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(PermissionDenied):
        services.referral_document_add(
            referral=referral, uploaded_file=SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF"), actor=member
        )
    assert not referral.documents.exists()


def test_a_second_active_chair_is_refused(committee, member):
    from apps.committee.models import MemberRole

    with pytest.raises(Conflict) as error:
        services.membership_add(committee=committee, user=member, role=MemberRole.CHAIR)
    assert error.value.code == "chair_taken"


def test_it_refuses_a_decision_for_a_meeting_still_to_come(on_agenda, quorate, decide):
    Meeting.objects.filter(pk=quorate.pk).update(date=timezone.localdate() + datetime.timedelta(days=3))
    quorate.refresh_from_db()
    with pytest.raises(Conflict) as error:
        decide(quorate, on_agenda, Outcome.APPROVED)
    assert error.value.code == "meeting_in_future"
    assert not Decision.objects.exists()
