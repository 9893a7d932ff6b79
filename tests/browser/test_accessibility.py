"""WCAG 2.2 A/AA with axe-core on every page a person of each role reaches from the navigation,
and on the portal, in Arabic and English.

Every browser test already checks the pages it opens (tests/browser/conftest.py); this file
makes sure each page is opened at least once: it signs in once per role and walks that role's
menus (the nav registry, so a new staff page is covered when it registers its entry), then
the portal's pages, with records on them so tables, badges and forms are not empty.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from apps.accounts.roles import Role
from apps.appointments import services as appointment_services
from apps.appointments.models import Branch, BranchStaff
from apps.core.navigation import entries_for
from apps.tickets import services as ticket_services
from tests.browser.conftest import axe_check, format_axe_violations
from tests.conftest import _make
from tests.contacts.factories import ContactFactory
from tests.escalations.factories import citizen_case
from tests.tickets.factories import TicketFactory

pytestmark = pytest.mark.browser

ROLES = [
    Role.AGENT,
    Role.SUPERVISOR,
    Role.DEPARTMENT_OFFICER,
    Role.SENIOR_MANAGEMENT,
    Role.COMMITTEE_SECRETARY,
    Role.COMMITTEE_MEMBER,
    Role.BRANCH_STAFF,
    Role.ADMINISTRATOR,
]
PORTAL = ["portal:home", "portal:submit", "portal:track", "portal:accessibility"]


def _settled_check(page, url: str) -> list[str]:
    page.goto(url)
    page.wait_for_function("() => !document.querySelector('.htmx-request')")
    return format_axe_violations(page.url, axe_check(page))


def test_the_check_catches_a_violation_with_its_rule_element_and_page(page, live_server):
    page.goto(f"{live_server.url}/portal/")
    page.wait_for_function("() => window.__hcAxeLoadChecked === true")  # its own check is done
    page.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=\"x.svg\">')")
    found = format_axe_violations(page.url, axe_check(page))
    assert found and "image-alt" in found[0] and "/portal/" in found[0] and "<img" in found[0], found
    page.evaluate("document.querySelector('main img[src=\"x.svg\"]').remove()")
    page.axe_violations.clear()  # provoked on purpose


@pytest.mark.parametrize("role", ROLES, ids=[r.value for r in ROLES])
def test_every_page_in_a_roles_menus_passes_axe_in_both_languages(
    page, live_server, log_in, role, department, agent, senior
):
    ticket = TicketFactory(department=department)
    ticket_services.ticket_assign(ticket=ticket, assignee=agent, actor=agent)
    ContactFactory(agent=agent)
    citizen_case()
    appointment_services.catalogue_ensure()
    user = {Role.AGENT: agent, Role.SENIOR_MANAGEMENT: senior}.get(role) or _make(
        f"a11y-{role.value}", [role], department=department if role == Role.DEPARTMENT_OFFICER else None
    )
    if role == Role.BRANCH_STAFF:
        BranchStaff.objects.create(user=user, branch=Branch.objects.get(code="hq"))
    log_in(page, user)
    urls = [entry["url"] for entry in entries_for(user)]
    assert urls, f"{role} sees no page"
    found, checked = [], 0
    for language in ("ar", "en"):
        type(user).objects.filter(pk=user.pk).update(language=language)
        for url in urls:
            found += _settled_check(page, live_server.url + url)
            checked += 1
            assert page.evaluate("document.documentElement.lang") == language, url
    print(f"axe: {role.value}: {checked} page views")
    assert not found, "\n".join(found)


@pytest.mark.parametrize("language", ["ar", "en"])
def test_the_portal_pages_pass_axe(page, live_server, language, db):
    page.context.add_cookies([{"name": "hc_language", "value": language, "url": live_server.url}])
    found = []
    for name in PORTAL:
        found += _settled_check(page, live_server.url + reverse(name))
        assert page.evaluate("document.documentElement.lang") == language, name
    assert not found, "\n".join(found)
