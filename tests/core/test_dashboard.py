"""Role dashboards: each role's home shows its work as live counts, each a link to its list,
in a number of queries that does not grow with the data."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.tickets import services as ticket_services
from tests.tickets.factories import TicketFactory

PERSONAS = ["agent", "supervisor", "officer", "senior", "secretary", "admin_user"]


def _home(client, user):
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("core:home"))
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def _figure(body: str, key: str) -> tuple[str, str]:
    match = re.search(
        rf'href="([^"]*)" data-figure="{key}">\s*<span class="hc-figure-value">([^<]*)</span>', body
    )
    assert match, f"no figure {key}"
    return match.group(1).replace("&amp;", "&"), match.group(2)


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_home_page_costs_the_same_queries_with_more_data(request, client, persona, department, agent):
    user = request.getfixturevalue(persona)
    _home(client, user)  # warm the permission cache
    _body, before = _home(client, user)
    for _ in range(5):
        ticket = TicketFactory(department=department)
        ticket_services.ticket_assign(ticket=ticket, assignee=agent, actor=agent)
    _body, after = _home(client, user)
    assert after == before


def test_the_agent_sees_their_own_open_tickets_as_a_link_to_my_work(client, agent, department):
    for _ in range(3):
        ticket = TicketFactory(department=department)
        ticket_services.ticket_assign(ticket=ticket, assignee=agent, actor=agent)
    body, _count = _home(client, agent)
    url, value = _figure(body, "mine")
    assert value == "3"
    assert url == reverse("tickets:my_work")
    assert client.get(url).status_code == 200


def test_the_supervisor_sees_waiting_tickets_linked_to_the_filtered_list(client, supervisor, department):
    TicketFactory(department=department)
    TicketFactory(department=department)
    body, _count = _home(client, supervisor)
    url, value = _figure(body, "waiting")
    assert value == "2"
    listing = client.get(url)
    assert listing.status_code == 200
    assert listing.content.decode().count('data-testid="ticket-row"') == 2


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_figure_on_every_home_page_opens_its_list(request, client, persona):
    user = request.getfixturevalue(persona)
    body, _count = _home(client, user)
    urls = re.findall(r'href="([^"]*)" data-figure=', body)
    assert urls or persona == "secretary", f"{persona} has no figures"
    for url in urls:
        response = client.get(url.replace("&amp;", "&").split("#")[0])
        assert response.status_code == 200, url


def test_only_senior_management_and_administrators_see_under_your_command_counts(
    client, agent, supervisor, officer, secretary, senior, admin_user
):
    for user in (agent, supervisor, officer, secretary):
        body, _count = _home(client, user)
        assert 'data-panel="escalations:cases"' not in body
    for user in (senior, admin_user):
        body, _count = _home(client, user)
        assert 'data-panel="escalations:cases"' in body
