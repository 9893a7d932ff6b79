"""The staff list reads its tags, their counts, the views bar and the departments one may
share with from caches (issue 20's budget): what it shows must still follow every change."""

import pytest

from apps.accounts.models import Department
from apps.core import saved_views, versioned_cache
from apps.tickets import services
from apps.tickets.models import Ticket

from .factories import TicketFactory


@pytest.fixture
def housing(supervisor):
    return services.tag_save(actor=supervisor, name_ar="إسكان", name_en="Housing", colour="blue")


def _chip(tag, colour="blue"):
    return f'<span class="badge hc-tag hc-tag-{colour}" data-testid="tag-chip" data-tag="{tag.pk}">{tag.name_ar}</span>'


def test_a_retired_tag_still_shows_on_the_rows_but_is_no_longer_offered(login, supervisor, agent, housing):
    ticket = TicketFactory(actor=agent)
    services.ticket_tags_change(ticket=ticket, actor=agent, add=[housing])
    client = login(supervisor)
    assert f'<option value="{housing.pk}">إسكان (1)</option>' in client.get("/tickets/").content.decode()
    services.tag_save(
        actor=supervisor, tag=housing, name_ar="إسكان", name_en="Housing", colour="blue", is_active=False
    )
    body = client.get("/tickets/").content.decode()
    assert _chip(housing) in body
    assert f'<option value="{housing.pk}">إسكان' not in body


def test_the_rows_chips_keep_their_order_whatever_the_language(login, supervisor, agent, housing):
    aleph = services.tag_save(actor=supervisor, name_ar="أ", name_en="Zebra", colour="red")
    ticket = TicketFactory(actor=agent)
    services.ticket_tags_change(ticket=ticket, actor=agent, add=[aleph, housing])
    body = login(supervisor).get("/tickets/").content.decode()
    assert body.index(f'data-tag="{housing.pk}"') < body.index(f'data-tag="{aleph.pk}"')  # Housing, Zebra


def test_the_filters_counts_follow_a_change_of_a_tickets_tags(login, supervisor, agent, housing):
    client = login(supervisor)
    first, second = TicketFactory(actor=agent), TicketFactory(actor=agent)
    services.ticket_tags_change(ticket=first, actor=agent, add=[housing])
    assert f'<option value="{housing.pk}">إسكان (1)</option>' in client.get("/tickets/").content.decode()
    services.ticket_tags_change(ticket=second, actor=agent, add=[housing])
    assert f'<option value="{housing.pk}">إسكان (2)</option>' in client.get("/tickets/").content.decode()
    services.ticket_tags_change(ticket=first, actor=agent, remove=[housing])
    assert f'<option value="{housing.pk}">إسكان (1)</option>' in client.get("/tickets/").content.decode()


def test_a_department_officer_counts_only_their_departments_tickets(
    login, supervisor, agent, officer, department, housing
):
    ours = TicketFactory(actor=agent)
    Ticket.objects.filter(pk=ours.pk).update(department=department)
    services.ticket_tags_change(ticket=ours, actor=agent, add=[housing])
    services.ticket_tags_change(ticket=TicketFactory(actor=agent), actor=agent, add=[housing])
    assert (
        f'<option value="{housing.pk}">إسكان (2)</option>'
        in login(supervisor).get("/tickets/").content.decode()
    )
    assert (
        f'<option value="{housing.pk}">إسكان (1)</option>' in login(officer).get("/tickets/").content.decode()
    )


def test_the_list_and_its_counts_still_show_when_redis_is_down(
    login, supervisor, agent, housing, monkeypatch
):
    services.ticket_tags_change(ticket=TicketFactory(actor=agent), actor=agent, add=[housing])
    client = login(supervisor)

    class Down:
        def __getattr__(self, name):
            raise ConnectionError("redis is down")

    monkeypatch.setattr(versioned_cache, "_backend", lambda: Down())
    response = client.get("/tickets/")
    body = response.content.decode()
    assert response.status_code == 200
    assert f'<option value="{housing.pk}">إسكان (1)</option>' in body and _chip(housing) in body
    services.ticket_tags_change(
        ticket=TicketFactory(actor=agent), actor=agent, add=[housing]
    )  # no bump: fine
    assert f'<option value="{housing.pk}">إسكان (2)</option>' in client.get("/tickets/").content.decode()


def test_the_views_bar_follows_a_shared_view_being_saved_renamed_and_deleted(
    login, supervisor, officer, department
):
    client = login(officer)
    assert 'data-testid="saved-view"' not in client.get("/tickets/").content.decode()
    view = saved_views.saved_view_save(
        actor=supervisor, list_key="tickets", name="Our queue", params={}, department_id=department.pk
    )
    assert "Our queue" in client.get("/tickets/").content.decode()
    saved_views.saved_view_rename(actor=supervisor, view=view, name="The queue")
    body = client.get("/tickets/").content.decode()
    assert "The queue" in body and "Our queue" not in body
    saved_views.saved_view_delete(actor=supervisor, view=view)
    assert 'data-testid="saved-view"' not in client.get("/tickets/").content.decode()


def test_a_new_department_is_offered_for_sharing_at_once_and_a_closed_one_no_longer(login, supervisor):
    client = login(supervisor)
    client.get("/tickets/")
    new = Department.objects.create(code="maint", name_ar="الصيانة", name_en="Maintenance")
    share = f'<option value="{new.pk}">مشترك مع الصيانة</option>'
    assert share in client.get("/tickets/").content.decode()
    new.is_active = False
    new.save()
    assert share not in client.get("/tickets/").content.decode()
