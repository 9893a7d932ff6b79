"""Every page runs under the Content-Security-Policy with nothing blocked.

The ``page`` fixture fails a test on any CSP violation the browser reports; these tests
walk the pages so that a template with an inline script, handler or style fails here.
Every URL pattern without a parameter is opened (a new page is covered without editing
this file), then the pages about one record, with records made for them.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from playwright.sync_api import expect

from tests.escalations.factories import citizen_case
from tests.tickets.factories import CitizenFactory, TicketFactory

pytestmark = pytest.mark.browser

# Not pages: answers to forms, files and JSON for scripts; the admin's own pages are
# Django's (its index and a change form are opened below).
_NOT_PAGES = ("api/", "healthz", "readyz", "i18n/", "accounts/logout/", "static/", "media/", "admin/")


def _plain_paths(resolver=None, prefix="") -> list[str]:
    """Every URL pattern of the project without a parameter, as a path."""
    paths = []
    for entry in (resolver or get_resolver()).url_patterns:
        route = str(entry.pattern)
        if "<" in route or "(?P" in route or route.startswith("^"):
            continue
        if isinstance(entry, URLResolver):
            paths += _plain_paths(entry, prefix + route)
        elif isinstance(entry, URLPattern):
            paths.append("/" + prefix + route)
    return sorted({p for p in paths if not p.lstrip("/").startswith(_NOT_PAGES)})


def _visit(page, url):
    answer = page.request.get(url, max_redirects=0)  # with the tab's cookies
    if answer.status == 405 or "text/html" not in answer.headers.get("content-type", ""):
        return None  # the address a form posts to, or a file: no page to render
    response = page.goto(url)
    assert response is not None
    assert "content-security-policy" in response.headers, url
    # Let htmx finish what the page loads by itself before the page is left.
    page.wait_for_function("() => !document.querySelector('.htmx-request')")
    return response


def test_the_browser_tests_catch_a_violation(page, live_server):
    page.goto(f"{live_server.url}/accounts/login/")
    page.evaluate("document.body.setAttribute('style', 'color: red')")
    page.wait_for_function("true")  # one more round trip: the console message is in
    assert any("style-src" in v for v in page.csp_violations), page.csp_violations
    page.csp_violations.clear()  # provoked on purpose


def test_every_plain_staff_page_runs_under_the_policy(page, live_server, log_in, admin_user):
    log_in(page, admin_user)
    paths = _plain_paths()
    assert "/tickets/" in paths and "/portal/" in paths
    for path in paths:
        _visit(page, live_server.url + path)


def test_every_plain_public_page_runs_under_the_policy(page, live_server):
    for path in _plain_paths():
        _visit(page, live_server.url + path)


def test_the_pages_about_one_record_run_under_the_policy(page, live_server, log_in, admin_user):
    ticket = TicketFactory(citizen=CitizenFactory())
    case = citizen_case()
    log_in(page, admin_user)
    for path in (
        f"/tickets/{ticket.pk}/",
        f"/citizens/{ticket.citizen_id}/",
        f"/uyc/{case.pk}/",
        f"/uyc/escalate/{ticket.pk}/",
        "/admin/",
        f"/admin/tickets/ticket/{ticket.pk}/change/",
        "/admin/notifications/messagetemplate/add/",
    ):
        _visit(page, live_server.url + path)


def test_the_api_docs_run_under_the_policy(page, live_server, log_in, admin_user):
    log_in(page, admin_user)
    _visit(page, f"{live_server.url}/api/v1/docs/")
    # The whole schema is fetched and rendered by script: slow on a loaded machine.
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Housing Contact API", timeout=60_000)
    expect(page.locator(".opblock").first).to_be_visible(timeout=60_000)
