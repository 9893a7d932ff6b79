"""Rows queued together travel together: one hand-over per transaction, batch tasks."""

import pytest
from django.db import transaction

from apps.core.handover import HandOver
from apps.notifications import services, tasks
from apps.notifications.backends import PermanentDeliveryError, TransientDeliveryError
from apps.notifications.choices import State
from apps.notifications.models import Notification
from apps.notifications.services import Recipient

from .conftest import RECEIVED
from .factories import NotificationFactory
from .test_delivery import ScriptedBackend

pytestmark = pytest.mark.django_db


def _queue(phone):
    return services.notification_queue(
        event="ticket.received", context=RECEIVED, recipient_citizen=Recipient(phone=phone)
    )


def _handovers(callbacks):
    return [callback.ids for callback in callbacks if isinstance(callback, HandOver)]


def test_every_row_queued_in_one_transaction_is_handed_over_in_one_go(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        rows = [_queue(f"3600{n:04d}")[0] for n in range(5)]

    assert _handovers(callbacks) == [[row.pk for row in rows]]


def test_a_row_rolled_back_with_its_savepoint_does_not_hold_up_the_others(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        try:
            with transaction.atomic():
                _queue("36000001")
                raise RuntimeError
        except RuntimeError:
            pass
        kept = _queue("36000002")[0]

    assert _handovers(callbacks) == [[kept.pk]]


def test_rows_that_failed_at_once_are_not_handed_over(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        _queue("17001234")

    assert _handovers(callbacks) == []


@pytest.fixture
def scripted(settings):
    settings.HOUSING_SMS_BACKEND = "tests.notifications.test_delivery.ScriptedBackend"
    settings.HOUSING_NOTIFY_RETRY_BASE_SECONDS = 30
    settings.HOUSING_NOTIFY_RECORD_EVERY = 2
    ScriptedBackend.script, ScriptedBackend.sent = [], []
    return ScriptedBackend


def test_a_batch_records_each_rows_own_outcome(scripted):
    rows = NotificationFactory.create_batch(4)
    scripted.script = [
        "gw-a",
        PermanentDeliveryError("barred", code="http_400"),
        "gw-c",
        TransientDeliveryError("t"),
    ]

    outcomes = services.notification_deliver_many(notification_ids=[row.pk for row in rows])

    assert [outcomes[row.pk].status for row in rows] == ["sent", "failed", "sent", "retry"]
    stored = {row.pk: row for row in Notification.objects.all()}
    assert [stored[row.pk].state for row in rows] == [State.SENT, State.FAILED, State.SENT, State.QUEUED]
    assert [stored[row.pk].provider_message_id for row in rows] == ["gw-a", "", "gw-c", ""]
    assert all(stored[row.pk].attempts == 1 for row in rows)


def test_ids_in_a_batch_that_are_not_queued_are_not_sent(scripted):
    queued = NotificationFactory()
    sent = NotificationFactory(state=State.SENT)
    scripted.script = ["gw-1"]

    outcomes = services.notification_deliver_many(notification_ids=[sent.pk, queued.pk, queued.pk])

    assert outcomes == {
        sent.pk: services.DeliveryOutcome("not_claimed"),
        queued.pk: services.DeliveryOutcome("sent"),
    }
    assert len(scripted.sent) == 1


def test_the_batch_task_sends_rows_hit_by_a_transient_error_again_after_their_back_off(scripted, monkeypatch):
    rows = NotificationFactory.create_batch(3)
    scripted.script = [TransientDeliveryError("t"), "gw-b", TransientDeliveryError("t")]
    scheduled = []
    monkeypatch.setattr(
        tasks.deliver_batch, "apply_async", lambda args, countdown: scheduled.append((args, countdown))
    )

    counts = tasks.deliver_batch([row.pk for row in rows])

    assert counts == {"retry": 2, "sent": 1}
    assert scheduled == [(([rows[0].pk, rows[2].pk],), 30)]


def test_the_single_task_asks_celery_to_retry_after_the_back_off(scripted):
    from celery.exceptions import Retry

    row = NotificationFactory()
    scripted.script = [TransientDeliveryError("t")]

    with pytest.raises(Retry) as retry:
        tasks.deliver.apply(args=(row.pk,), throw=True)

    assert retry.value.when == 30  # seconds: the first back-off step


def test_notification_queue_shows_and_checks_the_arguments_of_notification_rows():
    import inspect

    assert inspect.signature(services.notification_queue) == inspect.signature(services.notification_rows)
    with pytest.raises(TypeError):
        services.notification_queue(event="ticket.received", context=RECEIVED, recipient_citzen=None)
