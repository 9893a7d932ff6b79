"""Tickets in a real browser: a citizen sends a complaint in Arabic and follows it; an agent
takes a caller's ticket from the keyboard."""

import re

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from apps.tickets import services
from apps.tickets.models import Ticket
from tests.tickets.factories import CitizenFactory

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _private_files_and_clean_counters(settings, tmp_path):
    settings.HOUSING_ATTACHMENTS_ROOT = tmp_path / "private"
    cache.clear()


def test_a_citizen_submits_a_complaint_in_arabic_and_tracks_it(page, live_server, screenshot, agent):
    page.goto(f"{live_server.url}/portal/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    page.get_by_test_id("portal-submit").click()
    page.locator("label[for=id_kind_0]").click()  # شكوى
    page.fill("#id_name", "فاطمة علي حسن")
    page.fill("#id_cpr", "٨٥٠١٠١٢٣٤")
    page.fill("#id_mobile", "٣٦٥٥ ١٢٣٤")
    page.fill("#id_subject", "تأخر الرد على طلبي الإسكاني")
    page.fill("#id_description", "قدمت طلبي الإسكاني منذ سنوات ولم أتلقَ أي رد حتى الآن.")
    screenshot(page, "portal-submit-ar")
    page.get_by_test_id("submit-send").click()

    number = page.get_by_test_id("receipt-number").inner_text().strip()
    assert re.fullmatch(r"\d{4}-\d{6}-\d", number)
    ticket = Ticket.objects.get(review_number=number)
    assert (ticket.kind, ticket.channel, ticket.contact_phone) == ("complaint", "web", "+97336551234")
    expect(page.get_by_test_id("receipt")).to_contain_text("استلمنا طلبك")
    screenshot(page, "portal-receipt-ar")

    # The ministry answers, with an internal note the citizen must never see.
    services.ticket_note(ticket=ticket, body="ملاحظة داخلية للموظفين فقط", actor=agent)
    services.ticket_transition(ticket=ticket, to_status="acknowledged", actor=agent)
    services.ticket_transition(ticket=ticket, to_status="in_progress", actor=agent)
    services.ticket_reply(ticket=ticket, body="تمت مراجعة طلبكم وسيتم التواصل معكم خلال أسبوع.", actor=agent)

    page.goto(f"{live_server.url}/portal/track/")
    arabic = number.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    page.fill("#id_review_number", arabic)
    page.fill("#id_phone_last4", "١٢٣٤")
    page.get_by_test_id("track-send").click()
    result = page.get_by_test_id("track-result")
    expect(result).to_contain_text(number)
    expect(page.get_by_test_id("public-replies")).to_contain_text("تمت مراجعة طلبكم")
    expect(result).not_to_contain_text("ملاحظة داخلية")
    assert "/portal/track/" in page.url and number not in page.url
    screenshot(page, "portal-track-ar")


def test_a_wrong_last_four_digits_gets_the_generic_answer(page, live_server, agent):
    citizen = CitizenFactory(phones=["36001234"])
    ticket = services.ticket_create(
        kind="inquiry", channel="phone", subject="موعد", description="متى؟", citizen=citizen, actor=agent
    )
    page.goto(f"{live_server.url}/portal/track/")
    page.fill("#id_review_number", ticket.review_number)
    page.fill("#id_phone_last4", "9999")
    page.get_by_test_id("track-send").click()
    expect(page.get_by_test_id("track-error")).to_be_visible()
    expect(page.get_by_test_id("track-result")).to_have_count(0)


def test_an_agent_creates_a_ticket_for_a_caller(page, live_server, log_in, agent, screenshot):
    caller = CitizenFactory(cpr="880412345", name_ar="أحمد علي", phones=["36001234"])
    log_in(page, agent)
    page.goto(f"{live_server.url}/tickets/new/")
    lookup = page.get_by_test_id("citizen-lookup")
    expect(lookup).to_be_focused()
    lookup.fill("3600 1234")
    lookup.press("Enter")
    expect(page.get_by_test_id("citizen-name")).to_contain_text("أحمد علي")
    expect(page.locator("input[name=kind]").first).to_be_focused()  # straight on to the ticket
    page.keyboard.press("ArrowLeft")  # the next kind in a right-to-left radio group: inquiry
    page.fill("#id_subject", "الاستفسار عن حالة الطلب")
    page.fill("#id_description", "يسأل عن ترتيبه في قائمة الانتظار.")
    screenshot(page, "agent-create-ticket-ar")
    page.locator("#id_description").press("Control+Enter")

    expect(page.get_by_test_id("review-number")).to_be_visible()
    ticket = Ticket.objects.get(citizen=caller)
    assert (ticket.channel, ticket.created_by, ticket.contact_phone) == ("phone", agent, "+97336001234")
    assert ticket.kind == "inquiry"
    expect(page.get_by_test_id("review-number")).to_contain_text(ticket.review_number)
    screenshot(page, "agent-ticket-created-ar")

    page.get_by_test_id("reply-form").locator("textarea").fill("سنتواصل معك قريبًا.")
    page.get_by_test_id("reply-form").locator("button").click()
    expect(page.get_by_test_id("done")).to_be_visible()
    expect(page.get_by_test_id("timeline")).to_contain_text("سنتواصل معك قريبًا.")
    screenshot(page, "agent-ticket-replied-ar")


def test_an_agent_adds_an_unknown_caller_inline(page, live_server, log_in, agent):
    log_in(page, agent)
    page.goto(f"{live_server.url}/tickets/new/")
    lookup = page.get_by_test_id("citizen-lookup")
    lookup.fill("990101234")
    lookup.press("Enter")
    expect(page.get_by_test_id("lookup-none")).to_be_visible()
    expect(page.locator("#id_new_cpr")).to_have_value("990101234")
    page.fill("#id_new_name_ar", "منى يوسف")
    page.fill("#id_new_mobile", "39112233")
    page.fill("#id_subject", "تسرب مياه")
    page.fill("#id_description", "تسرب في المطبخ.")
    page.get_by_test_id("ticket-save").click()
    expect(page.get_by_test_id("review-number")).to_be_visible()
    ticket = Ticket.objects.get()
    assert ticket.citizen.cpr == "990101234" and ticket.contact_phone == "+97339112233"
