"""Alerts about unusual reading: files opened outside one's cases, over the day's threshold."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from apps.citizens.models import CitizenAccess
from apps.notifications.models import Notification
from apps.privacy.desk import alerts
from apps.privacy.desk.models import UnusualReadingAlert
from tests.privacy import desk_fixtures
from tests.tickets.factories import CitizenFactory, TicketFactory

dpo = desk_fixtures.dpo

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _threshold(settings):
    settings.HOUSING_PRIVACY_UNUSUAL_READS_PER_DAY = 3


def _reads(user, citizens, *, at=None):
    at = at or timezone.now()
    for citizen in citizens:
        row = CitizenAccess.objects.create(citizen=citizen, user=user, purpose="citizen page")
        CitizenAccess.objects.filter(pk=row.pk).update(at=at)


def _citizens(n, start=0):
    return [CitizenFactory(cpr=f"88040{start + i:04d}") for i in range(n)]


def test_reading_more_files_than_the_threshold_outside_ones_cases_raises_one_alert(agent, dpo):
    _reads(agent, _citizens(4))
    result = alerts.unusual_reading_sweep()
    alert = UnusualReadingAlert.objects.get()
    assert (alert.user, alert.day, alert.reads_outside_cases, alert.threshold) == (
        agent,
        timezone.localdate(),
        4,
        3,
    )
    assert (result.alerts, result.raised) == (1, 1)


def test_files_of_ones_own_cases_do_not_count(agent, dpo):
    citizens = _citizens(4)
    TicketFactory(citizen=citizens[0], actor=agent)  # created by the agent: one of their cases
    _reads(agent, citizens)
    alerts.unusual_reading_sweep()
    assert not UnusualReadingAlert.objects.exists()


def test_reopening_the_same_file_counts_once(agent, dpo):
    citizens = _citizens(2)
    _reads(agent, citizens * 3)
    alerts.unusual_reading_sweep()
    assert not UnusualReadingAlert.objects.exists()


def test_the_sweep_is_idempotent_and_a_growing_day_updates_its_alert(agent, dpo):
    _reads(agent, _citizens(4))
    alerts.unusual_reading_sweep()
    second = alerts.unusual_reading_sweep()
    assert UnusualReadingAlert.objects.count() == 1 and second.raised == 0
    _reads(agent, _citizens(2, start=10))
    alerts.unusual_reading_sweep()
    assert UnusualReadingAlert.objects.get().reads_outside_cases == 6


def test_the_officers_are_told_once_in_the_bell(agent, dpo):
    _reads(agent, _citizens(4))
    alerts.unusual_reading_sweep()
    alerts.unusual_reading_sweep()
    told = Notification.objects.filter(event=alerts.EVENT)
    assert told.count() == 1
    assert told.get().recipient_user == dpo


def test_yesterdays_reads_are_swept_on_their_own_day(agent, dpo):
    _reads(agent, _citizens(4), at=timezone.now() - timedelta(days=1))
    alerts.unusual_reading_sweep()
    assert UnusualReadingAlert.objects.get().day == timezone.localdate() - timedelta(days=1)


def test_the_management_command_runs_the_same_sweep(agent, dpo, capsys):
    _reads(agent, _citizens(4))
    call_command("privacy_unusual_reading")
    assert "1 new" in capsys.readouterr().out
    assert UnusualReadingAlert.objects.count() == 1


def test_the_task_is_registered_in_the_beat_every_30_minutes(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["privacy_desk.unusual_reading_sweep"]
    assert entry == {"task": "privacy_desk.unusual_reading_sweep", "schedule": 1800.0}
    from apps.privacy.desk.tasks import unusual_reading_sweep

    assert unusual_reading_sweep.name == "privacy_desk.unusual_reading_sweep"


def test_the_officer_acknowledges_an_alert_with_a_note(client, agent, dpo):
    _reads(agent, _citizens(4))
    alerts.unusual_reading_sweep()
    alert = UnusualReadingAlert.objects.get()
    client.force_login(dpo)
    page = client.get(reverse("privacy_desk:alerts"))
    assert page.status_code == 200 and b'data-testid="alert"' in page.content
    response = client.post(reverse("privacy_desk:alert_acknowledge", args=[alert.pk]), {"note": "Audit task"})
    assert response.status_code == 302
    alert.refresh_from_db()
    assert (alert.acknowledged_by, alert.note) == (dpo, "Audit task")


def test_an_acknowledgement_without_a_note_is_refused_and_changes_nothing(client, agent, dpo):
    _reads(agent, _citizens(4))
    alerts.unusual_reading_sweep()
    alert = UnusualReadingAlert.objects.get()
    client.force_login(dpo)
    client.post(reverse("privacy_desk:alert_acknowledge", args=[alert.pk]), {"note": "   "})
    alert.refresh_from_db()
    assert alert.acknowledged_at is None


def test_staff_without_the_permission_cannot_see_or_acknowledge_alerts(client, agent, supervisor, dpo):
    _reads(agent, _citizens(4))
    alerts.unusual_reading_sweep()
    alert = UnusualReadingAlert.objects.get()
    client.force_login(supervisor)
    page = client.get(reverse("privacy_desk:alerts"))
    assert page.status_code == 403 and b"agent" not in page.content.split(b"<main")[1]
    response = client.post(reverse("privacy_desk:alert_acknowledge", args=[alert.pk]), {"note": "x"})
    assert response.status_code == 403
    alert.refresh_from_db()
    assert alert.acknowledged_at is None
