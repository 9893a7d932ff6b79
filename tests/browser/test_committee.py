"""A secretary builds an agenda, records a meeting's decisions and closes it; the chair
signs the minutes — in Arabic, in headless Chromium. Screenshots under tests/artifacts/."""

import datetime
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from apps.accounts import services as account_services
from apps.accounts.roles import Role
from apps.committee import services
from apps.committee.models import Decision, MeetingStatus, MemberRole, Outcome, ReferralStatus

CHROMIUM = os.environ.get("HOUSING_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(settings.BASE_DIR) / "tests" / "artifacts"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="CHROMIUM IS NOT INSTALLED: browser test skipped"),
]


@pytest.fixture
def browser(monkeypatch):
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; the test's own ORM calls
    # are still plain synchronous ones, so Django's async-safety guard is lifted here.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield chromium
        chromium.close()


def _page_as(browser, live_server, user):
    """A browser page signed in as ``user`` (a session made the way the login form makes one)."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    context = browser.new_context(locale="ar-BH", viewport={"width": 1280, "height": 900})
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return context.new_page()


@pytest.fixture
def scene(transactional_db):
    from tests.committee.factories import CitizenFactory, ReferralFactory

    def person(username, role, name_ar):
        return account_services.user_create(
            username=username, password="x-very-long-1", roles=[role], actor=None, full_name_ar=name_ar
        )

    secretary = person("secretary-b", Role.COMMITTEE_SECRETARY, "مريم عبدالله")
    chair = person("chair-b", Role.COMMITTEE_MEMBER, "حمد الدوسري")
    members = [person(f"member-b{i}", Role.COMMITTEE_MEMBER, f"عضو {i}") for i in (1, 2)]
    committee = services.committee_upsert(code="housing", name_ar="لجنة الإسكان", name_en="Housing Committee")
    services.membership_add(committee=committee, user=secretary, role=MemberRole.SECRETARY)
    services.membership_add(committee=committee, user=chair, role=MemberRole.CHAIR)
    for user in members:
        services.membership_add(committee=committee, user=user, role=MemberRole.MEMBER)
    reason = services.rejection_reason_upsert(
        code="income", text_ar="الدخل يتجاوز الحد المسموح", text_en="Income above the limit"
    )
    subjects = ["طلب استثناء من شرط الدخل", "اعتراض على نتيجة التخصيص", "طلب أولوية لظروف صحية"]
    referrals = [
        ReferralFactory(committee=committee, citizen=CitizenFactory(name_ar=f"مواطن {i}"), subject=subject)
        for i, subject in enumerate(subjects)
    ]
    meeting = services.meeting_create(
        committee=committee, number=4, date=datetime.date.today(), place="قاعة الاجتماعات", actor=secretary
    )
    return {
        "secretary": secretary,
        "chair": chair,
        "meeting": meeting,
        "referrals": referrals,
        "reason": reason,
    }


def test_a_secretary_runs_a_meeting_and_the_chair_signs_the_minutes_in_arabic(browser, live_server, scene):
    meeting, referrals = scene["meeting"], scene["referrals"]
    page = _page_as(browser, live_server, scene["secretary"])
    page.goto(f"{live_server.url}/committee/meetings/{meeting.pk}/agenda/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    for referral in referrals:
        page.check(f"#p{referral.pk}")
    page.click("[data-testid=add-to-agenda]")
    assert page.locator("[data-testid=agenda] li").count() == 3

    page.click("[data-testid=to-meeting]")
    for checkbox in page.locator("[data-testid=attendance] input[type=checkbox]").all()[:3]:
        checkbox.check()
    page.click("[data-testid=record-attendance]")
    assert page.locator("[data-testid=quorum]").inner_text().strip() == "اكتمل النصاب"

    approved, rejected, deferred = referrals
    row = page.locator(f"#item-{approved.pk}")
    row.locator("[data-testid=outcome-approved]").click()
    row.locator(f"#c{approved.pk}").fill("تقديم عقد الإيجار")
    row.locator(f"#c{approved.pk}").press("Enter")  # the keyboard saves the case
    page.locator(f"#item-{approved.pk} [data-testid=decision-text]").wait_for()

    row = page.locator(f"#item-{rejected.pk}")
    row.locator("[data-testid=outcome-rejected]").click()
    row.locator(f"#rr{rejected.pk}").select_option(str(scene["reason"].pk))
    row.locator("[data-testid=save-decision]").click()
    page.locator(f"#item-{rejected.pk} [data-testid=decision-text]").wait_for()

    row = page.locator(f"#item-{deferred.pk}")
    row.locator("[data-testid=outcome-deferred]").click()
    row.locator(f"#n{deferred.pk}").fill("تقرير البحث الاجتماعي")
    row.locator("[data-testid=save-decision]").click()
    page.locator(f"#item-{deferred.pk} [data-testid=decision-text]").wait_for()
    assert (
        "التأجيل لمزيد من الدراسة. المطلوب: تقرير البحث الاجتماعي"
        in page.locator(f"#item-{deferred.pk}").inner_text()
    )

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "committee_meeting_ar.png"), full_page=True)
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("[data-testid=close-meeting]")
    page.locator("[data-testid=minutes]").wait_for()
    assert "مسودة" in page.locator("[data-testid=minutes-status]").inner_text()

    chair_page = _page_as(browser, live_server, scene["chair"])
    chair_page.goto(f"{live_server.url}/committee/meetings/{meeting.pk}/minutes/")
    chair_page.click("[data-testid=sign]")
    chair_page.locator("[data-testid=minutes-status].alert-success").wait_for()
    text = chair_page.locator("[data-testid=minutes]").inner_text()
    assert "نهائي: وقّعه الرئيس حمد الدوسري" in text
    assert "الموافقة بالشروط التالية: تقديم عقد الإيجار" in text
    assert "الاعتذار. السبب: الدخل يتجاوز الحد المسموح." in text

    chair_page.screenshot(path=str(ARTIFACTS / "committee_minutes_ar.png"), full_page=True)
    pdf = chair_page.request.get(f"{live_server.url}/committee/meetings/{meeting.pk}/minutes.pdf")
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    (ARTIFACTS / "committee_minutes_ar.pdf").write_bytes(pdf.body())
    if shutil.which("pdftoppm"):
        subprocess.run(
            [
                "pdftoppm",
                "-r",
                "80",
                "-png",
                "-singlefile",
                str(ARTIFACTS / "committee_minutes_ar.pdf"),
                str(ARTIFACTS / "committee_minutes_pdf_ar"),
            ],
            check=True,
        )

    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.SIGNED
    assert sorted(Decision.objects.values_list("outcome", flat=True)) == sorted(
        [Outcome.APPROVED, Outcome.REJECTED, Outcome.DEFERRED]
    )
    deferred.refresh_from_db()
    assert deferred.status == ReferralStatus.PENDING and deferred.deferral_count == 1
