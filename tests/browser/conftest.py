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
- ``screenshot(page, name)`` writes ``tests/artifacts/<name>.png`` (ignored by git).

When Chromium is missing every browser test is skipped with a loud reason (``tests/run.py``
prints a banner too); CI always installs it.
"""

from __future__ import annotations

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
    tab = context.new_page()
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
    context.close()
    if tab.csp_violations:
        pytest.fail("Content-Security-Policy violations:\n" + "\n".join(tab.csp_violations), pytrace=False)


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
