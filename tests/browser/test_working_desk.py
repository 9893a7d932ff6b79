"""The working desk end to end, in Arabic (issue 18): a supervisor filters the ticket list and
saves it as a view, gives the view's five tickets to an agent in one bulk action, and exports
the view to XLSX — the file, read back, holds the same five tickets, now the agent's."""

import re

import pytest
from django.core.cache import cache
from django.utils import translation
from openpyxl import load_workbook
from playwright.sync_api import expect

from apps.core.models import SavedView
from apps.exports.models import ExportJob
from apps.tickets.models import Ticket
from tests.tickets.factories import CitizenFactory, TicketFactory

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _private_files_and_clean_cache(settings, tmp_path):
    settings.HOUSING_ATTACHMENTS_ROOT = tmp_path / "private"
    settings.HOUSING_EXPORTS_ROOT = tmp_path / "exports"
    cache.clear()


def test_a_supervisor_saves_a_view_bulk_assigns_its_five_tickets_and_exports_them_to_xlsx(
    page, live_server, log_in, supervisor, agent, screenshot, tmp_path
):
    citizen = CitizenFactory(cpr="880412345", name_ar="أحمد علي")
    complaints = [TicketFactory(actor=supervisor, citizen=citizen) for _ in range(5)]
    others = [TicketFactory(actor=supervisor, citizen=citizen, kind=Ticket.Kind.INQUIRY) for _ in range(2)]

    log_in(page, supervisor)
    page.goto(f"{live_server.url}/tickets/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.get_by_test_id("ticket-row")).to_have_count(7)

    # 1. Filter, and save the filter as a personal view.
    page.select_option("#id_kind", "complaint")
    expect(page.get_by_test_id("ticket-row")).to_have_count(5)
    page.get_by_test_id("save-view").locator("summary").click()
    page.fill("#view-name", "شكاوى اليوم")
    page.get_by_test_id("save-view-form").get_by_role("button", name="حفظ العرض").click()
    page.wait_for_url(re.compile(r"/tickets/\?view=\d+$"))
    view = SavedView.objects.get()
    assert (view.owner, view.name, view.params, view.department_id) == (
        supervisor,
        "شكاوى اليوم",
        {"kind": ["complaint"]},
        None,
    )
    expect(page.get_by_test_id("ticket-row")).to_have_count(5)
    screenshot(page, "desk-saved-view-ar")

    # 2. Tick the whole page of the view and give the five tickets to the agent at once.
    page.get_by_test_id("bulk-all").check()
    expect(page.get_by_test_id("bulk-count")).to_have_text("5")
    page.get_by_test_id("bulk-bar").get_by_label("الموظف", exact=True).select_option(str(agent.pk))
    page.get_by_test_id("bulk-assign").click()
    expect(page.get_by_test_id("bulk-summary")).to_be_visible()
    assert set(
        Ticket.objects.filter(pk__in=[t.pk for t in complaints]).values_list("assignee", flat=True)
    ) == {agent.pk}
    assert set(Ticket.objects.filter(pk__in=[t.pk for t in others]).values_list("assignee", flat=True)) == {
        None
    }
    screenshot(page, "desk-bulk-assigned-ar")

    # 3. Open the view again and export it: the link carries the view's filter.
    page.goto(f"{live_server.url}/tickets/?view={view.pk}")
    expect(page.get_by_test_id("ticket-row")).to_have_count(5)
    listed = [row.get_attribute("data-review-number") for row in page.get_by_test_id("ticket-row").all()]
    expect(page.get_by_test_id("export-xlsx")).to_have_attribute(
        "href", "/exports/tickets/xlsx/?kind=complaint"
    )
    with page.expect_download() as download_info:
        page.get_by_test_id("export-xlsx").click()
    path = tmp_path / "view.xlsx"
    download_info.value.save_as(path)

    sheet = load_workbook(path).worksheets[0]
    header, *rows = list(sheet.iter_rows(values_only=True))
    assert header[0] == "رقم المراجعة" and sheet.sheet_view.rightToLeft
    assert [row[0] for row in rows] == listed
    assert sorted(listed) == sorted(t.review_number for t in complaints)
    assignee = header.index("المكلَّف")
    with translation.override("ar"):  # the export is in the supervisor's language
        assert {row[assignee] for row in rows} == {agent.display_name()}
    job = ExportJob.objects.get()
    assert (job.owner, job.list_key, job.format, job.rows) == (supervisor, "tickets", "xlsx", 5)
