import pytest

from apps.citizens import services
from apps.citizens.models import CitizenAccess, CitizenPhone

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def citizen(agent):
    return services.citizen_create(cpr="880412345", name_ar="أحمد علي", phones=["3600 1234"], actor=agent)


def test_the_citizen_page_shows_the_whole_file_and_logs_the_read(login, agent, citizen):
    response = login(agent).get(f"/citizens/{citizen.pk}/")
    body = response.content.decode()
    assert response.status_code == 200 and "880412345" in body and "+97336001234" in body
    assert CitizenAccess.objects.filter(citizen=citizen, user=agent, purpose="citizen page").exists()


def test_a_department_officer_cannot_open_a_citizen_page(login, officer, citizen):
    response = login(officer).get(f"/citizens/{citizen.pk}/")
    assert response.status_code == 403 and "880412345" not in response.content.decode()
    assert not CitizenAccess.objects.exists()


def test_a_phone_is_added_from_the_page(login, agent, citizen):
    response = login(agent).post(f"/citizens/{citizen.pk}/phones/", {"number": "3999 8877"}, **HX)
    assert "+97339998877" in response.content.decode()
    phone = citizen.phones.get(number="+97339998877")
    assert phone.confirmed_by == agent and not phone.is_primary


def test_an_invalid_phone_is_explained(login, agent, citizen):
    response = login(agent).post(f"/citizens/{citizen.pk}/phones/", {"number": "12"}, **HX)
    assert "alert" in response.content.decode()
    assert citizen.phones.count() == 1


def test_a_phone_is_made_primary_confirmed_and_removed(login, agent, citizen):
    other = services.citizen_phone_add(citizen=citizen, number="39998877", actor=agent, confirmed=False)
    client = login(agent)
    client.post(f"/citizens/{citizen.pk}/phones/{other.pk}/", {"action": "confirm"}, **HX)
    client.post(f"/citizens/{citizen.pk}/phones/{other.pk}/", {"action": "primary"}, **HX)
    other.refresh_from_db()
    assert other.confirmed_by == agent and other.is_primary
    old = citizen.phones.exclude(pk=other.pk).get()
    client.post(f"/citizens/{citizen.pk}/phones/{old.pk}/", {"action": "remove"}, **HX)
    assert not CitizenPhone.objects.filter(pk=old.pk).exists()


def test_a_senior_manager_cannot_change_phones(login, senior, citizen):
    login(senior).post(f"/citizens/{citizen.pk}/phones/", {"number": "39998877"}, **HX)
    assert citizen.phones.count() == 1
