"""The housing-file feed: signed bulk pushes, CSV drops, history, timeline and refusals."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from django.urls import reverse
from django.utils.timezone import localtime

from apps.citizens import timeline
from apps.citizens.models import Citizen, HousingFile
from apps.integrations import signing
from apps.integrations.housing_feed import services
from apps.integrations.housing_feed.models import FeedBatch, HousingFileChange
from apps.notifications.models import Notification
from tests.tickets.factories import CitizenFactory

SECRET = "feed-secret-2026"
URL = "/api/v1/integrations/housing-feed/files/"


@pytest.fixture(autouse=True)
def _secrets(settings):
    settings.HOUSING_INTEGRATION_SECRETS = {**settings.HOUSING_INTEGRATION_SECRETS, "housing_feed": [SECRET]}


@pytest.fixture
def citizen(db):
    return CitizenFactory(cpr="880412345", name_ar="فاطمة حسن", email="f@example.bh", phones=["3600 1234"])


def row(**overrides) -> dict:
    base = {
        "file_number": "HA-2019-0001",
        "cpr": "880412345",
        "service": "وحدة سكنية",
        "status": "under_review",
        "application_date": "2019-03-10",
        "project": "مدينة سلمان",
        "queue_position": 120,
    }
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def push(client, files, *, secret=SECRET, body=None):
    raw = body if body is not None else json.dumps({"files": files}).encode()
    headers = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in signing.sign(secret, raw).items()}
    return client.post(URL, data=raw, content_type="application/json", **headers)


def test_the_url_is_where_the_readme_says():
    assert reverse("api:housing_feed:files") == URL


def test_a_signed_push_creates_the_files_and_records_their_history(client, citizen):
    response = push(client, [row(), row(file_number="HA-2019-0002", status="eligible")])
    assert response.status_code == 200, response.content
    assert response.json() | {"batch": 0} == {
        "batch": 0,
        "received": 2,
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "rejected": 0,
        "errors": [],
    }
    housing_file = HousingFile.objects.get(application_number="HA-2019-0001")
    assert housing_file.citizen == citizen and housing_file.project == "مدينة سلمان"
    assert housing_file.queue_position == 120
    assert HousingFileChange.objects.filter(kind="created").count() == 2


def test_sending_the_same_batch_twice_applies_it_once(client, citizen):
    push(client, [row()])
    again = push(client, [row()])
    assert again.json()["unchanged"] == 1 and again.json()["created"] == 0
    assert HousingFile.objects.count() == 1 and HousingFileChange.objects.count() == 1


def test_a_status_change_is_kept_with_its_date_and_shown_in_the_console_and_timeline(client, citizen, agent):
    push(client, [row()])
    response = push(client, [row(status="eligible", status_date="2026-11-20", queue_position=85)])
    assert response.json()["updated"] == 1
    housing_file = HousingFile.objects.get()
    assert housing_file.status == "eligible"
    assert localtime(housing_file.status_changed_at).date().isoformat() == "2026-11-20"
    change = HousingFileChange.objects.get(kind="status")
    assert (change.from_status, change.to_status) == ("under_review", "eligible")
    assert change.changes["queue_position"] == [120, 85]
    page = timeline.citizen_timeline(citizen=citizen, viewer=agent)
    titles = [e.title for e in page.entries if e.kind == "housing_file"]
    assert any("تغيّرت حالة الطلب الإسكاني" in t or "status changed" in t for t in titles), titles
    client.force_login(agent)
    console = client.get(reverse("contacts:console") + f"?q={citizen.cpr}")
    assert console.status_code == 200
    assert "housing-file-status-changed" in console.content.decode()


def test_a_status_change_notifies_the_citizen_only_when_switched_on(client, citizen, settings):
    push(client, [row()])
    push(client, [row(status="eligible")])
    assert not Notification.objects.filter(event="housing_file.status_changed").exists()
    settings.HOUSING_FEED_NOTIFY_STATUS = True
    push(client, [row(status="allocated")])
    sent = Notification.objects.filter(event="housing_file.status_changed")
    assert sent.count() == 2  # SMS and e-mail
    assert "HA-2019-0001" in sent.get(channel="sms").body


def test_bad_rows_are_reported_one_by_one_and_the_good_ones_saved(client, citizen):
    files = [
        row(),
        row(file_number="HA-2", cpr="12345"),
        row(file_number="HA-3", status="approved"),
        row(file_number="HA-4", application_date="10/03/2019"),
        row(file_number="HA-5", colour="blue"),
        row(file_number="HA-6", cpr="990000001"),
        row(),  # the same file number twice in one batch
        row(file_number="HA-7", queue_position="²"),
        "not an object",
    ]
    body = push(client, files).json()
    assert body["created"] == 1 and body["rejected"] == 8
    codes = {e["row"]: e["code"] for e in body["errors"]}
    assert codes == {
        2: "invalid_cpr",
        3: "invalid_status",
        4: "invalid_date",
        5: "unknown_field",
        6: "citizen_unknown",
        7: "duplicate_in_batch",
        8: "invalid_number",
        9: "invalid_row",
    }
    assert all(e["message"] for e in body["errors"])
    assert list(HousingFile.objects.values_list("application_number", flat=True)) == ["HA-2019-0001"]
    assert FeedBatch.objects.get().rejected == 8


def test_a_file_of_an_unknown_cpr_with_a_name_adds_the_citizen(client, db):
    body = push(client, [row(cpr="770101010", name="سارة أحمد")]).json()
    assert body["created"] == 1
    assert Citizen.objects.get(cpr="770101010").name_ar == "سارة أحمد"


def test_a_file_number_of_another_citizen_is_not_moved(client, citizen):
    CitizenFactory(cpr="990000002")
    push(client, [row()])
    body = push(client, [row(cpr="990000002", status="eligible")]).json()
    assert body["errors"][0]["code"] == "file_of_another_citizen"
    assert HousingFile.objects.get().citizen == citizen and HousingFile.objects.get().status == "under_review"


def test_more_than_5000_files_is_refused_with_413_and_a_clear_message(client, citizen):
    response = push(client, [row(file_number=f"F{i}") for i in range(5001)])
    assert response.status_code == 413
    assert response.json()["code"] == "too_many_files" and "5,000" in response.json()["message"]
    assert not HousingFile.objects.exists()


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ("unsigned", 401, "signature_missing"),
        ("wrong secret", 401, "signature_invalid"),
        ("expired", 401, "signature_expired"),
    ],
)
def test_unsigned_wrongly_signed_or_replayed_pushes_are_refused(client, citizen, change, status, code):
    raw = json.dumps({"files": [row()]}).encode()
    if change == "unsigned":
        headers = {}
    elif change == "wrong secret":
        headers = signing.sign("not-the-secret", raw)
    else:
        headers = signing.sign(SECRET, raw, now=datetime(2020, 1, 1, tzinfo=UTC))
    meta = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()}
    response = client.post(URL, data=raw, content_type="application/json", **meta)
    assert response.status_code == status and response.json()["code"] == code
    assert not HousingFile.objects.exists()


def test_a_body_over_8_mb_is_refused_with_413_before_anything_is_read(client, citizen):
    response = push(client, None, body=b'{"files": [' + b" " * (8 * 1024 * 1024) + b"]}")
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large" and "8 ميغابايت" in response.json()["message"]
    assert not HousingFile.objects.exists() and not FeedBatch.objects.exists()


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"{not json", "invalid_json"),
        (b"\xff\xfe", "invalid_json"),
        (b'{"files": {"a": 1}}', "invalid_body"),
        (b'{"files": [], "extra": 1}', "invalid_body"),
        (b"[]", "invalid_body"),
    ],
)
def test_malformed_bodies_are_clear_400s(client, citizen, body, code):
    response = push(client, None, body=body)
    assert response.status_code == 400 and response.json()["code"] == code


# --- CSV drops ----------------------------------------------------------------------------

HEADER = "file_number,cpr,service,status,application_date,status_date,project,queue_position\n"


def test_a_dropped_csv_is_imported_and_moved_aside(citizen, settings, tmp_path):
    settings.HOUSING_FEED_DROP_DIR = str(tmp_path)
    (tmp_path / "files-1.csv").write_text(
        HEADER
        + "HA-1,880412345,وحدة سكنية,eligible,2019-03-10,2026-11-01,مدينة سلمان,12\n"
        + "HA-2,880412345,قسيمة,nonsense,2019-03-10,,,\n",
        encoding="utf-8",
    )
    (tmp_path / "half-written.csv.part").write_text(HEADER)
    counts = services.housing_feed_import_drops()
    assert counts == {"files": 1, "created": 1, "updated": 0, "unchanged": 0, "rejected": 1}
    assert not (tmp_path / "files-1.csv").exists()
    assert [p.name.endswith("-files-1.csv") for p in (tmp_path / "processed").iterdir()] == [True]
    assert (tmp_path / "half-written.csv.part").exists()
    batch = FeedBatch.objects.get()
    assert (
        batch.source == "csv" and batch.errors[0]["row"] == 2 and batch.errors[0]["code"] == "invalid_status"
    )
    # Nothing left to import: a second run does nothing.
    assert services.housing_feed_import_drops()["files"] == 0


def test_an_unreadable_csv_goes_to_failed_with_the_reason(citizen, settings, tmp_path):
    settings.HOUSING_FEED_DROP_DIR = str(tmp_path)
    (tmp_path / "latin1.csv").write_bytes("file_number,cpr\né,1\n".encode("latin-1"))
    (tmp_path / "columns.csv").write_text("file_number,cpr\nHA-1,880412345\n")
    services.housing_feed_import_drops()
    assert len(list((tmp_path / "failed").iterdir())) == 2
    assert {b.errors[0]["code"] for b in FeedBatch.objects.all()} == {"invalid_encoding", "missing_columns"}
    assert not HousingFile.objects.exists()


def test_the_management_command_imports_the_drops(citizen, settings, tmp_path, capsys):
    from django.core.management import call_command

    settings.HOUSING_FEED_DROP_DIR = str(tmp_path)
    (tmp_path / "a.csv").write_text(HEADER + "HA-1,880412345,وحدة سكنية,eligible,2019-03-10,,,\n")
    call_command("housing_feed_import")
    assert "created=1" in capsys.readouterr().out
