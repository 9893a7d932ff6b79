"""The sweep: queued rows nobody took are handed over again; stuck claims are reclaimed."""

from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection

from apps.notifications import selectors, services
from apps.notifications.choices import State
from apps.notifications.models import Notification

from .factories import NotificationFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 10, 10, 0, tzinfo=ZoneInfo("Asia/Bahrain"))


def _sweep(now=NOW):
    with time_machine.travel(now, tick=False):
        return services.notification_sweep()


def test_a_row_handed_over_more_than_a_minute_ago_and_still_queued_is_handed_over_again():
    row = NotificationFactory(send_after=NOW - timedelta(minutes=5), enqueued_at=NOW - timedelta(seconds=61))

    result = _sweep()

    assert result.handed_over == 1
    assert Notification.objects.get(pk=row.pk).enqueued_at == NOW


def test_a_row_handed_over_less_than_a_minute_ago_is_left_to_its_task():
    NotificationFactory(send_after=NOW, enqueued_at=NOW - timedelta(seconds=59))

    assert _sweep().handed_over == 0


def test_a_row_not_yet_due_is_not_handed_over():
    NotificationFactory(send_after=NOW + timedelta(hours=1), enqueued_at=None)

    assert _sweep().handed_over == 0


@pytest.mark.parametrize("state", [State.SENT, State.FAILED, State.SKIPPED])
def test_finished_rows_are_never_handed_over(state):
    NotificationFactory(state=state, send_after=NOW - timedelta(hours=1), enqueued_at=None)

    assert _sweep().handed_over == 0


def test_the_sweep_is_idempotent_within_the_minute():
    NotificationFactory(send_after=NOW - timedelta(hours=1), enqueued_at=None)

    assert (_sweep().handed_over, _sweep(NOW + timedelta(seconds=30)).handed_over) == (1, 0)


def test_one_sweep_hands_over_at_most_one_batch(settings):
    settings.HOUSING_NOTIFY_SWEEP_BATCH = 3
    NotificationFactory.create_batch(5, send_after=NOW - timedelta(hours=1), enqueued_at=None)

    assert [_sweep().handed_over, _sweep().handed_over, _sweep().handed_over] == [3, 2, 0]


def test_a_claim_stuck_past_the_timeout_is_queued_again():
    row = NotificationFactory(state=State.SENDING, attempts=1, claimed_at=NOW - timedelta(minutes=11))

    result = _sweep()

    row.refresh_from_db()
    assert result.reclaimed == 1
    assert (row.state, row.error_code, row.attempts) == (State.QUEUED, "reclaimed", 1)
    assert row.claim_token is None and row.send_after == NOW


def test_a_claim_younger_than_the_timeout_is_left_to_its_worker():
    row = NotificationFactory(state=State.SENDING, attempts=1, claimed_at=NOW - timedelta(minutes=9))

    assert _sweep().reclaimed == 0
    assert Notification.objects.get(pk=row.pk).state == State.SENDING


def test_a_stuck_claim_with_no_attempts_left_is_given_up(settings):
    settings.HOUSING_NOTIFY_MAX_ATTEMPTS = 2
    row = NotificationFactory(state=State.SENDING, attempts=2, claimed_at=NOW - timedelta(hours=1))

    result = _sweep()

    row.refresh_from_db()
    assert result.abandoned == 1
    assert (row.state, row.error_code) == (State.FAILED, "gave_up")


def test_the_sweep_scan_can_use_the_partial_index_of_queued_rows():
    # Mostly delivered rows and a few queued ones, with fresh statistics, as in production:
    # on a table of three rows the planner's choice between indexes is a coin toss.
    NotificationFactory.create_batch(200, state=State.SENT)
    NotificationFactory.create_batch(3)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE notifications_notification")
    query = selectors.notifications_due(now=NOW, stale_before=NOW - timedelta(minutes=1), limit=100)
    sql, params = query.query.sql_with_params()

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(line for (line,) in cursor.fetchall())

    # Served by an index over queued rows — the partial one, or the (state, created_at) one
    # when the planner prefers it on a small table — never by reading the whole outbox.
    assert "Seq Scan" not in plan
    assert "notif_queued_due_idx" in plan or "Index Cond: ((state)::text = 'queued'::text)" in plan


def test_the_management_command_runs_the_sweep_by_hand():
    NotificationFactory(send_after=NOW - timedelta(hours=1), enqueued_at=None)
    out = StringIO()

    with time_machine.travel(NOW, tick=False):
        call_command("notifications_sweep", stdout=out)

    assert "handed_over=1" in out.getvalue()


def test_the_sweep_runs_every_minute_from_the_beat(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["notifications.sweep"]

    assert entry == {"task": "notifications.sweep", "schedule": 60.0}
