"""Retention fixtures and builders: records old enough for every policy, and the policies
switched on. A module of its own (not a conftest), as each privacy part keeps its own;
a test module binds the fixtures it uses (``dpo, policies = retention_fixtures.dpo, ...``)."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from apps.accounts.roles import Role
from apps.appointments import services as appointment_services
from apps.appointments.models import Appointment, Branch, Service
from apps.chat.models import Chat, ChatMessage, VideoCall
from apps.citizens.models import CitizenAccess
from apps.contacts.models import Contact, FollowUp
from apps.notifications.models import Notification
from apps.privacy.retention.kinds import DEFAULT_MINIMUMS
from apps.privacy.retention.models import RetentionPolicy
from apps.tickets import services as ticket_services
from apps.tickets.models import Ticket
from tests.conftest import _make
from tests.contacts.factories import ContactFactory
from tests.tickets.factories import CitizenFactory, TicketFactory, set_status, upload

BAHRAIN = dt.timezone(dt.timedelta(hours=3))
# Years after every record the tests write (in 2026): every period is over.
LATER = dt.datetime(2040, 6, 15, 12, 0, tzinfo=BAHRAIN)
OLD = dt.datetime(2026, 3, 10, 10, 0, tzinfo=BAHRAIN)
_serial = itertools.count(1)


@pytest.fixture
def dpo(db):
    return _make("dpo", [Role.DATA_PROTECTION_OFFICER])


@pytest.fixture
def policies(db):
    """Every policy on, at its legal minimum."""
    for policy in RetentionPolicy.objects.all():
        policy.months = DEFAULT_MINIMUMS[policy.kind]
        policy.is_active = True
        policy.save()
    return RetentionPolicy.objects.all()


def closed_ticket(*, citizen=None, when=OLD, status=Ticket.Status.CLOSED, **extra) -> Ticket:
    ticket = TicketFactory(citizen=citizen or CitizenFactory(), **extra)
    Ticket.objects.filter(pk=ticket.pk).update(contact_phone="+97336000001", address="Road 1, Block 2")
    return set_status(ticket, status, closed_at=when, received_at=when - dt.timedelta(days=3))


def contact(*, citizen=None, when=OLD, notes="اتصل بخصوص طلبه", caller="36001234", **extra) -> Contact:
    return ContactFactory(citizen=citizen, offered_at=when, notes=notes, caller_number=caller, **extra)


def chat(*, citizen=None, when=OLD, mobile="36000001", status="closed", body="اسمي أحمد") -> Chat:
    c = Chat.objects.create(
        key=f"key-{next(_serial)}",
        status=status,
        name="أحمد",
        mobile=mobile,
        cpr="870101010",
        email="a@example.com",
        citizen=citizen,
        requested_at=when,
        answered_at=when + dt.timedelta(minutes=2),
        rating=5,
        rating_comment="شكراً أحمد",
    )
    ChatMessage.objects.create(chat=c, sender="citizen", body=body, created_at=when)
    return c


def video_call(*, citizen=None, when=OLD, status="held") -> VideoCall:
    return VideoCall.objects.create(
        name="أحمد", mobile="36000009", citizen=citizen, requested_at=when, status=status, started_at=when
    )


def appointment(*, citizen=None, when=OLD, status="served") -> Appointment:
    appointment_services.catalogue_ensure()
    return Appointment.objects.create(
        reference=f"RT{next(_serial):06d}",
        citizen=citizen or CitizenFactory(),
        branch=Branch.objects.get(code="hq"),
        service=Service.objects.get(code="new-application"),
        slot_start=when,
        slot_end=when + dt.timedelta(minutes=20),
        status=status,
        channel="phone",
        booked_at=when - dt.timedelta(days=5),
        mobile="+97336000001",
        served_note="أحضر صك الملكية",
    )


def notification(*, when=OLD, ref="", state="sent") -> Notification:
    n = Notification.objects.create(
        event="ticket.received",
        channel="sms",
        state=state,
        audience="citizen",
        language="ar",
        recipient_ref=ref,
        to_phone="+97336000001",
        body="عزيزي أحمد، تم استلام طلبك",
        send_after=when,
    )
    Notification.objects.filter(pk=n.pk).update(created_at=when)
    return n


def access(*, citizen, user, when=OLD) -> CitizenAccess:
    row = CitizenAccess.objects.create(citizen=citizen, user=user, purpose="view")
    CitizenAccess.objects.filter(pk=row.pk).update(at=when)
    return row


def attachment(ticket, actor):
    return ticket_services.ticket_attach(ticket=ticket, upload=upload("letter.pdf"), actor=actor)


def follow_up(contact_row, department, *, status="closed"):
    return FollowUp.objects.create(
        contact=contact_row,
        citizen=contact_row.citizen,
        department=department,
        status=status,
        due_at=contact_row.offered_at + dt.timedelta(days=7),
        answer="تم التواصل مع أحمد" if status == "closed" else "",
        answered_at=contact_row.offered_at + dt.timedelta(days=2) if status == "closed" else None,
    )
