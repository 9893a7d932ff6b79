"""Playwright, in Arabic: a supervisor reads July's satisfaction figures and drills down to
the poor ratings that reopened; an agent is warned that a caller got in touch about the same
purpose days ago, and the logged call shows as a repeat on the timeline (axe checks every
page; screenshots in tests/artifacts/)."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from apps.citizens import services as citizen_services
from apps.contacts.models import Contact
from tests.contacts.factories import ContactFactory, purpose
from tests.reports.test_satisfaction import at, chat, rated

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_supervisor_reads_the_satisfaction_figures_and_drills_down_in_arabic(
    page, live_server, log_in, supervisor, agent, department, screenshot
):
    rated(rating=5, when=at(7, 3), department=department, assignee=agent, comment="خدمة ممتازة")
    poor = rated(
        kind="inquiry",
        rating=2,
        when=at(7, 12),
        department=department,
        assignee=agent,
        reopened=at(7, 13),
        comment="لم تُحل المشكلة",
    )
    rated(rating=1, when=at(7, 15), comment="بطء شديد")
    chat(at(7, 5), 4, agent=agent, comment="شكرًا")
    log_in(page, supervisor)

    page.goto(f"{live_server.url}/reports/satisfaction/?start=2026-07-01&end=2026-07-31")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.get_by_role("heading", level=1)).to_have_text("رضا المواطنين")
    expect(page.get_by_test_id("tickets-rated")).to_have_text("3")
    expect(page.get_by_test_id("poor-reopened")).to_have_text("1")
    expect(page.get_by_test_id("comments")).to_contain_text("خدمة ممتازة")
    screenshot(page, "reports-satisfaction-ar")

    page.get_by_test_id("poor-reopened-link").click()
    rows = page.locator("[data-testid=rated-tickets] tbody tr[data-ticket]")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(poor.review_number)
    screenshot(page, "reports-satisfaction-poor-reopened-ar")
    rows.first.get_by_role("link").click()
    expect(page).to_have_url(f"{live_server.url}/tickets/{poor.pk}/")


def test_an_agent_is_warned_of_a_repeat_and_sees_it_on_the_timeline_in_arabic(
    page, live_server, log_in, agent, screenshot
):
    citizen = citizen_services.citizen_create(
        cpr="880412345", name_ar="أحمد علي الكعبي", phones=["36001234"], actor=agent
    )
    ContactFactory(citizen=citizen, agent=agent, offered_at=timezone.now() - dt.timedelta(days=3))
    log_in(page, agent)

    page.goto(f"{live_server.url}/console/?phone=36001234&call_id=PBX-REPEAT-1")
    warning = page.get_by_test_id("repeat-warning")
    expect(warning).to_contain_text(str(purpose().name_ar))
    expect(warning).to_contain_text("3")
    screenshot(page, "contacts-console-repeat-warning-ar")

    page.keyboard.press("1")  # new application
    page.keyboard.press("1")  # resolved on first contact
    page.keyboard.press("Control+Enter")
    expect(page.get_by_test_id("repeat-notice")).to_be_visible()
    expect(page.locator("[data-testid=timeline] .text-bg-warning")).to_have_text("تواصل متكرر")
    assert Contact.objects.get(call_id="PBX-REPEAT-1").repeat_of_id is not None
    screenshot(page, "contacts-console-repeat-logged-ar")
