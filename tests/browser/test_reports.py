"""The monthly statement in a real browser, in Arabic: a manager opens July's statement,
drills down from inbound calls to the calls, downloads the PDF and the XLSX, then
generates, approves and publishes the draft press statement (screenshots in
tests/artifacts/)."""

import io

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from apps.reports.models import Publication
from tests.reports.conftest import build_fixture_month

pytestmark = pytest.mark.browser


@pytest.fixture
def july(transactional_db, department, secretary):
    return build_fixture_month(department=department, secretary=secretary)


def test_a_manager_reads_drills_down_downloads_and_publishes_in_arabic(
    page, live_server, log_in, screenshot, senior, july
):
    log_in(page, senior)
    page.goto(f"{live_server.url}/reports/monthly/?month=2026-07")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.get_by_role("heading", level=1)).to_contain_text("البيان الشهري")
    inbound = page.locator("tr[data-code='calls.inbound']")
    expect(inbound.locator("[data-cell=value]")).to_have_text("13")
    expect(inbound.locator("[data-cell=change]")).to_contain_text("+160.00%")
    inbound.locator("summary").click()
    expect(inbound.locator("details")).to_contain_text("المكالمات الواردة المعروضة")
    screenshot(page, "reports-statement-ar")

    inbound.locator("[data-drill='calls.inbound']").click()
    expect(page).to_have_url(
        f"{live_server.url}/contacts/?start=2026-07-01&end=2026-07-31&channel=inbound_call"
    )
    screenshot(page, "reports-drill-inbound-calls-ar")
    page.go_back()

    with page.expect_download() as pdf:
        page.locator("[data-download=pdf-ar]").click()
    with open(pdf.value.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"
    with page.expect_download() as xlsx:
        page.locator("[data-download=xlsx]").click()
    with open(xlsx.value.path(), "rb") as handle:
        book = load_workbook(io.BytesIO(handle.read()))
    assert book.worksheets[0].sheet_view.rightToLeft

    page.locator("[data-action=generate]").click()
    expect(page.get_by_test_id("press-status")).to_have_text("مسودة")
    expect(page.locator("#id_text_ar")).to_contain_text("قالت وزارة الإسكان")
    page.locator("[data-action=approve]").click()
    expect(page.get_by_test_id("press-status")).to_have_text("معتمد")
    page.locator("[data-action=publish]").click()
    expect(page.get_by_test_id("press-status")).to_have_text("منشور")
    expect(page.get_by_test_id("publication")).to_be_visible()
    screenshot(page, "reports-published-ar")
    assert Publication.objects.count() == 1
