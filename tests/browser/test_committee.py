"""A secretary builds an agenda, records a meeting's decisions and closes it; the chair
signs the minutes — in Arabic, in headless Chromium. Screenshots under tests/artifacts/."""

import datetime
import shutil
import subprocess

import pytest

from apps.accounts import services as account_services
from apps.accounts.roles import Role
from apps.committee import services
from apps.committee.models import Decision, MeetingStatus, MemberRole, Outcome, ReferralStatus
from tests.browser.conftest import ARTIFACTS, VIEWPORT
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def scene(transactional_db, secretary):
    from tests.committee.factories import CitizenFactory, ReferralFactory

    def person(username, name_ar):
        return account_services.user_create(
            username=username,
            password=PASSWORD,
            roles=[Role.COMMITTEE_MEMBER],
            actor=None,
            full_name_ar=name_ar,
        )

    chair = person("chair-b", "حمد الدوسري")
    members = [person(f"member-b{i}", f"عضو {i}") for i in (1, 2)]
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


def test_a_secretary_runs_a_meeting_and_the_chair_signs_the_minutes_in_arabic(
    browser, page, live_server, log_in, screenshot, scene
):
    meeting, referrals = scene["meeting"], scene["referrals"]
    log_in(page, scene["secretary"])
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

    screenshot(page, "committee_meeting_ar")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("[data-testid=close-meeting]")
    page.locator("[data-testid=minutes]").wait_for()
    assert "مسودة" in page.locator("[data-testid=minutes-status]").inner_text()

    chair_context = browser.new_context(viewport=VIEWPORT, locale="ar-BH", timezone_id="Asia/Bahrain")
    chair_page = log_in(chair_context.new_page(), scene["chair"])
    chair_page.goto(f"{live_server.url}/committee/meetings/{meeting.pk}/minutes/")
    chair_page.click("[data-testid=sign]")
    chair_page.locator("[data-testid=minutes-status].alert-success").wait_for()
    text = chair_page.locator("[data-testid=minutes]").inner_text()
    assert "نهائي: وقّعه الرئيس حمد الدوسري" in text
    assert "الموافقة بالشروط التالية: تقديم عقد الإيجار" in text
    assert "الاعتذار. السبب: الدخل يتجاوز الحد المسموح." in text

    screenshot(chair_page, "committee_minutes_ar")
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
    assert page.external_requests == [] and chair_context.pages[0].url.startswith(live_server.url)
    chair_context.close()
