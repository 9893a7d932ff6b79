import datetime as dt

from django.core.management import call_command
from django.db import connections
from django.test import override_settings

from apps.contacts.models import Contact
from apps.notifications.models import Notification
from apps.reports import services
from apps.reports.models import MonthlyStatement
from apps.reports.routers import ReportsReplicaRouter, for_reports
from housing_contact.settings.base import CELERY_BEAT_SCHEDULE

AUGUST_1ST = dt.datetime(2026, 8, 1, 7, 0, tzinfo=dt.timezone(dt.timedelta(hours=3)))


def test_on_the_1st_the_previous_months_draft_is_made_and_managers_are_told_once(
    fixture_month, senior, supervisor
):
    record, told = services.statement_schedule(now=AUGUST_1ST)
    assert record.month == dt.date(2026, 7, 1) and record.status == "draft"
    assert "13" in record.text_ar and record.draft_figures["values"]["calls.inbound"] == 13
    assert told == 1
    bell = Notification.objects.filter(event="reports.draft_ready", recipient_user=senior)
    assert (
        bell.exists()
        and not Notification.objects.filter(event="reports.draft_ready", recipient_user=supervisor).exists()
    )
    again, told_again = services.statement_schedule(now=AUGUST_1ST + dt.timedelta(hours=1))
    assert again.pk == record.pk and told_again == 0
    assert MonthlyStatement.objects.count() == 1


def test_the_management_command_does_the_same(db, senior, capsys):
    call_command("reports_monthly_draft")
    assert MonthlyStatement.objects.count() == 1
    assert "managers told: 1" in capsys.readouterr().out


def test_the_beat_runs_it_on_the_1st_at_seven():
    entry = CELERY_BEAT_SCHEDULE["reports.monthly_draft"]
    assert entry["task"] == "reports.monthly_draft"
    schedule = entry["schedule"]
    assert schedule.day_of_month == {1} and schedule.hour == {7} and schedule.minute == {0}


def test_reports_read_from_the_replica_when_one_is_configured(db):
    router = ReportsReplicaRouter()
    replica = {**connections.databases["default"], "TEST": {"MIRROR": "default"}}
    with override_settings(HOUSING_REPORTS_DATABASE="replica"):
        connections.databases["replica"] = replica
        try:
            assert router.db_for_read(Contact) is None  # outside a report: the primary
            with for_reports():
                assert router.db_for_read(Contact) == "replica"
                assert router.db_for_write(Contact) == "default"
        finally:
            del connections.databases["replica"]
    with for_reports():
        assert router.db_for_read(Contact) is None  # no replica configured
