"""The read API: contacts with filters, and counts grouped by any of them."""

import datetime as dt

import pytest

from tests.contacts.factories import ContactFactory, purpose

TZ = dt.timezone(dt.timedelta(hours=3))


@pytest.fixture
def contacts(agent, supervisor):
    ContactFactory(offered_at=dt.datetime(2026, 7, 1, 9, tzinfo=TZ), agent=agent)
    ContactFactory(
        offered_at=dt.datetime(2026, 7, 2, 9, tzinfo=TZ), agent=agent, purpose=purpose("request_delay")
    )
    ContactFactory(offered_at=dt.datetime(2026, 7, 3, 9, tzinfo=TZ), agent=supervisor, channel="chat")
    ContactFactory(
        offered_at=dt.datetime(2026, 7, 4, 9, tzinfo=TZ),
        agent=None,
        purpose=None,
        outcome="abandoned",
        answered_at=None,
    )
    ContactFactory(offered_at=dt.datetime(2026, 8, 1, 9, tzinfo=TZ), agent=agent)


@pytest.fixture
def reader(api_as, supervisor):
    return api_as(supervisor)


def test_contacts_are_filtered_by_channel_and_date_range(reader, contacts):
    body = reader.get(
        "/api/v1/contacts/", {"channel": "inbound_call", "start": "2026-07-01", "end": "2026-07-31"}
    ).json()
    assert len(body["results"]) == 3
    assert {r["channel"] for r in body["results"]} == {"inbound_call"}


def test_contacts_are_filtered_by_agent_purpose_and_outcome(reader, contacts):
    assert len(reader.get("/api/v1/contacts/", {"agent": "agent"}).json()["results"]) == 3
    assert len(reader.get("/api/v1/contacts/", {"purpose": "request_delay"}).json()["results"]) == 1
    assert len(reader.get("/api/v1/contacts/", {"outcome": "abandoned"}).json()["results"]) == 1


def test_the_list_pages_with_a_cursor(reader, contacts, settings):
    from apps.contacts import selectors

    first = reader.get("/api/v1/contacts/").json()
    assert first["next"] is None and len(first["results"]) == 5
    page, cursor = selectors.contact_page(filters=selectors.ContactFilters(), viewer=None, limit=2)
    second = reader.get("/api/v1/contacts/", {"cursor": cursor}).json()
    assert [r["id"] for r in second["results"]] == [r["id"] for r in first["results"]][2:]


def test_counts_group_by_any_field_for_a_date_range(reader, contacts):
    body = reader.get(
        "/api/v1/contacts/counts/",
        {"group_by": "channel,outcome", "start": "2026-07-01", "end": "2026-07-31"},
    ).json()
    assert body["total"] == 4
    assert {(r["channel"], r["outcome"]): r["count"] for r in body["rows"]} == {
        ("chat", "resolved_first_contact"): 1,
        ("inbound_call", "abandoned"): 1,
        ("inbound_call", "resolved_first_contact"): 2,
    }


def test_counts_by_agent(reader, contacts):
    body = reader.get(
        "/api/v1/contacts/counts/", {"group_by": "agent", "start": "2026-07-01", "end": "2026-08-31"}
    ).json()
    assert {r["agent"]: r["count"] for r in body["rows"]} == {"agent": 3, "supervisor": 1, None: 1}


@pytest.mark.parametrize(
    "params, field",
    [
        ({"group_by": "weather"}, "group_by"),
        ({"group_by": "channel", "channel": "fax"}, "channel"),
        ({"group_by": "channel", "purpose": "astrology"}, "purpose"),
        ({"group_by": "channel", "agent": "nobody"}, "agent"),
        ({"group_by": "channel", "start": "2026-13-01"}, "start"),
        ({"group_by": "channel", "start": "2026-07-10", "end": "2026-07-01"}, "end"),
    ],
)
def test_bad_filters_are_clear_errors(reader, contacts, params, field):
    response = reader.get("/api/v1/contacts/counts/", params)
    assert response.status_code == 400
    assert field in response.json()["details"]


@pytest.mark.parametrize("persona", ["agent", "officer"])
def test_only_supervisors_read_contacts(request, api_as, persona, contacts):
    response = api_as(request.getfixturevalue(persona)).get("/api/v1/contacts/")
    assert response.status_code == 403 and "results" not in response.json()
