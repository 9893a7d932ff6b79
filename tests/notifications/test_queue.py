"""notification_queue: what rows an event writes, to whom, and with which reasons."""

import pytest
from django.db import transaction

from apps.core.text import LRI, PDI
from apps.notifications import services
from apps.notifications.choices import Channel, State
from apps.notifications.models import Notification
from apps.notifications.rendering import ContextError
from apps.notifications.services import Recipient

from .conftest import RECEIVED

pytestmark = pytest.mark.django_db

CITIZEN = Recipient(phone="36001234", email="mariam@example.bh", language="ar", ref="citizens.citizen:7")


def _queue(recipient=CITIZEN, event="ticket.received", context=RECEIVED, **extra):
    return services.notification_queue(event=event, context=context, recipient_citizen=recipient, **extra)


def test_it_writes_one_queued_row_per_channel_the_citizen_can_be_reached_on():
    rows = _queue()

    assert [(r.channel, r.state) for r in rows] == [
        (Channel.SMS, State.QUEUED),
        (Channel.EMAIL, State.QUEUED),
    ]
    assert rows[0].to_phone == "+97336001234"  # stored in E.164
    assert rows[1].to_email == "mariam@example.bh"
    assert {r.recipient_ref for r in rows} == {"citizens.citizen:7"}
    assert Notification.objects.count() == 2


def test_a_citizen_with_only_a_phone_gets_no_email_row():
    rows = _queue(Recipient(phone="36001234"))

    assert [r.channel for r in rows] == [Channel.SMS]


def test_the_rows_are_written_in_the_callers_transaction():
    with pytest.raises(RuntimeError), transaction.atomic():
        _queue()
        raise RuntimeError("the event failed")

    assert not Notification.objects.exists()


def test_a_landline_is_recorded_as_failed_with_its_reason():
    (row,) = _queue(Recipient(phone="17001234"))

    assert row.state == State.FAILED
    assert row.error_code == "not_mobile"
    assert "17001234" in row.last_error
    assert row.failed_at is not None and row.enqueued_at is None


def test_an_invalid_number_is_recorded_as_failed_with_its_reason():
    (row,) = _queue(Recipient(phone="12345"))

    assert (row.state, row.error_code) == (State.FAILED, "invalid_phone")
    assert "12345" in row.last_error


def test_a_missing_email_address_is_recorded_as_failed_when_email_is_asked_for():
    (row,) = _queue(Recipient(phone="36001234"), channels=[Channel.EMAIL])

    assert (row.channel, row.state, row.error_code) == (Channel.EMAIL, State.FAILED, "missing_email")
    assert row.last_error


def test_a_malformed_email_address_is_recorded_as_failed():
    (row,) = _queue(Recipient(email="not-an-address"))

    assert (row.state, row.error_code) == (State.FAILED, "invalid_email")


def test_a_citizen_with_no_address_at_all_gets_a_failed_row_for_every_channel():
    rows = _queue(Recipient(language="en"))

    assert {(r.channel, r.state) for r in rows} == {
        (Channel.SMS, State.FAILED),
        (Channel.EMAIL, State.FAILED),
    }
    assert {r.error_code for r in rows} == {"missing_phone", "missing_email"}


def test_bare_addresses_override_the_citizens_own():
    rows = _queue(to_phone="39998888", to_email="other@example.bh")

    assert [r.to_phone for r in rows if r.channel == Channel.SMS] == ["+97339998888"]
    assert [r.to_email for r in rows if r.channel == Channel.EMAIL] == ["other@example.bh"]


def test_a_citizen_model_can_be_passed_through_the_notifiable_protocol():
    class Citizen:
        pk = 9

        def as_notification_recipient(self):
            return Recipient(phone="33445566", language="en", ref=f"citizens.citizen:{self.pk}")

    (row,) = _queue(Citizen())

    assert (row.to_phone, row.language, row.recipient_ref) == ("+97333445566", "en", "citizens.citizen:9")


def test_the_review_number_is_isolated_left_to_right_in_arabic_text():
    sms, email = _queue()

    assert f"{LRI}2026-000123-4{PDI}" in sms.body
    assert f"{LRI}2026-000123-4{PDI}" in email.subject


def test_english_text_has_no_isolate_marks_so_it_stays_in_the_gsm_alphabet():
    (row,) = _queue(Recipient(phone="36001234", language="en"))

    assert "2026-000123-4" in row.body
    assert LRI not in row.body and PDI not in row.body


def test_an_unknown_context_key_is_refused_as_a_programming_error():
    with pytest.raises(ContextError, match="review_numbr"):
        _queue(context={**RECEIVED, "review_numbr": "x"})
    assert not Notification.objects.exists()


def test_a_missing_context_key_is_refused_as_a_programming_error():
    with pytest.raises(ContextError, match="tracking_url"):
        _queue(context={"review_number": "2026-000123-4"})


def test_an_unknown_event_is_refused():
    from apps.notifications.events import UnknownEvent

    with pytest.raises(UnknownEvent):
        _queue(event="ticket.vanished")


def test_the_context_is_kept_on_the_row_for_the_record():
    (row,) = _queue(Recipient(phone="36001234"))

    assert row.context == RECEIVED


def test_an_in_app_notification_to_staff_is_delivered_by_being_written(agent):
    rows = services.notification_queue(
        event="ticket.assigned",
        recipient_user=agent,
        context={
            "review_number": "2026-000123-4",
            "ticket_url": "/tickets/1/",
            "ticket_subject": "تأخر الصيانة",
            "assigned_by": "سلمان",
        },
    )

    (row,) = rows  # the agent has no e-mail address: in-app only
    assert (row.channel, row.state, row.recipient_user) == (Channel.IN_APP, State.SENT, agent)
    assert row.sent_at is not None and row.read_at is None
    assert row.link_url == "/tickets/1/"
    assert "2026-000123-4" in row.subject


def test_a_staff_member_with_an_email_address_also_gets_an_email(supervisor):
    supervisor.email = "supervisor@housing.gov.bh"
    supervisor.language = "en"
    supervisor.save()

    rows = services.notification_queue(
        event="sla.breached",
        recipient_user=supervisor,
        context={"review_number": "2026-000123-4", "ticket_url": "/tickets/1/", "due_at": "2026-12-01"},
    )

    assert {(r.channel, r.language) for r in rows} == {(Channel.IN_APP, "en"), (Channel.EMAIL, "en")}
    assert next(r for r in rows if r.channel == Channel.EMAIL).to_email == "supervisor@housing.gov.bh"


def test_a_staff_only_event_cannot_be_sent_to_a_citizen():
    with pytest.raises(ValueError):
        services.notification_queue(
            event="sla.at_risk",
            recipient_citizen=CITIZEN,
            context={"review_number": "x", "ticket_url": "/t/", "due_at": "2026-12-01"},
        )
    assert not Notification.objects.exists()


def test_a_recipient_must_be_a_citizen_or_a_member_of_staff_not_both(agent):
    with pytest.raises(ValueError):
        services.notification_queue(
            event="ticket.received", context=RECEIVED, recipient_citizen=CITIZEN, recipient_user=agent
        )


def test_the_actor_is_recorded(agent):
    rows = _queue(actor=agent)

    assert {r.created_by for r in rows} == {agent}
