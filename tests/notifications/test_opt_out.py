"""Opting out stops non-essential messages only; essential ones always go."""

import pytest

from apps.notifications import services
from apps.notifications.choices import State
from apps.notifications.models import NotificationPreference
from apps.notifications.services import Recipient

pytestmark = pytest.mark.django_db

CONTEXT = {"review_number": "2026-000123-4", "tracking_url": "https://contact.housing.gov.bh/t/"}


def _send(event, recipient, **extra):
    return services.notification_queue(event=event, context=CONTEXT, recipient_citizen=recipient, **extra)


@pytest.fixture
def opted_out_phone(agent):
    services.notification_preference_set(phone="+973 3600 1234", opted_out=True, actor=agent)
    return "36001234"


def test_a_non_essential_message_to_an_opted_out_citizen_is_recorded_as_skipped(opted_out_phone):
    (row,) = _send("ticket.closed", Recipient(phone=opted_out_phone))

    assert row.state == State.SKIPPED
    assert row.error_code == "opted_out"
    assert row.enqueued_at is None


def test_an_essential_message_reaches_an_opted_out_citizen(opted_out_phone):
    (row,) = _send("ticket.received", Recipient(phone=opted_out_phone))

    assert row.state == State.QUEUED


def test_the_caller_may_mark_a_message_essential(opted_out_phone):
    (row,) = _send("ticket.closed", Recipient(phone=opted_out_phone), essential=True)

    assert row.state == State.QUEUED


def test_a_citizen_who_did_not_opt_out_gets_non_essential_messages():
    (row,) = _send("ticket.closed", Recipient(phone="36009999"))

    assert row.state == State.QUEUED


def test_the_citizens_own_flag_decides_when_the_caller_gives_it():
    (row,) = _send("ticket.public_reply", Recipient(phone="36009999", opted_out=True))

    assert row.state == State.SKIPPED


def test_an_opt_out_recorded_against_the_citizen_reference_applies_to_every_channel(agent):
    services.notification_preference_set(ref="citizens.citizen:5", opted_out=True, actor=agent)

    rows = _send("ticket.closed", Recipient(phone="36001234", email="a@example.bh", ref="citizens.citizen:5"))

    assert {row.state for row in rows} == {State.SKIPPED}


def test_opting_back_in_restores_non_essential_messages(opted_out_phone, agent):
    services.notification_preference_set(phone=opted_out_phone, opted_out=False, actor=agent)

    (row,) = _send("ticket.closed", Recipient(phone=opted_out_phone))

    assert row.state == State.QUEUED


def test_a_preference_is_kept_under_each_key_given(agent):
    services.notification_preference_set(
        phone="36001234", email="Mariam@Example.bh", ref="citizens.citizen:5", opted_out=True, actor=agent
    )

    assert set(NotificationPreference.objects.values_list("key", flat=True)) == {
        "phone:+97336001234",
        "email:mariam@example.bh",
        "citizens.citizen:5",
    }
