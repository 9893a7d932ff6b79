"""Repeat contacts (issue 18): the same citizen on the same purpose again within
HOUSING_REPEAT_CONTACT_DAYS calendar days, on any channel, is flagged when the contact is
recorded, shown on the console and the timeline, and counted on the supervisor's page."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from apps.citizens import timeline
from apps.contacts import repeats, selectors, services
from apps.contacts.models import Contact
from tests.contacts.factories import CitizenFactory, ContactFactory, purpose

TZ = timezone.get_fixed_timezone(180)  # Bahrain, UTC+3


def t(month, day, hour=10, minute=0):
    return dt.datetime(2026, month, day, hour, minute, tzinfo=TZ)


@pytest.fixture
def log(agent):
    def _log(citizen, at, *, code="new_application", channel="inbound_call", actor=None, **extra):
        return services.contact_log(
            actor=actor or agent,
            channel=channel,
            purpose=purpose(code),
            outcome="resolved_first_contact",
            citizen=citizen,
            now=at,
            answered_at=at,
            **extra,
        )

    return _log


# ---------------------------------------------------------------- the rule


def test_a_call_then_a_chat_then_a_walk_in_on_the_same_purpose_each_repeat_the_one_before(citizen, log):
    call = log(citizen, t(7, 1), channel="inbound_call")
    chat = log(citizen, t(7, 3), channel="chat")
    walk_in = log(citizen, t(7, 5), channel="walk_in")

    assert Contact.objects.get(pk=call.pk).repeat_of_id is None
    assert Contact.objects.get(pk=chat.pk).repeat_of_id == call.pk
    assert Contact.objects.get(pk=walk_in.pk).repeat_of_id == chat.pk
    assert walk_in.repeat_of_id == chat.pk  # the service's answer carries it too


def test_a_contact_on_another_purpose_is_not_a_repeat(citizen, log):
    log(citizen, t(7, 1), code="new_application")
    other = log(citizen, t(7, 2), code="eligibility")

    assert Contact.objects.get(pk=other.pk).repeat_of_id is None


def test_another_citizens_contact_on_the_same_purpose_is_not_a_repeat(citizen, log):
    log(CitizenFactory(), t(7, 1))
    mine = log(citizen, t(7, 2))

    assert Contact.objects.get(pk=mine.pk).repeat_of_id is None


def test_seven_calendar_days_is_a_repeat_and_eight_is_not(citizen, log):
    # 30 June 23:55 → 7 July 23:50 is under 7×24 hours but 7 calendar days: a repeat.
    first = log(citizen, t(6, 30, 23, 55))
    seventh = log(citizen, t(7, 7, 23, 50))
    assert Contact.objects.get(pk=seventh.pk).repeat_of_id == first.pk

    # 30 June 23:55 → 8 July 00:05 is 7 days and 10 minutes, but 8 calendar days: not one
    # of the first contact (the 7 July one, 1 day before, is what it repeats).
    other = CitizenFactory()
    log(other, t(6, 30, 23, 55))
    eighth = log(other, t(7, 8, 0, 5))
    assert Contact.objects.get(pk=eighth.pk).repeat_of_id is None


def test_the_window_is_read_from_the_setting_when_the_contact_is_recorded(citizen, log, settings):
    settings.HOUSING_REPEAT_CONTACT_DAYS = 2
    log(citizen, t(7, 1))
    third_day = log(citizen, t(7, 4))
    assert Contact.objects.get(pk=third_day.pk).repeat_of_id is None

    settings.HOUSING_REPEAT_CONTACT_DAYS = 7
    again = log(citizen, t(7, 5))
    assert Contact.objects.get(pk=again.pk).repeat_of_id == third_day.pk


def test_a_contact_without_a_citizen_is_never_a_repeat(log):
    log(None, t(7, 1), caller_number="36009999")
    second = log(None, t(7, 2), caller_number="36009999")

    assert Contact.objects.get(pk=second.pk).repeat_of_id is None


def test_only_an_earlier_contact_counts(citizen, log):
    later = log(citizen, t(7, 5))
    # Recorded afterwards, but offered before: it repeats nothing (the later one is later).
    earlier = log(citizen, t(7, 3))

    assert Contact.objects.get(pk=earlier.pk).repeat_of_id is None
    assert Contact.objects.get(pk=later.pk).repeat_of_id is None


def test_a_contact_at_the_very_same_instant_is_not_earlier(citizen, log):
    log(citizen, t(7, 3))
    same = log(citizen, t(7, 3))

    assert Contact.objects.get(pk=same.pk).repeat_of_id is None


def test_a_message_left_out_of_hours_is_flagged_too(citizen, log):
    call = log(citizen, t(7, 1))
    message = services.contact_message_received(
        channel="chat", received_at=t(7, 2), purpose=purpose(), citizen=citizen, notes="left a message"
    )

    assert Contact.objects.get(pk=message.pk).repeat_of_id == call.pk


def test_a_telephony_batch_flags_its_repeats_in_the_same_statement_set(citizen, telephony):
    from tests.contacts.factories import record

    def row(day):
        return record(
            citizen_cpr=citizen.cpr,
            offered_at=f"2026-07-0{day} 09:00:00",
            answered_at=f"2026-07-0{day} 09:00:40",
            ended_at=f"2026-07-0{day} 09:04:10",
        )

    report = services.contacts_import(
        records=[(1, row(1)), (2, row(2)), (3, row(9))], actor=telephony, via="api"
    )

    ids = [item["id"] for item in report.created]
    flags = dict(Contact.objects.filter(pk__in=ids).values_list("pk", "repeat_of_id"))
    assert flags == {ids[0]: None, ids[1]: ids[0], ids[2]: ids[1]}


# ---------------------------------------------------------------- the backfill


def test_the_backfill_flags_stored_contacts_in_batches_and_a_second_run_changes_nothing(citizen):
    first = ContactFactory(citizen=citizen, offered_at=t(7, 1))
    second = ContactFactory(citizen=citizen, offered_at=t(7, 4), channel="chat")
    far = ContactFactory(citizen=citizen, offered_at=t(7, 20))
    ContactFactory(citizen=None, offered_at=t(7, 2))
    Contact.objects.filter(pk=far.pk).update(repeat_of=first)  # wrong: must be cleared

    counts = repeats.contacts_flag_repeats_all(batch_size=2)

    assert counts == {"checked": 3, "changed": 2, "batches": 2}
    assert dict(Contact.objects.filter(citizen=citizen).values_list("pk", "repeat_of_id")) == {
        first.pk: None,
        second.pk: first.pk,
        far.pk: None,
    }
    assert repeats.contacts_flag_repeats_all(batch_size=2)["changed"] == 0


def test_the_backfill_command_reports_its_counts(citizen, capsys):
    ContactFactory(citizen=citizen, offered_at=t(7, 1))
    repeat = ContactFactory(citizen=citizen, offered_at=t(7, 2))

    call_command("contacts_flag_repeats", "--batch-size", "1")

    assert "checked=2 changed=1 batches=2" in capsys.readouterr().out
    assert Contact.objects.get(pk=repeat.pk).repeat_of_id is not None


# ---------------------------------------------------------------- the console and the timeline


def test_the_console_warns_that_the_caller_got_in_touch_about_a_purpose_days_ago(login, agent, citizen):
    ContactFactory(citizen=citizen, agent=agent, offered_at=timezone.now() - dt.timedelta(days=3))
    ContactFactory(
        citizen=citizen,
        agent=agent,
        purpose=purpose("eligibility"),
        offered_at=timezone.now() - dt.timedelta(days=9),
    )

    response = login(agent).get("/console/", {"q": citizen.cpr})

    html = response.content.decode()
    assert response.status_code == 200
    warning = html.split('data-testid="repeat-warning"')[1].split("</div>")[0]
    assert str(purpose()) in warning and "3" in warning
    assert str(purpose("eligibility")) not in warning  # 9 days ago: outside the window


def test_the_console_says_nothing_for_a_caller_without_recent_contacts(login, agent, citizen):
    ContactFactory(citizen=citizen, agent=agent, offered_at=timezone.now() - dt.timedelta(days=12))

    html = login(agent).get("/console/", {"q": citizen.cpr}).content.decode()

    assert 'data-testid="repeat-warning"' not in html


def test_the_console_warning_never_names_a_purpose_the_agent_may_not_read(login, agent, citizen):
    ContactFactory(
        citizen=citizen,
        agent=agent,
        channel="uyc",
        purpose=purpose("complaint"),
        offered_at=timezone.now() - dt.timedelta(days=1),
    )

    html = login(agent).get("/console/", {"q": citizen.cpr}).content.decode()

    assert 'data-testid="repeat-warning"' not in html


def test_logging_a_repeat_says_so_on_the_logged_contact(login, agent, citizen):
    earlier = ContactFactory(citizen=citizen, agent=agent, offered_at=timezone.now() - dt.timedelta(days=2))
    client = login(agent)

    response = client.post(
        reverse("contacts:console_log"),
        {
            "channel": "walk_in",
            "purpose": purpose().pk,
            "outcome": "resolved_first_contact",
            "citizen": citizen.pk,
        },
        HTTP_HX_REQUEST="true",
    )

    html = response.content.decode()
    logged = Contact.objects.filter(citizen=citizen).latest("pk")
    assert response.status_code == 200
    assert logged.repeat_of_id == earlier.pk and logged.channel == "walk_in"
    notice = html.split('data-testid="repeat-notice"')[1].split("</div>")[0]
    assert str(purpose()) in notice and "2" in notice


def test_the_timeline_marks_a_repeat_contact_with_a_badge(login, agent, citizen, log):
    first = log(citizen, timezone.now() - dt.timedelta(days=2))
    repeat = log(citizen, timezone.now() - dt.timedelta(days=1), channel="chat")

    page = timeline.citizen_timeline(citizen=citizen, viewer=agent)
    badges = {e.id: [label for label, _colour in e.badges] for e in page.entries if e.kind == "contact"}
    assert "Repeat contact" in badges[repeat.pk] or "تواصل متكرر" in badges[repeat.pk]
    assert not any(label in ("Repeat contact", "تواصل متكرر") for label in badges[first.pk])

    html = login(agent).get("/console/", {"q": citizen.cpr}).content.decode()
    assert html.count('class="badge text-bg-warning ms-1"') == 1


# ---------------------------------------------------------------- the supervisor's figures


@pytest.fixture
def known_month(agent, supervisor, log):
    """July 2026, by hand (repeats of the same citizen on the same purpose within 7 days):

    citizen A: new_application 1 Jul (agent), 3 Jul (supervisor, repeat), 20 Jul (agent)
    citizen B: new_application 2 Jul (agent), eligibility 4 Jul (agent), eligibility 6 Jul (agent, repeat)
    no citizen: new_application 5 Jul (agent)
    → with a citizen 6, repeats 2 (33.3%); new_application 1 of 4 with a citizen (25%),
      eligibility 1 of 2 (50%); agent 1 of 5 with a citizen (20%), supervisor 1 of 1 (100%).
    """
    a, b = CitizenFactory(), CitizenFactory()
    log(a, t(7, 1))
    r1 = log(a, t(7, 3), actor=supervisor, channel="chat")
    log(a, t(7, 20))
    log(b, t(7, 2))
    log(b, t(7, 4), code="eligibility")
    r2 = log(b, t(7, 6), code="eligibility", channel="walk_in")
    log(None, t(7, 5), caller_number="36009999")
    return {"repeats": {r1.pk, r2.pk}}


def test_the_repeat_rate_by_purpose_and_by_agent_on_a_known_month(known_month, agent, supervisor):
    start, end = selectors.day_range(dt.date(2026, 7, 1), dt.date(2026, 7, 31))
    report = selectors.supervisor_report(start=start, end=end)

    assert (report.overall.repeats, report.overall.with_citizen) == (2, 6)
    assert round(report.overall.repeat_rate, 1) == 33.3
    by_purpose = {code: (f.repeats, f.with_citizen, f.repeat_rate) for code, _label, f in report.by_purpose}
    assert by_purpose["new_application"] == (1, 4, 25.0)
    assert by_purpose["eligibility"] == (1, 2, 50.0)
    by_agent = {name: (f.repeats, f.with_citizen, f.repeat_rate) for name, _label, f in report.by_agent}
    assert by_agent[agent.username] == (1, 5, 20.0)
    assert by_agent[supervisor.username] == (1, 1, 100.0)


def test_the_supervisor_page_shows_the_rates_and_links_to_exactly_the_repeats(
    known_month, login, supervisor, agent
):
    client = login(supervisor)
    html = client.get(
        reverse("contacts:supervisor"), {"period": "range", "start": "2026-07-01", "end": "2026-07-31"}
    ).content.decode()

    assert "33.3%" in html and "25.0%" in html and "50.0%" in html and "100.0%" in html
    assert "repeat=yes" in html

    listed = client.get(
        reverse("contacts:contact_list"), {"start": "2026-07-01", "end": "2026-07-31", "repeat": "yes"}
    )
    body = listed.content.decode()
    assert listed.status_code == 200
    shown = {int(part.split('"')[0]) for part in body.split('data-contact="')[1:]}
    assert shown == known_month["repeats"]

    by_agent = client.get(
        reverse("contacts:contact_list"),
        {"start": "2026-07-01", "end": "2026-07-31", "repeat": "yes", "agent": agent.username},
    ).content.decode()
    assert {int(p.split('"')[0]) for p in by_agent.split('data-contact="')[1:]} == known_month["repeats"] - {
        c.pk for c in Contact.objects.filter(agent=supervisor)
    }


def test_the_repeat_rate_is_empty_not_zero_without_a_contact_with_a_citizen(db):
    start, end = selectors.day_range(dt.date(2026, 7, 1), dt.date(2026, 7, 31))
    assert selectors.supervisor_report(start=start, end=end).overall.repeat_rate is None


def test_an_agent_may_not_read_the_repeat_figures(known_month, login, agent):
    response = login(agent).get(reverse("contacts:supervisor"), {"period": "month"})

    assert response.status_code == 403
    assert b"repeat-rate" not in response.content
