"""Fixtures of the data-subject request tests: the officer persona, a citizen with a mobile,
a fixed "now" (Sunday 7 June 2026, 08:00 in Bahrain) and the subject-access archive builder.

The builder is the desk's (``apps.privacy.desk.archive.subject_access_archive_build``);
where that part is not merged yet a stand-in with the same contract takes its place, so
these tests run either way.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from apps.notifications.models import Notification
from apps.privacy.requests import services
from apps.sla import selectors as sla_selectors
from tests.tickets.factories import CitizenFactory

BH = ZoneInfo("Asia/Bahrain")
NOW = datetime(2026, 6, 7, 8, 0, tzinfo=BH)  # a Sunday
MOBILE = "+97336771234"

__all__ = ["archive_builder", "fresh_calendar", "frozen", "requests_citizen"]
# Use in a module: ``pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures(*USE)]``.
USE = ("archive_builder", "fresh_calendar")


@dataclass(frozen=True)
class StandInArchive:
    filename: str
    content: bytes
    categories: list = field(default_factory=list)
    withheld: list = field(default_factory=list)


def stand_in_build(*, citizen, actor, now=None, request_id=None):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "data.json", json.dumps({"cpr": citizen.cpr, "name_ar": citizen.name_ar}, ensure_ascii=False)
        )
    return StandInArchive(
        filename=f"subject-access-{citizen.cpr}.zip",
        content=buffer.getvalue(),
        categories=["file", "phones"],
        withheld=["internal notes"],
    )


def desk_builder_available() -> bool:
    try:
        from apps.privacy.desk.archive import subject_access_archive_build  # noqa: F401
    except ImportError:
        return False
    return True


@pytest.fixture
def archive_builder(monkeypatch):
    if not desk_builder_available():
        monkeypatch.setattr(services, "_archive_builder", lambda: stand_in_build)


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
