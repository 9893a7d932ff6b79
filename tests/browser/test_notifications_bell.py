"""The bell in headless Chromium: the unread count, the menu, and opening one notification."""

import pytest

from apps.notifications import services
from apps.notifications.models import Notification

pytestmark = pytest.mark.browser


def _assign(user, number):
    services.notification_queue(
        event="ticket.assigned",
        recipient_user=user,
        context={
            "review_number": f"2026-00012{number}-4",
            "ticket_url": "/",
            "ticket_subject": "تأخر صيانة الوحدة السكنية",
            "assigned_by": "سلمان",
        },
    )


def test_opening_a_notification_from_the_bell_marks_it_read(page, log_in, agent, screenshot):
    _assign(agent, 1)
    _assign(agent, 2)
    log_in(page, agent)

    assert page.inner_text("[data-testid=unread-count]") == "2"
    page.click("[data-testid=notification-bell] button")
    items = page.locator("[data-testid=bell-item]")
    assert items.count() == 2
    assert "2026-000122-4" in items.first.inner_text()  # newest first, review number intact
    screenshot(page, "notifications-bell-ar")
    with page.expect_navigation():
        items.first.click()

    assert page.inner_text("[data-testid=unread-count]") == "1"
    assert Notification.objects.filter(recipient_user=agent, read_at__isnull=False).count() == 1
    assert page.external_requests == []
