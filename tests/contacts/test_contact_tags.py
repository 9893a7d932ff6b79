"""Tags on contacts: ``contact_tags_change`` mirrors the ticket's, and the supervisor's contact
list shows the chips, filters by a tag and counts each."""

import pytest

from apps.contacts import selectors, services
from apps.core import versioned_cache
from apps.core.errors import PermissionDenied, ValidationFailed
from apps.tickets import services as ticket_services

from .factories import ContactFactory


@pytest.fixture
def housing(supervisor):
    return ticket_services.tag_save(actor=supervisor, name_ar="إسكان", name_en="Housing", colour="teal")


@pytest.fixture
def urgent(supervisor):
    return ticket_services.tag_save(actor=supervisor, name_ar="عاجل", name_en="Urgent")


def test_tagging_a_contact_says_what_was_added_and_removed(agent, housing, urgent):
    contact = ContactFactory()
    services.contact_tags_change(contact=contact, actor=agent, add=[housing, urgent])
    change = services.contact_tags_change(contact=contact, actor=agent, remove=[urgent])
    assert set(contact.tags.all()) == {housing}
    assert change == {
        "added": [],
        "removed": [{"id": urgent.pk, "ar": "عاجل", "en": "Urgent", "colour": "grey"}],
    }
    assert services.contact_tags_change(contact=contact, actor=agent, add=[housing]) is None


def test_a_retired_tag_cannot_be_added_to_a_contact(supervisor, agent, housing):
    contact = ContactFactory()
    ticket_services.tag_save(
        actor=supervisor, tag=housing, name_ar="إسكان", name_en="Housing", is_active=False
    )
    with pytest.raises(ValidationFailed):
        services.contact_tags_change(contact=contact, actor=agent, add=[housing])
    assert not contact.tags.exists()


def test_an_outsider_cannot_tag_a_contact(outsider, housing):
    contact = ContactFactory()
    with pytest.raises(PermissionDenied):
        services.contact_tags_change(contact=contact, actor=outsider, add=[housing])
    assert not contact.tags.exists()


def test_the_contact_list_shows_chips_filters_by_tag_and_counts_it(login, supervisor, agent, housing):
    tagged, plain = ContactFactory(), ContactFactory()
    services.contact_tags_change(contact=tagged, actor=agent, add=[housing])
    client = login(supervisor)
    body = client.get("/contacts/").content.decode()
    assert 'data-testid="tag-chip"' in body and f'data-contact="{plain.pk}"' in body
    assert f'<option value="{housing.pk}">إسكان (1)</option>' in body
    filtered = client.get(f"/contacts/?tag={housing.pk}").content.decode()
    assert f'data-contact="{tagged.pk}"' in filtered and f'data-contact="{plain.pk}"' not in filtered
    assert selectors.tag_counts() == {housing.pk: 1}


def test_the_contact_list_pages_oldest_first_by_keyset(login, supervisor):
    import datetime as dt

    from django.utils import timezone

    now = timezone.now()
    contacts = [ContactFactory(offered_at=now - dt.timedelta(hours=10 - n)) for n in range(5)]
    filters = selectors.ContactFilters(sort="oldest")
    first, cursor = selectors.contact_page(filters=filters, viewer=supervisor, limit=2)
    second, cursor = selectors.contact_page(filters=filters, viewer=supervisor, after=cursor, limit=2)
    third, cursor = selectors.contact_page(filters=filters, viewer=supervisor, after=cursor, limit=2)
    assert [c.pk for c in first + second + third] == [c.pk for c in contacts] and cursor is None
    newest, newest_cursor = selectors.contact_page(
        filters=selectors.ContactFilters(), viewer=supervisor, limit=2
    )
    with pytest.raises(ValidationFailed):
        selectors.contact_page(filters=filters, viewer=supervisor, after=newest_cursor, limit=2)


def test_the_contact_lists_counts_follow_a_change_of_tags_and_survive_redis_being_down(
    login, supervisor, agent, housing, monkeypatch
):
    first, second = ContactFactory(), ContactFactory()
    services.contact_tags_change(contact=first, actor=agent, add=[housing])
    client = login(supervisor)
    assert f'<option value="{housing.pk}">إسكان (1)</option>' in client.get("/contacts/").content.decode()
    services.contact_tags_change(contact=second, actor=agent, add=[housing])
    assert f'<option value="{housing.pk}">إسكان (2)</option>' in client.get("/contacts/").content.decode()

    class Down:
        def __getattr__(self, name):
            raise ConnectionError("redis is down")

    monkeypatch.setattr(versioned_cache, "_backend", lambda: Down())
    services.contact_tags_change(contact=first, actor=agent, remove=[housing])
    response = client.get("/contacts/")
    assert response.status_code == 200
    assert f'<option value="{housing.pk}">إسكان (1)</option>' in response.content.decode()
