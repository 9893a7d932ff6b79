"""The staff list's added filters (tag, priority, urgency, who filed it, rating) and its
orders, each paged by keyset: the pages, joined, are the rows of one long page."""

from datetime import timedelta

import pytest
from django.http import QueryDict
from django.utils import timezone

from apps.core.errors import ValidationFailed
from apps.tickets import selectors, services
from apps.tickets.forms import TicketFilterForm
from apps.tickets.models import Ticket
from apps.tickets.selectors import TicketFilters

from .factories import TicketFactory


@pytest.fixture
def spread(agent):
    """Seven tickets, received and updated at different instants, two received together."""
    base = timezone.now() - timedelta(days=10)
    tickets = [TicketFactory(actor=agent) for _ in range(7)]
    for n, ticket in enumerate(tickets):
        received = base + timedelta(hours=n if n != 4 else 3)  # 3 and 4 tie on received_at
        updated = base + timedelta(days=1, minutes=(n * 37) % 7)
        Ticket.objects.filter(pk=ticket.pk).update(received_at=received, updated_at=updated)
    return list(Ticket.objects.filter(pk__in=[t.pk for t in tickets]))


def _all_pages(viewer, filters, page_size):
    ids, cursor, pages = [], None, 0
    while True:
        page = selectors.ticket_list(viewer=viewer, filters=filters, cursor=cursor, page_size=page_size)
        ids += [t.pk for t in page.items]
        pages += 1
        cursor = page.next_cursor
        if not cursor:
            return ids, pages


@pytest.mark.parametrize(
    "sort, key",
    [
        ("", lambda t: (-t.received_at.timestamp(), -t.pk)),
        ("oldest", lambda t: (t.received_at.timestamp(), t.pk)),
        ("updated", lambda t: (-t.updated_at.timestamp(), -t.pk)),
    ],
)
def test_each_order_pages_by_keyset_to_the_same_rows_as_one_page(supervisor, spread, sort, key):
    expected = [t.pk for t in sorted(spread, key=key)]
    one_page, _pages = _all_pages(supervisor, TicketFilters(sort=sort), page_size=50)
    paged, pages = _all_pages(supervisor, TicketFilters(sort=sort), page_size=2)
    assert one_page == expected
    assert paged == expected and pages == 4


def test_a_page_link_made_for_one_order_is_refused_in_another(supervisor, spread):
    page = selectors.ticket_list(viewer=supervisor, filters=TicketFilters(sort="oldest"), page_size=2)
    with pytest.raises(ValidationFailed):
        selectors.ticket_list(
            viewer=supervisor, filters=TicketFilters(sort="updated"), cursor=page.next_cursor
        )
    with pytest.raises(ValidationFailed):
        selectors.ticket_list(viewer=supervisor, filters=TicketFilters(), cursor=page.next_cursor)


def test_the_list_page_pages_in_the_chosen_order(login, supervisor, spread):
    client = login(supervisor)
    first = client.get("/tickets/?sort=oldest&page_size=5")
    body = first.content.decode()
    oldest = sorted(spread, key=lambda t: (t.received_at, t.pk))
    assert first.status_code == 200
    assert body.index(oldest[0].review_number) < body.index(oldest[1].review_number)
    assert oldest[6].review_number not in body and 'data-testid="more"' in body


def _filtered(viewer, query: str) -> set[int]:
    form = TicketFilterForm(QueryDict(query), viewer=viewer)
    assert form.is_valid(), form.errors
    return {
        t.pk for t in selectors.ticket_list(viewer=viewer, filters=form.to_filters(), page_size=100).items
    }


def test_filter_by_tag(supervisor, agent, spread):
    tag = services.tag_save(actor=supervisor, name_ar="إسكان", name_en="Housing")
    services.ticket_tags_change(ticket=spread[0], actor=agent, add=[tag])
    assert _filtered(supervisor, f"tag={tag.pk}") == {spread[0].pk}


def test_filter_by_priority_and_urgency(supervisor, spread):
    Ticket.objects.filter(pk=spread[1].pk).update(priority="urgent")
    Ticket.objects.filter(pk=spread[2].pk).update(urgency="emergency")
    assert _filtered(supervisor, "priority=urgent") == {spread[1].pk}
    assert _filtered(supervisor, "urgency=emergency") == {spread[2].pk}


def test_filter_by_who_filed_it(supervisor, agent, spread):
    anonymous = TicketFactory(actor=agent, citizen=None, anonymous=True, kind="suggestion")
    assert _filtered(supervisor, "citizen_kind=anonymous") == {anonymous.pk}
    assert _filtered(supervisor, "citizen_kind=citizen") == {t.pk for t in spread}


def test_filter_by_rating(supervisor, spread):
    Ticket.objects.filter(pk=spread[3].pk).update(rating=2)
    Ticket.objects.filter(pk=spread[4].pk).update(rating=5)
    assert _filtered(supervisor, "rated=yes") == {spread[3].pk, spread[4].pk}
    assert _filtered(supervisor, "rating=2") == {spread[3].pk}
    assert len(_filtered(supervisor, "rated=no")) == 5


def test_filter_by_date_range(supervisor, spread):
    days = sorted(timezone.localtime(t.received_at).date() for t in spread)
    first, last = days[0], days[-1]
    assert _filtered(supervisor, f"received_from={first}&received_to={last}") == {t.pk for t in spread}
    assert _filtered(supervisor, f"received_from={last + timedelta(days=1)}") == set()
    assert _filtered(supervisor, f"received_to={first - timedelta(days=1)}") == set()


@pytest.mark.parametrize(
    "query", ["rating=9", "priority=sky", "tag=999999", "citizen_kind=robot", "sort=random"]
)
def test_an_unknown_value_is_refused_on_the_page_not_a_500(login, supervisor, query):
    response = login(supervisor).get(f"/tickets/?{query}")
    assert response.status_code == 200 and 'data-testid="filter-errors"' in response.content.decode()
