"""The shell in a real browser: every role's home page in Arabic, right to left; English by switch."""

import pytest
from django.utils import translation
from playwright.sync_api import expect

from apps.accounts.roles import roles_of

pytestmark = pytest.mark.browser

PERSONAS = ["agent", "supervisor", "officer", "senior", "secretary", "member", "admin_user"]


def _arabic_role_labels(user) -> list[str]:
    with translation.override("ar"):
        return [str(role.label) for role in roles_of(user)]


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_role_signs_in_to_its_arabic_right_to_left_home_page(request, persona, page, log_in, screenshot):
    user = request.getfixturevalue(persona)
    log_in(page, user)
    html = page.locator("html")
    expect(html).to_have_attribute("dir", "rtl")
    expect(html).to_have_attribute("lang", "ar")
    expect(page.get_by_test_id("home-title")).to_contain_text("مرحباً")
    for label in _arabic_role_labels(user):
        expect(page.get_by_test_id("roles")).to_contain_text(label)
    screenshot(page, f"home-{persona}-ar")


def test_only_the_administrator_sees_the_administration_link(page, log_in, agent, admin_user):
    log_in(page, agent)
    expect(page.locator("[data-nav=admin]")).to_have_count(0)
    page.get_by_test_id("user-menu").get_by_role("button").click()
    page.get_by_test_id("logout").click()
    log_in(page, admin_user)
    page.locator("[data-nav-group=administration] > button").click()
    expect(page.locator("[data-nav=admin]")).to_be_visible()


def test_switching_to_english_turns_the_page_left_to_right_and_stays(page, log_in, agent, screenshot):
    log_in(page, agent)
    page.get_by_test_id("switch-language").click()
    html = page.locator("html")
    expect(html).to_have_attribute("dir", "ltr")
    expect(html).to_have_attribute("lang", "en")
    expect(page.get_by_test_id("home-title")).to_contain_text("Welcome")
    screenshot(page, "home-agent-en")
    page.reload()
    expect(html).to_have_attribute("dir", "ltr")


def test_switching_back_to_arabic_turns_the_page_right_to_left(page, log_in, agent):
    log_in(page, agent)
    page.get_by_test_id("switch-language").click()
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    page.get_by_test_id("switch-language").click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")


def test_the_public_login_page_switches_to_english_for_the_visitor(page, live_server, screenshot, db):
    page.goto(f"{live_server.url}/accounts/login/")
    screenshot(page, "login-ar")
    page.get_by_test_id("switch-language").click()
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    expect(page.locator("h1")).to_have_text("Sign in to Housing Contact")
    screenshot(page, "login-en")


def test_a_wrong_password_shows_the_generic_arabic_message(page, live_server, agent):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", agent.username)
    page.fill("input[name=password]", "not-the-password")
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("login-error")).to_have_text("اسم المستخدم أو كلمة المرور غير صحيحة.")


def test_the_arabic_font_bootstrap_and_htmx_are_served_locally(page, log_in, agent):
    log_in(page, agent)
    page.evaluate("document.fonts.ready")
    statuses = page.evaluate(
        "[...document.fonts].filter(f => f.family.includes('Noto Sans Arabic')).map(f => f.status)"
    )
    assert statuses == ["loaded"]
    assert page.evaluate("typeof window.htmx") == "object"
    assert page.evaluate("typeof window.bootstrap") == "object"
    assert page.external_requests == []


def test_on_a_phone_the_navigation_folds_behind_the_menu_button(page, log_in, agent, screenshot):
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, agent)
    nav = page.get_by_test_id("nav")
    expect(nav).to_be_hidden()
    page.locator(".navbar-toggler").click()
    expect(page.locator("#main-nav.show")).to_be_visible()
    expect(nav).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    screenshot(page, "home-agent-ar-phone")


def test_the_current_page_is_marked_in_the_navigation(page, log_in, agent):
    log_in(page, agent)
    expect(page.locator("[data-nav=home]")).to_have_attribute("aria-current", "page")
