"""Staff administration in a real browser, in Arabic: an administrator creates a staff
member with a role and a department, the newcomer chooses a password through the one-time
link, signs in, and the administrator disables the account; the newcomer's open page is
refused at once. Every page is checked with axe."""

import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

from apps.accounts.models import User
from apps.accounts.notify import SET_PASSWORD
from apps.notifications.models import Notification
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_administrator_creates_a_staff_member_and_disables_them(
    page, browser, live_server, log_in, admin_user, department, screenshot
):
    log_in(page, admin_user)
    page.goto(f"{live_server.url}/accounts/staff/")
    expect(page.locator("h1")).to_have_text("حسابات الموظفين")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    with page.expect_navigation():
        page.get_by_test_id("staff-new").click()

    page.get_by_label("اسم المستخدم", exact=True).fill("fatima.ali")
    page.get_by_label("الاسم الكامل بالعربية").fill("فاطمة علي")
    page.get_by_label("البريد الإلكتروني", exact=True).fill("fatima.ali@housing.gov.bh")
    page.get_by_label("موظف إدارة", exact=True).check()
    page.get_by_label("الإدارة", exact=True).select_option(str(department.pk))
    screenshot(page, "staff-create-ar")
    with page.expect_navigation():
        page.get_by_test_id("staff-save").click()

    expect(page.get_by_test_id("staff-name")).to_have_text("فاطمة علي")
    expect(page.get_by_test_id("staff-roles")).to_contain_text("موظف إدارة")
    expect(page.get_by_test_id("staff-department")).to_contain_text(department.name_ar)
    member = User.objects.get(username="fatima.ali")
    assert member.department == department and not member.has_usable_password()

    # The newcomer's one-time link (from their e-mail); opened in this tab so that axe checks
    # its page too: choosing the password there signs nobody in.
    body = Notification.objects.get(event=SET_PASSWORD, to_email=member.email).body
    link = re.search(r"https?://\S+/accounts/password/set/\S+/", body).group(0)
    detail_url = page.url
    page.goto(link.replace(settings.HOUSING_PUBLIC_BASE_URL.rstrip("/"), live_server.url))
    page.get_by_label("كلمة المرور الجديدة", exact=True).fill(PASSWORD)
    page.get_by_label("تأكيد كلمة المرور الجديدة").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_test_id("password-set-submit").click()
    expect(page.get_by_test_id("password-set-done")).to_be_visible()
    page.goto(detail_url)

    newcomer = browser.new_context(locale="ar-BH")
    try:
        tab = newcomer.new_page()
        tab.goto(f"{live_server.url}/accounts/login/")
        tab.fill("input[name=username]", "fatima.ali")
        tab.fill("input[name=password]", PASSWORD)
        with tab.expect_navigation():
            tab.click("[data-testid=login-submit]")
        assert "/accounts/login/" not in tab.url

        page.reload()
        expect(page.get_by_test_id("staff-sessions")).to_have_text("1")
        with page.expect_navigation():
            page.get_by_test_id("staff-disable").click()
        expect(page.get_by_test_id("staff-status")).to_have_text("معطّل")
        expect(page.get_by_role("alert").or_(page.locator(".alert-success"))).to_contain_text("عُطّل الحساب")
        expect(page.get_by_test_id("staff-sessions")).to_have_text("0")
        screenshot(page, "staff-disabled-ar")

        tab.goto(f"{live_server.url}/")
        assert "/accounts/login/" in tab.url, "the disabled member's open session still works"
    finally:
        newcomer.close()

    member.refresh_from_db()
    assert not member.is_active
    page.goto(f"{live_server.url}/accounts/staff/?active=0")
    expect(page.get_by_test_id("staff-row")).to_have_count(1)
    expect(page.get_by_test_id("staff-row")).to_have_attribute("data-username", "fatima.ali")
