"""A fixture month (July 2026, with June before it) whose every figure is known by hand.

Rows are written with the models' own managers where the product's services would need a
whole workflow (a signed meeting, a clock's verdict); the counts in ``EXPECTED`` are worked
out below from these rows alone, never from the code under test.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.utils import timezone

from apps.appointments import services as appointment_services
from apps.appointments.models import Appointment, Branch, Service
from apps.chat.models import Chat, VideoCall
from apps.committee import services as committee_services
from apps.committee.models import Decision, Meeting, MeetingStatus, Outcome
from apps.contacts.models import Channel, Contact, Purpose
from apps.escalations.models import Escalation
from apps.sla.models import Clock
from apps.tickets.models import Ticket
from tests.committee.factories import ReferralFactory
from tests.contacts.factories import CitizenFactory as ContactCitizenFactory
from tests.tickets.factories import TicketFactory

BAHRAIN = dt.timezone(dt.timedelta(hours=3))
_serial = itertools.count(1)


def at(month: int, day: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=BAHRAIN)


def _contact(
    channel, offered, *, purpose=None, outcome="resolved_first_contact", answered=True, department=None
):
    Contact.objects.create(
        channel=channel,
        offered_at=offered,
        answered_at=offered + dt.timedelta(seconds=20) if answered else None,
        purpose=Purpose.objects.get(code=purpose) if purpose else None,
        outcome=outcome if answered else "abandoned",
        department=department,
        call_id=f"FX-{next(_serial)}",
    )


def _ticket(kind, channel, received, *, answered=False):
    ticket = TicketFactory(kind=kind, channel=channel)
    Ticket.objects.filter(pk=ticket.pk).update(
        received_at=received, first_response_at=received + dt.timedelta(days=1) if answered else None
    )
    return ticket


def _clock(ticket, *, met=None, breached=None, state=None):
    Clock.objects.create(
        ticket=ticket,
        target="first_response",
        cycle=next(_serial) + 10,  # beside the clocks ticket_create started
        value=2,
        unit="working_days",
        started_at=at(5, 1),
        met_at=met,
        breached_at=breached,
        state=state or ("breached" if breached else "met" if met else "running"),
    )


def _chat(requested, *, answered_after=None, rating=None, mobile="36000001", status="closed"):
    Chat.objects.create(
        key=f"key-{next(_serial)}",
        status=status if answered_after is not None else "abandoned",
        name="زائر",
        mobile=mobile,
        requested_at=requested,
        answered_at=requested + dt.timedelta(minutes=answered_after) if answered_after is not None else None,
        rating=rating,
    )


@pytest.fixture
def fixture_month(db, department, secretary):
    return build_fixture_month(department=department, secretary=secretary)


def build_fixture_month(*, department, secretary):
    # --- contacts, July (Bahrain time) ----------------------------------------------------
    ib = Channel.INBOUND_CALL
    # 23:30 UTC on 30 June is 00:30 on 1 July in Bahrain: a July call.
    _contact(ib, dt.datetime(2026, 6, 30, 21, 30, tzinfo=dt.UTC), purpose="new_application")
    for day in (2, 3, 4):
        _contact(ib, at(7, day), purpose="new_application")
    _contact(ib, at(7, 5), purpose="request_delay", outcome="referred", department=department)
    _contact(ib, at(7, 5), purpose="request_delay", outcome="callback_scheduled")
    _contact(ib, at(7, 6), purpose="complaint")
    _contact(ib, at(7, 6), purpose="data_update", outcome="appointment_booked")
    _contact(ib, at(7, 7), purpose="data_update", outcome="appointment_booked")
    _contact(ib, at(7, 7), purpose="eligibility", outcome="")
    for day in (8, 9, 9):
        _contact(ib, at(7, day), answered=False)
    # 00:30 on 1 August in Bahrain: not July.
    _contact(ib, dt.datetime(2026, 7, 31, 21, 30, tzinfo=dt.UTC), purpose="new_application")
    _contact(Channel.OUTBOUND_CALL, at(7, 10), purpose="data_update")
    _contact(Channel.OUTBOUND_CALL, at(7, 11), purpose="data_update")
    _contact(Channel.OUTBOUND_CALL, at(7, 11), purpose="other")
    _contact(Channel.CHAT, at(7, 12), purpose="other")
    _contact(Channel.VIDEO, at(7, 12), purpose="other")
    _contact(Channel.WALK_IN, at(7, 13), purpose="other")  # not a statement channel
    # --- contacts, June -----------------------------------------------------------------
    _contact(ib, at(6, 2), purpose="new_application")
    _contact(ib, at(6, 3), purpose="new_application")
    _contact(ib, at(6, 4), purpose="request_delay", outcome="referred", department=department)
    _contact(ib, at(6, 4), purpose="request_delay", outcome="referred", department=department)
    _contact(ib, at(6, 5), answered=False)

    # --- chat and video ---------------------------------------------------------------
    _chat(at(7, 3), answered_after=10, rating=5, mobile="36000001")
    _chat(at(7, 4), answered_after=20, rating=3, mobile="36000002")
    _chat(at(7, 5), mobile="36000003")
    _chat(at(7, 5), answered_after=1, mobile="36000004", status="message")  # out of hours: not a chat
    _chat(at(6, 3), answered_after=6, rating=4, mobile="36000001")
    _chat(at(6, 4), mobile="36000005")
    for month, day in ((7, 8), (6, 8), (6, 9), (6, 10)):
        VideoCall.objects.create(
            name="زائر",
            mobile="36000009",
            requested_at=at(month, day - 1),
            status="held",
            started_at=at(month, day),
        )
    VideoCall.objects.create(name="زائر", mobile="36000009", requested_at=at(7, 1), status="cancelled")

    # --- tickets --------------------------------------------------------------------------
    K, C = Ticket.Kind, Ticket.Channel
    t1 = _ticket(K.COMPLAINT, C.TAWASUL, at(7, 2), answered=True)
    t2 = _ticket(K.COMPLAINT, C.TAWASUL, at(7, 3))
    t3 = _ticket(K.INQUIRY, C.TAWASUL, at(7, 4))
    _ticket(K.COMPLAINT, C.PHONE, at(7, 5))
    _ticket(K.SUGGESTION, C.WEB, at(7, 6))
    t6 = _ticket(K.COMPLAINT, C.TAWASUL, at(6, 10), answered=True)
    _ticket(K.SUGGESTION, C.TAWASUL, at(3, 10))
    _ticket(K.INQUIRY, C.TAWASUL, dt.datetime(2025, 12, 20, tzinfo=BAHRAIN))  # last year: not in the YTD
    # The clocks ticket_create started run now; keep only these verdicts.
    Clock.objects.all().delete()
    _clock(t1, met=at(7, 5))
    _clock(t2, met=at(7, 6))
    _clock(t3, breached=at(7, 10), met=at(7, 12))
    _clock(t6, met=at(6, 12))
    _clock(t6, met=at(8, 2))  # August: not July
    uyc_tickets = [_ticket(K.COMPLAINT, C.PHONE, at(5, 1)) for _ in range(3)]
    _clock(uyc_tickets[0])  # still running: no verdict

    # --- Under Your Command ---------------------------------------------------------------
    def case(ticket, received, informed=None):
        Escalation.objects.create(
            ticket=ticket,
            citizen=ticket.citizen,
            source="staff",
            reason="يحتاج قراراً من الإدارة العليا",
            received_at=received,
            due_at=received + dt.timedelta(days=30),
            decided_at=informed,
            decision_public="قرار" if informed else "",
            informed_at=informed,
            status="closed" if informed else "received",
        )

    case(uyc_tickets[0], at(7, 3), informed=at(7, 20))
    case(uyc_tickets[1], at(7, 25))
    case(uyc_tickets[2], at(6, 1))

    # --- committee ------------------------------------------------------------------------
    committee = committee_services.committee_upsert(code="housing", name_ar="لجنة الإسكان", name_en="Housing")
    july = [ReferralFactory(committee=committee, referred_at=at(7, d)) for d in (1, 2, 20)]
    ReferralFactory(committee=committee, referred_at=at(6, 15))
    meeting = Meeting.objects.create(
        committee=committee,
        year=2026,
        number=7,
        date=dt.date(2026, 7, 15),
        place="HQ",
        status=MeetingStatus.SIGNED,
    )
    Meeting.objects.create(committee=committee, year=2026, number=8, date=dt.date(2026, 7, 29), place="HQ")
    Decision.objects.create(
        meeting=meeting, referral=july[0], outcome=Outcome.APPROVED, recorded_by=secretary, is_final=True
    )
    Decision.objects.create(
        meeting=meeting,
        referral=july[1],
        outcome=Outcome.DEFERRED,
        needs="تقرير اجتماعي",
        recorded_by=secretary,
        is_final=True,
    )

    # --- appointments -------------------------------------------------------------------
    appointment_services.catalogue_ensure()
    branches = {b.code: b for b in Branch.objects.all()}
    services_ = {v.code: v for v in Service.objects.all()}

    def appointment(branch, service, booked, slot, status="booked", channel="phone"):
        Appointment.objects.create(
            reference=f"FX{next(_serial):06d}",
            citizen=ContactCitizenFactory(),
            branch=branches[branch],
            service=services_[service],
            slot_start=slot,
            slot_end=slot + dt.timedelta(minutes=20),
            status=status,
            channel=channel,
            booked_at=booked,
        )

    appointment("hq", "new-application", at(7, 2), at(7, 10, 9), status="served")
    appointment("hq", "new-application", at(7, 3), at(7, 10, 10), status="no_show")
    appointment("hq", "new-application", at(7, 4), at(7, 10, 11), status="cancelled")
    appointment("bank-moayyed", "mazaya", at(7, 5), at(8, 3, 9))
    appointment("hq", "mazaya", at(6, 28), at(7, 2, 9), status="served")
    appointment("hq", "new-application", at(7, 10, 12), at(7, 10, 12), status="served", channel="walk_in")
    return timezone.now()


# The fixture month's figures, worked out by hand from the rows above:
# value, previous (June), change, ytd.
EXPECTED = {
    # 13 inbound + 3 outbound + 1 chat + 1 video in July; 5 inbound in June → (18−5)/5.
    "contacts.total": (18, 5, 260.0, None),
    "calls.inbound": (13, 5, 160.0, None),  # 10 answered + 3 abandoned; June 4 + 1
    "calls.inbound_answered": (10, 4, 150.0, None),
    "calls.inbound_abandoned": (3, 1, 200.0, None),
    "calls.outbound": (3, 0, None, None),
    "calls.outbound.data_update": (2, 0, None, None),
    "calls.outbound.electronic_draw": (0, 0, None, None),
    "calls.outbound.certificates_contracts": (0, 0, None, None),
    "calls.outbound.other": (1, 0, None, None),
    # answered July: 4 new application, 2 delay, 1 complaint, 3 other (2 data update, 1 eligibility)
    "calls.purpose_share.new_service": (40.0, 50.0, -10.0, None),
    "calls.purpose_share.request_delay": (20.0, 50.0, -30.0, None),
    "calls.purpose_share.complaint": (10.0, 0.0, 10.0, None),
    "calls.purpose_share.other": (30.0, 0.0, 30.0, None),
    "calls.complaints": (1, 0, None, None),
    "calls.topic.new_application": (4, 2, 100.0, None),
    "calls.topic.request_delay": (2, 2, 0.0, None),
    "calls.topic.data_update": (2, 0, None, None),
    "calls.topic.complaint": (1, 0, None, None),
    "calls.topic.eligibility": (1, 0, None, None),
    # settled: 4 resolved (new application) + 1 resolved (complaint) + 2 appointments = 7
    "calls.settled": (7, 2, 250.0, None),
    "calls.success_rate": (70.0, 50.0, 20.0, None),
    "calls.referred": (1, 2, -50.0, None),
    "calls.followup_rate": (10.0, 50.0, -40.0, None),
    # remainder: 1 callback + 1 not wrapped up
    "calls.remainder": (2, 0, None, None),
    "calls.remainder_rate": (20.0, 0.0, 20.0, None),
    "chat.citizens": (2, 1, 100.0, None),
    "chat.sessions": (3, 2, 50.0, None),
    "chat.answered": (2, 1, 100.0, None),
    "chat.avg_first_response_min": (15.0, 6.0, 150.0, None),
    "chat.usage_change_pct": (50.0, None, None, None),
    "chat.csat_pct": (50.0, 100.0, -50.0, None),
    "chat.rated": (2, 1, 100.0, None),
    "video.calls": (1, 3, -2, None),
    "uyc.received": (2, 1, 100.0, None),
    "uyc.decided": (1, 0, None, None),
    # the June 1 case is untold and older than 30 days on 31 July; on 30 June it was 29 days old
    "uyc.over_30_days": (1, 0, None, None),
    "committee.referred": (3, 1, 200.0, None),
    "committee.meetings": (1, 0, None, None),  # the 29 July meeting is only planned
    "committee.approved": (1, 0, None, None),
    "committee.rejected": (0, 0, None, None),
    "committee.deferred": (1, 0, None, None),
    "committee.pending": (1, 1, 0.0, None),  # the 20 July referral; in June the 15 June one
    "tawasul.received": (3, 1, 200.0, 5),  # YTD: March 1, June 1, July 3
    "tawasul.received.complaint": (2, 1, 100.0, 3),
    "tawasul.received.inquiry": (1, 0, None, 1),
    "tawasul.received.suggestion": (0, 0, None, 1),
    "tawasul.ytd": (5, 2, 150.0, None),
    "tawasul.complaints_answered_pct": (50.0, 100.0, -50.0, None),
    # booked in July (by booked_at, walk-ins aside): 3 new applications at HQ (one later
    # cancelled: it was booked), 1 Mazaya at Al Moayyed (dated August); June: 1 Mazaya at HQ
    "appointments.booked.hq.new-application": (3, 0, None, None),
    "appointments.booked.bank-moayyed.mazaya": (1, 0, None, None),
    "appointments.booked.bank-danat.new-application": (0, 0, None, None),
    "appointments.booked.hq.data-update": (0, 0, None, None),
    "appointments.booked.hq.handover": (0, 0, None, None),
    "appointments.booked.hq.inspection": (0, 0, None, None),
    "appointments.booked.hq.mazaya": (0, 1, -100.0, None),
    # dated in July: served 10 July (booked July) and 2 July (booked June); 1 no-show; 1 cancelled
    "appointments.attended": (2, 0, None, None),
    "appointments.no_show": (1, 0, None, None),
    "appointments.cancelled": (1, 0, None, None),
    "tickets.received.complaint": (3, 1, 200.0, None),
    "tickets.received.complaint.tawasul": (2, 1, 100.0, None),
    "tickets.received.complaint.phone": (1, 0, None, None),
    "tickets.received.inquiry": (1, 0, None, None),
    "tickets.received.inquiry.tawasul": (1, 0, None, None),
    "tickets.received.suggestion": (1, 0, None, None),
    "tickets.received.suggestion.web": (1, 0, None, None),
    "tickets.received.maintenance": (0, 0, None, None),
    # response clocks ending in July: 2 met, 1 breached → 66.67; June 1 met of 1
    "tickets.responded_in_sla_pct": (66.67, 100.0, -33.33, None),
}
