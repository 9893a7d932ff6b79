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
    expect(page.get_by_role("heading", name="المواعيد")).to_be_visible()
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
    expect(page.locator("[data-sla=at_risk]")).to_contain_text("معرض للتأخر")
    screenshot(page, "sla-badges-ar")

    page.goto(f"{live_server.url}/tickets/{late.pk}/")
    expect(page.get_by_test_id("sla-clocks")).to_contain_text("متأخر")
    screenshot(page, "sla-ticket-ar")
    assert not page.external_requests
