"""The one signing scheme shared by every partner: window, rotation, constant-time checks."""

from datetime import UTC, datetime, timedelta

import pytest

from apps.integrations import signing

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
BODY = '{"reference": "TW-1", "text": "شكوى"}'.encode()


def test_signed_request_verifies_with_the_secret_that_signed_it():
    headers = signing.sign("s3cret", BODY, now=NOW)
    assert headers[signing.SIGNATURE_HEADER].startswith("sha256=")
    assert signing.verify(secrets=["s3cret"], headers=headers, body=BODY, now=NOW) == "s3cret"


def test_both_secrets_are_accepted_during_a_rotation():
    old = signing.sign("old", BODY, now=NOW)
    new = signing.sign("new", BODY, now=NOW)
    assert signing.verify(secrets=["new", "old"], headers=old, body=BODY, now=NOW) == "old"
    assert signing.verify(secrets=["new", "old"], headers=new, body=BODY, now=NOW) == "new"


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (lambda h, b: ({}, b), "signature_missing"),
        (lambda h, b: ({**h, signing.SIGNATURE_HEADER: ""}, b), "signature_missing"),
        (lambda h, b: (h, b + b" "), "signature_invalid"),
        (lambda h, b: ({**h, signing.TIMESTAMP_HEADER: "١٧٩٦"}, b), "signature_invalid"),
        (lambda h, b: ({**h, signing.TIMESTAMP_HEADER: "abc"}, b), "signature_invalid"),
    ],
)
def test_a_tampered_or_unsigned_request_is_refused(change, code):
    headers, body = change(signing.sign("s3cret", BODY, now=NOW), BODY)
    with pytest.raises(signing.SignatureRejected) as caught:
        signing.verify(secrets=["s3cret"], headers=headers, body=body, now=NOW)
    assert caught.value.code == code
    assert caught.value.status == 401


def test_a_retired_secret_and_an_old_delivery_are_refused():
    headers = signing.sign("retired", BODY, now=NOW)
    with pytest.raises(signing.SignatureRejected):
        signing.verify(secrets=["new"], headers=headers, body=BODY, now=NOW)
    late = NOW + timedelta(seconds=signing.DEFAULT_WINDOW_SECONDS + 1)
    with pytest.raises(signing.SignatureRejected) as caught:
        signing.verify(secrets=["retired"], headers=headers, body=BODY, now=late)
    assert caught.value.code == "signature_expired"


def test_partner_secrets_come_from_settings(settings):
    settings.HOUSING_INTEGRATION_SECRETS = {"tawasul": " new , old ", "sms": ["one"]}
    assert signing.partner_secrets("tawasul") == ["new", "old"]
    assert signing.partner_secrets("sms") == ["one"]
    assert signing.partner_secrets("open311") == []
