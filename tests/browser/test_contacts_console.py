"""Playwright: an agent takes a screen-pop, logs the call with the keyboard, in Arabic."""

import os
import shutil
from pathlib import Path

import pytest

from apps.citizens import services as citizen_services
from apps.contacts.models import Contact

CHROMIUM = os.environ.get("HOUSING_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not (os.path.exists(CHROMIUM) or shutil.which("chromium")), reason="Chromium is not installed"
    ),
]


@pytest.fixture
def browser_page():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the test
    # makes around it are ordinary synchronous ones.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium"),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="ar-BH")
        yield page
        browser.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def sign_in(page, live_server, user, password):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_agent_takes_a_screen_pop_and_logs_the_call_in_arabic(browser_page, live_server, agent, password):
    citizen = citizen_services.citizen_create(
        cpr="880412345", name_ar="أحمد علي الكعبي", name_en="Ahmed Ali", phones=["36001234"], actor=agent
    )
    page = browser_page
    sign_in(page, live_server, agent, password)

    page.goto(f"{live_server.url}/console/?phone=36001234&call_id=PBX-PW-1")
    assert page.get_attribute("html", "dir") == "rtl"
    assert page.inner_text("[data-testid=citizen-name]") == "أحمد علي الكعبي"
    assert page.inner_text("[data-testid=call-id]") == "PBX-PW-1"

    # The screen-pop leaves the focus on the purposes: 1 = new application, then the
    # focus moves to the outcomes: 1 = resolved on first contact. Alt+N: notes.
    page.keyboard.press("1")
    page.keyboard.press("1")
    page.keyboard.press("Alt+N")
    page.keyboard.type("شرح طريقة تقديم الطلب الإلكتروني")
    # The purpose's approved answers are shown beside the form.
    assert page.locator(".quick-answer-set:not([hidden]) [data-testid=quick-answer]").count() == 2
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("[data-testid=console-notice]")

    contact = Contact.objects.get(call_id="PBX-PW-1")
    assert (contact.citizen_id, contact.agent_id) == (citizen.pk, agent.pk)
    assert (contact.purpose.code, contact.outcome) == ("new_application", "resolved_first_contact")
    assert contact.notes == "شرح طريقة تقديم الطلب الإلكتروني"
    assert "شرح طريقة تقديم الطلب الإلكتروني" in page.inner_text("[data-testid=timeline]")

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "contacts-console-logged-ar.png"), full_page=True)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_agent_creates_an_unknown_caller_from_the_screen_pop(browser_page, live_server, agent, password):
    page = browser_page
    sign_in(page, live_server, agent, password)
    page.goto(f"{live_server.url}/console/?phone=39990000&call_id=PBX-PW-2")
    form = page.locator("[data-testid=new-citizen-form]")
    form.locator("input[name=cpr]").fill("٩١٠٢٠٣٠٤٠")
    form.locator("input[name=name_ar]").fill("مريم أحمد")
    form.locator("[data-testid=create-citizen]").click()
    page.wait_for_selector("[data-testid=citizen-card]")
    assert page.inner_text("[data-testid=citizen-cpr]") == "910203040"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "contacts-console-new-citizen-ar.png"), full_page=True)
