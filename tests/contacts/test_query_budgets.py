"""Query budget of the console look-up (issue 20): the caller's card and the first page of
their timeline, by CPR or by phone, in an exact number of statements whether the citizen
has 3 or 30 rows in every source of the timeline (the whole timeline is one query).

Counted: every statement the request sends through the whole middleware stack, signed in
with a session, caches warm (the issue's budget is 8; it takes 6). The read of the file is
recorded with one INSERT in autocommit, no transaction of its own.
"""

import datetime as dt

import pytest
from django.utils import timezone

from apps.contacts.models import Callback, FollowUp
from apps.tickets import services as ticket_services
from tests.contacts.factories import ContactFactory
from tests.query_budget import committed, exactly

CONSOLE = "/console/"
# user, citizen, phones, housing files, the read recorded, the timeline (the delegations that
# decide who reads a confidential entry come from the process's copy of the open ones)
LOOKUP_BUDGET = 6
# The supervisors' contact list: user, the filter's departments, the page of contacts (each
# row's tag ids in it), the bell. Nothing per tag or saved view, nor for the viewer's
# delegations (the process's copy of the open ones):
# the filter's tags and the chips from the process's copy of the tags, the per-tag counts
# from Redis (60 s), the views bar from the navigation's cached menu.
CONTACT_LIST_BUDGET = 4


@pytest.fixture
def history(agent, citizen, department):
    def make(rows):
        now = timezone.now()
        for i in range(rows):
            contact = ContactFactory(
                citizen=citizen, agent=agent, offered_at=now - dt.timedelta(minutes=i + 5)
            )
            FollowUp.objects.create(
                contact=contact, citizen=citizen, department=department, due_at=now + dt.timedelta(days=2)
            )
            Callback.objects.create(
                contact=contact, citizen=citizen, number="+97336001234", due_at=now, assigned_to=agent
            )
            ticket_services.ticket_create(
                kind="inquiry",
                channel="phone",
                subject=f"s{i}",
                description="d",
                actor=agent,
                citizen=citizen,
            )

    return make


@pytest.mark.parametrize("rows", [3, 30])
@pytest.mark.parametrize("by", ["cpr", "phone"])
def test_the_console_look_up_with_the_first_timeline_page_takes_seven_statements(
    login, agent, citizen, history, rows, by
):
    history(rows)
    client = login(agent)
    query = citizen.cpr if by == "cpr" else "36001234"

    response = exactly(
        LOOKUP_BUDGET,
        lambda: client.get(CONSOLE, {"q": query}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="caller-card"),
    )

    html = response.content.decode()
    assert response.status_code == 200 and 'data-testid="citizen-card"' in html
    assert html.count('data-testid="timeline-entry"') == (20 if rows == 30 else 4 * rows + 4)


@pytest.mark.parametrize("viewer", ["agent", "officer", "senior"])
def test_the_one_query_gives_the_page_each_source_gives_on_its_own(request, citizen, history, viewer):
    from apps.citizens import timeline

    history(30)
    viewer = request.getfixturevalue(viewer)
    first = timeline.citizen_timeline(citizen=citizen, viewer=viewer, limit=25)
    second = timeline.citizen_timeline(citizen=citizen, viewer=viewer, limit=25, before=first.next_cursor)

    def alone(before):
        entries = []
        for source in timeline._SOURCES.values():
            page = source.page if isinstance(source, timeline.QuerySource) else source
            entries += page(citizen=citizen, viewer=viewer, before=before, limit=26)
        return sorted(entries, key=lambda e: (e.at, e.kind, e.id), reverse=True)[:25]

    for page, before in ((first, None), (second, timeline.Cursor.decode(first.next_cursor))):
        expected = timeline.confidentiality.redact(viewer, alone(before))
        assert [(e.kind, e.id, e.title, e.body, e.details, e.badges) for e in page.entries] == [
            (e.kind, e.id, e.title, e.body, e.details, e.badges) for e in expected
        ]


@pytest.mark.parametrize("rows", [3, 30])
def test_the_contact_list_first_page_takes_a_fixed_number_of_statements(login, supervisor, rows):
    from apps.contacts import services
    from apps.core import saved_views

    housing = committed(
        lambda: ticket_services.tag_save(actor=supervisor, name_ar="إسكان", name_en="Housing")
    )
    committed(
        lambda: saved_views.saved_view_save(actor=supervisor, list_key="contacts", name="Calls", params={})
    )
    for _ in range(rows):
        contact = ContactFactory()
        committed(
            lambda contact=contact: services.contact_tags_change(
                contact=contact, actor=supervisor, add=[housing]
            )
        )
    client = login(supervisor)
    response = exactly(CONTACT_LIST_BUDGET, lambda: client.get("/contacts/"))
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count(f'data-tag="{housing.pk}"') == rows  # every row's chip
    assert f">إسكان ({rows})</option>" in body  # the filter's count
    assert body.count('data-testid="saved-view"') == 1  # the views bar
