"""Delivery through real Celery worker processes on the real broker and database."""

import pytest
from django.db import transaction

from apps.notifications import services
from apps.notifications.backends.file import sms_sent_to
from apps.notifications.choices import State
from apps.notifications.models import Notification
from apps.notifications.services import Recipient
from apps.notifications.tasks import deliver

from .conftest import RECEIVED, wait_for

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = "+97336001234"


def _queue(phone=PHONE, **extra):
    return services.notification_queue(
        event="ticket.received", context=RECEIVED, recipient_citizen=Recipient(phone=phone), **extra
    )[0]


def _sent(pk):
    return Notification.objects.filter(pk=pk, state=State.SENT).first()


def test_a_committed_notification_is_delivered_by_a_worker(sms_dir):
    row = _queue()

    sent = wait_for(lambda: _sent(row.pk), message="delivery")

    messages = sms_sent_to(PHONE, directory=sms_dir)
    assert [m.reference for m in messages] == [str(row.reference)]
    assert sent.provider_message_id == messages[0].id
    assert sent.attempts == 1 and sent.sent_at is not None


def test_nothing_is_sent_when_the_transaction_rolls_back(sms_dir):
    class EventFailed(Exception):
        pass

    with pytest.raises(EventFailed), transaction.atomic():
        _queue(phone="+97336001111")
        raise EventFailed

    # A message committed afterwards to the same number goes through the same queue:
    # once it has arrived, a rolled-back one would have arrived before it.
    after = _queue(phone="+97336001111")
    wait_for(lambda: _sent(after.pk), message="delivery of the committed message")

    assert [m.reference for m in sms_sent_to("+97336001111", directory=sms_dir)] == [str(after.reference)]
    assert Notification.objects.count() == 1


def test_a_task_run_twice_delivers_once(sms_dir):
    row = _queue()
    for _ in range(3):  # the task is handed over again, as a retrying broker would
        deliver.apply_async((row.pk,))

    wait_for(lambda: _sent(row.pk), message="delivery")
    # The extra tasks are claimed-or-skipped after the first; wait until the queue is empty.
    probe = _queue(phone="+97336002222")
    wait_for(lambda: _sent(probe.pk), message="a later message")

    assert len(sms_sent_to(PHONE, directory=sms_dir)) == 1
    assert Notification.objects.get(pk=row.pk).attempts == 1


def test_two_workers_racing_for_many_rows_deliver_each_exactly_once(sms_dir, celery_workers):
    phones = [f"+9733610{n:04d}" for n in range(40)]
    with transaction.atomic():
        rows = [_queue(phone=phone) for phone in phones]
    for row in rows:  # every row is handed over twice: both workers get one of each
        deliver.apply_async((row.pk,))

    wait_for(
        lambda: Notification.objects.filter(state=State.SENT).count() == len(rows),
        timeout=60,
        message="all sent",
    )

    assert all(len(sms_sent_to(phone, directory=sms_dir)) == 1 for phone in phones)
    assert set(Notification.objects.values_list("attempts", flat=True)) == {1}
    logs = [worker.output() for worker in celery_workers]
    assert all("notifications.deliver" in log for log in logs), "both workers took part"
