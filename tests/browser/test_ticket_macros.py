"""The ticket page in Arabic: an agent inserts an approved quick answer into a reply from the
keyboard and sends it; two members of staff on the same ticket see each other."""

import pytest
from django.core.cache import cache
from django.utils import translation
from playwright.sync_api import expect

from apps.tickets import macro_services
from tests.browser.conftest import VIEWPORT, _axe_init_script, axe_check, format_axe_violations
from tests.tickets.factories import TicketFactory

pytestmark = pytest.mark.browser

ANSWER = "نشكرك على تواصلك، طلبك قيد المعالجة لدى الإدارة المختصة."


@pytest.fixture(autouse=True)
def _private_files_and_clean_cache(settings, tmp_path):
    settings.HOUSING_ATTACHMENTS_ROOT = tmp_path / "private"
    cache.clear()


def test_an_agent_inserts_a_quick_answer_and_two_staff_see_each_other(
    page, browser, live_server, log_in, agent, supervisor, screenshot
):
    ticket = TicketFactory(actor=agent)
    macro = macro_services.macro_save(
        actor=supervisor,
        title_ar="إفادة بالمعالجة",
        title_en="Being handled",
        body_ar=ANSWER,
        body_en="We are on it.",
    )
    url = f"{live_server.url}/tickets/{ticket.pk}/"
    log_in(page, agent)
    page.goto(url)
    assert page.locator("html").get_attribute("dir") == "rtl"

    # From the keyboard: q opens the picker, the answer is chosen, Tab and Enter insert it.
    page.keyboard.press("q")
    picker = page.get_by_test_id("quick-answer")
    expect(picker).to_be_focused()
    picker.select_option(f"macro-{macro.pk}")
    page.keyboard.press("Tab")
    expect(page.get_by_test_id("insert-answer")).to_be_focused()
    page.keyboard.press("Enter")
    box = page.get_by_test_id("reply-form").locator("textarea")
    expect(box).to_have_value(ANSWER)
    expect(box).to_be_focused()
    assert page.url == url  # inserted in place, not by reloading the page
    screenshot(page, "ticket-quick-answer-ar")
    box.press("Control+Enter")
    expect(page.get_by_test_id("done")).to_be_visible()
    expect(page.get_by_test_id("timeline")).to_contain_text(ANSWER)
    assert ticket.events.filter(kind="public_reply", body=ANSWER, actor=agent).exists()

    # A second member of staff opens the same ticket in a browser of their own.
    context = browser.new_context(viewport=VIEWPORT, locale="ar-BH", timezone_id="Asia/Bahrain")
    context.expose_binding("__hcAxeReport", lambda source, report: None)
    context.add_init_script(_axe_init_script())
    other = context.new_page()
    try:
        log_in(other, supervisor)
        other.goto(url)
        expect(other.get_by_test_id("presence-others")).to_contain_text("عائشة")
        # The agent starts typing: their page tells the others at once and hears who is there.
        page.get_by_test_id("reply-form").locator("textarea").fill("سنوافيك")
        with translation.override("ar"):  # as the Arabic page names them
            supervisor_name = supervisor.display_name()
        expect(page.get_by_test_id("presence-others")).to_contain_text(supervisor_name)
        other.reload()
        expect(other.locator('[data-testid="presence-others"] [data-state="writing"]')).to_contain_text(
            "عائشة"
        )
        screenshot(other, "ticket-presence-ar")
        violations = format_axe_violations(other.url, axe_check(other))
        assert violations == [], "\n".join(violations)
    finally:
        context.close()
