"""Fixtures for browser tests: a live server, headless Chromium, signing in, screenshots.

Use them like this (and mark the module ``pytestmark = pytest.mark.browser``)::

    def test_the_agent_sees_the_console(page, live_server, log_in, agent, screenshot):
        log_in(page, agent)
        page.goto(live_server.url + "/console/")
        screenshot(page, "console-agent-ar")

- ``live_server`` is pytest-django's: the app in a thread on localhost, static files served
  from the apps and packages. Any test using it runs on a *transactional* database: the
  rows it creates are committed (the server thread must see them) and every table is
  emptied after the test; pytest-django runs such tests after the ordinary ones.
- ``browser`` is one headless Chromium (Debian's, never a downloaded build) for every test
  of this folder; ``page`` is a fresh tab with its own cookies for each test. Requests to
  any host other than the live server are aborted and listed in ``page.external_requests``:
  the ministry's network is closed, so a page must not depend on a CDN.
- ``log_in(page, user)`` signs in through the real login form with the personas' password,
  and, for a user whose role requires it, the real second step with their authenticator's
  current code.
- Every page runs under the site's Content-Security-Policy, and any violation of it (an
  inline script, style or handler, an eval, a resource from elsewhere) fails the test at
  its end, listed in ``page.csp_violations``. A test that means to provoke one empties
  that list itself.
- Every page a test opens is checked for accessibility with axe-core (the WCAG 2.0, 2.1 and
  2.2 A/AA rules; the copy pinned inside the ``axe-playwright-python`` wheel, so nothing is
  fetched): an init script runs axe once each page has loaded and htmx has settled, and the
  page as the test leaves it is checked once more at the end. Any violation fails the test
  at its end, listed by page, rule and element in ``page.axe_violations``; a test that
  means to provoke one empties that list itself. New pages are covered by visiting them.
- ``screenshot(page, name)`` writes ``tests/artifacts/<name>.png`` (ignored by git).

When Chromium is missing every browser test is skipped with a loud reason (``tests/run.py``
prints a banner too); CI always installs it.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.conftest import PASSWORD, enrol_two_factor, totp_code

CHROMIUM = os.environ.get("HOUSING_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
VIEWPORT = {"width": 1280, "height": 800}
# Runs before any script of every page (Playwright's init scripts are not subject to the
# page's CSP): each "securitypolicyviolation" event becomes a tagged console error.
_REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", function (e) {
  console.error("CSP-VIOLATION " + e.effectiveDirective + " blocked " + (e.blockedURI || "inline")
    + " at " + e.sourceFile + ":" + e.lineNumber + " (" + (e.sample || "") + ")");
});
"""


# axe-core, from the wheel that pins it. The init script and the bindings below are not
# subject to the page's CSP (DevTools runs them), so the policy stays as strict as served.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# No preload: axe would copy each stylesheet it cannot read into a <style> element of its own
# (the admin's @import), which the CSP rightly blocks; only css-orientation-lock needs it.
_AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": AXE_TAGS},
    "resultTypes": ["violations"],
    "preload": False,
}
_AXE_RUN = """
window.__hcAxeRun = function () {
  if (window.__hcAxeRunning) return window.__hcAxeRunning;
  // Only pages: an htmx fragment or a file opened on its own has no <!doctype>.
  if (!document.doctype) return Promise.resolve([]);
  const options = %(options)s;
  // Transitions run to their end first (a button fading in is not low contrast), and a
  // vendor's widget marked data-a11y-vendor (Swagger UI on the API docs) is left out.
  document.getAnimations().forEach(function (a) { try { a.finish(); } catch (e) { /* endless */ } });
  const context = {exclude: [["[data-a11y-vendor]"]]};
  window.__hcAxeRunning = axe.run(context, options).then(function (result) {
    return result.violations.map(function (v) {
      return {id: v.id, impact: v.impact, help: v.help,
              nodes: v.nodes.slice(0, 5).map(function (n) {
                return {target: n.target.join(" "), html: n.html.slice(0, 200),
                        summary: (n.failureSummary || "").split("\\n").slice(0, 2).join(" ")};
              }), count: v.nodes.length};
    });
  }).finally(function () { window.__hcAxeRunning = null; });
  return window.__hcAxeRunning;
};
"""
# Each top-level page checks itself once it has loaded and htmx's first requests (and the
# transitions after them) have settled, then reports through the __hcAxeReport binding.
_AXE_ON_LOAD = """
(function () {
  if (window.top !== window || !/^https?:/.test(location.href)) return;
  %(axe)s
  %(run)s
  function settled() {
    return document.readyState === "complete" && !document.querySelector(".htmx-request");
  }
  function check(tries) {
    if (!settled() && tries > 0) { setTimeout(function () { check(tries - 1); }, 50); return; }
    setTimeout(function () {
      const url = location.href;
      window.__hcAxeRun().then(function (violations) {
        return window.__hcAxeReport({url: url, violations: violations});
      }, function (error) {
        return window.__hcAxeReport({url: url, error: String(error)});
      }).finally(function () { window.__hcAxeLoadChecked = true; });
    }, 250);
  }
  window.addEventListener("load", function () { check(40); });
})();
"""


def _axe_init_script() -> str:
    from axe_playwright_python.base import AXE_SCRIPT

    run = _AXE_RUN % {"options": json.dumps(_AXE_OPTIONS)}
    return _AXE_ON_LOAD % {"axe": AXE_SCRIPT, "run": run}


def format_axe_violations(url: str, violations: list[dict]) -> list[str]:
    """One line per rule and element: what a person needs to find the problem."""
    lines = []
    for violation in violations:
        for node in violation["nodes"]:
            lines.append(
                f"{url}: {violation['id']} ({violation['impact']}: {violation['help']}) "
                f"at {node['target']}: {node['html']} -- {node['summary']}"
            )
        if violation["count"] > len(violation["nodes"]):
            lines.append(f"{url}: {violation['id']}: and {violation['count'] - len(violation['nodes'])} more")
    return lines


def axe_check(page) -> list[dict]:
    """Run axe on the page as it stands now; the violations (empty when it is clean).

    A page still loading (a test may end right after a click that navigates) is checked once
    its stylesheets are in, not as bare HTML.
    """
    page.wait_for_load_state("load")
    page.wait_for_function("() => !document.querySelector('.htmx-request')")
    if not page.evaluate("() => typeof window.__hcAxeRun === 'function'"):
        return []  # a page without the init script: about:blank, a file, a JSON answer
    return page.evaluate("() => window.__hcAxeRun()")


def _chromium_path() -> str | None:
    if os.path.exists(CHROMIUM):
        return CHROMIUM
    return shutil.which("chromium")


@pytest.fixture(scope="package")
def _async_unsafe_allowed():
    """Let the ORM run while Playwright's event loop is alive.

    Playwright's sync API keeps an asyncio loop running in this thread for as long as the
    browser is open, and Django refuses database calls from a thread with a running loop.
    The calls here are plain synchronous test code, so the guard is lifted for these tests
    only and put back afterwards.
    """
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="package")
def browser(_async_unsafe_allowed):
    executable = _chromium_path()
    if executable is None:
        pytest.skip(
            f"CHROMIUM IS NOT INSTALLED (looked for {CHROMIUM} and 'chromium' on PATH): "
            "BROWSER TESTS SKIPPED. Install Debian's 'chromium' package to run them."
        )
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
    yield chromium
    chromium.close()
    playwright.stop()


@pytest.fixture
def page(browser, live_server):
    """A fresh tab (own cookies) that may only reach the live server."""
    context = browser.new_context(viewport=VIEWPORT, locale="ar-BH", timezone_id="Asia/Bahrain")
    context.set_default_timeout(15_000)
    live_host = urlparse(live_server.url).netloc
    external: list[str] = []

    def keep_it_local(route):
        url = route.request.url
        if url.startswith(("data:", "blob:")) or urlparse(url).netloc == live_host:
            route.continue_()
        else:
            external.append(url)
            route.abort()

    context.route("**/*", keep_it_local)
    context.add_init_script(_REPORT_CSP_VIOLATIONS)
    axe_violations: list[str] = []
    axe_checked: list[str] = []

    def axe_report(source, report):
        axe_checked.append(report["url"])
        if report.get("error"):
            axe_violations.append(f"{report['url']}: axe failed: {report['error']}")
        else:
            axe_violations.extend(format_axe_violations(report["url"], report["violations"]))

    context.expose_binding("__hcAxeReport", axe_report)
    context.add_init_script(_axe_init_script())
    tab = context.new_page()
    tab.axe_violations = axe_violations
    tab.axe_checked = axe_checked
    tab.axe_visited = []

    def remember_page(frame):
        if frame == tab.main_frame and frame.url.startswith("http"):
            tab.axe_visited.append(frame.url)

    tab.on("framenavigated", remember_page)
    tab.external_requests = external
    violations: list[str] = []

    def watch_console(message):
        text = message.text
        # Chromium's own report ("Refused to … because it violates the following Content
        # Security Policy directive") and the event the init script turns into a message.
        if text.startswith("CSP-VIOLATION") or "Content Security Policy" in text:
            violations.append(f"{tab.url}: {text}")

    tab.on("console", watch_console)
    tab.csp_violations = violations
    yield tab
    _axe_check_the_last_page(tab)
    _axe_check_the_pages_left_too_soon(tab)
    context.close()
    if tab.axe_violations:
        pytest.fail(
            "Accessibility (axe-core, WCAG 2.2 A/AA) violations:\n"
            + "\n".join(dict.fromkeys(tab.axe_violations)),
            pytrace=False,
        )
    if tab.csp_violations:
        pytest.fail("Content-Security-Policy violations:\n" + "\n".join(tab.csp_violations), pytrace=False)


def _axe_check_the_last_page(tab) -> None:
    """The page as the test leaves it (after its clicks and htmx swaps) is checked too."""
    if tab.is_closed():
        return
    try:
        violations = axe_check(tab)
    except Exception as error:  # the page navigated or closed under us: nothing left to check
        if "Execution context was destroyed" in str(error) or "closed" in str(error):
            return
        raise
    tab.axe_checked.append(tab.url)
    tab.axe_violations.extend(format_axe_violations(tab.url, violations))


def _axe_check_the_pages_left_too_soon(tab) -> None:
    """Open again each page the test left before its own check had reported, and check it.

    A test may move on as soon as a page has loaded; the page it left is then checked here,
    as a GET of the same address with the same cookies, after the test's own assertions.
    """
    if tab.is_closed():
        return
    checked = {url.split("#")[0] for url in tab.axe_checked}
    for url in dict.fromkeys(u.split("#")[0] for u in tab.axe_visited):
        if url in checked:
            continue
        checked.add(url)
        try:
            response = tab.goto(url)
            if (
                response is None
                or not response.ok
                or "text/html" not in response.headers.get("content-type", "")
            ):
                continue
            tab.wait_for_function("() => !document.querySelector('.htmx-request')")
            violations = axe_check(tab)
        except Exception as error:  # a page that cannot be opened again (a closed socket …)
            if "Execution context was destroyed" in str(error) or "net::" in str(error):
                continue
            raise
        tab.axe_checked.append(tab.url)
        tab.axe_violations.extend(format_axe_violations(url, violations))


@pytest.fixture
def log_in(live_server):
    """``log_in(page, user)``: sign in through the real login form and land on the home page."""

    def _log_in(page, user, password: str = PASSWORD):
        from apps.accounts import two_factor

        if two_factor.is_required_for(user):
            enrol_two_factor(user)
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", password)
        with page.expect_navigation():
            page.click("[data-testid=login-submit]")
        if "/accounts/two-factor/verify/" in page.url:
            page.fill("input[name=code]", totp_code(user))
            with page.expect_navigation():
                page.click("[data-testid=two-factor-submit]")
        if "/accounts/login/" in page.url or "/accounts/two-factor/" in page.url:
            raise AssertionError(f"signing in as {user.username!r} failed: still on {page.url}")
        return page

    return _log_in


@pytest.fixture
def screenshot():
    """``screenshot(page, name)``: save the whole page as tests/artifacts/<name>.png."""

    def _screenshot(page, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        page.evaluate("document.fonts.ready")
        page.screenshot(path=str(path), full_page=True)
        return path

    return _screenshot
