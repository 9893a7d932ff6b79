"""The SMS backends: the file backend's format and reader, and the generic HTTP gateway."""

import json

import pytest

from apps.notifications.backends import OutgoingSms, PermanentDeliveryError, TransientDeliveryError
from apps.notifications.backends.file import FileSmsBackend, latest_sms, sms_sent_to
from apps.notifications.backends.http import HttpSmsBackend

from .conftest import free_port

MESSAGE = OutgoingSms(to="+97336001234", text="رمز التحقق 482913", reference="ref-1", sender_id="MOH")


def test_the_file_backend_writes_one_readable_json_line_per_message(local_sms_dir):
    message_id = FileSmsBackend().send(MESSAGE)

    (line,) = (local_sms_dir / "+97336001234.jsonl").read_text(encoding="utf-8").splitlines()
    data = json.loads(line)
    assert data["id"] == message_id
    assert (data["to"], data["from"], data["text"], data["reference"]) == (
        "+97336001234",
        "MOH",
        "رمز التحقق 482913",
        "ref-1",
    )
    assert (data["encoding"], data["segments"]) == ("UCS-2", 1)
    assert "رمز" in line  # UTF-8 as is, not \\u escapes


def test_latest_sms_reads_the_newest_message_whatever_the_number_format(local_sms_dir):
    FileSmsBackend().send(MESSAGE)
    FileSmsBackend().send(OutgoingSms(to="+97336001234", text="الثانية", reference="ref-2", sender_id="MOH"))

    for spelling in ("+97336001234", "36001234", "٣٦٠٠١٢٣٤", "+973 3600 1234"):
        assert latest_sms(spelling).text == "الثانية"
    assert [m.reference for m in sms_sent_to("36001234")] == ["ref-1", "ref-2"]


def test_latest_sms_is_none_for_a_number_that_got_nothing(local_sms_dir):
    assert latest_sms("+97339999999") is None


@pytest.fixture
def http_gateway(settings, gateway):
    settings.HOUSING_SMS_URL = gateway.url
    settings.HOUSING_SMS_TIMEOUT_SECONDS = 0.5
    settings.HOUSING_SMS_API_TOKEN = ""
    settings.HOUSING_SMS_USERNAME = ""
    return gateway


def test_the_http_gateway_posts_json_with_the_token_and_returns_the_provider_id(settings, http_gateway):
    settings.HOUSING_SMS_API_TOKEN = "secret-token"

    message_id = HttpSmsBackend().send(MESSAGE)

    (request,) = http_gateway.requests
    assert message_id == "gw-1"
    assert request["payload"] == {
        "to": "+97336001234",
        "from": "MOH",
        "text": "رمز التحقق 482913",
        "reference": "ref-1",
    }
    assert request["headers"]["Authorization"] == "Bearer secret-token"


def test_the_http_gateway_uses_basic_auth_when_given_a_username(settings, http_gateway):
    settings.HOUSING_SMS_USERNAME, settings.HOUSING_SMS_PASSWORD = "moh", "pw"

    HttpSmsBackend().send(MESSAGE)

    assert http_gateway.requests[0]["headers"]["Authorization"].startswith("Basic ")


def test_a_gateway_that_does_not_answer_in_time_is_a_transient_error(http_gateway):
    http_gateway.mode = "hang"

    with pytest.raises(TransientDeliveryError) as error:
        HttpSmsBackend().send(MESSAGE)

    assert error.value.code == "provider_timeout"


def test_a_5xx_answer_is_a_transient_error(http_gateway):
    http_gateway.mode = "error500"

    with pytest.raises(TransientDeliveryError) as error:
        HttpSmsBackend().send(MESSAGE)

    assert error.value.code == "http_503"


def test_a_4xx_answer_is_a_permanent_error(http_gateway):
    http_gateway.mode = "reject400"

    with pytest.raises(PermanentDeliveryError) as error:
        HttpSmsBackend().send(MESSAGE)

    assert error.value.code == "http_400" and "destination not allowed" in error.value.message


def test_a_gateway_that_cannot_be_reached_is_a_transient_error(settings):
    settings.HOUSING_SMS_URL = f"http://127.0.0.1:{free_port()}/send"

    with pytest.raises(TransientDeliveryError) as error:
        HttpSmsBackend().send(MESSAGE)

    assert error.value.code == "provider_unreachable"


def test_a_gateway_without_a_url_is_a_permanent_error(settings):
    settings.HOUSING_SMS_URL = ""

    with pytest.raises(PermanentDeliveryError) as error:
        HttpSmsBackend().send(MESSAGE)

    assert error.value.code == "gateway_not_configured"
