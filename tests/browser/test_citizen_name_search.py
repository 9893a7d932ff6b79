"""Playwright: an agent finds a caller by name in the console's search box, in Arabic, typed
in another spelling, and picks them from the ranked list."""

import pytest

from apps.citizens import services as citizen_services
from apps.citizens.models import CitizenAccess
from tests.browser.conftest import axe_check, format_axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_agent_finds_a_caller_by_name_and_picks_them(page, live_server, log_in, agent, screenshot):
    wanted = citizen_services.citizen_create(
        cpr="770101234", name_ar="فاطمة بنت أحمد الدوسري", name_en="Fatima Al Dosari", actor=agent
    )
    citizen_services.citizen_create(cpr="880412346", name_ar="أحمد فاطمي", actor=agent)
    log_in(page, agent)
    page.goto(f"{live_server.url}/console/")

    page.fill("#console-q", "فاطمه احمد دوسري")
    page.keyboard.press("Enter")
    candidates = page.wait_for_selector("[data-testid=candidates]")
    first = candidates.query_selector(".list-group-item")
    assert "فاطمة بنت أحمد الدوسري" in first.inner_text() and "*****1234" in first.inner_text()
    assert "770101234" not in page.content()
    assert format_axe_violations(page.url, axe_check(page)) == []
    screenshot(page, "citizens-name-search-ar")
    assert not CitizenAccess.objects.exists()

    first.click()
    page.wait_for_selector("[data-testid=citizen-card]")
    assert list(CitizenAccess.objects.values_list("citizen_id", flat=True)) == [wanted.pk]
