"""A member of staff corrects a citizen's name with a reason, in Arabic; the data-protection
officer finds the change, who made it and why, on the change history page."""

import pytest
from playwright.sync_api import expect

from apps.accounts.roles import Role
from apps.citizens.models import Citizen
from apps.privacy.history.models import Change
from tests.tickets.factories import CitizenFactory

pytestmark = pytest.mark.browser

REASON = "تصحيح الاسم بحسب البطاقة الذكية"


@pytest.fixture
def dpo(db):
    from tests.conftest import _make

    return _make("dpo", [Role.DATA_PROTECTION_OFFICER], full_name_ar="مسؤول حماية البيانات")


def test_a_name_corrected_with_a_reason_is_found_by_the_officer(
    page, live_server, log_in, agent, dpo, screenshot
):
    citizen = CitizenFactory(cpr="850101234", name_ar="فاطمة علي", phones=["3655 1234"])

    # 1. The agent opens the citizen's page and corrects the name, giving a reason.
    log_in(page, agent)
    page.goto(f"{live_server.url}/citizens/{citizen.pk}/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    page.get_by_test_id("citizen-edit").click()
    page.fill("#id_name_ar", "فاطمة علي حسن")
    page.get_by_role("button", name="حفظ التغيير").click()
    expect(page.locator("#id_reason_error")).to_be_visible()  # no reason: refused, nothing saved
    assert Citizen.objects.get(pk=citizen.pk).name_ar == "فاطمة علي"
    page.fill("#id_name_ar", "فاطمة علي حسن")
    page.fill("#id_reason", REASON)
    screenshot(page, "citizen-edit-ar")
    with page.expect_navigation():
        page.get_by_role("button", name="حفظ التغيير").click()
    expect(page.locator("h1")).to_contain_text("فاطمة علي حسن")
    change = Change.objects.get(model="citizens.citizen", object_id=str(citizen.pk), action="update")
    assert (change.door, change.actor_id, change.reason) == ("page", agent.pk, REASON)

    # 2. The officer searches the history by the citizen's CPR and finds the change.
    page.context.clear_cookies()
    log_in(page, dpo)
    page.goto(f"{live_server.url}/privacy/history/")
    page.fill("#id_citizen", "٨٥٠١٠١٢٣٤")
    with page.expect_navigation():
        page.get_by_role("button", name="بحث").click()
    row = page.locator(f"[data-change='{change.pk}']")
    expect(row).to_contain_text("فاطمة علي حسن")
    expect(row).to_contain_text(REASON)
    expect(row).to_contain_text(agent.display_name())
    expect(row).to_contain_text("صفحة الموظفين")
    screenshot(page, "privacy-history-ar")
