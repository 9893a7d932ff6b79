"""Small screens and zoom (WCAG 1.4.10 reflow, 1.4.4 resize text): the portal at 320 CSS pixels
wide and at 200% zoom, and the staff pages at 200% zoom, in Arabic and English, without the
page scrolling sideways. 200% of the 1280 x 800 window the other tests use is a 640 x 400
CSS-pixel viewport drawn at twice the density, which is how the zoom is emulated here.

Screenshots are kept as tests/artifacts/zoom-<width>-<language>-<page>.png. Each page is
checked with axe too, as every page a browser test opens.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from apps.tickets import services as ticket_services
from tests.contacts.factories import ContactFactory
from tests.tickets.factories import TicketFactory

pytestmark = pytest.mark.browser

PORTAL = {
    "portal": "portal:home",
    "submit": "portal:submit",
    "track": "portal:track",
    "accessibility": "portal:accessibility",
    "appointments": "appointments_portal:start",
    "uyc": "uyc_portal:form",
}
PHONE = {"width": 320, "height": 640}
ZOOMED = {"width": 640, "height": 400}  # 1280 x 800 at 200%

# What scrolls sideways: the document itself (a data table may scroll inside its own box,
# which 1.4.10 allows for content that needs two dimensions).
SIDEWAYS = """() => {
  const root = document.documentElement;
  if (root.scrollWidth <= root.clientWidth) return [];
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const rect = el.getBoundingClientRect();
    if (rect.width && (rect.right > root.clientWidth + 1 || rect.left < -1)
        && !el.closest('.table-responsive, .visually-hidden-focusable, .portal-trap')) {
      out.push(el.tagName + '.' + el.className + ' ' + Math.round(rect.left) + '..' + Math.round(rect.right));
    }
  }
  return [root.scrollWidth + ' > ' + root.clientWidth].concat(out.slice(0, 5));
}"""


def _fits(page, url: str, shot: str, screenshot) -> list[str]:
    page.goto(url)
    page.wait_for_function("() => !document.querySelector('.htmx-request')")
    page.evaluate("document.fonts.ready")
    screenshot(page, shot)
    wide = page.evaluate(SIDEWAYS)
    return [f"{shot}: scrolls sideways: {wide}"] if wide else []


@pytest.mark.parametrize("language", ["ar", "en"])
@pytest.mark.parametrize("size", [PHONE, ZOOMED], ids=["320px", "zoom200"])
def test_the_portal_reflows_without_scrolling_sideways(page, live_server, language, size, screenshot, db):
    page.set_viewport_size(size)
    page.context.add_cookies([{"name": "hc_language", "value": language, "url": live_server.url}])
    problems = []
    for name, url_name in PORTAL.items():
        problems += _fits(
            page, live_server.url + reverse(url_name), f"zoom-{size['width']}-{language}-{name}", screenshot
        )
    # The submit form with its errors shown is the longest form a citizen meets.
    page.goto(live_server.url + reverse("portal:submit"))
    with page.expect_navigation():
        page.get_by_test_id("submit-send").click()
    if page.evaluate(SIDEWAYS):
        problems.append(f"submit with errors at {size['width']}: {page.evaluate(SIDEWAYS)}")
    screenshot(page, f"zoom-{size['width']}-{language}-submit-errors")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("language", ["ar", "en"])
def test_staff_pages_stay_usable_at_200_percent(
    page, live_server, log_in, admin_user, agent, department, language, screenshot
):
    ticket = TicketFactory(department=department)
    ticket_services.ticket_assign(ticket=ticket, assignee=agent, actor=agent)
    ContactFactory(agent=agent)
    type(admin_user).objects.filter(pk=admin_user.pk).update(language=language)
    page.set_viewport_size(ZOOMED)
    log_in(page, admin_user)
    pages = {
        "home": reverse("core:home"),
        "tickets": reverse("tickets:list"),
        "ticket": reverse("tickets:detail", args=[ticket.pk]),
        "ticket-new": reverse("tickets:create"),
        "console": reverse("contacts:console") + f"?citizen={ticket.citizen_id}",
        "contacts": reverse("contacts:contact_list"),
        "deadlines": reverse("sla:dashboard"),
        "citizen": reverse("citizens:detail", args=[ticket.citizen_id]),
    }
    problems = []
    for name, path in pages.items():
        problems += _fits(page, live_server.url + path, f"zoom-640-{language}-staff-{name}", screenshot)
    # The menus fold behind the toggler, which opens by keyboard and shows every group.
    toggler = page.locator(".navbar-toggler")
    assert toggler.is_visible()
    toggler.focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("#main-nav.show")
    assert page.locator("[data-nav-group]").first.is_visible()
    screenshot(page, f"zoom-640-{language}-staff-menu")
    assert not problems, "\n".join(problems)
