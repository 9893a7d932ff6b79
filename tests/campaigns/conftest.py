"""Campaign fixtures: a data-update campaign with a script and an SMS, targets added through
the import pipeline, and instants inside and outside the calling hours."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from apps.campaigns import imports, services
from apps.campaigns.models import Kind
from apps.sla.selectors import get_calendar

BAHRAIN = ZoneInfo("Asia/Bahrain")
# Sunday 5 July 2026, 10:00 in Bahrain: a calling day, inside the calling hours.
SUNDAY_10 = dt.datetime(2026, 7, 5, 10, 0, tzinfo=BAHRAIN)


def at(day: int, hour: int, minute: int = 0, month: int = 7) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=BAHRAIN)


def records(n: int, *, start: int = 0, **fields) -> list[tuple[int, dict]]:
    """``n`` valid import records: CPRs 900000000+i, mobiles 3300 0000+i."""
    return [
        (i + 2, {"cpr": f"{900000000 + i}", "name": f"مواطن {i}", "phone": f"3{3000000 + i}", **fields})
        for i in range(start, start + n)
    ]


@pytest.fixture
def calendar(db):
    return get_calendar()


@pytest.fixture
def make_campaign(supervisor):
    def _make(*, kind=Kind.DATA_UPDATE, targets=0, start=True, **overrides):
        values = {
            "name_ar": "تحديث البيانات ٢٠٢٦",
            "name_en": "Data update 2026",
            "kind": kind,
            "starts_on": dt.date(2026, 7, 1),
            "ends_on": dt.date(2026, 8, 31),
            "script_ar": "السلام عليكم {name}، معك {agent} من وزارة الإسكان بخصوص {project}.",
            "script_en": "Hello {name}, this is {agent} from the Ministry of Housing about {project}.",
            "fallback_sms_ar": "حاولنا الاتصال بكم بخصوص {campaign}، يرجى الاتصال على 80008001.",
            "fallback_sms_en": "We tried to call you about {campaign}; please call 80008001.",
            "max_attempts": 3,
            "min_gap_minutes": 120,
        }
        values.update(overrides)
        campaign = services.campaign_create(actor=supervisor, **values)
        if targets:
            imports.targets_add(campaign=campaign, records=records(targets), actor=supervisor, now=SUNDAY_10)
        if start and targets:
            campaign = services.campaign_transition(campaign=campaign, to_status="running", actor=supervisor)
        return campaign

    return _make
