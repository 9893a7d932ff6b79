import datetime as dt
import itertools

import factory
from django.utils import timezone

from apps.citizens.models import Citizen, CitizenPhone
from apps.contacts.models import Channel, Contact, Outcome, Purpose

_cpr = itertools.count(850100001)
_phone = itertools.count(36100001)
_call = itertools.count(1)


class CitizenFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Citizen

    cpr = factory.LazyFunction(lambda: f"{next(_cpr):09d}")
    name_ar = factory.Sequence(lambda n: f"مواطن {n}")
    name_en = factory.Sequence(lambda n: f"Citizen {n}")


class PhoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CitizenPhone

    citizen = factory.SubFactory(CitizenFactory)
    number = factory.LazyFunction(lambda: f"+973{next(_phone)}")
    is_primary = True


def purpose(code="new_application") -> Purpose:
    return Purpose.objects.get(code=code)


class ContactFactory(factory.django.DjangoModelFactory):
    """An answered inbound call resolved on first contact, five minutes long."""

    class Meta:
        model = Contact

    channel = Channel.INBOUND_CALL
    call_id = factory.LazyFunction(lambda: f"T-{next(_call):06d}")
    offered_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(hours=1))
    answered_at = factory.LazyAttribute(lambda o: o.offered_at + dt.timedelta(seconds=30))
    ended_at = factory.LazyAttribute(
        lambda o: o.answered_at + dt.timedelta(minutes=5) if o.answered_at else None
    )
    purpose = factory.LazyFunction(purpose)
    outcome = Outcome.RESOLVED
    recorded_via = Contact.RecordedVia.API


def record(**overrides) -> dict:
    """A valid telephony record (the JSON/CSV shape) for an answered, resolved call."""
    base = {
        "call_id": f"PBX-{next(_call):07d}",
        "channel": "inbound_call",
        "offered_at": "2026-07-05 09:00:00",
        "answered_at": "2026-07-05 09:00:40",
        "ended_at": "2026-07-05 09:04:10",
        "caller_number": "36001234",
        "purpose": "new_application",
        "outcome": "resolved_first_contact",
    }
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}
