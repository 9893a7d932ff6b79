"""Cases from tickets: referral through the tickets workflow, the decision on the ticket's
timeline and status, the review number in letters and appeals."""

import pytest

from apps.committee import services
from apps.committee.models import Outcome, Referral, SourceKind
from apps.core.errors import PermissionDenied, ValidationFailed
from apps.core.text import LRI, PDI
from apps.notifications.models import Notification
from apps.tickets import services as ticket_services
from apps.tickets.models import TicketEvent
from apps.tickets.workflow import Status
from tests.tickets.factories import TicketFactory


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.HOUSING_ATTACHMENTS_ROOT = tmp_path / "attachments"


@pytest.fixture
def ticket(agent, citizen):
    ticket = TicketFactory(citizen=citizen, actor=agent)
    return ticket_services.ticket_transition(ticket=ticket, to_status=Status.ACKNOWLEDGED, actor=agent)


@pytest.fixture
def referred(committee, ticket, agent):
    return services.referral_from_ticket(committee=committee, ticket=ticket, summary="حالة خاصة", actor=agent)


@pytest.fixture
def sign(quorate, secretary, chair, decide):
    def _sign(referral, outcome):
        services.agenda_add(meeting=quorate, referrals=[referral], actor=secretary)
        decide(quorate, referral, outcome)
        services.meeting_close(meeting=quorate, actor=secretary)
        services.meeting_sign(meeting=quorate, actor=chair)

    return _sign


def test_referring_a_ticket_moves_it_to_the_committee_and_fills_the_pool(referred, ticket):
    ticket.refresh_from_db()
    assert ticket.status == Status.REFERRED_TO_COMMITTEE
    assert referred.ticket == ticket and referred.source_kind == SourceKind.TICKET
    assert referred.review_number == ticket.review_number and referred.citizen == ticket.citizen


def test_someone_who_cannot_work_the_ticket_cannot_refer_it(committee, ticket, secretary):
    with pytest.raises(PermissionDenied):
        services.referral_from_ticket(committee=committee, ticket=ticket, summary="x", actor=secretary)
    ticket.refresh_from_db()
    assert ticket.status == Status.ACKNOWLEDGED and not Referral.objects.exists()


def test_an_approval_is_replied_on_the_ticket_which_is_then_responded(referred, ticket, sign):
    sign(referred, Outcome.APPROVED)
    ticket.refresh_from_db()
    assert ticket.status == Status.RESPONDED
    reply = ticket.events.filter(kind=TicketEvent.Kind.PUBLIC_REPLY).get()
    assert "الموافقة بالشروط التالية: تقديم عقد الإيجار" in reply.body


def test_a_deferral_is_an_internal_note_and_the_ticket_stays_with_the_committee(referred, ticket, sign):
    sign(referred, Outcome.DEFERRED)
    ticket.refresh_from_db()
    assert ticket.status == Status.REFERRED_TO_COMMITTEE
    note = ticket.events.filter(kind=TicketEvent.Kind.INTERNAL_NOTE).get()
    assert "المطلوب: تقرير البحث الاجتماعي" in note.body
    assert not ticket.events.filter(kind=TicketEvent.Kind.PUBLIC_REPLY).exists()


def test_an_amendment_is_replied_on_the_ticket_as_a_correction(referred, ticket, sign, secretary, reason):
    sign(referred, Outcome.APPROVED)
    from apps.committee.models import Decision

    services.decision_amend(
        decision=Decision.objects.get(referral=referred),
        outcome=Outcome.REJECTED,
        rejection_reason=reason,
        reason="تصحيح",
        actor=secretary,
    )
    replies = list(ticket.events.filter(kind=TicketEvent.Kind.PUBLIC_REPLY).order_by("at", "pk"))
    assert len(replies) == 2 and "القرار المصحح" in replies[1].body


def test_the_letter_gives_the_tickets_review_number(referred, ticket, sign):
    sign(referred, Outcome.REJECTED)
    letter = Notification.objects.get(event="committee.decision_rejected", channel="email")
    assert f"{LRI}{ticket.review_number}{PDI}" in letter.body


def test_an_appeal_finds_the_case_by_the_tickets_review_number_in_any_spelling(
    referred, ticket, sign, citizen
):
    sign(referred, Outcome.REJECTED)
    typed = ticket.review_number.replace("-", " ").translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    appeal = services.appeal_submit(reference=typed, cpr=citizen.cpr, grounds="دخلي تغير")
    assert appeal.appeal_of == referred


def test_a_review_number_with_a_wrong_check_digit_gets_the_same_answer(referred, ticket, sign, citizen):
    sign(referred, Outcome.REJECTED)
    year, sequence, check = ticket.review_number.split("-")
    wrong = f"{year}-{sequence}-{(int(check) + 1) % 10}"
    with pytest.raises(ValidationFailed) as error:
        services.appeal_submit(reference=wrong, cpr=citizen.cpr, grounds="x")
    assert error.value.code == "appeal_not_verified"


def test_an_anonymous_ticket_cannot_go_to_the_committee(committee, agent):
    suggestion = ticket_services.ticket_create(
        kind="suggestion", channel="phone", subject="مقترح", description="نص", anonymous=True, actor=agent
    )
    with pytest.raises(ValidationFailed):
        services.referral_create(
            committee=committee, citizen=None, ticket=suggestion, subject="s", summary="m", actor=agent
        )
    assert not Referral.objects.exists()


def test_a_ticket_waits_for_the_committee_once(referred, committee, ticket, agent):
    from apps.core.errors import Conflict

    with pytest.raises(Conflict):
        services.referral_from_ticket(committee=committee, ticket=ticket, summary="x", actor=agent)
    assert Referral.objects.count() == 1
