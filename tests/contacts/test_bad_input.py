"""Every bad input the issue lists: a clear error naming the row and field, nothing saved."""

import pytest

from apps.contacts import services
from apps.contacts.models import Contact, FollowUp, Outcome
from apps.core.errors import ValidationFailed
from tests.contacts.factories import purpose, record

ONE = "/api/v1/contacts/"
BATCH = "/api/v1/contacts/batch/"


def post_one_error(client, **overrides):
    response = client.post(ONE, record(**overrides), format="json")
    assert response.status_code == 400, response.content
    assert not Contact.objects.exists()
    return response.json()


def test_an_unknown_channel_is_refused(pbx_client):
    body = post_one_error(pbx_client, channel="pigeon")
    assert body["code"] == "invalid" and "channel" in body["details"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        pytest.param({"purpose": "astrology"}, "purpose", id="unknown purpose"),
        pytest.param({"outcome": "solved_somehow"}, "outcome", id="unknown outcome"),
        pytest.param({"outcome": "ticket_opened"}, "ticket", id="ticket opened without a ticket"),
        pytest.param(
            {"answered_at": "2026-07-05 09:01:00", "ended_at": "2026-07-05 09:00:50"},
            "ended_at",
            id="ended before answered",
        ),
        pytest.param({"answered_at": "2026-07-05 08:59:00"}, "answered_at", id="answered before offered"),
        pytest.param({"citizen_cpr": "12345"}, "citizen_cpr", id="CPR that does not validate"),
        pytest.param({"caller_number": "12ab"}, "caller_number", id="phone that does not validate"),
        pytest.param({"offered_at": "yesterday morning"}, "offered_at", id="time that cannot be read"),
        pytest.param({"call_id": ""}, "call_id", id="missing call id"),
        pytest.param({"caller": "36001234"}, "caller", id="unknown field refused rather than ignored"),
        pytest.param({"outcome": "abandoned"}, "outcome", id="abandoned with an answer time"),
    ],
)
def test_a_bad_field_is_refused_and_named(pbx_client, overrides, field):
    body = post_one_error(pbx_client, **overrides)
    assert field in body["details"]


def test_referred_without_a_department_is_refused(pbx_client):
    body = post_one_error(pbx_client, outcome="referred")
    assert "department" in body["details"]
    assert not FollowUp.objects.exists()


def test_a_batch_row_error_names_line_field_and_reason(pbx_client):
    body = pbx_client.post(BATCH, [record(), record(answered_at="2026-07-05 08:00:00")], format="json").json()
    (error,) = body["errors"]
    assert (
        error["line"] == 2 and error["field"] == "answered_at" and error["code"] == "answered_before_offered"
    )
    assert error["reason"]


def test_errors_come_in_arabic_by_default(pbx_client):
    body = post_one_error(pbx_client, channel="pigeon")
    assert body["details"]["channel"] == ["هذه القناة غير معروفة."]


def test_errors_come_in_english_for_an_account_set_to_english(pbx_client, telephony):
    telephony.language = "en"
    telephony.save(update_fields=["language"])
    pbx_client.cookies["hc_language"] = "ar"  # the account's choice wins, as for staff pages
    response = pbx_client.post(ONE, record(channel="pigeon"), format="json")
    assert response.json()["details"]["channel"] == ["This channel is not known."]


def test_arabic_indic_digits_in_times_and_numbers_are_read(pbx_client):
    row = record(call_id="AR-1", offered_at="٢٠٢٦-٠٧-٠٥ ٠٩:٠٠:٠٠", caller_number="٣٦٠٠١٢٣٤")
    assert pbx_client.post(ONE, row, format="json").status_code == 201
    assert Contact.objects.get(call_id="AR-1").caller_number == "+97336001234"


# ---------------------------------------------------------------- the same rules in the console


def test_the_console_refuses_ticket_opened_without_a_ticket(agent):
    with pytest.raises(ValidationFailed) as failure:
        services.contact_log(
            actor=agent, channel="inbound_call", purpose=purpose(), outcome=Outcome.TICKET_OPENED
        )
    assert "ticket" in failure.value.details
    assert not Contact.objects.exists()


def test_the_console_refuses_a_referral_without_a_department(agent):
    with pytest.raises(ValidationFailed) as failure:
        services.contact_log(actor=agent, channel="inbound_call", purpose=purpose(), outcome=Outcome.REFERRED)
    assert "department" in failure.value.details
    assert not Contact.objects.exists() and not FollowUp.objects.exists()


def test_the_console_refuses_an_unknown_channel(agent):
    with pytest.raises(ValidationFailed) as failure:
        services.contact_log(actor=agent, channel="fax", purpose=purpose(), outcome=Outcome.RESOLVED)
    assert "channel" in failure.value.details


def test_the_console_needs_a_purpose(agent):
    with pytest.raises(ValidationFailed) as failure:
        services.contact_log(actor=agent, channel="inbound_call", purpose=None, outcome=Outcome.RESOLVED)
    assert "purpose" in failure.value.details


def test_the_database_itself_refuses_ended_before_answered(db):
    from django.db import IntegrityError
    from django.utils import timezone

    now = timezone.now()
    with pytest.raises(IntegrityError):
        Contact.objects.create(
            channel="inbound_call",
            offered_at=now,
            answered_at=now,
            ended_at=now.replace(year=now.year - 1),
            outcome=Outcome.RESOLVED,
        )


def test_a_token_client_gets_errors_in_its_accounts_language(pbx_client, telephony):
    telephony.language = "en"
    telephony.save(update_fields=["language"])

    english = pbx_client.post("/api/v1/contacts/", [1, 2], format="json")

    assert english.status_code == 400 and english["Content-Language"] == "en"
    assert "Post one contact record as a JSON object." in english.content.decode()

    telephony.language = "ar"
    telephony.save(update_fields=["language"])
    arabic = pbx_client.post("/api/v1/contacts/", [1, 2], format="json")

    assert arabic["Content-Language"] == "ar"
    assert "أرسل سجل اتصال واحداً ككائن JSON." in arabic.content.decode()
