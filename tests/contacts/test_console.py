"""The agent console: look-up, screen-pop, logging, phones, callbacks, unknown callers."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from apps.citizens.models import Citizen, CitizenAccess, CitizenPhoneEvent
from apps.contacts.models import Callback, Contact, FollowUp, QuickAnswer, QuickAnswerUse
from tests.contacts.factories import ContactFactory, purpose

CONSOLE = "/console/"


@pytest.fixture
def console(login, agent):
    return login(agent)


def log(client, **data):
    payload = {"channel": "inbound_call", "purpose": purpose().pk, "outcome": "resolved_first_contact"}
    payload.update(data)
    return client.post(reverse("contacts:console_log"), payload, HTTP_HX_REQUEST="true")


def test_the_console_is_at_console(console):
    response = console.get(CONSOLE)
    assert response.status_code == 200
    assert b'data-testid="console"' in response.content


def test_a_screen_pop_with_a_known_number_shows_the_citizen_card(console, citizen, agent):
    response = console.get(CONSOLE, {"phone": "36001234", "call_id": "PBX-77"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "أحمد علي" in html and "880412345" in html
    assert 'value="PBX-77"' in html
    assert CitizenAccess.objects.filter(citizen=citizen, user=agent, purpose="console").exists()


def test_a_screen_pop_with_an_unknown_number_offers_to_create_the_citizen(console):
    response = console.get(CONSOLE, {"phone": "+97339990000", "call_id": "PBX-78"})
    html = response.content.decode()
    assert 'data-testid="unknown-caller"' in html
    assert 'data-testid="new-citizen-form"' in html
    assert 'value="+97339990000"' in html


def test_a_screen_pop_for_an_unknown_number_shows_earlier_contacts_from_it(console):
    ContactFactory(caller_number="+97339990000", notes="asked about the draw")
    html = console.get(CONSOLE, {"phone": "39990000"}).content.decode()
    assert "asked about the draw" in html


def test_looking_up_by_cpr_with_arabic_digits_finds_the_citizen(console, citizen):
    html = console.get(CONSOLE, {"q": "٨٨٠٤١٢٣٤٥"}).content.decode()
    assert 'data-testid="citizen-card"' in html


def test_a_lookup_that_is_neither_cpr_nor_phone_nor_name_says_so(console):
    html = console.get(CONSOLE, {"q": "12-34"}).content.decode()
    assert 'data-testid="console-error"' in html


def test_a_name_nobody_has_says_so_and_offers_no_new_citizen_form(console):
    html = console.get(CONSOLE, {"q": "hello"}).content.decode()
    assert 'data-testid="no-name-match"' in html and 'data-testid="new-citizen-form"' not in html


def test_a_shared_number_asks_which_citizen(console, citizen, agent):
    from apps.citizens import services as citizen_services

    citizen_services.citizen_create(cpr="900101234", name_ar="زوجة", phones=["36001234"], actor=agent)
    html = console.get(CONSOLE, {"phone": "36001234"}).content.decode()
    assert 'data-testid="candidates"' in html


def test_logging_a_call_from_the_screen_pop_links_the_call_id(console, citizen, agent):
    response = log(
        console, citizen=citizen.pk, call_id="PBX-80", caller_number="+97336001234", notes="شرح الشروط"
    )
    assert response.status_code == 200
    contact = Contact.objects.get(call_id="PBX-80")
    assert (contact.citizen, contact.agent, contact.outcome) == (citizen, agent, "resolved_first_contact")
    assert contact.notes == "شرح الشروط" and contact.recorded_via == "console"
    assert 'data-testid="console-notice"' in response.content.decode()


def test_the_log_wraps_up_a_telephony_record_that_came_first(console, citizen, agent):
    offered = timezone.now() - dt.timedelta(minutes=6)
    telephony = ContactFactory(call_id="PBX-81", outcome="", purpose=None, offered_at=offered, agent=None)
    log(console, citizen=citizen.pk, call_id="PBX-81", notes="done")
    telephony.refresh_from_db()
    assert Contact.objects.count() == 1
    assert telephony.outcome == "resolved_first_contact" and telephony.agent == agent
    assert telephony.offered_at == offered  # the telephony times are kept


def test_a_call_already_wrapped_up_is_not_overwritten(console, citizen):
    ContactFactory(call_id="PBX-82", notes="first agent")
    html = log(console, citizen=citizen.pk, call_id="PBX-82", notes="second agent").content.decode()
    assert 'data-testid="console-error"' in html
    assert Contact.objects.get(call_id="PBX-82").notes == "first agent"


def test_the_telephony_record_arriving_later_merges_its_times(console, citizen, pbx_client):
    log(console, citizen=citizen.pk, call_id="PBX-83")
    response = pbx_client.post(
        "/api/v1/contacts/batch/",
        [
            {
                "call_id": "PBX-83",
                "channel": "inbound_call",
                "offered_at": "2026-07-05T09:00:00+03:00",
                "answered_at": "2026-07-05T09:00:45+03:00",
                "ended_at": "2026-07-05T09:05:00+03:00",
            }
        ],
        format="json",
    ).json()
    assert response["summary"]["merged"] == 1
    contact = Contact.objects.get(call_id="PBX-83")
    assert contact.wait_seconds == 45 and contact.outcome == "resolved_first_contact"


def test_a_referral_puts_a_follow_up_on_the_department_queue(console, citizen, department, settings):
    settings.HOUSING_FOLLOWUP_DAYS = 3
    with time_machine.travel(dt.datetime(2026, 7, 5, 9, 0, tzinfo=dt.UTC), tick=False):
        log(
            console,
            citizen=citizen.pk,
            outcome="referred",
            department=department.pk,
            notes="needs housing services",
        )
    follow_up = FollowUp.objects.get()
    assert follow_up.department == department and follow_up.citizen == citizen
    assert follow_up.due_at == dt.datetime(2026, 7, 8, 9, 0, tzinfo=dt.UTC)


def test_the_follow_up_days_are_read_when_the_contact_is_logged(console, citizen, department, settings):
    settings.HOUSING_FOLLOWUP_DAYS = 10
    with time_machine.travel(dt.datetime(2026, 7, 5, 9, 0, tzinfo=dt.UTC), tick=False):
        log(console, citizen=citizen.pk, outcome="referred", department=department.pk)
    assert FollowUp.objects.get().due_at == dt.datetime(2026, 7, 15, 9, 0, tzinfo=dt.UTC)


def test_scheduling_a_callback_puts_it_on_the_agents_list(console, citizen, agent):
    when = (timezone.localtime() + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    log(console, citizen=citizen.pk, outcome="callback_scheduled", callback_at=when)
    callback = Callback.objects.get()
    assert callback.assigned_to == agent and callback.number == "+97336001234"
    html = console.get(CONSOLE).content.decode()
    assert "+97336001234" in html.split('data-testid="callbacks-due"')[1]


def test_a_callback_in_the_past_is_refused(console, citizen):
    when = (timezone.localtime() - dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    html = log(console, citizen=citizen.pk, outcome="callback_scheduled", callback_at=when).content.decode()
    assert "is-invalid" in html
    assert not Callback.objects.exists() and not Contact.objects.exists()


def test_making_the_callback_marks_it_done(console, citizen, agent):
    when = (timezone.localtime() + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    log(console, citizen=citizen.pk, outcome="callback_scheduled", callback_at=when)
    callback = Callback.objects.get()
    html = console.get(CONSOLE, {"callback": callback.pk}).content.decode()
    assert 'data-testid="citizen-card"' in html
    log(console, citizen=citizen.pk, channel="outbound_call", callback=callback.pk)
    callback.refresh_from_db()
    assert callback.status == "done" and callback.done_contact.channel == "outbound_call"


def test_quick_answers_given_and_to_text_later_are_recorded(console, citizen):
    answer = QuickAnswer.objects.filter(purpose__code="eligibility").first()
    log(
        console,
        citizen=citizen.pk,
        purpose=answer.purpose_id,
        quick_answers=[answer.pk],
        sms_quick_answers=[answer.pk],
    )
    use = QuickAnswerUse.objects.get()
    assert use.quick_answer == answer and use.send_by_sms is True and use.sms_queued_at is not None


def test_a_quick_answer_to_text_goes_to_the_outbox_in_the_citizens_language(console, citizen):
    from apps.notifications.models import Notification

    answer = QuickAnswer.objects.filter(purpose__code="eligibility").first()
    log(console, citizen=citizen.pk, purpose=answer.purpose_id, sms_quick_answers=[answer.pk])
    sms = Notification.objects.get(event="contacts.quick_answer")
    assert sms.channel == "sms" and sms.to_phone.endswith("36001234")
    assert answer.body_ar in sms.body and sms.recipient_ref == f"citizens.citizen:{citizen.pk}"


def test_a_quick_answer_only_read_out_sends_nothing(console, citizen):
    from apps.notifications.models import Notification

    answer = QuickAnswer.objects.filter(purpose__code="eligibility").first()
    log(console, citizen=citizen.pk, purpose=answer.purpose_id, quick_answers=[answer.pk])
    assert not Notification.objects.exists()
    assert QuickAnswerUse.objects.get().sms_queued_at is None


def test_the_console_shows_the_quick_answers_beside_the_log_form(console, citizen):
    html = console.get(CONSOLE, {"q": citizen.cpr}).content.decode()
    assert "Basic eligibility conditions" in html or "شروط الاستحقاق الأساسية" in html


def test_confirming_a_phone_records_the_agent_and_the_time(console, citizen, agent):
    phone = citizen.phones.get()
    moment = dt.datetime(2026, 7, 5, 10, 30, tzinfo=dt.UTC)
    with time_machine.travel(moment, tick=False):
        response = console.post(
            reverse("contacts:console_phone_confirm", args=[phone.pk]), HTTP_HX_REQUEST="true"
        )
    assert response.status_code == 200
    phone.refresh_from_db()
    assert (phone.confirmed_by, phone.confirmed_at) == (agent, moment)
    event = CitizenPhoneEvent.objects.filter(action="confirmed").latest("at")
    assert (event.actor, event.at, event.number) == (agent, moment, "+97336001234")


def test_adding_a_number_confirms_it_and_can_make_it_primary(console, citizen, agent):
    console.post(
        reverse("contacts:console_phone_add", args=[citizen.pk]),
        {"number": "٣٩٩٩ ٨٨٧٧", "make_primary": "on"},
        HTTP_HX_REQUEST="true",
    )
    phone = citizen.phones.get(number="+97339998877")
    assert phone.is_primary and phone.confirmed_by == agent


def test_adding_an_invalid_number_shows_the_error_and_saves_nothing(console, citizen):
    html = console.post(
        reverse("contacts:console_phone_add", args=[citizen.pk]), {"number": "12"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "is-invalid" in html
    assert citizen.phones.count() == 1


def test_an_unknown_caller_is_created_inline_and_shown(console, agent):
    response = console.post(
        reverse("contacts:console_citizen_create"),
        {"cpr": "910203040", "name_ar": "مريم أحمد", "phone": "39990000", "call_id": "PBX-90"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    citizen = Citizen.objects.get(cpr="910203040")
    assert 'data-testid="citizen-card"' in html and "مريم أحمد" in html
    assert 'value="PBX-90"' in html
    assert citizen.phones.get().confirmed_by == agent


def test_creating_a_citizen_with_a_bad_cpr_keeps_the_form_and_saves_nothing(console):
    html = console.post(
        reverse("contacts:console_citizen_create"),
        {"cpr": "123", "name_ar": "مريم", "phone": "39990000"},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "is-invalid" in html
    assert not Citizen.objects.exists()


def test_a_contact_can_be_logged_for_an_unidentified_caller(console):
    log(console, caller_number="39990000", call_id="PBX-91")
    contact = Contact.objects.get(call_id="PBX-91")
    assert contact.citizen is None and contact.caller_number == "+97339990000"


@pytest.mark.parametrize("persona", ["officer", "secretary", "outsider"])
def test_people_without_the_console_permission_are_refused(request, login, persona, citizen):
    client = login(request.getfixturevalue(persona))
    response = client.get(CONSOLE, {"q": citizen.cpr})
    assert response.status_code == 403
    assert citizen.cpr.encode() not in response.content
    assert not CitizenAccess.objects.exists()


def test_a_department_officer_cannot_log_a_contact(login, officer):
    response = log(login(officer), caller_number="39990000")
    assert response.status_code == 403
    assert not Contact.objects.exists()


def test_the_lookup_query_count_does_not_grow_with_the_history(console, citizen):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    console.get(CONSOLE, {"q": citizen.cpr}, HTTP_HX_REQUEST="true")  # caches filled (permissions, session)
    with CaptureQueriesContext(connection) as few:
        console.get(CONSOLE, {"q": citizen.cpr}, HTTP_HX_REQUEST="true")
    for minute in range(30):
        ContactFactory(citizen=citizen, offered_at=timezone.now() - dt.timedelta(minutes=minute + 5))
    # Warm again: what the factories changed may reload a cached copy of configuration once,
    # and a slow run may cross the session's refresh mark; neither grows with the history.
    console.get(CONSOLE, {"q": citizen.cpr}, HTTP_HX_REQUEST="true")
    with CaptureQueriesContext(connection) as many:
        console.get(CONSOLE, {"q": citizen.cpr}, HTTP_HX_REQUEST="true")
    assert len(many) == len(few)


def test_the_search_box_answers_with_the_card_and_timeline_only(console, citizen):
    ContactFactory(citizen=citizen, notes="earlier call")
    html = console.get(
        CONSOLE, {"q": citizen.cpr}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="caller-card"
    ).content.decode()
    assert 'data-testid="citizen-card"' in html and "earlier call" in html
    assert 'id="timeline-box" hx-swap-oob="true"' in html
    assert f'id="log-citizen" value="{citizen.pk}" hx-swap-oob="true"' in html
    assert 'data-testid="log-form"' not in html  # what the agent chose in the form stays


def test_the_search_box_offers_to_create_an_unknown_caller(console):
    html = console.get(
        CONSOLE, {"q": "39990000"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="caller-card"
    ).content.decode()
    assert 'data-testid="new-citizen-form"' in html
    assert 'id="log-citizen" value="" hx-swap-oob="true"' in html
    assert 'value="+97339990000" hx-swap-oob="true"' in html
