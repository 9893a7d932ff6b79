"""Every main staff page and the portal, in Arabic and English at 1024 and 1366 px, in a real
browser: no horizontal overflow, nothing outside the viewport, the date, language, bell and
user always visible, no English UI word on an Arabic page, no date that reads two ways.

Screenshots are kept as tests/artifacts/layout-<language>-<width>-<page>.png.
"""

from __future__ import annotations

import re

import polib
import pytest
from django.urls import reverse

from apps.committee import services as committee_services
from apps.core.management.commands.compiletranslations import catalogues
from apps.escalations import services as escalation_services
from apps.tickets import services as ticket_services
from tests.committee.factories import ReferralFactory
from tests.contacts.factories import ContactFactory
from tests.escalations.factories import citizen_case
from tests.tickets.factories import TicketFactory

pytestmark = pytest.mark.browser

AMBIGUOUS_DATE = re.compile(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b|\b\d{4}-\d{2}-\d{2}\b")

# Elements outside the viewport, ignoring what is not shown (closed menus, the skip link, the
# portal's robot trap, which sits off-screen on purpose and is hidden from assistive tech).
OUTSIDE = """() => {
  const width = document.documentElement.clientWidth;
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const rect = el.getBoundingClientRect();
    if (rect.width < 2 || rect.height < 2) continue;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none') continue;
    if (el.closest('.dropdown-menu:not(.show), .visually-hidden-focusable, .collapse:not(.show), [aria-hidden=true]')) continue;
    if (rect.right > width + 1 || rect.left < -1) {
      out.push(el.tagName + '.' + el.className + ' ' + Math.round(rect.left) + '..' + Math.round(rect.right));
    }
  }
  return out.slice(0, 5);
}"""

TEXTS = """() => {
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const texts = [];
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const parent = node.parentElement;
    if (!parent || parent.closest('script, style, [lang=en], kbd, code, [aria-hidden=true]')) continue;
    const text = node.textContent.trim();
    if (text && parent.getClientRects().length) texts.push(text);
  }
  return texts;
}"""


def _english_ui_words() -> set[str]:
    words = set()
    for path in catalogues():
        if path.parent.parent.name != "ar":
            continue
        for entry in polib.pofile(str(path)):
            text = entry.msgid
            if entry.obsolete or not re.fullmatch(r"[A-Z][A-Za-z' ,.-]{3,60}", text):
                continue
            if entry.msgstr and entry.msgstr != text:
                words.add(text)
    return words


@pytest.fixture
def world(agent, senior, admin_user, department):
    ticket = TicketFactory(department=department)
    ticket_services.ticket_assign(ticket=ticket, assignee=agent, actor=agent)
    ContactFactory(agent=agent)
    case = citizen_case()
    escalation_services.escalation_note(escalation=case, body="ملاحظة للمتابعة", actor=senior)
    committee = committee_services.committee_upsert(
        code="housing", name_ar="لجنة الإسكان", name_en="Housing Committee"
    )
    referral = ReferralFactory(committee=committee, actor=admin_user)
    return {
        "home": reverse("core:home"),
        "tickets": reverse("tickets:list"),
        "ticket": reverse("tickets:detail", args=[ticket.pk]),
        "ticket-new": reverse("tickets:create"),
        "console": reverse("contacts:console") + f"?citizen={ticket.citizen_id}",
        "contact-figures": reverse("contacts:supervisor"),
        "follow-ups": reverse("contacts:follow_ups"),
        "uyc-queue": reverse("escalations:queue"),
        "uyc-case": reverse("escalations:detail", args=[case.pk]),
        "committee-pool": reverse("committee:pool"),
        "committee-referral": reverse("committee:referral", args=[referral.pk]),
        "deadlines": reverse("sla:dashboard"),
        "outbox": reverse("notifications:outbox"),
        "citizen": reverse("citizens:detail", args=[ticket.citizen_id]),
    }


PORTAL = {"portal": "portal:home", "portal-submit": "portal:submit", "portal-track": "portal:track"}


def _check(page, url: str, name: str, language: str, width: int, screenshot, words: set[str]) -> list[str]:
    page.goto(url)
    page.evaluate("document.fonts.ready")
    shot = f"layout-{language}-{width}-{name}"
    screenshot(page, shot)
    problems = []
    if page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth"):
        problems.append(f"{name}: the page scrolls sideways")
    outside = page.evaluate(OUTSIDE)
    if outside:
        problems.append(f"{name}: outside the viewport: {outside}")
    texts = page.evaluate(TEXTS)
    dates = [t for t in texts if AMBIGUOUS_DATE.search(t)]
    if dates:
        problems.append(f"{name}: ambiguous dates {dates[:3]}")
    if language == "ar":
        english = [t for t in texts if t.rstrip(":") in words]
        if english:
            problems.append(f"{name}: English UI words {english[:5]}")
    return problems


@pytest.mark.parametrize("width", [1024, 1366])
@pytest.mark.parametrize("language", ["ar", "en"])
def test_staff_pages_fit_and_speak_one_language(
    page, live_server, log_in, admin_user, world, language, width, screenshot
):
    admin_user.language = language
    admin_user.save(update_fields=["language"])
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, admin_user)
    for testid in ("today", "switch-language", "notification-bell", "user-menu"):
        box = page.get_by_test_id(testid).bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, testid
    words = _english_ui_words() - {"English"}
    problems = []
    for name, path in world.items():
        problems += _check(page, live_server.url + path, name, language, width, screenshot, words)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("width", [1024, 1366])
@pytest.mark.parametrize("language", ["ar", "en"])
def test_portal_pages_fit_and_speak_one_language(page, live_server, language, width, screenshot, db):
    page.set_viewport_size({"width": width, "height": 900})
    page.context.add_cookies([{"name": "hc_language", "value": language, "url": live_server.url}])
    words = _english_ui_words() - {"English"}
    problems = []
    for name, url_name in PORTAL.items():
        problems += _check(
            page, live_server.url + reverse(url_name), name, language, width, screenshot, words
        )
    assert not problems, "\n".join(problems)


def test_the_navigation_opens_by_keyboard(page, log_in, admin_user):
    log_in(page, admin_user)
    page.locator("[data-nav-group=desk] > button").focus()
    page.keyboard.press("Enter")
    page.keyboard.press("ArrowDown")
    focused = page.evaluate("document.activeElement.dataset.nav || ''")
    assert focused, "the first entry of the menu takes the focus"
