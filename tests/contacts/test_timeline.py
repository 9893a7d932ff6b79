"""The 360° timeline: every registered source merged newest first, keyset pages, and
"Under Your Command" content kept from anyone without accounts.view_uyc_cases."""

import datetime as dt

import pytest
from django.utils import timezone

from apps.citizens import services as citizen_services
from apps.citizens import timeline
from apps.citizens.models import CitizenPhoneEvent
from apps.contacts import services
from apps.contacts.models import Callback, FollowUp
from tests.contacts.factories import ContactFactory

BASE = dt.datetime(2026, 7, 1, 8, 0, tzinfo=dt.UTC)


def at(minutes):
    return BASE + dt.timedelta(minutes=minutes)


@pytest.fixture
def history(citizen, agent, department):
    """One citizen with every kind of entry, at known times."""
    CitizenPhoneEvent.objects.filter(citizen=citizen).update(at=at(0))
    c1 = ContactFactory(citizen=citizen, offered_at=at(10), notes="first call")
    referred = ContactFactory(citizen=citizen, offered_at=at(20), outcome="referred", department=department)
    follow_up = FollowUp.objects.create(
        contact=referred, citizen=citizen, department=department, due_at=at(9000)
    )
    FollowUp.objects.filter(pk=follow_up.pk).update(created_at=at(21))
    callback = Callback.objects.create(
        contact=c1, citizen=citizen, number="+97336001234", due_at=at(600), assigned_to=agent
    )
    Callback.objects.filter(pk=callback.pk).update(created_at=at(30))
    ContactFactory(citizen=citizen, offered_at=at(40), channel="chat", notes="chat later")
    return citizen


def kinds_and_times(page):
    return [(e.kind, e.at) for e in page.entries]


def test_the_registry_holds_the_sources_of_contacts_follow_ups_callbacks_and_phones():
    assert {"contact", "follow_up", "callback", "phone"} <= set(timeline.registered_kinds())


def test_the_timeline_merges_every_kind_newest_first(history, agent):
    page = timeline.citizen_timeline(citizen=history, viewer=agent)
    assert kinds_and_times(page) == [
        ("contact", at(40)),
        ("callback", at(30)),
        ("follow_up", at(21)),
        ("contact", at(20)),
        ("contact", at(10)),
        ("phone", at(0)),
    ]
    assert page.next_cursor is None


def test_pages_follow_each_other_without_gaps_or_repeats(history, agent):
    seen, cursor = [], None
    while True:
        page = timeline.citizen_timeline(citizen=history, viewer=agent, before=cursor, limit=2)
        seen.extend((e.kind, e.id) for e in page.entries)
        cursor = page.next_cursor
        if not cursor:
            break
    full = timeline.citizen_timeline(citizen=history, viewer=agent, limit=50)
    assert seen == [(e.kind, e.id) for e in full.entries]


def test_entries_at_the_same_instant_keep_one_order_across_pages(citizen, agent):
    for _ in range(5):
        ContactFactory(citizen=citizen, offered_at=at(5))
    CitizenPhoneEvent.objects.filter(citizen=citizen).update(at=at(5))
    first = timeline.citizen_timeline(citizen=citizen, viewer=agent, limit=3)
    second = timeline.citizen_timeline(citizen=citizen, viewer=agent, before=first.next_cursor, limit=3)
    ids = [(e.kind, e.id) for e in first.entries + second.entries]
    assert len(ids) == len(set(ids)) == 6


def test_a_new_source_registered_by_another_app_joins_the_list(history, agent):
    def letters(*, citizen, viewer, before=None, limit=20):
        return [
            timeline.TimelineEntry(
                at=at(35), kind="letter", id=1, kind_label="Letter", title="Decision letter"
            )
        ]

    timeline.register("letter", letters)
    try:
        page = timeline.citizen_timeline(citizen=history, viewer=agent)
        assert [e.kind for e in page.entries][:2] == ["contact", "letter"]
    finally:
        timeline._SOURCES.pop("letter")


def test_a_malformed_cursor_is_a_clear_error(citizen, agent):
    from apps.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        timeline.citizen_timeline(citizen=citizen, viewer=agent, before="yesterday")


def test_phone_confirmations_appear_with_who_confirmed(citizen, agent):
    citizen_services.citizen_phone_confirm(phone=citizen.phones.get(), actor=agent)
    entry = timeline.citizen_timeline(citizen=citizen, viewer=agent).entries[0]
    assert entry.kind == "phone" and entry.actor == agent.display_name()


def test_a_follow_up_shows_the_departments_answer_once_answered(history, agent, officer):
    follow_up = FollowUp.objects.get()
    services.follow_up_close(follow_up=follow_up, answer="Your file moved to allocation.", actor=officer)
    entry = next(
        e for e in timeline.citizen_timeline(citizen=history, viewer=agent).entries if e.kind == "follow_up"
    )
    assert entry.body == "Your file moved to allocation."


# ---------------------------------------------------------------- confidentiality


@pytest.fixture
def uyc_contact(citizen, department):
    return ContactFactory(
        citizen=citizen,
        channel="uyc",
        offered_at=timezone.now() - dt.timedelta(days=1),
        notes="SECRET-UYC complaint about the director",
        outcome="referred",
        department=department,
    )


def test_an_agents_timeline_never_shows_an_under_your_command_message(uyc_contact, citizen, agent):
    entries = timeline.citizen_timeline(citizen=citizen, viewer=agent).entries
    entry = next(e for e in entries if e.kind == "contact")
    assert entry.restricted is True
    assert "SECRET-UYC" not in repr(entries)


def test_the_console_page_never_shows_an_under_your_command_message(uyc_contact, citizen, login, agent):
    html = login(agent).get("/console/", {"q": citizen.cpr}).content.decode()
    assert 'data-restricted="true"' in html
    assert "SECRET-UYC" not in html


def test_a_follow_up_of_an_under_your_command_message_hides_its_answer_from_agents(
    uyc_contact, citizen, agent, officer, department
):
    follow_up = FollowUp.objects.create(
        contact=uyc_contact, citizen=citizen, department=department, due_at=timezone.now()
    )
    services.follow_up_close(follow_up=follow_up, answer="SECRET-ANSWER decided", actor=officer)
    entries = timeline.citizen_timeline(citizen=citizen, viewer=agent).entries
    assert "SECRET-ANSWER" not in repr(entries)
    entry = next(e for e in entries if e.kind == "follow_up")
    assert officer.display_name() not in repr(entry.details)  # nor who answered it


def test_senior_management_sees_who_answered_such_a_follow_up(
    uyc_contact, citizen, senior, officer, department
):
    follow_up = FollowUp.objects.create(
        contact=uyc_contact, citizen=citizen, department=department, due_at=timezone.now()
    )
    services.follow_up_close(follow_up=follow_up, answer="SECRET-ANSWER decided", actor=officer)
    entries = timeline.citizen_timeline(citizen=citizen, viewer=senior).entries
    entry = next(e for e in entries if e.kind == "follow_up")
    assert officer.display_name() in repr(entry.details)


def test_senior_management_reads_the_under_your_command_message(uyc_contact, citizen, senior):
    entries = timeline.citizen_timeline(citizen=citizen, viewer=senior).entries
    entry = next(e for e in entries if e.kind == "contact")
    assert entry.restricted is False and "SECRET-UYC" in entry.body


def test_the_supervisors_contact_list_hides_under_your_command_notes(uyc_contact, login, supervisor):
    html = login(supervisor).get("/contacts/").content.decode()
    assert f'data-contact="{uyc_contact.pk}"' in html
    assert "SECRET-UYC" not in html


def test_the_read_api_hides_under_your_command_notes(uyc_contact, api_as, supervisor):
    body = api_as(supervisor).get("/api/v1/contacts/").json()
    (row,) = body["results"]
    assert row["id"] == uyc_contact.pk and row["notes"] is None
    assert "SECRET-UYC" not in str(body)


def test_the_department_queue_hides_under_your_command_notes(uyc_contact, login, officer):
    FollowUp.objects.create(
        contact=uyc_contact, citizen=uyc_contact.citizen, department=officer.department, due_at=timezone.now()
    )
    html = login(officer).get("/follow-ups/").content.decode()
    assert "SECRET-UYC" not in html


def test_the_messages_sent_to_the_citizen_join_the_timeline(citizen, agent):
    from apps.contacts.models import QuickAnswer
    from tests.contacts.factories import purpose

    answer = QuickAnswer.objects.filter(purpose__code="eligibility").first()
    services.contact_log(
        actor=agent,
        channel="inbound_call",
        purpose=purpose("eligibility"),
        outcome="resolved_first_contact",
        citizen=citizen,
        sms_quick_answers=[answer],
    )
    entries = timeline.citizen_timeline(citizen=citizen, viewer=agent).entries
    message = next(e for e in entries if e.kind == "message")
    assert answer.body_ar in message.body


def test_a_viewer_without_the_messages_permission_sees_no_messages(citizen, agent, officer):
    from apps.contacts.selectors import messages_for_timeline
    from apps.notifications.services import Recipient, notification_queue

    notification_queue(
        event="contacts.quick_answer",
        recipient_citizen=Recipient(phone="+97336001234", ref=f"citizens.citizen:{citizen.pk}"),
        context={"answer": "نص"},
        channels=["sms"],
    )
    assert messages_for_timeline(citizen=citizen, viewer=agent)
    assert messages_for_timeline(citizen=citizen, viewer=officer) == []
