"""The SLA engine in a real browser, in Arabic: deadline badges in the staff list and on the
ticket, the deadline filter, and the deadlines dashboard (screenshots in tests/artifacts/)."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import expect

from apps.sla import seed, sweeps
from apps.sla.models import Clock
from apps.tickets import services
from tests.tickets.factories import CitizenFactory

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _clean(settings, tmp_path):
    settings.HOUSING_ATTACHMENTS_ROOT = tmp_path / "private"
    cache.clear()


def test_a_supervisor_sees_deadlines_in_arabic(
    page, live_server, log_in, screenshot, supervisor, agent, department
):
    seed.seed_policies()
    now = timezone.now()
    citizen = CitizenFactory()

    def inquiry(subject, received):
        return services.ticket_create(
            kind="inquiry",
            channel="phone",
            subject=subject,
            description="متى يحين دوري في الطلب الإسكاني؟",
            actor=agent,
            citizen=citizen,
            department=department,
            now=received,
        )

    late = inquiry("استفسار عن موعد التخصيص", now - timedelta(days=30))
    risky = inquiry("استفسار عن أوراق ناقصة", now - timedelta(hours=2))
    inquiry("استفسار عن حالة الطلب", now)
    # Make the second one close to its deadline: its at-risk instant has passed.
    Clock.objects.filter(ticket=risky).update(at_risk_at=now - timedelta(minutes=5))
    sweeps.sla_sweep(now=now)

    log_in(page, supervisor)
    page.goto(f"{live_server.url}/sla/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.get_by_role("heading", name="مُهل الإنجاز")).to_be_visible()
    department_row = page.get_by_test_id("by-department").locator(f"tr[data-row='{department.pk}']")
    expect(department_row.locator("[data-cell=open]")).to_have_text("3")
    expect(department_row.locator("[data-cell=breached]")).to_have_text("1")
    expect(department_row.locator("[data-cell=at_risk]")).to_have_text("1")
    screenshot(page, "sla-dashboard-ar")

    page.get_by_test_id("link-breached").click()
    rows = page.get_by_test_id("ticket-row")
    expect(rows).to_have_count(1)
    expect(rows.first.get_by_test_id("sla-badge")).to_have_text("متأخر")
    page.goto(f"{live_server.url}/tickets/")
    expect(page.get_by_test_id("sla-badge")).to_have_count(3)
    expect(page.locator("[data-sla=at_risk]")).to_contain_text("معرّض للتأخر")
    screenshot(page, "sla-badges-ar")

    page.goto(f"{live_server.url}/tickets/{late.pk}/")
    expect(page.get_by_test_id("sla-clocks")).to_contain_text("متأخر")
    screenshot(page, "sla-ticket-ar")
    assert not page.external_requests


def test_an_agent_reclassifies_and_extends_from_the_ticket_page_in_arabic(
    page, live_server, log_in, screenshot, agent
):
    seed.seed_policies()
    ticket = services.ticket_create(
        kind="complaint",
        channel="phone",
        subject="تأخر الرد على طلبي",
        description="لم يصلني رد منذ شهر.",
        actor=agent,
        citizen=CitizenFactory(),
    )
    log_in(page, agent)
    page.goto(f"{live_server.url}/tickets/{ticket.pk}/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    page.get_by_test_id("reclassify").locator("summary").click()
    form = page.get_by_test_id("reclassify-form")
    form.locator("select[name=reclassify-kind]").select_option("inquiry")
    form.locator("input[name=reclassify-reason]").fill("سؤال لا شكوى")
    form.get_by_role("button", name="إعادة التصنيف").click()
    expect(page.get_by_test_id("done")).to_contain_text("أُعيد تصنيف التذكرة")
    expect(
        page.get_by_test_id("sla-clocks").locator("[data-target=first_response][data-state=stopped]")
    ).to_have_count(1)

    due = (timezone.localtime() + timedelta(days=30)).date().isoformat()
    extend = page.get_by_test_id("extend-form")
    extend.locator("input[name=extend-new_due]").fill(due)
    extend.locator("input[name=extend-reason]").fill("ننتظر رأي الإدارة القانونية")
    extend.get_by_role("button").click()
    entry = page.get_by_test_id("timeline").locator("[data-kind=deadline_extended]")
    expect(entry).to_contain_text("ننتظر رأي الإدارة القانونية")
    page.get_by_test_id("reclassify").locator("summary").click()
    screenshot(page, "sla-reclassify-extend-ar")
    assert not page.external_requests
