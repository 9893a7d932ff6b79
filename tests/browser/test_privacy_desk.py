"""The data-protection officer's desk in a real browser, in Arabic: from the desk's home the
officer opens the read log, searches it by a member of staff, and exports it to XLSX (read
back here); every page is checked with axe."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from apps.citizens.models import CitizenAccess
from apps.privacy.desk.models import ReadLogExport
from tests.privacy import desk_fixtures
from tests.tickets.factories import CitizenFactory

pytestmark = pytest.mark.browser

dpo = desk_fixtures.dpo


def _read(citizen, user, minutes_ago):
    row = CitizenAccess.objects.create(citizen=citizen, user=user, purpose="citizen page")
    CitizenAccess.objects.filter(pk=row.pk).update(at=timezone.now() - timedelta(minutes=minutes_ago))


def test_the_officer_searches_the_read_log_by_a_staff_member_and_exports_it(
    page, live_server, log_in, dpo, agent, supervisor, screenshot
):
    first = CitizenFactory(cpr="880500001", name_ar="سارة يوسف")
    second = CitizenFactory(cpr="880500002", name_ar="حمد خالد")
    _read(first, agent, 30)
    _read(second, agent, 20)
    _read(first, supervisor, 10)

    log_in(page, dpo)
    page.goto(f"{live_server.url}/privacy/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("h1")).to_have_text("مكتب حماية البيانات")
    screenshot(page, "privacy-desk-home-ar")

    page.get_by_role("link", name="فتح سجل الاطلاع").click()
    expect(page.locator("h1")).to_have_text("سجل الاطلاع")
    expect(page.get_by_test_id("read-row")).to_have_count(3)

    page.get_by_label("الموظف (اسم المستخدم)").fill("agent")
    page.get_by_role("button", name="بحث").click()
    rows = page.get_by_test_id("read-row")
    expect(rows).to_have_count(2)
    expect(page.get_by_test_id("reads-table")).to_contain_text("880500002")
    expect(page.get_by_test_id("reads-table")).not_to_contain_text(supervisor.username)
    screenshot(page, "privacy-desk-reads-ar")

    with page.expect_download() as download:
        page.get_by_role("button", name="تصدير إلى XLSX").click()
    with open(download.value.path(), "rb") as handle:
        book = load_workbook(io.BytesIO(handle.read()))
    sheet = book.active
    assert sheet.sheet_view.rightToLeft
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "الوقت"
    assert sorted(row[4] for row in values[1:]) == ["880500001", "880500002"]
    assert {row[2] for row in values[1:]} == {"agent"}
    export = ReadLogExport.objects.get()
    assert (export.actor, export.format, export.row_count) == (dpo, "xlsx", 2)
    assert export.filters["staff_id"] == agent.pk

    page.reload()
    expect(page.get_by_test_id("reads-exports")).to_contain_text("XLSX")
