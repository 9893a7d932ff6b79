"""Exports in a real browser, in Arabic: a supervisor filters the ticket list, exports it to
XLSX, and the downloaded file holds the rows the list shows (read back with openpyxl)."""

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from apps.exports.models import ExportJob
from apps.tickets.models import Ticket
from tests.tickets.factories import CitizenFactory, TicketFactory

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _private_files(settings, tmp_path):
    settings.HOUSING_ATTACHMENTS_ROOT = tmp_path / "private"
    settings.HOUSING_EXPORTS_ROOT = tmp_path / "exports"


def test_a_supervisor_exports_the_filtered_ticket_list_to_xlsx(
    page, live_server, log_in, supervisor, agent, screenshot, tmp_path
):
    citizen = CitizenFactory(cpr="880412345", name_ar="أحمد علي")
    inquiries = [TicketFactory(actor=agent, citizen=citizen, kind=Ticket.Kind.INQUIRY) for _ in range(3)]
    for _ in range(2):
        TicketFactory(actor=agent, citizen=citizen)  # complaints: filtered out

    log_in(page, supervisor)
    page.goto(f"{live_server.url}/tickets/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.get_by_test_id("ticket-row")).to_have_count(5)
    page.select_option("#id_kind", "inquiry")
    expect(page.get_by_test_id("ticket-row")).to_have_count(3)
    listed = [row.get_attribute("data-review-number") for row in page.get_by_test_id("ticket-row").all()]
    assert sorted(listed) == sorted(t.review_number for t in inquiries)

    menu = page.get_by_test_id("export-menu")
    expect(menu).to_contain_text("تصدير هذه القائمة")
    expect(page.get_by_test_id("export-xlsx")).to_have_attribute(
        "href", "/exports/tickets/xlsx/?kind=inquiry"
    )
    screenshot(page, "tickets-export-ar")
    with page.expect_download() as download_info:
        page.get_by_test_id("export-xlsx").click()
    download = download_info.value
    assert download.suggested_filename.startswith("tickets-") and download.suggested_filename.endswith(
        ".xlsx"
    )
    path = tmp_path / "export.xlsx"
    download.save_as(path)

    sheet = load_workbook(path).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "رقم المراجعة"
    assert [row[0] for row in rows[1:]] == listed  # the same rows, in the list's order
    assert sheet.sheet_view.rightToLeft
    assert "880412345" in str(rows)  # a supervisor may export personal data
    job = ExportJob.objects.get()
    assert (job.owner, job.list_key, job.format, job.rows, job.query) == (
        supervisor,
        "tickets",
        "xlsx",
        3,
        "kind=inquiry",
    )

    page.goto(f"{live_server.url}/exports/")
    expect(page.get_by_test_id("export-job")).to_have_count(1)
    expect(page.get_by_test_id("export-job")).to_contain_text("التذاكر")
    screenshot(page, "my-exports-ar")
