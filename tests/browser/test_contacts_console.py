"""Playwright: an agent takes a screen-pop, logs the call with the keyboard and opens a ticket
from it, in Arabic."""

import pytest

from apps.citizens import services as citizen_services
from apps.contacts.models import Contact

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_agent_takes_a_screen_pop_and_logs_the_call_in_arabic(
    page, live_server, log_in, agent, screenshot
):
    citizen = citizen_services.citizen_create(
        cpr="880412345", name_ar="أحمد علي الكعبي", name_en="Ahmed Ali", phones=["36001234"], actor=agent
    )
    log_in(page, agent)

    page.goto(f"{live_server.url}/console/?phone=36001234&call_id=PBX-PW-1")
    assert page.get_attribute("html", "dir") == "rtl"
    assert page.inner_text("[data-testid=citizen-name]") == "أحمد علي الكعبي"
    assert page.inner_text("[data-testid=call-id]") == "PBX-PW-1"

    # The screen-pop leaves the focus on the purposes: 1 = new application; the focus then
    # moves to the outcomes: 1 = resolved on first contact. Alt+N: the notes.
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
    assert page.external_requests == []
    screenshot(page, "contacts-console-logged-ar")


def test_an_agent_logs_a_screen_pop_call_and_opens_a_ticket_from_it(
    page, live_server, log_in, agent, screenshot
):
    citizen = citizen_services.citizen_create(
        cpr="880412345", name_ar="أحمد علي الكعبي", phones=["36001234"], actor=agent
    )
    log_in(page, agent)
    page.goto(f"{live_server.url}/console/?phone=36001234&call_id=PBX-PW-3")
    # 0 = complaint, then 3 = ticket opened: the ticket's fields appear.
    page.keyboard.press("0")
    page.keyboard.press("3")
    assert page.is_visible("[data-testid=open-ticket]")
    page.fill("input[name=ticket_subject]", "تأخر أعمال الصيانة")
    page.keyboard.press("Alt+N")
    page.keyboard.type("وعد المقاول بالإصلاح منذ شهرين ولم يحضر")
    page.keyboard.press("Control+Enter")
    notice = page.wait_for_selector("[data-testid=console-notice]").inner_text()

    contact = Contact.objects.select_related("ticket").get(call_id="PBX-PW-3")
    ticket = contact.ticket
    assert contact.outcome == "ticket_opened"
    assert (ticket.kind, ticket.channel, ticket.citizen_id) == ("complaint", "phone", citizen.pk)
    assert (ticket.subject, ticket.description) == (
        "تأخر أعمال الصيانة",
        "وعد المقاول بالإصلاح منذ شهرين ولم يحضر",
    )
    assert ticket.review_number in notice
    assert "تأخر أعمال الصيانة" in page.inner_text("[data-testid=timeline]")
    screenshot(page, "contacts-console-ticket-opened-ar")


def test_an_agent_creates_an_unknown_caller_from_the_screen_pop(page, live_server, log_in, agent, screenshot):
    log_in(page, agent)
    page.goto(f"{live_server.url}/console/?phone=39990000&call_id=PBX-PW-2")
    form = page.locator("[data-testid=new-citizen-form]")
    form.locator("input[name=cpr]").fill("٩١٠٢٠٣٠٤٠")
    form.locator("input[name=name_ar]").fill("مريم أحمد")
    form.locator("[data-testid=create-citizen]").click()
    page.wait_for_selector("[data-testid=citizen-card]")
    assert page.inner_text("[data-testid=citizen-cpr]") == "910203040"
    screenshot(page, "contacts-console-new-citizen-ar")


def test_an_agent_looks_up_a_caller_from_the_search_box_and_logs_the_contact(
    page, live_server, log_in, agent
):
    citizen = citizen_services.citizen_create(
        cpr="880412345", name_ar="سارة محمد", phones=["36001234"], actor=agent
    )
    log_in(page, agent)
    page.goto(f"{live_server.url}/console/")
    page.keyboard.press("Alt+S")
    page.keyboard.type("٨٨٠٤١٢٣٤٥")
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-testid=citizen-card]")
    assert page.input_value("#log-citizen") == str(citizen.pk)
    page.keyboard.press("Alt+P")
    page.keyboard.press("4")  # eligibility criteria
    page.keyboard.press("1")  # resolved on first contact
    page.keyboard.press("Alt+L")
    page.wait_for_selector("[data-testid=console-notice]")
    contact = Contact.objects.get()
    assert (contact.citizen_id, contact.purpose.code) == (citizen.pk, "eligibility")
