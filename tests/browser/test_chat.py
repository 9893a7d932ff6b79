"""Live chat in two browsers at once: a citizen in Arabic on the portal and an agent in the
workspace. Pages come from pytest-django's live server; the websockets from a real Daphne
started for the test on the same test database and channel-layer prefix."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse, urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.db import connection

from apps.chat.models import Chat
from apps.contacts.models import Contact
from tests.browser.conftest import VIEWPORT
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser
BASE_DIR = Path(__file__).resolve().parent.parent.parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def daphne(live_server):
    """Daphne serving the ASGI app on a free port, on this test's database and Redis prefix."""
    # The run's own URL with the test database's name: the embedded PostgreSQL of a newcomer's
    # `make test` answers on a socket given in the query string, which host and port would lose.
    url = urlunsplit(
        urlsplit(os.environ["DATABASE_URL"])._replace(path="/" + connection.settings_dict["NAME"])
    )
    port = _free_port()
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="housing_contact.settings.test",
        DATABASE_URL=url,
        HOUSING_CHAT_LAYER_PREFIX=settings.CHANNEL_LAYERS["default"]["CONFIG"]["prefix"],
    )
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    log = open(BASE_DIR / "var" / "test-daphne.log", "w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "daphne",
            "-b",
            "127.0.0.1",
            "-p",
            str(port),
            "housing_contact.asgi:application",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 90
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise AssertionError("Daphne did not start: see var/test-daphne.log") from None
            time.sleep(0.2)
    yield port
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


def _context(browser, live_server, locale):
    context = browser.new_context(viewport=VIEWPORT, locale=locale, timezone_id="Asia/Bahrain")
    context.set_default_timeout(20_000)
    host = urlparse(live_server.url).hostname

    def keep_it_local(route):
        if urlparse(route.request.url).hostname in (host, None) or route.request.url.startswith(
            ("data:", "blob:")
        ):
            route.continue_()
        else:
            route.abort()

    context.route("**/*", keep_it_local)
    return context


def test_a_citizen_and_an_agent_chat_the_citizen_reloads_gets_a_ticket_and_rates(
    browser, live_server, daphne, agent, settings, screenshot
):
    settings.HOUSING_CHAT_WS_PORT = daphne
    settings.HOUSING_CHAT_OPEN_ALWAYS = True
    base = live_server.url

    staff = _context(browser, live_server, "en-GB")
    desk = staff.new_page()
    desk.goto(f"{base}/accounts/login/")
    desk.fill("input[name=username]", agent.username)
    desk.fill("input[name=password]", PASSWORD)
    with desk.expect_navigation():
        desk.click("[data-testid=login-submit]")
    desk.goto(f"{base}/chat/")
    with desk.expect_response(lambda r: "/chat/availability/" in r.url):
        desk.check("[data-testid=available]")

    public = _context(browser, live_server, "ar-BH")
    citizen = public.new_page()
    citizen.goto(f"{base}/portal/chat/")
    assert citizen.locator("html").get_attribute("dir") == "rtl"
    citizen.fill("input[name=name]", "فاطمة علي")
    citizen.fill("input[name=mobile]", "36001234")
    citizen.fill("input[name=cpr]", "880112345")
    citizen.select_option("select[name=purpose]", "complaint")
    citizen.click("[data-testid=chat-start]")
    citizen.locator("[data-testid=chat-input]").wait_for()

    desk.locator("[data-testid=chat-list] [data-chat]").first.wait_for()
    citizen.fill("[data-testid=chat-input]", "السلام عليكم، تأخرت الصيانة <b>كثيراً</b>")
    citizen.click("[data-testid=chat-send]")
    desk.locator("[data-testid=agent-log]", has_text="تأخرت الصيانة").wait_for()
    assert desk.locator("[data-testid=agent-log] b").count() == 0  # HTML shown as text
    desk.fill("[data-testid=agent-input]", "وعليكم السلام، سأفتح لك شكوى")
    desk.click("[data-testid=agent-send]")
    citizen.locator("[data-testid=chat-log]", has_text="سأفتح لك شكوى").wait_for()
    screenshot(citizen, "chat-citizen-ar")

    citizen.reload()
    log = citizen.locator("[data-testid=chat-log]")
    log.locator("li", has_text="تأخرت الصيانة").wait_for()
    log.locator("li", has_text="سأفتح لك شكوى").wait_for()
    assert log.locator("li").count() == 2  # nothing lost, nothing twice
    citizen.fill("[data-testid=chat-input]", "بعد إعادة التحميل")
    citizen.click("[data-testid=chat-send]")
    desk.locator("[data-testid=agent-log]", has_text="بعد إعادة التحميل").wait_for()

    desk.click("[data-testid=open-ticket] summary")
    desk.select_option("[data-testid=open-ticket] select[name=kind]", "complaint")
    desk.fill("[data-testid=open-ticket] input[name=subject]", "تأخر الصيانة")
    desk.click("[data-testid=ticket-open]")
    chat = None
    deadline = time.monotonic() + 20
    while chat is None or not chat.ticket_id:
        assert time.monotonic() < deadline, "the ticket was not opened"
        chat = Chat.objects.select_related("ticket").first()
        time.sleep(0.2)
    review = chat.ticket.review_number
    log.locator("li", has_text=review).wait_for()
    screenshot(desk, "chat-agent-workspace")

    citizen.click("[data-testid=chat-end]")
    citizen.locator("[data-testid=chat-rating]").wait_for()
    citizen.click("[data-testid=rate-5]")
    citizen.fill("[data-testid=chat-rating] textarea[name=comment]", "خدمة ممتازة")
    citizen.click("[data-testid=rate-send]")
    citizen.locator("[data-testid=chat-rated]").wait_for()
    screenshot(citizen, "chat-citizen-rated-ar")

    desk.select_option("[data-testid=close-chat] select[name=purpose]", "complaint")
    desk.select_option("[data-testid=close-chat] select[name=outcome]", "ticket_opened")
    with desk.expect_response(lambda r: "/close/" in r.url) as closing:
        desk.click("[data-testid=close-send]")
    assert closing.value.status == 200
    chat.refresh_from_db()
    assert (chat.status, chat.rating, chat.rating_comment) == ("closed", 5, "خدمة ممتازة")
    contact = Contact.objects.get(pk=chat.contact_id)
    assert (contact.channel, contact.outcome, contact.ticket_id) == ("chat", "ticket_opened", chat.ticket_id)
    assert list(chat.messages.filter(sender="citizen").values_list("body", flat=True)) == [
        "السلام عليكم، تأخرت الصيانة <b>كثيراً</b>",
        "بعد إعادة التحميل",
    ]
    staff.close()
    public.close()


def test_the_embeddable_snippet_opens_the_panel_in_a_frame_without_inline_code(
    browser, live_server, settings
):
    settings.HOUSING_CHAT_OPEN_ALWAYS = True
    context = _context(browser, live_server, "en-GB")
    page = context.new_page()
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    # A host page with a strict CSP: scripts and frames from the chat server only.
    host = (
        "<!doctype html><html lang='en' dir='ltr'><head>"
        f"<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; script-src {live_server.url}; "
        f"frame-src {live_server.url}; style-src 'none'\"></head><body><h1>Ministry</h1>"
        f"<script src='{live_server.url}/static/chat/embed.js' data-lang='en'></script></body></html>"
    )
    page.route(
        f"{live_server.url}/host-page", lambda route: route.fulfill(body=host, content_type="text/html")
    )
    page.goto(f"{live_server.url}/host-page")
    page.click("[data-hc-chat=launcher]")
    frame = page.frame_locator("[data-hc-chat=frame]")
    frame.locator("[data-testid=chat-panel]").wait_for()
    assert frame.locator("html").get_attribute("dir") == "ltr"
    assert violations == []
    context.close()
