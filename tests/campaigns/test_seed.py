"""The demo campaigns: two running campaigns worked over the month, loaded once."""

import datetime as dt
import io

import time_machine

from apps.campaigns import seed
from apps.campaigns.models import Attempt, Campaign
from apps.citizens.models import HousingFile
from tests.contacts.factories import PhoneFactory

from .conftest import BAHRAIN


def test_the_demo_has_two_running_campaigns_with_attempts_over_the_month_and_loads_once(agent, supervisor):
    for index in range(12):
        phone = PhoneFactory()
        HousingFile.objects.create(
            citizen=phone.citizen,
            application_number=f"HF-{index}",
            service="وحدة سكنية",
            application_date=dt.date(2015, 1, 1),
        )
    with time_machine.travel(dt.datetime(2026, 7, 30, 21, 0, tzinfo=BAHRAIN), tick=False):
        seed.seed(io.StringIO())
        assert set(Campaign.objects.values_list("kind", "status")) == {
            ("data_update", "running"),
            ("draw_invitation", "running"),
        }
        attempts = Attempt.objects.count()
        assert attempts > 50
        days = {a.date() for a in Attempt.objects.values_list("at", flat=True)}
        assert len(days) > 10  # spread over the month
        seed.seed(io.StringIO())
        assert Attempt.objects.count() == attempts and Campaign.objects.count() == 2
