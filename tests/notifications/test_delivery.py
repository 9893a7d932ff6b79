"""notification_deliver in this process: the claim, the outcome, retries and their bound."""

import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.db import connection

from apps.notifications import services
from apps.notifications.backends import (
    OutgoingSms,
    PermanentDeliveryError,
    SmsBackend,
    TransientDeliveryError,
)
from apps.notifications.backends.file import sms_sent_to
from apps.notifications.choices import Channel, State
from apps.notifications.models import Notification

from .factories import NotificationFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 10, 10, 0, tzinfo=ZoneInfo("Asia/Bahrain"))


class ScriptedBackend(SmsBackend):
    """Answers each send with the next item of ``script``: an exception or a message id."""

    script: list = []
    sent: list[OutgoingSms] = []

    def send(self, message):
        ScriptedBackend.sent.append(message)
        outcome = ScriptedBackend.script.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome


@pytest.fixture
def scripted(settings):
    settings.HOUSING_SMS_BACKEND = f"{__name__}.ScriptedBackend"
    settings.HOUSING_NOTIFY_MAX_ATTEMPTS = 3
    settings.HOUSING_NOTIFY_RETRY_BASE_SECONDS = 30
    ScriptedBackend.script, ScriptedBackend.sent = [], []
    return ScriptedBackend


def test_delivery_sends_the_sms_and_records_the_provider_id(local_sms_dir):
    row = NotificationFactory(to_phone="+97336001234")

    outcome = services.notification_deliver(notification_id=row.pk)

    row.refresh_from_db()
    (sms,) = sms_sent_to("+97336001234", directory=local_sms_dir)
    assert outcome.status == "sent"
    assert (row.state, row.attempts, row.provider_message_id) == (State.SENT, 1, sms.id)
    assert sms.text == row.body and sms.reference == str(row.reference)


def test_a_row_that_is_not_queued_is_not_sent_again(local_sms_dir):
    row = NotificationFactory(state=State.SENT)

    outcome = services.notification_deliver(notification_id=row.pk)

    assert outcome.status == "not_claimed"
    assert sms_sent_to(row.to_phone, directory=local_sms_dir) == []


def test_a_row_being_sent_by_another_worker_is_left_alone(local_sms_dir):
    row = NotificationFactory(state=State.SENDING, attempts=1)

    assert services.notification_deliver(notification_id=row.pk).status == "not_claimed"
    assert Notification.objects.get(pk=row.pk).attempts == 1


def test_a_missing_row_is_not_an_error():
    assert services.notification_deliver(notification_id=987654).status == "not_claimed"


@pytest.mark.django_db(transaction=True)
def test_two_threads_racing_for_the_same_row_send_it_once(local_sms_dir):
    row = NotificationFactory(to_phone="+97336007777")
    start = threading.Barrier(4)
    outcomes = []

    def worker():
        start.wait()
        try:
            outcomes.append(services.notification_deliver(notification_id=row.pk).status)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["not_claimed", "not_claimed", "not_claimed", "sent"]
    assert len(sms_sent_to("+97336007777", directory=local_sms_dir)) == 1


def test_a_transient_error_queues_the_row_again_after_a_back_off(scripted):
    scripted.script = [TransientDeliveryError("gateway timed out", code="provider_timeout")]
    row = NotificationFactory()

    with time_machine.travel(NOW, tick=False):
        outcome = services.notification_deliver(notification_id=row.pk)

    row.refresh_from_db()
    assert outcome == services.DeliveryOutcome("retry", retry_in=30)
    assert row.state == State.QUEUED
    assert row.attempts == 1
    assert row.send_after == NOW + timedelta(seconds=30)
    assert (row.error_code, row.last_error) == ("provider_timeout", "gateway timed out")


def test_the_back_off_doubles_with_each_attempt_up_to_a_cap(settings):
    settings.HOUSING_NOTIFY_RETRY_BASE_SECONDS = 30
    settings.HOUSING_NOTIFY_RETRY_MAX_SECONDS = 200

    assert [services.retry_delay(n) for n in range(1, 6)] == [30, 60, 120, 200, 200]


def test_a_retried_row_is_not_sent_before_its_back_off_ends(scripted):
    scripted.script = [TransientDeliveryError("timeout"), "gw-2"]
    row = NotificationFactory()
    with time_machine.travel(NOW, tick=False):
        services.notification_deliver(notification_id=row.pk)
    with time_machine.travel(NOW + timedelta(seconds=29), tick=False):
        early = services.notification_deliver(notification_id=row.pk)
    with time_machine.travel(NOW + timedelta(seconds=30), tick=False):
        on_time = services.notification_deliver(notification_id=row.pk)

    row.refresh_from_db()
    assert (early.status, on_time.status) == ("not_claimed", "sent")
    assert (row.state, row.attempts, row.provider_message_id) == (State.SENT, 2, "gw-2")
    assert [m.reference for m in scripted.sent] == [str(row.reference)] * 2


def test_a_permanent_error_fails_the_row_without_a_retry(scripted):
    scripted.script = [PermanentDeliveryError("number barred", code="http_400")]
    row = NotificationFactory()

    outcome = services.notification_deliver(notification_id=row.pk)

    row.refresh_from_db()
    assert outcome.status == "failed"
    assert (row.state, row.attempts, row.error_code, row.last_error) == (
        State.FAILED,
        1,
        "http_400",
        "number barred",
    )
    assert row.failed_at is not None


def test_a_row_is_given_up_after_the_last_attempt(scripted):
    scripted.script = [TransientDeliveryError("timeout")] * 3
    row = NotificationFactory()

    statuses = []
    for minutes in range(3):
        with time_machine.travel(NOW + timedelta(minutes=10 * minutes), tick=False):
            statuses.append(services.notification_deliver(notification_id=row.pk).status)

    row.refresh_from_db()
    assert statuses == ["retry", "retry", "failed"]
    assert (row.state, row.attempts) == (State.FAILED, 3)
    assert "3" in row.last_error and "timeout" in row.last_error


def test_an_unexpected_error_in_a_backend_is_retried_like_a_transient_one(scripted):
    scripted.script = [KeyError("boom")]
    row = NotificationFactory()

    outcome = services.notification_deliver(notification_id=row.pk)

    row.refresh_from_db()
    assert outcome.status == "retry"
    assert row.state == State.QUEUED and "KeyError" in row.last_error


def test_an_outcome_is_not_recorded_over_a_claim_that_was_reclaimed(scripted):
    row = NotificationFactory()

    def reclaimed_meanwhile(message):
        Notification.objects.filter(pk=row.pk).update(state=State.QUEUED, claim_token=None)
        return "late-id"

    scripted.send = staticmethod(reclaimed_meanwhile)
    try:
        services.notification_deliver(notification_id=row.pk)
    finally:
        del scripted.send

    row.refresh_from_db()
    assert row.state == State.QUEUED and row.provider_message_id == ""


def test_an_email_is_sent_through_djangos_backend_with_its_message_id():
    row = NotificationFactory(
        channel=Channel.EMAIL, to_phone="", to_email="mariam@example.bh", subject="استلمنا طلبك", body="نص"
    )

    services.notification_deliver(notification_id=row.pk)

    row.refresh_from_db()
    (message,) = mail.outbox
    assert message.to == ["mariam@example.bh"] and message.subject == "استلمنا طلبك"
    assert row.state == State.SENT
    assert row.provider_message_id == message.extra_headers["Message-ID"]


class RefusingEmailBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        import smtplib

        raise smtplib.SMTPRecipientsRefused({"x@example.bh": (550, b"no such user")})


class UnreachableEmailBackend(RefusingEmailBackend):
    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")


def test_an_address_the_mail_server_refuses_is_a_permanent_failure(settings):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingEmailBackend"
    row = NotificationFactory(channel=Channel.EMAIL, to_phone="", to_email="x@example.bh", subject="s")

    services.notification_deliver(notification_id=row.pk)

    row.refresh_from_db()
    assert (row.state, row.error_code) == (State.FAILED, "email_refused")


def test_an_unreachable_mail_server_is_a_transient_failure(settings):
    settings.EMAIL_BACKEND = f"{__name__}.UnreachableEmailBackend"
    row = NotificationFactory(channel=Channel.EMAIL, to_phone="", to_email="x@example.bh", subject="s")

    outcome = services.notification_deliver(notification_id=row.pk)

    row.refresh_from_db()
    assert outcome.status == "retry"
    assert (row.state, row.error_code) == (State.QUEUED, "email_unreachable")
