"""Language choice: the citizen's language, falling back to Arabic."""

from datetime import date

import pytest

from apps.notifications import services
from apps.notifications.choices import Audience, Channel
from apps.notifications.events import _REGISTRY, DefaultTemplate, Event, Placeholder, register
from apps.notifications.services import Recipient

from .conftest import RECEIVED
from .factories import MessageTemplateFactory

pytestmark = pytest.mark.django_db


def _sms(preferred="", **extra):
    (row,) = services.notification_queue(
        event="ticket.received",
        context=RECEIVED,
        recipient_citizen=Recipient(phone="36001234", language=preferred),
        **extra,
    )
    return row


def test_a_citizen_who_prefers_english_gets_english():
    row = _sms("en")

    assert row.language == "en"
    assert row.body.startswith("Ministry of Housing")


def test_a_citizen_who_prefers_arabic_gets_arabic():
    row = _sms("ar")

    assert row.language == "ar"
    assert row.body.startswith("وزارة الإسكان")


def test_a_citizen_without_a_language_gets_arabic():
    assert _sms("").language == "ar"


def test_an_unsupported_language_falls_back_to_arabic():
    assert _sms("fr").language == "ar"


def test_the_caller_may_choose_the_language():
    assert _sms("ar", language="en").language == "en"


def test_an_administrators_wording_is_used_instead_of_the_default():
    MessageTemplateFactory(language="en", body="MOH: review number {{ review_number }}")

    assert _sms("en").body == "MOH: review number 2026-000123-4"


@pytest.fixture
def arabic_only_event():
    event = register(
        Event(
            key="testing.arabic_only",
            label="Arabic only",
            audience=Audience.CITIZEN,
            channels=(Channel.SMS,),
            essential=True,
            placeholders=(Placeholder("when", "When", date(2026, 1, 1)),),
            defaults={(Channel.SMS, "ar"): DefaultTemplate("موعدك {{ when }}")},
        )
    )
    yield event
    _REGISTRY.pop(event.key)


def test_an_event_without_english_wording_is_sent_in_arabic_to_an_english_speaker(arabic_only_event):
    (row,) = services.notification_queue(
        event=arabic_only_event.key,
        context={"when": date(2026, 12, 3)},
        recipient_citizen=Recipient(phone="36001234", language="en"),
    )

    assert row.language == "ar"
    assert row.body == "موعدك 3 ديسمبر 2026"  # the date written in Arabic too, Latin digits


def test_an_edited_english_template_wins_over_the_arabic_fallback(arabic_only_event):
    MessageTemplateFactory(event=arabic_only_event.key, language="en", body="Your appointment: {{ when }}")

    (row,) = services.notification_queue(
        event=arabic_only_event.key,
        context={"when": date(2026, 12, 3)},
        recipient_citizen=Recipient(phone="36001234", language="en"),
    )

    assert (row.language, row.body) == ("en", "Your appointment: 3 Dec 2026")
