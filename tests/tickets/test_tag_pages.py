"""The tag pages (keep the list; supervisors and administrators only), chips on the list and
the ticket, tagging a ticket from its page, and the timeline saying what changed."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.tickets import services
from apps.tickets.models import Tag, TicketEvent

from .factories import TicketFactory


@pytest.fixture
def housing(supervisor):
    return services.tag_save(actor=supervisor, name_ar="إسكان", name_en="Housing", colour="blue")


@pytest.fixture
def urgent(supervisor):
    return services.tag_save(actor=supervisor, name_ar="عاجل", name_en="Urgent", colour="red")


def test_a_supervisor_creates_a_tag_from_the_page(login, supervisor):
    response = login(supervisor).post(
        "/tickets/tags/",
        {"new-name_ar": "صيانة", "new-name_en": "Maintenance", "new-colour": "green", "new-is_active": "on"},
    )
    assert response.status_code == 302
    tag = Tag.objects.get()
    assert (tag.name_ar, tag.name_en, tag.colour, tag.is_active) == ("صيانة", "Maintenance", "green", True)


def test_a_clashing_name_is_refused_on_the_page_and_nothing_is_saved(login, supervisor, housing):
    response = login(supervisor).post(
        "/tickets/tags/", {"new-name_ar": "آخر", "new-name_en": "HOUSING", "new-colour": "grey"}
    )
    assert response.status_code == 400
    assert "HOUSING" in response.content.decode() and 'data-testid="field-error"' in response.content.decode()
    assert Tag.objects.count() == 1


def test_an_agent_neither_sees_nor_creates_tags(login, agent, housing):
    client = login(agent)
    page = client.get("/tickets/tags/")
    assert page.status_code == 403 and "Housing" not in page.content.decode()
    refused = client.post("/tickets/tags/", {"new-name_ar": "ب", "new-name_en": "B", "new-colour": "grey"})
    assert refused.status_code == 403 and Tag.objects.count() == 1
    assert (
        client.post(
            f"/tickets/tags/{housing.pk}/", {"name_ar": "x", "name_en": "x", "colour": "red"}
        ).status_code
        == 403
    )
    housing.refresh_from_db()
    assert housing.name_en == "Housing"


def test_a_supervisor_renames_recolours_and_retires_a_tag(login, supervisor, housing):
    client = login(supervisor)
    assert client.get(f"/tickets/tags/{housing.pk}/").status_code == 200
    response = client.post(
        f"/tickets/tags/{housing.pk}/", {"name_ar": "الإسكان", "name_en": "Housing", "colour": "purple"}
    )
    assert response.status_code == 302
    housing.refresh_from_db()
    assert (housing.name_ar, housing.colour, housing.is_active) == ("الإسكان", "purple", False)


def test_the_tag_page_counts_tickets_per_tag_in_a_fixed_number_of_queries(
    login, supervisor, agent, housing, urgent
):
    client = login(supervisor)
    tickets = [TicketFactory(actor=agent) for _ in range(3)]
    services.ticket_tags_change(ticket=tickets[0], actor=agent, add=[housing, urgent])
    services.ticket_tags_change(ticket=tickets[1], actor=agent, add=[housing])
    client.get("/tickets/tags/")
    with CaptureQueriesContext(connection) as few:
        response = client.get("/tickets/tags/")
    body = response.content.decode()
    assert f'href="/tickets/?tag={housing.pk}" data-testid="tag-count">2<' in body
    assert f'href="/tickets/?tag={urgent.pk}" data-testid="tag-count">1<' in body
    for n in range(5):
        services.tag_save(actor=supervisor, name_ar=f"وسم {n}", name_en=f"Tag {n}")
    with CaptureQueriesContext(connection) as more:
        client.get("/tickets/tags/")
    assert len(more) == len(few)


def test_the_tag_filter_shows_each_tags_count(login, supervisor, agent, housing):
    ticket = TicketFactory(actor=agent)
    services.ticket_tags_change(ticket=ticket, actor=agent, add=[housing])
    body = login(supervisor).get("/tickets/").content.decode()
    assert f'<option value="{housing.pk}">إسكان (1)</option>' in body


def test_chips_show_on_the_list_rows_and_the_ticket_page(login, supervisor, agent, housing, ticket):
    services.ticket_tags_change(ticket=ticket, actor=agent, add=[housing])
    client = login(supervisor)
    row = client.get("/tickets/").content.decode()
    chip = (
        f'<span class="badge hc-tag hc-tag-blue" data-testid="tag-chip" data-tag="{housing.pk}">إسكان</span>'
    )
    assert chip in row
    assert chip in client.get(f"/tickets/{ticket.pk}/").content.decode()


def test_an_agent_tags_a_ticket_from_its_page_and_the_timeline_says_what_changed(
    login, agent, housing, urgent, ticket
):
    client = login(agent)
    response = client.post(f"/tickets/{ticket.pk}/tags/", {"tags": [housing.pk, urgent.pk]})
    assert response.status_code == 302 and set(ticket.tags.all()) == {housing, urgent}
    response = client.post(f"/tickets/{ticket.pk}/tags/", {"tags": [housing.pk]}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and set(ticket.tags.all()) == {housing}
    events = list(ticket.events.filter(kind=TicketEvent.Kind.TAGS).order_by("at", "id"))
    assert len(events) == 2
    body = client.get(f"/tickets/{ticket.pk}/").content.decode()
    assert "أُزيل عاجل." in body


def test_the_timeline_is_in_the_readers_language(agent, housing, urgent, ticket):
    from django.template.loader import render_to_string
    from django.utils import translation

    event = services.ticket_tags_change(ticket=ticket, actor=agent, add=[housing, urgent])
    services.ticket_tags_change(ticket=ticket, actor=agent, remove=[urgent])
    removal = ticket.events.filter(kind=TicketEvent.Kind.TAGS).order_by("-at", "-id").first()
    with translation.override("en"):
        assert "Added Housing, Urgent." in render_to_string("tickets/_tags_event.html", {"event": event})
        assert "Removed Urgent." in render_to_string("tickets/_tags_event.html", {"event": removal})
    with translation.override("ar"):
        assert "أُضيف إسكان، عاجل." in render_to_string("tickets/_tags_event.html", {"event": event})


def test_an_unknown_tag_is_refused_and_nothing_changes(login, agent, housing, ticket):
    response = login(agent).post(f"/tickets/{ticket.pk}/tags/", {"tags": [housing.pk, 999999]}, follow=True)
    assert response.status_code == 200
    assert not ticket.tags.exists() and not ticket.events.filter(kind=TicketEvent.Kind.TAGS).exists()


def test_a_retired_tag_stays_on_the_ticket_until_unticked(login, supervisor, agent, housing, ticket):
    services.ticket_tags_change(ticket=ticket, actor=agent, add=[housing])
    services.tag_save(actor=supervisor, tag=housing, name_ar="إسكان", name_en="Housing", is_active=False)
    client = login(agent)
    assert "(موقوف)" in client.get(f"/tickets/{ticket.pk}/").content.decode()
    client.post(f"/tickets/{ticket.pk}/tags/", {})
    assert not ticket.tags.exists()


def test_someone_who_may_not_see_the_ticket_cannot_tag_it(login, outsider, housing, ticket):
    response = login(outsider).post(f"/tickets/{ticket.pk}/tags/", {"tags": [housing.pk]})
    assert response.status_code in (403, 404)
    assert not ticket.tags.exists()
