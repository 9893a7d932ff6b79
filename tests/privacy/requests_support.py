"""Fixtures of the data-subject request tests: the officer persona, a citizen with a mobile,
a fixed "now" (Sunday 7 June 2026, 08:00 in Bahrain) and a calendar read afresh.
"""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from apps.notifications.models import Notification
from apps.sla import selectors as sla_selectors
from tests.tickets.factories import CitizenFactory

BH = ZoneInfo("Asia/Bahrain")
NOW = datetime(2026, 6, 7, 8, 0, tzinfo=BH)  # a Sunday
MOBILE = "+97336771234"

__all__ = ["fresh_calendar", "frozen", "requests_citizen"]
# Use in a module: ``pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures(*USE)]``.
USE = ("fresh_calendar",)


@pytest.fixture
def fresh_calendar():
    sla_selectors.forget_local_calendar()
    yield
    sla_selectors.forget_local_calendar()


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def requests_citizen(db):
    """A citizen with a mobile, an e-mail and an address (a module names it ``citizen``)."""
    return CitizenFactory(
        cpr="850201234",
        name_ar="مريم حسن علي",
        name_en="Maryam Hasan Ali",
        email="maryam@example.bh",
        phones=[MOBILE],
        address={"area": "المنامة", "block": "317"},
    )


def code_sent(mobile: str = MOBILE, event: str = "privacy.one_time_code") -> str:
    row = Notification.objects.filter(event=event, to_phone=mobile).latest("id")
    return re.search(r"\b(\d{6})\b", row.body).group(1)
