"""A citizen as the notifications outbox addresses them."""

from apps.citizens import services


def _citizen(**fields):
    fields.setdefault("cpr", "880101234")
    fields.setdefault("name_ar", "مريم")
    return services.citizen_create(actor=None, **fields)


def test_the_recipient_carries_the_primary_mobile_email_language_and_preference_key(db):
    citizen = _citizen(phones=["3600 1234", "3900 5555"], email="m@example.bh", language="en")
    recipient = citizen.as_notification_recipient()
    assert (recipient.phone, recipient.email, recipient.language) == ("+97336001234", "m@example.bh", "en")
    assert recipient.ref == f"citizens.citizen:{citizen.pk}"


def test_a_landline_primary_gives_way_to_the_first_mobile(db):
    citizen = _citizen(phones=["1770 0000", "3900 5555"])
    assert citizen.as_notification_recipient().phone == "+97339005555"


def test_without_a_mobile_the_primary_is_given_so_the_outbox_records_why(db):
    citizen = _citizen(phones=["1770 0000"])
    assert citizen.as_notification_recipient().phone == "+97317700000"
