"""Bulk actions in a real browser, in Arabic: a supervisor ticks five tickets on the list,
gives them to an agent in one step and reads the summary."""

import pytest
from django.core.cache import cache
from django.utils import translation
from playwright.sync_api import expect

from apps.tickets import services
from apps.tickets.models import Macro, Ticket
from tests.tickets.factories import TicketFactory

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _private_files_and_clean_counters(settings, tmp_path):
    settings.HOUSING_ATTACHMENTS_ROOT = tmp_path / "private"
    cache.clear()


def test_a_supervisor_bulk_assigns_five_tickets_to_an_agent(
    page, live_server, log_in, supervisor, agent, screenshot
):
    tickets = [TicketFactory(actor=supervisor) for _ in range(6)]
    # Every control of the bar on the page (axe checks them all).
    services.tag_save(actor=supervisor, name_ar="إسكان", name_en="Housing", colour="blue")
    Macro.objects.create(title_ar="تم الحل", title_en="Solved", body_ar="تمت معالجة طلبكم.", body_en="Done.")
    chosen, left = tickets[:5], tickets[5]
    log_in(page, supervisor)
    page.goto(f"{live_server.url}/tickets/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    bar = page.get_by_test_id("bulk-bar")
    expect(bar).to_be_hidden()  # until something is ticked

    for ticket in chosen:
        page.get_by_role("checkbox", name=f"تحديد التذكرة {ticket.review_number}").check()
    expect(bar).to_be_visible()
    expect(page.get_by_test_id("bulk-count")).to_have_text("5")
    expect(page.get_by_test_id("bulk-all")).to_have_js_property("indeterminate", True)
    expect(bar.get_by_test_id("bulk-add-tags")).to_be_visible()
    expect(bar.get_by_test_id("bulk-close")).to_be_visible()
    bar.get_by_label("الموظف", exact=True).select_option(str(agent.pk))
    screenshot(page, "tickets-bulk-bar-ar")
    page.get_by_test_id("bulk-assign").click()

    summary = page.get_by_test_id("bulk-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("5")
    expect(summary).to_be_focused()
    assert {t.assignee_id for t in Ticket.objects.filter(pk__in=[t.pk for t in chosen])} == {agent.pk}
    assert Ticket.objects.get(pk=left.pk).assignee_id is None
    # The list came back in place, showing the new assignee on each of the five rows.
    with translation.override("ar"):  # the page is in Arabic, whatever this process last used
        name = agent.display_name()
    for ticket in chosen:
        expect(page.locator(f'tr[data-review-number="{ticket.review_number}"]')).to_contain_text(name)
    expect(bar).to_be_hidden()
    screenshot(page, "tickets-bulk-summary-ar")
