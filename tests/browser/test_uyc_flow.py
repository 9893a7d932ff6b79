"""Under Your Command in a real browser, in Arabic: a citizen writes to senior management
with a one-time code read from the file SMS backend; a senior manager decides and informs;
the citizen tracks the request and reads the decision (never its internal text)."""

import re
from datetime import UTC, datetime

import pytest
import time_machine
from django.core.cache import cache
from playwright.sync_api import expect

from apps.escalations.models import Escalation
from apps.notifications import services as notification_services
from apps.notifications.backends.file import latest_sms
from apps.notifications.models import Notification
from apps.sla.seed import seed_policies
from tests.tickets.factories import CitizenFactory

pytestmark = pytest.mark.browser

PUBLIC = "تقرر إدراج طلبكم ضمن قائمة التخصيص في الدفعة القادمة، وسيتم التواصل معكم لتحديد موعد التسليم."
INTERNAL = "استثناء بموافقة الوكيل بعد مراجعة الوضع الأسري."
PHONE = "+97336551234"


@pytest.fixture(autouse=True)
def _sms_to_files_and_clean_counters(settings, tmp_path):
    settings.HOUSING_SMS_FILE_DIR = str(tmp_path / "sms")
    settings.HOUSING_ATTACHMENTS_ROOT = tmp_path / "private"
    cache.clear()
    with time_machine.travel(datetime(2020, 1, 1, tzinfo=UTC)):
        seed_policies()


def _code_from_the_sms() -> str:
    """Deliver the outbox as a worker would (file SMS backend), then read the newest SMS."""
    for pk in Notification.objects.filter(state="queued", to_phone=PHONE).values_list("pk", flat=True):
        notification_services.notification_deliver(notification_id=pk)
    sms = latest_sms(PHONE)
    assert sms is not None and "تحت أمرك" in sms.text
    return re.search(r"(\d{6})", sms.text).group(1)


def test_a_citizen_writes_to_senior_management_who_decide_and_the_citizen_reads_it(
    page, browser, live_server, log_in, senior, screenshot
):
    citizen = CitizenFactory(cpr="850101234", name_ar="فاطمة علي حسن", phones=["3655 1234"])

    # 1. The citizen's message, and the code by SMS.
    page.goto(f"{live_server.url}/portal/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    page.get_by_test_id("portal-uyc").click()
    page.fill("#id_cpr", "٨٥٠١٠١٢٣٤")
    page.fill("#id_mobile", "٣٦٥٥ ١٢٣٤")
    page.locator("label[for=id_kind_0]").click()  # شكوى
    page.fill("#id_subject", "طلب مقابلة بخصوص تأخر الطلب الإسكاني")
    page.fill("#id_message", "تقدمت بطلب وحدة سكنية منذ عام 2009 ولم يصلني أي رد رغم مراجعاتي المتكررة.")
    screenshot(page, "uyc-form-ar")
    page.get_by_test_id("uyc-send").click()
    expect(page.get_by_test_id("uyc-code-form")).to_be_visible()
    expect(page.locator("main")).to_contain_text("1234")
    screenshot(page, "uyc-code-ar")

    code = _code_from_the_sms()
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    page.fill("#id_code", wrong)
    page.get_by_test_id("uyc-verify").click()
    expect(page.get_by_test_id("uyc-code-error")).to_contain_text("محاولتان")
    assert not Escalation.objects.exists()
    page.fill("#id_code", code.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")))
    page.get_by_test_id("uyc-verify").click()

    number = page.get_by_test_id("receipt-number").inner_text().strip()
    assert re.fullmatch(r"\d{4}-\d{6}-\d", number)
    case = Escalation.objects.get(ticket__review_number=number)
    assert (case.source, case.citizen, case.ticket.channel) == ("citizen", citizen, "uyc")
    expect(page.get_by_test_id("uyc-receipt")).to_contain_text("وصلت رسالتك إلى الإدارة العليا")
    screenshot(page, "uyc-receipt-ar")

    # 2. A senior manager finds it in the queue, decides and informs the citizen.
    staff = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ar-BH")
    manager = staff.new_page()
    log_in(manager, senior)
    manager.goto(f"{live_server.url}/uyc/")
    row = manager.locator(f"[data-case='{case.pk}']")
    expect(row).to_contain_text("المتبقي: 30 يومًا")
    screenshot(manager, "uyc-queue-ar")
    row.get_by_role("link").click()
    expect(manager.get_by_test_id("case-message")).to_contain_text("منذ عام 2009")
    manager.get_by_test_id("decision-public").fill(PUBLIC)
    manager.get_by_test_id("decision-internal").fill(INTERNAL)
    manager.get_by_test_id("decide").click()
    expect(manager.get_by_test_id("decision-public-text")).to_contain_text("قائمة التخصيص")
    manager.get_by_test_id("inform").click()
    expect(manager.get_by_test_id("informed")).to_be_visible()
    screenshot(manager, "uyc-case-decided-ar")
    staff.close()
    case.refresh_from_db()
    assert case.status == "citizen_informed" and case.informed_at is not None
    letter = Notification.objects.get(event="escalation.decided", channel="sms")
    assert letter.to_phone == PHONE and INTERNAL not in letter.body

    # 3. The citizen tracks the request and reads the decision, never the internal text.
    page.goto(f"{live_server.url}/portal/track/")
    page.fill("#id_review_number", number)
    page.fill("#id_phone_last4", "١٢٣٤")
    page.get_by_test_id("track-send").click()
    expect(page.get_by_test_id("public-replies")).to_contain_text("قائمة التخصيص في الدفعة القادمة")
    expect(page.get_by_test_id("track-result")).not_to_contain_text(INTERNAL)
    screenshot(page, "uyc-track-decision-ar")
    assert page.external_requests == []
