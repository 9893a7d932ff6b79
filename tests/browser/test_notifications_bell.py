"""The bell in headless Chromium: the unread count, the menu, and opening one notification.

Self-contained (its own Chromium fixture) because the shared browser fixtures are not on
main yet; it follows their conventions: Debian's Chromium, skipped loudly when absent.
"""

import os
import shutil

import pytest
from django.db import connection

from apps.notifications import services
from apps.notifications.models import Notification
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = os.environ.get("HOUSING_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture
def chromium_page(live_server):
    executable = CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium")
    if executable is None:
        pytest.skip("CHROMIUM IS NOT INSTALLED: BROWSER TEST SKIPPED. Install Debian's 'chromium' package.")
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # ORM calls while Playwright's loop runs
    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(
        executable_path=executable, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
    )
    page = browser.new_page(viewport={"width": 1280, "height": 800}, locale="ar-BH")
    page.set_default_timeout(15_000)
    yield page
    browser.close()
    playwright.stop()
    _close_connections_left_by_request_threads()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def _close_connections_left_by_request_threads() -> None:
    """End the database sessions the live server's request threads leave behind.

    A request thread's connection can outlive the thread; the test database can only be
    dropped at the end of the run once no other session uses it.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


def test_opening_a_notification_from_the_bell_marks_it_read(chromium_page, live_server, agent):
    for number in (1, 2):
        services.notification_queue(
            event="ticket.assigned",
            recipient_user=agent,
            context={
                "review_number": f"2026-00012{number}-4",
                "ticket_url": "/",
                "ticket_subject": "تأخر صيانة الوحدة السكنية",
                "assigned_by": "سلمان",
            },
        )
    page = chromium_page
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", agent.username)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")

    assert page.inner_text("[data-testid=unread-count]") == "2"
    page.click("[data-testid=notification-bell] button")
    items = page.locator("[data-testid=bell-item]")
    assert items.count() == 2
    assert "2026-000122-4" in items.first.inner_text()  # newest first, review number intact
    with page.expect_navigation():
        items.first.click()

    assert page.inner_text("[data-testid=unread-count]") == "1"
    assert Notification.objects.filter(recipient_user=agent, read_at__isnull=False).count() == 1
