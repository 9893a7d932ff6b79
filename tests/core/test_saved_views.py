"""Saved views: saving a list's filters, opening them again (what no longer fits is dropped
and said), sharing with a department, who may change them, and their counts in the menu."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from apps.accounts import services as account_services
from apps.accounts.roles import Role
from apps.core import saved_views, versioned_cache
from apps.core.errors import PermissionDenied, ValidationFailed
from apps.core.models import SavedView
from apps.tickets import services as ticket_services
from tests.conftest import _make
from tests.tickets.factories import TicketFactory


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def maintenance(db):
    return account_services.department_upsert(
        code="maintenance", name_ar="إدارة الصيانة", name_en="Maintenance"
    )


@pytest.fixture
def housing_supervisor(department):
    return _make("housing_supervisor", [Role.SUPERVISOR], department=department)


@pytest.fixture
def tickets(agent):
    complaints = [TicketFactory(actor=agent, kind="complaint") for _ in range(3)]
    inquiries = [TicketFactory(actor=agent, kind="inquiry") for _ in range(2)]
    return complaints, inquiries


def _save(actor, name="شكاوى", params=None, **extra):
    return saved_views.saved_view_save(
        actor=actor, list_key="tickets", name=name, params=params or {"kind": ["complaint"]}, **extra
    )


def _rows(response) -> int:
    return response.content.decode().count('data-testid="ticket-row"')


# --- saving and opening ------------------------------------------------------------------


def test_a_supervisor_saves_the_current_filters_as_a_personal_view(login, supervisor):
    client = login(supervisor)
    response = client.post(
        "/views/save/",
        {"list_key": "tickets", "name": "My complaints", "query": "kind=complaint&sort=oldest&cursor=x"},
    )
    view = SavedView.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/tickets/?view={view.pk}"
    assert (view.owner, view.params, view.sort, view.department) == (
        supervisor,
        {"kind": ["complaint"]},
        "oldest",
        None,
    )


def test_htmx_sends_the_filter_form_as_it_is_now(login, agent):
    client = login(agent)
    response = client.post(
        "/views/save/",
        {
            "list_key": "tickets",
            "name": "Inquiries",
            "query": "kind=complaint",
            "kind": "inquiry",
            "channel": "",
        },
        HTTP_HX_REQUEST="true",
    )
    view = SavedView.objects.get()
    assert response.status_code == 204 and response["HX-Redirect"] == f"/tickets/?view={view.pk}"
    assert view.params == {"kind": ["inquiry"]}


def test_opening_a_view_applies_its_filters(login, agent, tickets):
    view = _save(agent)
    response = login(agent).get(f"/tickets/?view={view.pk}")
    assert response.status_code == 200 and _rows(response) == 3
    assert 'aria-current="page" data-testid="saved-view"' in response.content.decode()


def test_opening_a_view_keeps_its_filters_across_pages(login, agent, tickets):
    view = _save(agent)
    client = login(agent)
    first = client.get(f"/tickets/?view={view.pk}&page_size=5")
    assert _rows(first) == 3


def test_a_duplicate_name_on_the_same_list_is_refused_in_both_languages(agent):
    _save(agent, name="Complaints")
    for language, words in (("en", "You already have a view named"), ("ar", "لديك")):
        with translation.override(language), pytest.raises(ValidationFailed) as refused:
            _save(agent, name="  COMPLAINTS ")
        assert refused.value.code == "saved_view_name_taken"
        assert words in str(refused.value.message) and "COMPLAINTS" in str(refused.value.message)
    assert SavedView.objects.count() == 1


def test_a_duplicate_name_on_the_page_saves_nothing_and_says_why(login, agent):
    _save(agent, name="Complaints")
    client = login(agent)
    response = client.post(
        "/views/save/", {"list_key": "tickets", "name": "complaints", "query": "kind=inquiry"}, follow=True
    )
    assert response.status_code == 200
    assert "لديك عرض باسم" in response.content.decode()
    assert SavedView.objects.count() == 1 and SavedView.objects.get().params == {"kind": ["complaint"]}


def test_the_same_name_on_another_list_or_for_another_owner_is_fine(agent, supervisor):
    _save(agent, name="Today")
    _save(supervisor, name="Today")
    saved_views.saved_view_save(actor=supervisor, list_key="contacts", name="Today", params={})
    assert SavedView.objects.count() == 3


def test_an_unnamed_view_is_refused(agent):
    with pytest.raises(ValidationFailed):
        _save(agent, name="   ")
    assert not SavedView.objects.exists()


def test_a_list_one_may_not_open_cannot_take_a_view(agent):
    with pytest.raises(PermissionDenied):
        saved_views.saved_view_save(actor=agent, list_key="contacts", name="Mine", params={})
    assert not SavedView.objects.exists()


# --- what no longer fits ---------------------------------------------------------------------


def test_a_view_naming_a_filter_that_no_longer_exists_opens_without_it_and_says_so(login, agent, tickets):
    view = _save(agent)
    SavedView.objects.filter(pk=view.pk).update(params={"kind": ["complaint"], "colour_of_sky": ["blue"]})
    response = login(agent).get(f"/tickets/?view={view.pk}")
    body = response.content.decode()
    assert response.status_code == 200 and _rows(response) == 3
    assert 'data-testid="dropped-filters"' in body and "colour_of_sky" in body


def test_a_view_on_a_department_since_closed_drops_that_filter_in_the_readers_language(
    login, supervisor, tickets, maintenance
):
    view = _save(supervisor, params={"kind": ["complaint"], "department": [str(maintenance.pk)]})
    type(maintenance).objects.filter(pk=maintenance.pk).update(is_active=False)
    client = login(supervisor)
    arabic = client.get(f"/tickets/?view={view.pk}")
    assert arabic.status_code == 200 and _rows(arabic) == 3
    assert "أُسقط" in arabic.content.decode() or "أسقط" in arabic.content.decode()
    with translation.override("en"):
        checked = saved_views.check(saved_views.spec_for("tickets"), supervisor, view.params)
    assert "Department" in checked.dropped[0] and "dropped" in checked.dropped[0]


def test_a_view_on_a_retired_tag_drops_the_tag(login, supervisor, tickets):
    tag = ticket_services.tag_save(actor=supervisor, name_ar="إسكان", name_en="Housing")
    view = _save(supervisor, params={"tag": [str(tag.pk)]})
    ticket_services.tag_save(actor=supervisor, tag=tag, name_ar="إسكان", name_en="Housing", is_active=False)
    response = login(supervisor).get(f"/tickets/?view={view.pk}")
    assert response.status_code == 200 and _rows(response) == 5
    assert 'data-testid="dropped-filters"' in response.content.decode()


def test_a_view_that_is_not_yours_is_not_opened(login, agent, supervisor, tickets):
    view = _save(supervisor, name="Secret plans")
    response = login(agent).get(f"/tickets/?view={view.pk}")
    assert response.status_code == 200 and "Secret plans" not in response.content.decode()
    assert 'data-testid="dropped-filters"' in response.content.decode()


# --- sharing ---------------------------------------------------------------------------------


def test_a_supervisor_shares_a_view_with_their_department_and_its_members_see_it(
    login, housing_supervisor, department, officer, agent
):
    client = login(housing_supervisor)
    response = client.post(
        "/views/save/",
        {
            "list_key": "tickets",
            "name": "Our queue",
            "query": "status=open",
            "share_department": department.pk,
        },
    )
    view = SavedView.objects.get()
    assert response.status_code == 302 and view.department == department
    assert [v.name for v in saved_views.views_for(officer, "tickets")] == ["Our queue"]
    assert saved_views.views_for(agent, "tickets") == []


def test_a_supervisor_may_not_share_with_another_department(housing_supervisor, maintenance):
    with pytest.raises(PermissionDenied):
        _save(housing_supervisor, department_id=maintenance.pk)
    assert not SavedView.objects.exists()


def test_an_agent_may_not_share(login, agent, department):
    response = login(agent).post(
        "/views/save/",
        {"list_key": "tickets", "name": "Ours", "query": "", "share_department": department.pk},
        follow=True,
    )
    assert response.status_code == 200
    assert not SavedView.objects.exists()


def test_only_a_supervisor_of_the_department_changes_a_shared_view(housing_supervisor, department, officer):
    view = _save(housing_supervisor, name="Our queue", department_id=department.pk)
    with pytest.raises(PermissionDenied):
        saved_views.saved_view_delete(actor=officer, view=view)
    with pytest.raises(PermissionDenied):
        saved_views.saved_view_rename(actor=officer, view=view, name="Mine now")
    view.refresh_from_db()
    assert view.name == "Our queue"
    deputy = _make("deputy", [Role.SUPERVISOR], department=department)
    saved_views.saved_view_rename(actor=deputy, view=view, name="The queue")
    assert SavedView.objects.get().name == "The queue"


def test_the_owner_renames_and_deletes_a_personal_view_through_the_page(login, agent):
    view = _save(agent, name="Old")
    client = login(agent)
    assert client.post(f"/views/{view.pk}/rename/", {"name": "New"}).status_code == 302
    assert SavedView.objects.get().name == "New"
    response = client.post(f"/views/{view.pk}/delete/")
    assert response.status_code == 302 and response["Location"] == "/tickets/"
    assert not SavedView.objects.exists()


def test_someone_else_cannot_delete_a_personal_view(login, agent, supervisor):
    view = _save(agent, name="Mine")
    response = login(supervisor).post(f"/views/{view.pk}/delete/")
    assert response.status_code == 404 and "Mine" not in response.content.decode()
    assert SavedView.objects.filter(pk=view.pk).exists()


# --- the menu ----------------------------------------------------------------------------------


def test_each_view_shows_in_the_menu_with_its_count(login, agent, tickets):
    view = _save(agent, name="شكاوى")
    body = login(agent).get("/").content.decode()
    assert f'href="/tickets/?view={view.pk}"' in body
    assert 'data-testid="view-count">3<' in body


def test_the_count_stops_at_the_cap(agent, tickets, monkeypatch):
    monkeypatch.setattr(saved_views, "COUNT_CAP", 3)
    _save(agent, params={})
    assert saved_views.nav_items(agent)[0]["count"] == "2+"


def test_the_menu_reads_no_table_once_cached_however_many_views(agent, tickets):
    for n in range(4):
        _save(agent, name=f"View {n}", params={"kind": ["complaint" if n % 2 else "inquiry"]})
    first = saved_views.nav_items(agent)
    with CaptureQueriesContext(connection) as queries:
        again = saved_views.nav_items(agent)
    assert len(queries) == 0 and again == first
    assert sorted(item["count"] for item in first) == ["2", "2", "3", "3"]


def test_a_change_to_a_view_refreshes_the_menu(agent, tickets):
    view = _save(agent, name="Before")
    assert saved_views.nav_items(agent)[0]["label"] == "Before"
    saved_views.menus_cache.bump()  # what the rename's on_commit does
    saved_views.saved_view_rename(actor=agent, view=view, name="After")
    saved_views.menus_cache.bump()
    assert saved_views.nav_items(agent)[0]["label"] == "After"


def test_the_menu_still_shows_when_redis_is_down(login, agent, tickets, monkeypatch):
    _save(agent, name="شكاوى")

    class Down:
        def __getattr__(self, name):
            raise ConnectionError("redis is down")

    monkeypatch.setattr(versioned_cache, "_backend", lambda: Down())
    assert saved_views.nav_items(agent)[0]["count"] == "3"
    response = login(agent).get("/tickets/")
    assert response.status_code == 200 and 'data-testid="view-count">3<' in response.content.decode()


# --- contacts -----------------------------------------------------------------------------------


def test_a_view_on_the_contact_list_keeps_its_filters(login, supervisor):
    client = login(supervisor)
    response = client.post(
        "/views/save/", {"list_key": "contacts", "name": "Calls", "query": "channel=inbound_call&sort=oldest"}
    )
    view = SavedView.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/contacts/?view={view.pk}"
    page = client.get(response["Location"])
    assert page.status_code == 200 and 'data-testid="views-bar"' in page.content.decode()


def test_sharing_is_not_mistaken_for_the_lists_department_filter(
    login, housing_supervisor, department, maintenance
):
    login(housing_supervisor).post(
        "/views/save/",
        {
            "list_key": "tickets",
            "name": "Maintenance tickets",
            "department": maintenance.pk,
            "share_department": department.pk,
        },
        HTTP_HX_REQUEST="true",
    )
    view = SavedView.objects.get()
    assert view.params == {"department": [str(maintenance.pk)]} and view.department == department


# --- the API --------------------------------------------------------------------------------------


@pytest.fixture
def api():
    from rest_framework.test import APIClient

    def _client(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    return _client


def test_the_api_saves_lists_and_deletes_a_view(api, agent):
    client = api(agent)
    created = client.post(
        "/api/v1/saved-views/",
        {"list": "tickets", "name": "Mine", "params": {"kind": ["complaint"]}, "sort": "oldest"},
        format="json",
    )
    assert created.status_code == 201
    view = SavedView.objects.get()
    assert created.json()["url"] == f"/tickets/?view={view.pk}" and view.params == {"kind": ["complaint"]}
    listed = client.get("/api/v1/saved-views/?list=tickets")
    assert listed.status_code == 200 and [v["name"] for v in listed.json()] == ["Mine"]
    assert client.delete(f"/api/v1/saved-views/{view.pk}/").status_code == 204
    assert not SavedView.objects.exists()


def test_the_api_refuses_a_duplicate_name_with_its_code(api, agent):
    _save(agent, name="Mine")
    refused = api(agent).post("/api/v1/saved-views/", {"list": "tickets", "name": "MINE"}, format="json")
    assert refused.status_code == 400 and refused.json()["code"] == "saved_view_name_taken"
    assert SavedView.objects.count() == 1


def test_the_api_does_not_delete_someone_elses_view(api, agent, supervisor):
    view = _save(supervisor, name="Theirs")
    response = api(agent).delete(f"/api/v1/saved-views/{view.pk}/")
    assert response.status_code == 404 and "Theirs" not in response.content.decode()
    assert SavedView.objects.filter(pk=view.pk).exists()
