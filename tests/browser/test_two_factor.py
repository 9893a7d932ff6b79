"""Two-factor sign-in in a real browser: setting it up with the QR code, then signing in."""

from base64 import b32decode

import pytest
from django_otp.oath import totp
from playwright.sync_api import expect

from apps.accounts import services, two_factor
from apps.accounts.roles import Role
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_a_new_supervisor_sets_up_an_authenticator_and_keeps_the_recovery_codes(
    page, live_server, screenshot, db
):
    newcomer = services.user_create(
        username="new-supervisor", password=PASSWORD, roles=[Role.SUPERVISOR], actor=None
    )
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", newcomer.username)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("[data-testid=login-submit]")
    expect(page.get_by_test_id("two-factor-enrol")).to_be_visible()
    qr = page.get_by_test_id("two-factor-qr")
    expect(qr).to_be_visible()
    assert page.evaluate("document.querySelector('[data-testid=two-factor-qr]').naturalWidth") > 0
    screenshot(page, "two-factor-enrol-ar")

    secret = page.get_by_test_id("two-factor-secret").inner_text().strip()
    page.fill("input[name=code]", f"{totp(b32decode(secret)):06d}")
    with page.expect_navigation():
        page.click("[data-testid=two-factor-submit]")
    expect(page.get_by_test_id("recovery-codes").locator("li")).to_have_count(10)
    screenshot(page, "two-factor-recovery-codes-ar")
    with page.expect_navigation():
        page.get_by_test_id("two-factor-continue").click()
    expect(page.get_by_test_id("home-title")).to_be_visible()
    assert two_factor.is_enrolled(newcomer)
    assert page.external_requests == []


def test_a_senior_manager_is_asked_for_the_second_step_in_english(page, live_server, senior, screenshot):
    services.user_set_language(user=senior, language="en", actor=senior)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", senior.username)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("[data-testid=login-submit]")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    expect(page.locator("h1")).to_have_text("Two-factor sign-in")
    screenshot(page, "two-factor-verify-en")
    page.fill("input[name=code]", "000000")
    page.click("[data-testid=two-factor-submit]")
    expect(page.get_by_test_id("two-factor-error")).to_be_visible()
