"""The supervisor's figures equal hand-computed counts on a small fixture month, and
every figure links to the contacts behind it."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from apps.contacts import selectors
from apps.contacts.models import FollowUp
from tests.contacts.factories import ContactFactory, purpose

TZ = timezone.get_fixed_timezone(180)  # Bahrain, UTC+3


def t(day, hour, minute=0, second=0):
    return dt.datetime(2026, 7, day, hour, minute, second, tzinfo=TZ)


@pytest.fixture
def month(agent, supervisor, department):
    """July 2026, by hand:

    agent      : 3 inbound new_application resolved (wait 30/60/90 s, handling 120/240/360 s)
                 1 inbound request_delay referred (wait 60, handling 600) → follow-up, overdue
    supervisor : 1 chat eligibility resolved (wait 0, handling 300)
                 1 outbound data_update callback_scheduled… kept simple: resolved (wait 10, handling 50)
    nobody     : 2 inbound abandoned (no purpose)
    and, outside the month: 1 inbound on 30 June and 1 on 1 August (must not count).
    """
    new, delay, elig, data = (
        purpose("new_application"),
        purpose("request_delay"),
        purpose("eligibility"),
        purpose("data_update"),
    )
    for day, wait, handle in [(1, 30, 120), (2, 60, 240), (3, 90, 360)]:
        offered = t(day, 9)
        ContactFactory(
            agent=agent,
            purpose=new,
            offered_at=offered,
            answered_at=offered + dt.timedelta(seconds=wait),
            ended_at=offered + dt.timedelta(seconds=wait + handle),
        )
    offered = t(4, 10)
    referred = ContactFactory(
        agent=agent,
        purpose=delay,
        outcome="referred",
        department=department,
        offered_at=offered,
        answered_at=offered + dt.timedelta(seconds=60),
        ended_at=offered + dt.timedelta(seconds=660),
    )
    FollowUp.objects.create(contact=referred, citizen=None, department=department, due_at=t(11, 10))
    offered = t(5, 11)
    ContactFactory(
        agent=supervisor,
        channel="chat",
        purpose=elig,
        offered_at=offered,
        answered_at=offered,
        ended_at=offered + dt.timedelta(seconds=300),
    )
    offered = t(6, 12)
    ContactFactory(
        agent=supervisor,
        channel="outbound_call",
        purpose=data,
        offered_at=offered,
        answered_at=offered + dt.timedelta(seconds=10),
        ended_at=offered + dt.timedelta(seconds=60),
    )
    for day in (7, 8):
        ContactFactory(
            agent=None,
            purpose=None,
            outcome="abandoned",
            offered_at=t(day, 8),
            answered_at=None,
            ended_at=t(day, 8, 2),
        )
    ContactFactory(offered_at=dt.datetime(2026, 6, 30, 23, 59, tzinfo=TZ))
    ContactFactory(offered_at=dt.datetime(2026, 8, 1, 0, 0, tzinfo=TZ))


def july():
    return selectors.day_range(dt.date(2026, 7, 1), dt.date(2026, 7, 31))


def test_totals_answered_and_abandoned(month):
    start, end = july()
    report = selectors.supervisor_report(start=start, end=end, now=t(20, 12))
    o = report.overall
    assert (o.total, o.answered, o.abandoned) == (8, 6, 2)


def test_first_contact_resolution_is_resolved_over_answered(month):
    report = selectors.supervisor_report(start=july()[0], end=july()[1], now=t(20, 12))
    assert report.overall.resolved == 5
    assert report.overall.first_contact_resolution == pytest.approx(100 * 5 / 6)
    assert report.overall.follow_up_rate == pytest.approx(100 * 1 / 6)


def test_average_wait_and_handling_count_answered_contacts_only(month):
    o = selectors.supervisor_report(start=july()[0], end=july()[1], now=t(20, 12)).overall
    assert o.avg_wait == pytest.approx((30 + 60 + 90 + 60 + 0 + 10) / 6)
    assert o.avg_handling == pytest.approx((120 + 240 + 360 + 600 + 300 + 50) / 6)


def test_breakdowns_by_channel_purpose_and_outcome(month):
    report = selectors.supervisor_report(start=july()[0], end=july()[1], now=t(20, 12))
    assert {k: f.total for k, _label, f in report.by_channel} == {
        "inbound_call": 6,
        "chat": 1,
        "outbound_call": 1,
    }
    assert {k: f.total for k, _label, f in report.by_purpose} == {
        "new_application": 3,
        "request_delay": 1,
        "eligibility": 1,
        "data_update": 1,
        "none": 2,
    }
    assert {k: f.total for k, _label, f in report.by_outcome} == {
        "resolved_first_contact": 5,
        "referred": 1,
        "abandoned": 2,
    }


def test_per_agent_counts_and_handling_time(month, agent, supervisor):
    report = selectors.supervisor_report(start=july()[0], end=july()[1], now=t(20, 12))
    by_agent = {k: f for k, _label, f in report.by_agent}
    assert by_agent["agent"].total == 4
    assert by_agent["agent"].avg_handling == pytest.approx((120 + 240 + 360 + 600) / 4)
    assert by_agent["supervisor"].total == 2
    assert by_agent["none"].total == 2


def test_the_follow_up_backlog_open_and_overdue_now(month, officer):
    start, end = july()
    assert selectors.supervisor_report(start=start, end=end, now=t(10, 12)).follow_ups == {
        "open": 1,
        "overdue": 0,
    }
    assert selectors.supervisor_report(start=start, end=end, now=t(20, 12)).follow_ups == {
        "open": 1,
        "overdue": 1,
    }
    from apps.contacts import services

    services.follow_up_close(follow_up=FollowUp.objects.get(), answer="done", actor=officer)
    assert selectors.supervisor_report(start=start, end=end, now=t(20, 12)).follow_ups == {
        "open": 0,
        "overdue": 0,
    }


def test_the_figures_take_one_grouping_query_and_one_for_follow_ups(month, django_assert_max_num_queries):
    start, end = july()
    with django_assert_max_num_queries(4):  # figures, follow-ups, purpose names, agent names
        selectors.supervisor_report(start=start, end=end)


def test_the_page_shows_the_figures_and_links_each_to_its_contacts(month, login, supervisor):
    client = login(supervisor)
    with time_machine.travel(t(20, 12), tick=False):
        html = client.get(
            "/supervisor/contacts/", {"period": "range", "start": "2026-07-01", "end": "2026-07-31"}
        ).content.decode()
    assert 'data-testid="total">8<' in html
    assert 'data-testid="abandoned">2<' in html
    assert "/contacts/?start=2026-07-01&amp;end=2026-07-31&amp;channel=chat" in html


def test_a_figures_link_lists_exactly_the_contacts_behind_it(month, login, supervisor):
    client = login(supervisor)
    html = client.get(
        "/contacts/", {"start": "2026-07-01", "end": "2026-07-31", "answered": "no"}
    ).content.decode()
    assert html.count("data-contact=") == 2
    html = client.get(
        "/contacts/", {"start": "2026-07-01", "end": "2026-07-31", "purpose": "new_application"}
    ).content.decode()
    assert html.count("data-contact=") == 3
    html = client.get(
        "/contacts/", {"start": "2026-07-01", "end": "2026-07-31", "agent": "agent", "outcome": "referred"}
    ).content.decode()
    assert html.count("data-contact=") == 1


def test_the_overdue_link_lists_the_overdue_follow_ups(month, login, supervisor):
    with time_machine.travel(t(20, 12), tick=False):
        html = login(supervisor).get("/contacts/", {"follow_up": "overdue"}).content.decode()
    assert html.count("data-contact=") == 1


def test_today_and_this_month_are_the_default_periods(month, login, supervisor):
    client = login(supervisor)
    with time_machine.travel(t(3, 12), tick=False):
        today = client.get("/supervisor/contacts/").content.decode()
        this_month = client.get("/supervisor/contacts/", {"period": "month"}).content.decode()
    assert 'data-testid="total">1<' in today
    assert 'data-testid="total">3<' in this_month


@pytest.mark.parametrize("persona", ["agent", "officer", "outsider"])
def test_only_supervisors_see_the_figures(request, login, persona, month):
    response = login(request.getfixturevalue(persona)).get("/supervisor/contacts/")
    assert response.status_code == 403
    assert b'data-testid="total"' not in response.content


def test_the_list_pages_by_keyset_without_gaps_or_repeats(supervisor):
    for minute in range(5):
        ContactFactory(offered_at=t(1, 9, minute))
    seen, cursor = [], None
    while True:
        page, cursor = selectors.contact_page(
            filters=selectors.ContactFilters(), viewer=supervisor, after=cursor, limit=2
        )
        seen.extend(c.offered_at for c in page)
        if not cursor:
            break
    assert seen == sorted(seen, reverse=True) and len(set(seen)) == 5


def test_a_period_without_contacts_gives_zeros_not_nothing(db):
    """The empty grouping set still answers a row, with NULL sums: a new day read "None"."""
    start = timezone.now() + dt.timedelta(days=400)
    overall = selectors.supervisor_report(start=start, end=start + dt.timedelta(days=1)).overall
    assert (overall.total, overall.answered, overall.abandoned, overall.with_citizen, overall.repeats) == (
        0,
    ) * 5
