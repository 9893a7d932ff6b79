"""Subject access in a real browser, in Arabic (issue 19): a citizen files an access request
on the portal with the CPR and a one-time code (read from the outbox), the data-protection
officer answers it from the queue, and the citizen downloads the archive after a fresh code."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from apps.accounts.roles import Role
from apps.notifications.models import Notification
from apps.privacy.requests.models import DataSubjectRequest
from tests.conftest import _make
from tests.tickets.factories import CitizenFactory

pytestmark = pytest.mark.browser

MOBILE = "+97336771234"


@pytest.fixture(autouse=True)
def _world():
    cache.clear()


def _code() -> str:
    row = Notification.objects.filter(event="privacy.one_time_code", to_phone=MOBILE).latest("id")
    return re.search(r"(\d{6})", row.body).group(1)


def _sign_in_on_the_portal(page, base: str) -> None:
    page.goto(f"{base}/portal/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    page.get_by_test_id("portal-privacy").click()
    page.get_by_test_id("pdp-cpr").fill("٨٥٠٢٠١٢٣٤")
    page.get_by_test_id("pdp-mobile").fill("3677 1234")
    page.get_by_test_id("pdp-send-code").click()
    page.get_by_test_id("pdp-code").fill(_code())
    page.get_by_test_id("pdp-verify").click()
    expect(page.get_by_role("heading", name="بياناتي الشخصية")).to_be_visible()


def test_the_officer_answers_a_subject_access_request_from_the_portal(page, live_server, log_in, screenshot):
    page.set_default_timeout(60_000)
    CitizenFactory(cpr="850201234", name_ar="مريم حسن علي", phones=["3677 1234"])
    officer = _make("dpo", [Role.DATA_PROTECTION_OFFICER], full_name_ar="مسؤول حماية البيانات")

    # 1. The citizen files an access request on the portal.
    _sign_in_on_the_portal(page, live_server.url)
    page.get_by_label("الاطلاع على بياناتي").check()
    screenshot(page, "privacy-portal-file-ar")
    page.get_by_test_id("pdp-file").click()
    request = DataSubjectRequest.objects.get()
    expect(page.get_by_test_id("pdp-filed")).to_contain_text(request.reference)
    expect(page.get_by_test_id("pdp-mine-status")).to_have_text("مستلم")

    # 2. The officer answers it from the queue.
    page.context.clear_cookies()
    log_in(page, officer)
    page.goto(f"{live_server.url}/privacy/requests/")
    expect(page.get_by_test_id("pdp-row")).to_have_count(1)
    screenshot(page, "privacy-requests-queue-ar")
    page.get_by_role("link", name=request.reference).click()
    page.get_by_test_id("pdp-answer").click()
    expect(page.get_by_test_id("pdp-status")).to_have_text("تم الرد")
    screenshot(page, "privacy-requests-answered-ar")
    request.refresh_from_db()
    assert request.status == "answered" and request.answered_by == officer

    # 3. The citizen downloads the archive after a fresh code.
    page.context.clear_cookies()
    _sign_in_on_the_portal(page, live_server.url)
    expect(page.get_by_test_id("pdp-mine-status")).to_have_text("تم الرد")
    page.get_by_test_id("pdp-download-link").click()
    page.get_by_test_id("pdp-download-send").click()
    page.get_by_test_id("pdp-code").fill(_code())
    screenshot(page, "privacy-portal-download-ar")
    with page.expect_download() as download_info:
        page.get_by_test_id("pdp-download").click()
    download = download_info.value
    assert download.suggested_filename == request.archive_filename
    content = open(download.path(), "rb").read()
    assert zipfile.ZipFile(io.BytesIO(content)).namelist()
