"""SMS quiet hours, 21:00–07:00 Bahrain time: non-urgent messages wait for the morning."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from apps.notifications import services
from apps.notifications.choices import Channel, State
from apps.notifications.models import Notification
from apps.notifications.services import Recipient

pytestmark = pytest.mark.django_db

BAHRAIN = ZoneInfo("Asia/Bahrain")
REPLY = {"review_number": "2026-000123-4", "tracking_url": "https://contact.housing.gov.bh/t/"}


def at(hour, minute=0, day=10):
    return datetime(2026, 12, day, hour, minute, tzinfo=BAHRAIN)


def _reply(recipient=None, **extra):
    recipient = recipient or Recipient(phone="36001234")
    return services.notification_queue(
        event="ticket.public_reply", context=REPLY, recipient_citizen=recipient, **extra
    )


def test_a_non_urgent_sms_written_in_the_evening_waits_until_seven_the_next_morning():
    with time_machine.travel(at(22, 30), tick=False):
        (row,) = _reply()

    assert row.state == State.QUEUED
    assert row.send_after == at(7, 0, day=11)
    assert row.enqueued_at is None  # not handed to the broker: the sweep will, in the morning


def test_a_non_urgent_sms_written_after_midnight_waits_until_seven_the_same_morning():
    with time_machine.travel(at(3, 15), tick=False):
        (row,) = _reply()

    assert row.send_after == at(7, 0)


@pytest.mark.parametrize("hour, minute", [(7, 0), (12, 0), (20, 59)])
def test_outside_quiet_hours_an_sms_goes_at_once(hour, minute):
    with time_machine.travel(at(hour, minute), tick=False):
        (row,) = _reply()

    assert row.send_after == at(hour, minute)
    assert row.enqueued_at == at(hour, minute)


def test_an_urgent_sms_goes_at_once_even_in_quiet_hours():
    with time_machine.travel(at(23, 0), tick=False):
        (row,) = services.notification_queue(
            event="ticket.received", context=REPLY, recipient_citizen=Recipient(phone="36001234")
        )

    assert row.send_after == at(23, 0)


def test_quiet_hours_do_not_hold_back_email():
    with time_machine.travel(at(23, 0), tick=False):
        rows = _reply(Recipient(phone="36001234", email="a@example.bh"))

    by_channel = {row.channel: row for row in rows}
    assert by_channel[Channel.SMS].send_after == at(7, 0, day=11)
    assert by_channel[Channel.EMAIL].send_after == at(23, 0)


def test_a_deferred_sms_cannot_be_claimed_before_the_morning():
    with time_machine.travel(at(22, 0), tick=False):
        (row,) = _reply()
        outcome = services.notification_deliver(notification_id=row.pk)

    assert outcome.status == "not_claimed"
    assert Notification.objects.get(pk=row.pk).state == State.QUEUED


def test_the_sweep_hands_a_deferred_sms_over_once_the_morning_comes():
    with time_machine.travel(at(22, 0), tick=False):
        (row,) = _reply()
    with time_machine.travel(at(6, 59, day=11), tick=False):
        before = services.notification_sweep()
    with time_machine.travel(at(7, 0, day=11), tick=False):
        after = services.notification_sweep()

    assert before.handed_over == 0
    assert after.handed_over == 1
    assert Notification.objects.get(pk=row.pk).enqueued_at == at(7, 0, day=11)
