"""Fixtures of the data-protection desk's tests: the officer personas and one citizen with a
row in every category the subject-access archive gives back, each internal record holding a
secret string the archive must never carry."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from apps.accounts.roles import Role
from apps.appointments import services as appointment_services
from apps.appointments.models import Appointment, Branch, Service
from apps.citizens import services as citizen_services
from apps.citizens.models import Citizen
from apps.committee import services as committee_services
from apps.committee.models import Decision, Meeting, Outcome
from apps.contacts import services as contact_services
from apps.contacts.models import Channel
from apps.contacts.models import Outcome as ContactOutcome
from apps.notifications.choices import Audience
from apps.notifications.models import Notification
from apps.tickets import services as ticket_services
from apps.tickets.models import Ticket
from tests.committee.factories import ReferralFactory
from tests.conftest import _make
from tests.contacts.factories import purpose
from tests.tickets.factories import CitizenFactory

SECRETS = {
    "internal_note": "SECRET-NOTE-سر-داخلي",
    "call_note": "SECRET-CALL-ملاحظة-المكالمة",
    "committee_summary": "SECRET-SUMMARY-ملخص-اللجنة",
    "served_note": "SECRET-DESK-ملاحظة-الفرع",
}


@pytest.fixture
def dpo(db):
    return _make("dpo", [Role.DATA_PROTECTION_OFFICER], full_name_ar="مسؤول حماية البيانات")


@pytest.fixture
def cleared_dpo(db):
    """An officer who may also read "Under Your Command" text (given the senior role too)."""
    return _make("cleared_dpo", [Role.DATA_PROTECTION_OFFICER, Role.SENIOR_MANAGEMENT])


@pytest.fixture
def rich_citizen(db, agent, secretary):
    """A citizen with one of everything, and an internal record beside each."""
    now = timezone.now()
    citizen = CitizenFactory(
        cpr="880101234",
        name_ar="فاطمة حسن",
        name_en="Fatima Hasan",
        phones=["+97336001122"],
        email="fatima@example.bh",
    )
    # The address straight on the row: the change history (part 1) is not what is tested here.
    Citizen.objects.filter(pk=citizen.pk).update(block="338", road="3803", area="المنامة")
    citizen.refresh_from_db()
    citizen_services.housing_file_upsert(
        citizen=citizen,
        application_number="2019-55501",
        service="وحدة سكنية",
        application_date=date(2019, 5, 1),
        status="under_review",
    )
    ticket = ticket_services.ticket_create(
        citizen=citizen,
        kind=Ticket.Kind.COMPLAINT,
        channel=Ticket.Channel.PHONE,
        subject="تأخر صيانة الوحدة",
        description="PUBLIC-DESCRIPTION-طلبت الصيانة منذ شهر.",
        actor=agent,
    )
    ticket_services.ticket_reply(ticket=ticket, body="PUBLIC-REPLY-تمت جدولة الصيانة.", actor=agent)
    ticket_services.ticket_note(ticket=ticket, body=SECRETS["internal_note"], actor=agent)
    Ticket.objects.filter(pk=ticket.pk).update(rating=4, rating_comment="PUBLIC-RATING-شكرا", rated_at=now)

    contact_services.contact_log(
        actor=agent,
        channel=Channel.INBOUND_CALL,
        purpose=purpose(),
        outcome=ContactOutcome.RESOLVED,
        citizen=citizen,
        notes=SECRETS["call_note"],
        answered_at=now - timedelta(minutes=5),
        ended_at=now - timedelta(minutes=1),
        offered_at=now - timedelta(minutes=6),
    )

    appointment_services.catalogue_ensure()
    branch, service = Branch.objects.get(code="hq"), Service.objects.get(code="new-application")
    Appointment.objects.create(
        reference="A-2026-0001",
        citizen=citizen,
        branch=branch,
        service=service,
        slot_start=now - timedelta(days=2),
        slot_end=now - timedelta(days=2) + timedelta(minutes=15),
        status="served",
        channel="phone",
        booked_at=now - timedelta(days=9),
        served_at=now - timedelta(days=2),
        served_note=SECRETS["served_note"],
    )

    Notification.objects.create(
        event="tickets.created",
        channel="sms",
        audience=Audience.CITIZEN,
        language="ar",
        recipient_ref=citizen.notification_ref,
        to_phone="+97336001122",
        body="PUBLIC-MESSAGE-تم استلام بلاغكم.",
        send_after=now,
        state="sent",
    )

    committee = committee_services.committee_upsert(
        code="housing", name_ar="لجنة الإسكان", name_en="Housing Committee"
    )
    referral = ReferralFactory(committee=committee, citizen=citizen, summary=SECRETS["committee_summary"])
    meeting = Meeting.objects.create(
        committee=committee, year=2026, number=1, date=date(2026, 3, 1), place="HQ", status="signed"
    )
    Decision.objects.create(
        meeting=meeting,
        referral=referral,
        outcome=Outcome.APPROVED,
        conditions="PUBLIC-CONDITIONS-تقديم عقد الإيجار",
        recorded_by=secretary,
        is_final=True,
        final_at=now,
    )
    return citizen
