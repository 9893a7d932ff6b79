"""Saved views in a real browser, in Arabic: a supervisor filters the ticket list, saves the
view shared with their department, and finds it in the navigation with its count."""

import re

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from apps.accounts.roles import Role
from apps.core.models import SavedView
from tests.conftest import _make
from tests.tickets.factories import TicketFactory

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()


def test_a_supervisor_saves_a_shared_view_and_sees_its_count_in_the_navigation(
    page, live_server, log_in, agent, department, screenshot
):
    head = _make("head_of_housing", [Role.SUPERVISOR], department=department)
    for _ in range(3):
        TicketFactory(actor=agent, kind="complaint")
    for _ in range(2):
        TicketFactory(actor=agent, kind="inquiry")
    log_in(page, head)
    page.goto(f"{live_server.url}/tickets/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.get_by_test_id("ticket-row")).to_have_count(5)

    page.select_option("#id_kind", "complaint")
    expect(page.get_by_test_id("ticket-row")).to_have_count(3)
    page.select_option("#id_sort", "oldest")
    expect(page.get_by_test_id("ticket-row")).to_have_count(3)

    page.get_by_test_id("save-view").locator("summary").click()
    page.fill("#view-name", "شكاوى الإدارة")
    page.select_option("#view-department", str(department.pk))
    screenshot(page, "saved-view-save-ar")
    page.get_by_test_id("save-view-form").get_by_role("button", name="حفظ العرض").click()

    page.wait_for_url(re.compile(r"/tickets/\?view=\d+$"))
    view = SavedView.objects.get()
    assert (view.name, view.department_id, view.params, view.sort) == (
        "شكاوى الإدارة",
        department.pk,
        {"kind": ["complaint"]},
        "oldest",
    )
    expect(page.get_by_test_id("ticket-row")).to_have_count(3)
    expect(page.get_by_test_id("saved-view")).to_contain_text("شكاوى الإدارة")

    page.locator("#nav-group-views").click()
    entry = page.locator(f'[data-nav="view-{view.pk}"]')
    expect(entry).to_be_visible()
    expect(entry).to_contain_text("شكاوى الإدارة")
    expect(entry.get_by_test_id("view-count")).to_contain_text("3")
    screenshot(page, "saved-view-navigation-ar")


def test_a_supervisor_keeps_tags_and_an_agent_tags_a_ticket_in_arabic(
    page, live_server, log_in, supervisor, agent, screenshot
):
    from apps.tickets import services

    ticket = TicketFactory(actor=agent)
    services.tag_save(actor=supervisor, name_ar="عاجل", name_en="Urgent", colour="red")
    log_in(page, supervisor)
    page.goto(f"{live_server.url}/tickets/tags/")
    page.fill("#id_new-name_ar", "إسكان")
    page.fill("#id_new-name_en", "Housing")
    page.select_option("#id_new-colour", "purple")
    page.get_by_test_id("tag-create-form").get_by_role("button").click()
    expect(page.get_by_test_id("tag-row")).to_have_count(2)
    screenshot(page, "tags-page-ar")

    page.goto(f"{live_server.url}/tickets/{ticket.pk}/")
    page.get_by_test_id("ticket-tags").locator("summary").click()
    page.get_by_label("إسكان").check()
    page.get_by_test_id("tags-form").get_by_role("button").click()
    expect(page.get_by_test_id("current-tags").get_by_test_id("tag-chip")).to_have_text("إسكان")
    expect(page.get_by_test_id("timeline-tags")).to_contain_text("أُضيف إسكان.")
    assert [t.name_en for t in ticket.tags.all()] == ["Housing"]
    screenshot(page, "ticket-tags-ar")

    page.goto(f"{live_server.url}/tickets/")
    expect(page.get_by_test_id("ticket-row").get_by_test_id("tag-chip")).to_have_text("إسكان")
