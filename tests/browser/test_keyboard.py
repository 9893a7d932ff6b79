"""The keyboard alone, no mouse: a citizen files a complaint on the portal and follows it; an
agent looks a caller up in the console and logs the call. Each stop of the Tab key must
show where the focus is, and the fields come in the order they are read."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache

from apps.citizens import services as citizen_services
from apps.contacts.models import Contact
from apps.tickets import services as ticket_services
from apps.tickets.models import Ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The element showing the focus: the control itself, or the label drawn for a hidden radio.
FOCUS_SHOWN = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return false;
  const shown = el.classList.contains('btn-check') ? el.nextElementSibling : el;
  const style = getComputedStyle(shown);
  return (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2)
    || (style.boxShadow && style.boxShadow !== 'none');
}"""
FOCUSED = (
    "() => { const e = document.activeElement; return e.id || e.name || e.dataset.testid || e.tagName; }"
)


@pytest.fixture(autouse=True)
def _private_files_and_clean_counters(settings, tmp_path):
    settings.HOUSING_ATTACHMENTS_ROOT = tmp_path / "private"
    cache.clear()


def _tab_to(page, selector: str, *, limit: int = 40) -> int:
    """Press Tab until ``selector`` has the focus; how many presses it took."""
    seen = []
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        seen.append(page.evaluate(FOCUSED))
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            assert page.evaluate(FOCUS_SHOWN), f"no visible focus on {selector}"
            return presses
    raise AssertionError(f"Tab never reached {selector}; it went through {seen}")


def test_a_citizen_files_a_complaint_and_follows_it_with_the_keyboard_alone(page, live_server, agent):
    page.goto(f"{live_server.url}/portal/")
    # The first stop is the skip link, shown when focused; it leads into the main content.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#main"
    assert page.evaluate("document.activeElement.getBoundingClientRect().width") > 10
    page.keyboard.press("Enter")
    assert page.url.endswith("#main")
    _tab_to(page, "[data-testid=portal-submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    # The kind, by arrow keys in its group of radios; then sent empty: the errors are
    # announced (the summary takes the focus) and each field points at its own message.
    _tab_to(page, "input[name=kind]")
    page.keyboard.press("Space")
    assert page.evaluate("document.querySelector('input[name=kind]:checked').value") == "complaint"
    _tab_to(page, "[data-testid=submit-send]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.dataset.testid") == "submit-error"
    for field in ("name", "cpr", "mobile", "subject", "description"):
        described = page.evaluate(
            """(name) => {
              const input = document.querySelector('[name=' + name + ']');
              const ids = (input.getAttribute('aria-describedby') || '').split(' ').filter(Boolean);
              return {invalid: input.getAttribute('aria-invalid'),
                      text: ids.map((id) => (document.getElementById(id) || {}).textContent || '').join(' ')};
            }""",
            field,
        )
        assert described["invalid"] == "true" and described["text"].strip(), (field, described)

    # The fields in reading order, one Tab each (the anonymity box is only for suggestions).
    assert page.evaluate("document.querySelector('input[name=kind]:checked').value") == "complaint"
    _tab_to(page, "#id_name")
    page.keyboard.type("فاطمة علي حسن")
    for selector, text in (
        ("#id_cpr", "850101234"),
        ("#id_mobile", "3655 1234"),
        ("#id_email", ""),
        ("#id_category", ""),
        ("#id_subject", "تأخر الرد على طلبي الإسكاني"),
        ("#id_description", "قدمت طلبي الإسكاني منذ سنوات ولم أتلقَ أي رد حتى الآن."),
    ):
        assert _tab_to(page, selector) == 1, f"{selector} is not the next stop"
        if text:
            page.keyboard.type(text)
    _tab_to(page, "[data-testid=submit-send]")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    number = page.get_by_test_id("receipt-number").inner_text().strip()
    assert re.fullmatch(r"\d{4}-\d{6}-\d", number)
    ticket = Ticket.objects.get(review_number=number)
    assert (ticket.kind, ticket.subject) == ("complaint", "تأخر الرد على طلبي الإسكاني")
    ticket_services.ticket_reply(ticket=ticket, body="تمت مراجعة طلبكم.", actor=agent)

    _tab_to(page, "main a[href$='/portal/track/']")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    _tab_to(page, "#id_review_number")
    page.keyboard.type(number)
    assert _tab_to(page, "#id_phone_last4") == 1
    page.keyboard.type("1234")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert number in page.get_by_test_id("track-result").inner_text()
    assert "تمت مراجعة طلبكم." in page.get_by_test_id("public-replies").inner_text()


def test_an_agent_logs_a_call_in_the_console_without_the_mouse(page, live_server, log_in, agent):
    citizen = citizen_services.citizen_create(
        cpr="880412345", name_ar="أحمد علي الكعبي", name_en="Ahmed Ali", phones=["36001234"], actor=agent
    )
    log_in(page, agent)
    page.goto(f"{live_server.url}/console/")
    # The shortcuts are listed on the page and told to assistive technology.
    shortcuts = page.get_by_test_id("shortcuts").inner_text()
    assert "Alt+S" in shortcuts and "Alt+L" in shortcuts
    assert page.get_attribute("#console-q", "aria-keyshortcuts") == "Alt+S"

    page.keyboard.press("Alt+S")
    assert page.evaluate("document.activeElement.id") == "console-q"
    page.keyboard.type("880412345")
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-testid=citizen-name]")
    assert page.inner_text("[data-testid=citizen-name]") == "أحمد علي الكعبي"
    # The card leaves the focus on the purposes: 1 = new application, then the outcomes:
    # 1 = resolved on first contact; Alt+N the notes, Alt+L saves.
    page.wait_for_function("document.activeElement.closest('[data-testid=purpose-group]') !== null")
    page.keyboard.press("1")
    page.keyboard.press("1")
    page.keyboard.press("Alt+N")
    page.keyboard.type("استفسار عن موعد صرف الدعم")
    page.keyboard.press("Alt+L")
    page.wait_for_selector("[data-testid=console-notice]")

    contact = Contact.objects.get(citizen=citizen)
    assert (contact.agent_id, contact.purpose.code, contact.outcome) == (
        agent.pk,
        "new_application",
        "resolved_first_contact",
    )
    assert contact.notes == "استفسار عن موعد صرف الدعم"
