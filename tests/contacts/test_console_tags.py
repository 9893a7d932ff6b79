"""Tags on contacts from the console: the agent ticks them when logging the contact."""

import pytest
from django.urls import reverse

from apps.contacts.models import Contact
from apps.tickets import services as ticket_services
from tests.contacts.factories import purpose

CONSOLE = "/console/"


@pytest.fixture
def console(login, agent):
    return login(agent)


@pytest.fixture
def tags(supervisor):
    return {
        "urgent": ticket_services.tag_save(actor=supervisor, name_ar="عاجل", name_en="Urgent", colour="red"),
        "housing": ticket_services.tag_save(actor=supervisor, name_ar="إسكان", name_en="Housing"),
    }


def _log(client, **data):
    payload = {"channel": "inbound_call", "purpose": purpose().pk, "outcome": "resolved_first_contact"}
    payload.update(data)
    return client.post(reverse("contacts:console_log"), payload, HTTP_HX_REQUEST="true")


def test_the_log_form_offers_the_active_tags(console, tags, supervisor):
    ticket_services.tag_save(actor=supervisor, name_ar="وسم متقاعد", name_en="Retired tag", is_active=False)
    html = console.get(CONSOLE).content.decode()
    assert 'data-testid="log-tags"' in html
    assert "عاجل" in html and "إسكان" in html and "وسم متقاعد" not in html


def test_the_tags_ticked_are_put_on_the_logged_contact(console, citizen, tags):
    response = _log(console, citizen=citizen.pk, tags=[tags["urgent"].pk, tags["housing"].pk])
    assert response.status_code == 200
    contact = Contact.objects.get()
    assert set(contact.tags.all()) == {tags["urgent"], tags["housing"]}


def test_a_retired_tag_is_refused_and_nothing_is_logged(console, citizen, tags, supervisor):
    retired = ticket_services.tag_save(
        actor=supervisor, tag=tags["urgent"], name_ar="عاجل", name_en="Urgent", is_active=False
    )
    response = _log(console, citizen=citizen.pk, tags=[retired.pk])
    assert response.status_code == 200  # the form comes back with the error
    assert not Contact.objects.exists()


def test_no_tags_is_fine(console, citizen, tags):
    _log(console, citizen=citizen.pk)
    assert not Contact.objects.get().tags.exists()


def test_the_contacts_list_filters_by_the_tag_put_at_the_console(login, supervisor, console, citizen, tags):
    _log(console, citizen=citizen.pk, tags=[tags["urgent"].pk])
    _log(console, citizen=citizen.pk)
    page = login(supervisor).get("/contacts/", {"tag": tags["urgent"].pk}).content.decode()
    assert page.count("<tr data-contact=") == 1
