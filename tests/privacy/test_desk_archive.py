"""The subject-access archive: every category held about the citizen, nothing internal."""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
import zipfile

import pytest

from apps.core.errors import PermissionDenied
from apps.privacy.desk.archive import CATEGORIES, subject_access_archive_build
from apps.privacy.desk.models import SubjectAccessLog
from apps.tickets.models import Ticket
from tests.privacy import desk_fixtures
from tests.privacy.desk_fixtures import SECRETS

# The desk's fixtures, shared by its test modules.
dpo, cleared_dpo, rich_citizen = desk_fixtures.dpo, desk_fixtures.cleared_dpo, desk_fixtures.rich_citizen

pytestmark = pytest.mark.django_db


def _open(archive):
    with zipfile.ZipFile(io.BytesIO(archive.content)) as bundle:
        names = bundle.namelist()
        data = json.loads(bundle.read("subject-access.json"))
        pdf = bundle.read("subject-access.pdf")
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    return names, data, pdf, text


def test_it_holds_every_category_with_one_row_each(dpo, rich_citizen):
    archive = subject_access_archive_build(citizen=rich_citizen, actor=dpo)
    names, data, _pdf, _text = _open(archive)
    assert sorted(names) == ["README.txt", "subject-access.json", "subject-access.pdf"]
    for key in CATEGORIES:
        assert archive.categories[key] >= 1, key
    assert data["file"]["cpr"] == "880101234"
    assert data["phones"][0]["number"] == "+97336001122"
    assert data["housing_files"][0]["application_number"] == "2019-55501"
    assert len(data["contacts"]) == 1
    assert data["tickets"][0]["public_replies"][0]["text"] == "PUBLIC-REPLY-تمت جدولة الصيانة."
    assert data["appointments"][0]["reference"] == "A-2026-0001"
    assert any(m["text"] == "PUBLIC-MESSAGE-تم استلام بلاغكم." for m in data["messages"])
    assert data["ratings"] == [
        {
            "ticket": data["tickets"][0]["review_number"],
            "rating": 4,
            "comment": "PUBLIC-RATING-شكرا",
            "rated_at": data["ratings"][0]["rated_at"],
        }
    ]
    assert data["committee_decisions"][0]["conditions"] == "PUBLIC-CONDITIONS-تقديم عقد الإيجار"


def test_it_names_the_internal_records_as_withheld_and_never_carries_their_text(dpo, rich_citizen):
    archive = subject_access_archive_build(citizen=rich_citizen, actor=dpo)
    _names, data, pdf, text = _open(archive)
    assert {"internal_notes", "call_notes", "committee_deliberations", "appointment_notes"} <= set(
        archive.withheld
    )
    withheld = {row["category"]: row["count"] for row in data["withheld"]}
    assert withheld["internal_notes"] == 1
    assert withheld["call_notes"] == 1
    raw_json = json.dumps(data, ensure_ascii=False)
    for secret in SECRETS.values():
        assert secret not in raw_json
        assert secret not in text
        assert secret.encode() not in pdf
    assert "SECRET" not in raw_json and "SECRET" not in text


def test_the_pdf_is_bilingual_and_shows_the_public_text(dpo, rich_citizen):
    _names, _data, _pdf, text = _open(subject_access_archive_build(citizen=rich_citizen, actor=dpo))
    assert "What the Ministry of Housing holds about you" in text
    assert "PUBLIC-REPLY" in text and "PUBLIC-CONDITIONS" in text
    assert "حسن" in text  # the Arabic part, extracted whole


def test_each_production_is_logged_with_the_archives_hash(dpo, rich_citizen):
    archive = subject_access_archive_build(citizen=rich_citizen, actor=dpo, request_id=42)
    log = SubjectAccessLog.objects.get()
    assert (log.citizen, log.actor, log.request_id) == (rich_citizen, dpo, 42)
    assert log.sha256 == hashlib.sha256(archive.content).hexdigest() == archive.sha256
    assert log.categories == archive.categories
    assert {row["category"] for row in log.withheld} == set(archive.withheld)


def test_staff_without_the_permission_are_refused_and_nothing_is_logged(agent, supervisor, rich_citizen):
    for user in (agent, supervisor):
        with pytest.raises(PermissionDenied):
            subject_access_archive_build(citizen=rich_citizen, actor=user)
    assert not SubjectAccessLog.objects.exists()


def test_confidential_text_is_withheld_from_an_officer_without_clearance(dpo, cleared_dpo, rich_citizen):
    Ticket.objects.filter(citizen=rich_citizen).update(confidential=True)
    archive = subject_access_archive_build(citizen=rich_citizen, actor=dpo)
    _names, data, _pdf, text = _open(archive)
    assert "confidential" in archive.withheld
    assert data["tickets"][0]["withheld"] is True and data["tickets"][0]["description"] is None
    assert (
        "PUBLIC-DESCRIPTION" not in json.dumps(data, ensure_ascii=False) and "PUBLIC-DESCRIPTION" not in text
    )
    assert "PUBLIC-REPLY" not in text

    cleared = subject_access_archive_build(citizen=rich_citizen, actor=cleared_dpo)
    _names, data, _pdf, text = _open(cleared)
    assert "confidential" not in cleared.withheld
    assert data["tickets"][0]["description"] == "PUBLIC-DESCRIPTION-طلبت الصيانة منذ شهر."
    assert SECRETS["internal_note"] not in text
