"""Query budgets of the desk's lists: fixed, whatever the number of rows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.privacy.desk.models import SubjectAccessLog, UnusualReadingAlert
from tests.privacy import desk_fixtures
from tests.query_budget import exactly
from tests.tickets.factories import CitizenFactory

dpo = desk_fixtures.dpo

pytestmark = pytest.mark.django_db

# The session and the viewer, then the rows with their people in one query (the shell's
# delegations come from the process's copy of the open ones).
ALERTS_BUDGET = 3
ARCHIVES_BUDGET = 3


def _alerts(users, day):
    now = timezone.now()
    for user in users:
        UnusualReadingAlert.objects.create(
            user=user, day=day, reads_outside_cases=25, threshold=20, created_at=now, updated_at=now
        )


def test_the_alerts_page_costs_the_same_for_one_alert_or_many(client, dpo, agent, supervisor, officer):
    client.force_login(dpo)
    today = timezone.localdate()
    _alerts([agent], today)
    exactly(ALERTS_BUDGET, lambda: client.get(reverse("privacy_desk:alerts")))
    _alerts([supervisor, officer], today)
    _alerts([agent], today - timedelta(days=1))
    response = exactly(ALERTS_BUDGET, lambda: client.get(reverse("privacy_desk:alerts")))
    assert len(response.context["rows"]) == 4


def test_the_subject_access_page_costs_the_same_for_one_archive_or_many(client, dpo):
    client.force_login(dpo)
    now = timezone.now()

    def log(n):
        for _i in range(n):
            SubjectAccessLog.objects.create(
                citizen=CitizenFactory(), actor=dpo, at=now, filename="a.zip", size=1, sha256="0" * 64
            )

    log(1)
    exactly(ARCHIVES_BUDGET, lambda: client.get(reverse("privacy_desk:subject_access")))
    log(5)
    response = exactly(ARCHIVES_BUDGET, lambda: client.get(reverse("privacy_desk:subject_access")))
    assert len(response.context["produced"]) == 6
