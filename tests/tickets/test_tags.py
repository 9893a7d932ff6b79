"""Managed tags: names unique in each language, and the timeline records what changed."""

import pytest

from apps.core.errors import PermissionDenied, ValidationFailed
from apps.tickets import selectors, services
from apps.tickets.models import Tag, TicketEvent


@pytest.fixture
def housing(supervisor):
    return services.tag_save(actor=supervisor, name_ar="إسكان", name_en="Housing", colour="blue")


def test_a_supervisor_creates_a_tag(housing):
    assert Tag.objects.get(pk=housing.pk).colour == "blue"


def test_a_tag_name_that_clashes_in_either_language_is_refused_whatever_the_case(supervisor, housing):
    with pytest.raises(ValidationFailed) as refused:
        services.tag_save(actor=supervisor, name_ar="أخرى", name_en="HOUSING")
    assert refused.value.code == "tag_name_taken"
    with pytest.raises(ValidationFailed):
        services.tag_save(actor=supervisor, name_ar="إسكان", name_en="Other")
    assert Tag.objects.count() == 1


def test_renaming_a_tag_to_its_own_name_is_not_a_clash(supervisor, housing):
    services.tag_save(actor=supervisor, tag=housing, name_ar="إسكان", name_en="housing", colour="red")
    housing.refresh_from_db()
    assert (housing.name_en, housing.colour) == ("housing", "red")


def test_an_agent_may_not_create_tags(agent):
    with pytest.raises(PermissionDenied):
        services.tag_save(actor=agent, name_ar="إسكان", name_en="Housing")
    assert not Tag.objects.exists()


def test_an_unknown_colour_is_refused(supervisor):
    with pytest.raises(ValidationFailed):
        services.tag_save(actor=supervisor, name_ar="إسكان", name_en="Housing", colour="#fff")


def test_tagging_a_ticket_records_what_was_added_and_removed(agent, supervisor, ticket, housing):
    urgent = services.tag_save(actor=supervisor, name_ar="عاجل", name_en="Urgent")
    services.ticket_tags_change(ticket=ticket, actor=agent, add=[housing, urgent])
    event = services.ticket_tags_change(ticket=ticket, actor=agent, remove=[urgent])
    assert set(ticket.tags.all()) == {housing}
    assert event.kind == TicketEvent.Kind.TAGS
    assert event.details == {
        "added": [],
        "removed": [{"id": urgent.pk, "ar": "عاجل", "en": "Urgent", "colour": "grey"}],
    }


def test_a_change_that_changes_nothing_writes_no_event(agent, ticket, housing):
    services.ticket_tags_change(ticket=ticket, actor=agent, add=[housing])
    assert services.ticket_tags_change(ticket=ticket, actor=agent, add=[housing]) is None
    assert ticket.events.filter(kind=TicketEvent.Kind.TAGS).count() == 1


def test_a_retired_tag_cannot_be_added(supervisor, agent, ticket, housing):
    services.tag_save(actor=supervisor, tag=housing, name_ar="إسكان", name_en="Housing", is_active=False)
    with pytest.raises(ValidationFailed):
        services.ticket_tags_change(ticket=ticket, actor=agent, add=[housing])
    assert not ticket.tags.exists()
    assert housing not in selectors.tags()


def test_someone_who_may_not_work_the_ticket_cannot_tag_it(outsider, ticket, housing):
    with pytest.raises(PermissionDenied):
        services.ticket_tags_change(ticket=ticket, actor=outsider, add=[housing])
    assert not ticket.tags.exists()
