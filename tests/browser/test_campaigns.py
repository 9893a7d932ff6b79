"""Playwright, in Arabic: an agent works three citizens of a campaign with three different
dispositions, and the supervisor sees the progress."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import expect

from apps.campaigns import imports, services
from apps.campaigns.models import Attempt, Kind, Target

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SUNDAY_10 = dt.datetime(2026, 7, 5, 10, 0, tzinfo=ZoneInfo("Asia/Bahrain"))


def test_an_agent_works_three_targets_and_the_supervisor_sees_the_progress(
    page, live_server, log_in, agent, supervisor, screenshot
):
    with time_machine.travel(SUNDAY_10, tick=True):
        campaign = services.campaign_create(
            actor=supervisor,
            name_ar="حملة تحديث البيانات",
            kind=Kind.DATA_UPDATE,
            starts_on=dt.date(2026, 7, 1),
            ends_on=dt.date(2026, 7, 31),
            script_ar="السلام عليكم {name}، نتصل بكم من وزارة الإسكان لتحديث بياناتكم.",
            fallback_sms_ar="حاولنا الاتصال بكم، يرجى الاتصال على 80008001.",
        )
        rows = [
            (2, {"cpr": "880412345", "name": "أحمد علي", "phone": "36001234"}),
            (3, {"cpr": "880412346", "name": "فاطمة حسن", "phone": "36001235"}),
            (4, {"cpr": "880412347", "name": "مريم يوسف", "phone": "36001236"}),
        ]
        imports.targets_add(campaign=campaign, records=rows, actor=supervisor)
        services.campaign_transition(campaign=campaign, to_status="running", actor=supervisor)

        log_in(page, agent)
        page.goto(f"{live_server.url}/campaigns/{campaign.pk}/call/")
        assert page.get_attribute("html", "dir") == "rtl"
        assert "المكالمة التالية" in page.inner_text("[data-testid=next-call]")

        # 1: reached, the number confirmed, done.
        page.click("[data-testid=next-call]")
        assert page.inner_text("[data-testid=citizen-name]").startswith("أحمد علي")
        assert "السلام عليكم أحمد علي" in page.inner_text("[data-testid=script]")
        page.click("[data-testid=confirm-phone]")
        page.wait_for_selector("text=تم تأكيد")
        page.locator("[data-testid=disposition-done] + label").click()
        page.click("[data-testid=record]")
        page.wait_for_selector("[data-testid=next-call]")

        # 2: no answer.
        page.click("[data-testid=next-call]")
        assert page.inner_text("[data-testid=citizen-name]").startswith("فاطمة حسن")
        page.locator("[data-testid=disposition-no_answer] + label").click()
        page.click("[data-testid=record]")
        page.wait_for_selector("[data-testid=next-call]")

        # 3: call back tomorrow at 10:00 — first at 22:00, outside the calling hours: refused.
        page.click("[data-testid=next-call]")
        assert page.inner_text("[data-testid=citizen-name]").startswith("مريم يوسف")
        page.locator("[data-testid=disposition-callback] + label").click()
        page.fill("input[name=callback_at]", "2026-07-06T22:00")
        page.click("[data-testid=record]")
        assert "ساعات الاتصال" in page.inner_text("[data-testid=error-callback_at]")
        page.locator("[data-testid=disposition-callback] + label").click()
        page.fill("input[name=callback_at]", "2026-07-06T10:00")
        page.click("[data-testid=record]")
        page.wait_for_selector("[data-testid=next-call]")
        screenshot(page, "campaigns-call-list-ar")

        assert sorted(Attempt.objects.values_list("disposition", flat=True)) == [
            "callback",
            "done",
            "no_answer",
        ]
        assert Target.objects.get(cpr="880412345").citizen.phones.get().confirmed_by == agent

        page.context.clear_cookies()
        log_in(page, supervisor)
        page.goto(f"{live_server.url}/campaigns/{campaign.pk}/")
        assert page.inner_text("[data-testid=fig-targets]") == "3"
        assert page.inner_text("[data-testid=fig-attempted]") == "3"
        assert page.inner_text("[data-testid=fig-reached]") == "2"
        assert page.inner_text("[data-testid=fig-done]") == "1"
        assert page.inner_text("[data-testid=fig-due]") == "2"
        assert "عائشة" in page.inner_text("[data-testid=by-agent]")
        screenshot(page, "campaigns-supervisor-ar")
        # The figure links to the targets behind it.
        with page.expect_navigation():
            page.click("a:has([data-testid=fig-reached])")
        expect(page.locator("[data-testid=targets] tbody tr")).to_have_count(2)
        page.go_back()
        page.click("[data-testid=move-paused]")
        assert page.inner_text("[data-testid=campaign-status]") == "متوقفة مؤقتًا"
        assert page.external_requests == []
