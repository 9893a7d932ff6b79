"""The telephony API: one record, JSON batches and the CSV export; idempotent by call id."""

import io

import pytest
from django.urls import reverse

from apps.contacts.models import Callback, Contact, FollowUp
from tests.contacts.factories import record

BATCH = "/api/v1/contacts/batch/"
ONE = "/api/v1/contacts/"
CSV = "/api/v1/contacts/import/"

HEADER = "call_id,channel,offered_at,answered_at,ended_at,caller_number,agent,purpose,outcome,notes\n"


def post_csv(client, text: str | bytes, encoding=None, **extra):
    data = text.encode("utf-8") if isinstance(text, str) else text
    upload = io.BytesIO(data)
    upload.name = "export.csv"
    payload = {"file": upload}
    if encoding:
        payload["encoding"] = encoding
    return client.post(CSV, payload, format="multipart", **extra)


def test_the_api_urls_are_under_api_v1():
    assert reverse("api:contacts-batch") == BATCH


def test_one_record_is_created(pbx_client, agent):
    response = pbx_client.post(ONE, record(call_id="C-1", agent="agent"), format="json")
    assert response.status_code == 201
    contact = Contact.objects.get(call_id="C-1")
    assert response.json()["id"] == contact.pk
    assert contact.agent == agent and contact.caller_number == "+97336001234"
    assert contact.recorded_via == "api" and contact.telephony_received_at is not None


def test_posting_the_same_record_again_creates_nothing(pbx_client):
    first = pbx_client.post(ONE, record(call_id="C-2"), format="json")
    again = pbx_client.post(ONE, record(call_id="C-2"), format="json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["result"] == "unchanged" and again.json()["id"] == first.json()["id"]
    assert Contact.objects.filter(call_id="C-2").count() == 1


def test_a_repeat_with_different_data_is_a_conflict_and_changes_nothing(pbx_client):
    pbx_client.post(ONE, record(call_id="C-3", notes="first"), format="json")
    response = pbx_client.post(
        ONE, record(call_id="C-3", notes="second", ended_at="2026-07-05 09:09:00"), format="json"
    )
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "conflict"
    assert set(body["details"]["fields"]) == {"notes", "ended_at"}
    assert Contact.objects.get(call_id="C-3").notes == "first"


def test_reimporting_a_whole_batch_creates_no_duplicates(pbx_client):
    rows = [record(call_id=f"B-{i}") for i in range(50)]
    first = pbx_client.post(BATCH, rows, format="json").json()
    second = pbx_client.post(BATCH, rows, format="json").json()
    assert first["summary"]["created"] == 50
    assert second["summary"] == {
        "received": 50,
        "created": 0,
        "unchanged": 50,
        "merged": 0,
        "conflicts": 0,
        "rejected": 0,
    }
    assert Contact.objects.count() == 50


def test_a_batch_keeps_valid_rows_and_reports_bad_rows_by_line(pbx_client):
    rows = [
        record(call_id="L-1"),
        record(call_id="L-2", channel="fax"),
        record(call_id="L-3"),
        record(call_id="L-4", purpose="weather"),
    ]
    response = pbx_client.post(BATCH, rows, format="json")
    assert response.status_code == 200
    body = response.json()
    assert [c["line"] for c in body["created"]] == [1, 3]
    assert [(e["line"], e["field"], e["code"]) for e in body["errors"]] == [
        (2, "channel", "unknown_channel"),
        (4, "purpose", "unknown_purpose"),
    ]
    assert set(Contact.objects.values_list("call_id", flat=True)) == {"L-1", "L-3"}


def test_a_repeated_call_id_within_one_batch_is_stored_once(pbx_client):
    rows = [record(call_id="D-1"), record(call_id="D-1"), record(call_id="D-1", notes="other")]
    body = pbx_client.post(BATCH, rows, format="json").json()
    assert body["summary"]["created"] == 1
    assert [u["line"] for u in body["unchanged"]] == [2]
    assert [c["line"] for c in body["conflicts"]] == [3]
    assert Contact.objects.filter(call_id="D-1").count() == 1


def test_a_batch_over_the_limit_is_refused_whole(pbx_client, settings):
    settings.HOUSING_CONTACT_BATCH_MAX = 3
    response = pbx_client.post(BATCH, [record() for _ in range(4)], format="json")
    assert response.status_code == 400 and response.json()["code"] == "batch_too_large"
    assert not Contact.objects.exists()


def test_a_batch_must_be_an_array(pbx_client):
    response = pbx_client.post(BATCH, record(), format="json")
    assert response.status_code == 400 and response.json()["code"] == "batch_not_array"


def test_an_unanswered_call_is_recorded_as_abandoned(pbx_client):
    row = record(call_id="AB-1", answered_at=None, ended_at="2026-07-05 09:01:30", purpose=None, outcome=None)
    assert pbx_client.post(ONE, row, format="json").status_code == 201
    contact = Contact.objects.get(call_id="AB-1")
    assert contact.outcome == "abandoned" and contact.answered_at is None


def test_a_referred_record_opens_a_follow_up_on_the_department(pbx_client, department, settings):
    settings.HOUSING_FOLLOWUP_DAYS = 5
    row = record(call_id="R-1", outcome="referred", department="housing-services")
    assert pbx_client.post(ONE, row, format="json").status_code == 201
    follow_up = FollowUp.objects.get(contact__call_id="R-1")
    assert follow_up.department == department
    assert (follow_up.due_at - follow_up.contact.answered_at).days == 5


def test_a_callback_record_schedules_the_callback_for_the_agent(pbx_client, agent):
    row = record(call_id="CB-1", outcome="callback_scheduled", agent="agent", callback_at="2026-07-06 10:00")
    assert pbx_client.post(ONE, row, format="json").status_code == 201
    callback = Callback.objects.get(contact__call_id="CB-1")
    assert callback.assigned_to == agent and callback.number == "+97336001234"


def test_a_caller_number_on_file_links_the_citizen(pbx_client, citizen):
    pbx_client.post(ONE, record(call_id="N-1", caller_number="+973 3600 1234"), format="json")
    assert Contact.objects.get(call_id="N-1").citizen == citizen


def test_a_cpr_links_the_citizen(pbx_client, citizen):
    pbx_client.post(
        ONE, record(call_id="N-2", caller_number="17000000", citizen_cpr="880412345"), format="json"
    )
    assert Contact.objects.get(call_id="N-2").citizen == citizen


# ---------------------------------------------------------------- CSV


def test_a_csv_export_in_utf8_is_imported(pbx_client, agent):
    text = (
        HEADER
        + "X-1,inbound_call,2026-07-05 08:00:00,2026-07-05 08:00:20,2026-07-05 08:03:00,36001234,agent,eligibility,resolved_first_contact,سأل عن الشروط\n"
    )
    response = post_csv(pbx_client, text)
    assert response.status_code == 200, response.json()
    assert response.json()["summary"]["created"] == 1
    assert Contact.objects.get(call_id="X-1").notes == "سأل عن الشروط"


def test_a_csv_with_a_byte_order_mark_is_read(pbx_client):
    text = (
        "\ufeff"
        + HEADER
        + "X-2,inbound_call,2026-07-05 08:00:00,2026-07-05 08:00:20,2026-07-05 08:03:00,36001234,,eligibility,resolved_first_contact,\n"
    )
    response = post_csv(pbx_client, text)
    assert response.json()["summary"]["created"] == 1
    assert Contact.objects.filter(call_id="X-2").exists()


def test_a_windows_1256_csv_keeps_its_arabic(pbx_client):
    text = (
        HEADER
        + "X-3,inbound_call,2026-07-05 08:00:00,2026-07-05 08:00:20,2026-07-05 08:03:00,36001234,,eligibility,resolved_first_contact,طلب إسكاني متأخر\n"
    )
    response = post_csv(pbx_client, text.encode("cp1256"))
    assert response.json()["summary"]["created"] == 1
    assert Contact.objects.get(call_id="X-3").notes == "طلب إسكاني متأخر"


def test_a_csv_posted_as_the_body_with_its_charset_is_read(pbx_client):
    text = (
        HEADER
        + "X-4,walk_in,2026-07-05 08:00:00,2026-07-05 08:00:20,2026-07-05 08:03:00,,,other,resolved_first_contact,مراجعة\n"
    )
    response = pbx_client.post(CSV, text.encode("cp1256"), content_type="text/csv; charset=windows-1256")
    assert response.status_code == 200
    assert Contact.objects.get(call_id="X-4").notes == "مراجعة"


def test_a_utf16_csv_is_refused_with_the_encoding_error(pbx_client):
    response = post_csv(
        pbx_client, (HEADER + "X-5,inbound_call,2026-07-05 08:00:00,,,,,,,\n").encode("utf-16")
    )
    assert response.status_code == 400 and response.json()["code"] == "csv_encoding"
    assert not Contact.objects.exists()


def test_an_unknown_declared_encoding_is_refused(pbx_client):
    response = post_csv(pbx_client, HEADER, encoding="latin-9")
    assert response.status_code == 400 and response.json()["code"] == "csv_encoding"


def test_a_csv_with_wrong_columns_is_refused_whole(pbx_client):
    text = "call,channel,start,notes\nX-6,inbound_call,2026-07-05 08:00:00,\n"
    response = post_csv(pbx_client, text)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "csv_columns"
    assert body["details"]["missing"] == ["call_id", "offered_at"]
    assert body["details"]["unknown"] == ["call", "start"]
    assert not Contact.objects.exists()


def test_csv_errors_name_the_file_line_and_field(pbx_client):
    text = (
        HEADER
        + "Y-1,inbound_call,2026-07-05 08:00:00,2026-07-05 08:00:20,2026-07-05 08:03:00,36001234,,eligibility,resolved_first_contact,ok\n"
        + 'Y-2,inbound_call,2026-07-05 08:00:00,2026-07-05 08:00:20,2026-07-05 08:03:00,12,,eligibility,resolved_first_contact,"two\nlines"\n'
        + "Y-3,inbound_call,2026-07-05 08:00:00,2026-07-05 07:59:00,2026-07-05 08:03:00,36001234,,eligibility,resolved_first_contact,\n"
        + "Y-4,inbound_call,2026-07-05 08:00:00\n"
    )
    body = post_csv(pbx_client, text).json()
    assert [(e["line"], e["field"], e["code"]) for e in body["errors"]] == [
        (3, "caller_number", "invalid_phone"),
        (5, "answered_at", "answered_before_offered"),
        (6, "", "field_count"),
    ]
    assert [c["line"] for c in body["created"]] == [2]
    assert list(Contact.objects.values_list("call_id", flat=True)) == ["Y-1"]


def test_reimporting_the_same_csv_creates_nothing(pbx_client):
    text = (
        HEADER
        + "Z-1,inbound_call,2026-07-05 08:00:00,2026-07-05 08:00:20,2026-07-05 08:03:00,36001234,,eligibility,resolved_first_contact,\n"
    )
    post_csv(pbx_client, text)
    body = post_csv(pbx_client, text).json()
    assert body["summary"]["unchanged"] == 1 and body["summary"]["created"] == 0
    assert Contact.objects.count() == 1


# ---------------------------------------------------------------- permissions


def test_an_agent_cannot_post_call_records(api_as, agent):
    response = api_as(agent).post(ONE, record(call_id="P-1"), format="json")
    assert response.status_code == 403
    assert not Contact.objects.exists()


def test_the_telephony_account_cannot_read_contacts(pbx_client):
    pbx_client.post(ONE, record(call_id="P-2", notes="private words"), format="json")
    response = pbx_client.get(ONE)
    assert response.status_code == 403
    assert "private words" not in response.content.decode()


def test_posting_without_a_token_is_refused(client, db):
    response = client.post(ONE, record(), content_type="application/json")
    assert response.status_code in (401, 403)
    assert not Contact.objects.exists()


@pytest.mark.parametrize("bad", ["not json", "[1,2"])
def test_malformed_json_is_a_clear_error(pbx_client, bad):
    response = pbx_client.post(BATCH, bad, content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "malformed_request"
