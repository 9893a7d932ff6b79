"""A broker outage delays messages but never drops them."""

import subprocess
import sys
from datetime import timedelta

import pytest
from django.utils import timezone

from apps.notifications.backends.file import sms_sent_to
from apps.notifications.choices import State
from apps.notifications.models import Notification

from .conftest import BASE_DIR, Worker, wait_for, worker_database_url

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = "+97336005555"

QUEUE_SCRIPT = """
from apps.notifications.services import Recipient, notification_queue
rows = notification_queue(
    event="ticket.received",
    context={"review_number": "2026-000777-1", "tracking_url": "https://contact.housing.gov.bh/t/"},
    recipient_citizen=Recipient(phone="PHONE"),
)
print("queued", rows[0].pk)
""".replace("PHONE", PHONE)


def _manage(*args, broker: str) -> subprocess.CompletedProcess:
    env = {
        **__import__("os").environ,
        "DJANGO_SETTINGS_MODULE": "housing_contact.settings.test",
        "DATABASE_URL": worker_database_url(),
        "REDIS_URL": broker,
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_messages_queued_while_redis_is_down_are_delivered_when_it_is_back(spare_redis, worker_dir, tmp_path):
    spare_redis.start()
    spare_redis.stop()  # the broker goes down

    queued = _manage("shell", "-c", QUEUE_SCRIPT, broker=spare_redis.url)
    assert queued.returncode == 0, queued.stderr  # the event itself succeeds
    assert "broker unavailable" in queued.stderr
    row = Notification.objects.get()
    assert row.state == State.QUEUED

    spare_redis.start()  # the broker comes back (empty: the message never reached it)
    worker = Worker(
        "outage",
        directory=worker_dir,
        broker=spare_redis.url,
        HOUSING_SMS_BACKEND="apps.notifications.backends.file.FileSmsBackend",
        HOUSING_SMS_FILE_DIR=str(tmp_path / "sms"),
    ).start()
    try:
        worker.wait_ready()
        # A minute passes with nobody taking the row; the beat's sweep then runs.
        Notification.objects.filter(pk=row.pk).update(enqueued_at=timezone.now() - timedelta(minutes=2))
        swept = _manage("notifications_sweep", broker=spare_redis.url)
        assert "handed_over=1" in swept.stdout, swept.stderr

        wait_for(
            lambda: Notification.objects.filter(pk=row.pk, state=State.SENT).exists(), message="delivery"
        )
    finally:
        worker.stop()

    assert [m.reference for m in sms_sent_to(PHONE, directory=tmp_path / "sms")] == [str(row.reference)]
