"""Appointments fixtures: the ministry's catalogue, citizens with a mobile, and a fixed
"now" — Sunday 7 June 2026, 08:00 in Bahrain — with the calendar cache dropped around each
test (holidays are added per test)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from apps.appointments import services
from apps.appointments.models import Branch, Service
from apps.sla import selectors as sla_selectors
from tests.contacts.factories import CitizenFactory, PhoneFactory

BH = ZoneInfo("Asia/Bahrain")
NOW = datetime(2026, 6, 7, 8, 0, tzinfo=BH)  # a Sunday


def at(day: int, hour: int, minute: int = 0, month: int = 6) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=BH)


@pytest.fixture(autouse=True)
def _fresh_calendar():
    sla_selectors.forget_local_calendar()
    yield
    sla_selectors.forget_local_calendar()


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def catalogue(db):
    services.catalogue_ensure()
    return {
        "hq": Branch.objects.get(code="hq"),
        "moayyed": Branch.objects.get(code="bank-moayyed"),
        "danat": Branch.objects.get(code="bank-danat"),
        "new": Service.objects.get(code="new-application"),
        "mazaya": Service.objects.get(code="mazaya"),
        "inspection": Service.objects.get(code="inspection"),
    }


def make_citizen(**kwargs):
    phone = PhoneFactory(**({"citizen": CitizenFactory(**kwargs)} if kwargs else {}))
    return phone.citizen


@pytest.fixture
def citizen(db):
    return make_citizen()
