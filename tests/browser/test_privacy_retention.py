"""Retention in a real browser, in Arabic: the data-protection officer runs a dry run and
reads its counts, then places a legal hold on a citizen (axe checks every page)."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from apps.accounts.roles import Role
from apps.contacts.models import Contact
from apps.privacy.retention.kinds import ALLOWED_ACTIONS, DEFAULT_MINIMUMS, DEFAULT_PERIODS
from apps.privacy.retention.models import LegalHold, RetentionPolicy, RetentionRun
from tests.conftest import _make
from tests.contacts.factories import ContactFactory
from tests.tickets.factories import CitizenFactory, TicketFactory, set_status

pytestmark = pytest.mark.browser

LONG_AGO = dt.datetime(2019, 3, 10, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def old_records(transactional_db):
    # A transactional test may start with the seeded policies flushed by an earlier one.
    for kind in DEFAULT_PERIODS:
        RetentionPolicy.objects.update_or_create(
            kind=kind,
            defaults={
                "months": DEFAULT_MINIMUMS[kind],
                "action": ALLOWED_ACTIONS[kind][0],
                "is_active": True,
            },
        )
    citizen = CitizenFactory()
    for _ in range(2):
        set_status(TicketFactory(citizen=citizen), "closed", closed_at=LONG_AGO, received_at=LONG_AGO)
    ContactFactory(offered_at=LONG_AGO, caller_number="36001234", notes="اتصل بخصوص طلبه")
    return citizen


def test_the_officer_runs_a_dry_run_and_places_a_hold_in_arabic(
    page, live_server, log_in, screenshot, old_records
):
    dpo = _make("dpo", [Role.DATA_PROTECTION_OFFICER])
    log_in(page, dpo)
    page.goto(f"{live_server.url}/privacy/retention/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.get_by_role("heading", level=1)).to_have_text("الاحتفاظ بالبيانات الشخصية")
    expect(page.locator("tr[data-kind='closed_tickets']")).to_contain_text("التذاكر المغلقة وسجلاتها")

    page.get_by_role("button", name="تجربة الآن").click()
    expect(page.get_by_role("alert")).to_contain_text("اكتملت التجربة")
    run = page.get_by_test_id("run").first
    expect(run).to_contain_text("تجربة")
    expect(run).to_contain_text("التذاكر المغلقة وسجلاتها: 2")
    expect(run).to_contain_text("ملاحظات الموظفين على التواصلات: 1")
    screenshot(page, "privacy-retention-dry-run-ar")
    # A dry run changes nothing.
    assert Contact.objects.get().notes == "اتصل بخصوص طلبه"
    assert RetentionRun.objects.get().dry_run

    form = page.get_by_test_id("hold-form")
    form.get_by_label("التجميد على").select_option("citizen")
    form.get_by_label("الرقم الشخصي أو رقم المراجعة أو رقم التواصل").fill(old_records.cpr)
    form.get_by_label("السبب").fill("دعوى قضائية منظورة")
    form.get_by_role("button", name="ضع التجميد").click()
    expect(page.get_by_role("alert")).to_contain_text("وُضع التجميد القانوني")
    expect(page.get_by_test_id("holds")).to_contain_text("دعوى قضائية منظورة")
    assert LegalHold.objects.get().citizen == old_records

    page.get_by_role("button", name="تجربة الآن").click()
    expect(page.get_by_test_id("run").first).to_contain_text("التذاكر المغلقة وسجلاتها: 0")
    screenshot(page, "privacy-retention-hold-ar")
