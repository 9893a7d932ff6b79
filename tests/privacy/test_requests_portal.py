"""Data-subject requests on the citizen portal: CPR + one-time code, filing, status, download."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.cache import cache

from apps.notifications.models import Notification
from apps.privacy.requests import services
from apps.privacy.requests.models import DataSubjectRequest
from tests.privacy.requests_support import MOBILE, USE, code_sent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures(*USE)]


@pytest.fixture
def citizen(requests_citizen):
    return requests_citizen


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()


def _sign_in(client, citizen, mobile=MOBILE):
    response = client.post("/portal/privacy/", {"cpr": citizen.cpr, "mobile": mobile})
    assert response.status_code == 302 and response["Location"].endswith("/portal/privacy/code/")
    response = client.post("/portal/privacy/code/", {"code": code_sent(mobile), "action": "verify"})
    assert response.status_code == 302 and response["Location"].endswith("/portal/privacy/mine/")


def test_the_start_page_is_bilingual_and_not_cached(client, db):
    page = client.get("/portal/privacy/")
    assert page.status_code == 200 and 'dir="rtl"' in page.content.decode()
    assert "no-store" in page["Cache-Control"] or page["Cache-Control"].startswith("max-age=0")


def test_a_citizen_files_an_access_request_with_the_code_and_sees_its_reference(client, citizen, frozen):
    _sign_in(client, citizen)
    response = client.post("/portal/privacy/mine/", {"kind": "access"})
    assert response.status_code == 302
    request = DataSubjectRequest.objects.get(citizen=citizen)
    assert request.kind == "access" and request.channel == "portal" and request.filed_by is None
    page = client.get("/portal/privacy/mine/")
    assert request.reference in page.content.decode()
    assert 'data-testid="pdp-filed"' in page.content.decode()


def test_a_cpr_that_does_not_match_the_mobile_is_refused_without_saying_which(client, citizen, frozen):
    response = client.post("/portal/privacy/", {"cpr": "850201299", "mobile": MOBILE})
    assert response.status_code == 302  # the same answer as for a match
    assert not Notification.objects.filter(event="privacy.one_time_code").exists()
    refused = client.post("/portal/privacy/code/", {"code": "123456", "action": "verify"})
    assert refused.status_code == 400
    body = refused.content.decode()
    assert "pdp-code-error" in body
    assert "لم نتمكن من التحقق من هويتك" in body
    assert "850201299" not in body
    assert not DataSubjectRequest.objects.exists()
    assert client.get("/portal/privacy/mine/").status_code == 302  # not signed in


def test_the_mismatch_refusal_reads_the_same_in_english(client, citizen, frozen, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.post("/portal/privacy/", {"cpr": citizen.cpr, "mobile": "+97336999999"})
    refused = client.post("/portal/privacy/code/", {"code": "123456", "action": "verify"})
    assert refused.status_code == 400
    assert "We could not confirm your identity" in refused.content.decode()


def test_a_rectification_with_no_change_is_refused_on_the_page_and_nothing_is_saved(client, citizen, frozen):
    _sign_in(client, citizen)
    response = client.post(
        "/portal/privacy/mine/",
        {"kind": "rectification", "new_name_ar": citizen.name_ar},
    )
    assert response.status_code == 400
    assert "pdp-file-error" in response.content.decode()
    assert not DataSubjectRequest.objects.exists()


def test_a_citizen_asks_to_correct_their_e_mail(client, citizen, frozen):
    _sign_in(client, citizen)
    response = client.post(
        "/portal/privacy/mine/", {"kind": "rectification", "new_email": "maryam.ali@example.bh"}
    )
    assert response.status_code == 302
    assert DataSubjectRequest.objects.get().requested_changes == {"email": "maryam.ali@example.bh"}


def test_a_citizen_objects_to_campaign_messages(client, citizen, frozen):
    _sign_in(client, citizen)
    response = client.post("/portal/privacy/mine/", {"kind": "objection", "objection_kind": "campaigns"})
    assert response.status_code == 302
    assert DataSubjectRequest.objects.get().objection_kind == "campaigns"


def test_filing_is_rate_limited_like_the_other_portal_forms(client, citizen, frozen, settings):
    settings.HOUSING_PORTAL_SUBMISSIONS_PER_HOUR = 1
    _sign_in(client, citizen)
    assert client.post("/portal/privacy/mine/", {"kind": "access"}).status_code == 302
    assert client.post("/portal/privacy/mine/", {"kind": "access"}).status_code == 429
    assert DataSubjectRequest.objects.count() == 1


def test_the_archive_downloads_only_after_a_fresh_code(client, citizen, frozen, dpo):
    request = services.request_file(citizen=citizen, kind="access", channel="portal")
    services.request_answer_access(request=request, actor=dpo)
    _sign_in(client, citizen)
    url = f"/portal/privacy/mine/{request.reference}/download/"
    assert client.get(url).status_code == 200
    wrong = client.post(url, {"code": "000000", "action": "verify"})
    assert wrong.status_code in (400, 410) and wrong["Content-Type"].startswith("text/html")
    sent = client.post(url, {"action": "send"})
    assert sent.status_code == 200
    code = code_sent()
    archive = client.post(url, {"code": code, "action": "verify"})
    assert archive.status_code == 200 and archive["Content-Type"] == "application/zip"
    assert "attachment" in archive["Content-Disposition"]
    assert zipfile.ZipFile(io.BytesIO(archive.content)).namelist()
    # The code is spent: the same code does not download twice.
    again = client.post(url, {"code": code, "action": "verify"})
    assert again["Content-Type"].startswith("text/html")


def test_another_citizens_archive_is_not_found(client, citizen, frozen, dpo):
    from tests.tickets.factories import CitizenFactory

    other = CitizenFactory()
    request = services.request_file(citizen=other, kind="access", channel="portal")
    services.request_answer_access(request=request, actor=dpo)
    _sign_in(client, citizen)
    assert client.get(f"/portal/privacy/mine/{request.reference}/download/").status_code == 404
