"""The event registry: one place, checked when an event is registered, open to later apps."""

from datetime import date

import pytest
from django.core.exceptions import ImproperlyConfigured

from apps.notifications import events, services
from apps.notifications.choices import Audience, Channel, State
from apps.notifications.events import DefaultTemplate, Event, Placeholder, register
from apps.notifications.services import Recipient


def _event(**overrides):
    values = dict(
        key="testing.decided",
        label="Decision",
        audience=Audience.CITIZEN,
        channels=(Channel.SMS,),
        essential=True,
        placeholders=(Placeholder("review_number", "Review number", "2026-1", ltr=True),),
        defaults={(Channel.SMS, "ar"): DefaultTemplate("قرار بشأن {{ review_number }}")},
    )
    values.update(overrides)
    return Event(**values)


@pytest.fixture
def cleanup():
    yield
    events._REGISTRY.pop("testing.decided", None)


def test_the_events_the_issue_names_are_registered():
    keys = {event.key for event in events.all_events()}

    assert {
        "ticket.received",
        "ticket.public_reply",
        "ticket.responded",
        "ticket.closed",
        "sla.extended",
        "ticket.assigned",
        "sla.at_risk",
        "sla.breached",
    } <= keys


def test_every_registered_event_has_arabic_and_english_wording_for_each_channel():
    for event in events.all_events():
        for channel in event.channels:
            assert {(channel, "ar"), (channel, "en")} <= set(event.defaults), event.key


def test_the_review_number_message_and_the_answer_are_essential():
    assert events.get("ticket.received").essential
    assert events.get("ticket.responded").essential
    assert not events.get("ticket.closed").essential


def test_an_event_whose_default_uses_an_unknown_placeholder_is_refused(cleanup):
    with pytest.raises(ImproperlyConfigured, match="decision"):
        register(_event(defaults={(Channel.SMS, "ar"): DefaultTemplate("{{ decision }}")}))


def test_an_event_without_arabic_wording_is_refused(cleanup):
    with pytest.raises(ImproperlyConfigured, match="Arabic"):
        register(_event(defaults={(Channel.SMS, "en"): DefaultTemplate("{{ review_number }}")}))


def test_a_key_registered_twice_with_different_definitions_is_refused(cleanup):
    register(_event())

    with pytest.raises(ImproperlyConfigured, match="already registered"):
        register(_event(essential=False))


def test_registering_the_same_event_again_is_harmless(cleanup):
    register(_event())

    assert register(_event()).key == "testing.decided"


@pytest.mark.django_db
def test_an_event_registered_by_a_later_app_is_sent_like_the_core_ones(cleanup):
    register(
        _event(
            placeholders=(
                Placeholder("review_number", "Review number", "2026-1", ltr=True),
                Placeholder("meeting_date", "Meeting date", date(2026, 1, 1)),
            ),
            defaults={(Channel.SMS, "ar"): DefaultTemplate("{{ review_number }} {{ meeting_date }}")},
        )
    )

    (row,) = services.notification_queue(
        event="testing.decided",
        context={"review_number": "2026-77", "meeting_date": date(2026, 12, 1)},
        recipient_citizen=Recipient(phone="36001234"),
    )

    assert row.state == State.QUEUED
    assert row.body == "\u20662026-77\u2069 1 ديسمبر 2026"
