import pytest
from rest_framework.test import APIClient

from apps.citizens import services
from apps.citizens.models import Citizen, CitizenAccess, CitizenPhone


@pytest.fixture
def api():
    def _client(user=None):
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return _client


@pytest.fixture
def citizen(agent):
    return services.citizen_create(cpr="880412345", name_ar="أحمد علي", phones=["3600 1234"], actor=agent)


def test_an_agent_adds_a_citizen_with_confirmed_phones(api, agent):
    response = api(agent).post(
        "/api/v1/citizens/", {"cpr": "٧٧٠١٠١٢٣٤", "name_ar": "منى", "phones": ["3344 5566"]}, format="json"
    )
    assert response.status_code == 201
    citizen = Citizen.objects.get(cpr="770101234")
    phone = citizen.phones.get()
    assert str(phone.number) == "+97333445566" and phone.confirmed_by == agent
    assert response.json()["phones"][0]["number"] == "+97333445566"


def test_an_invalid_cpr_is_a_clear_error_and_saves_nothing(api, agent):
    response = api(agent).post("/api/v1/citizens/", {"cpr": "12", "name_ar": "منى"}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "invalid_cpr"
    assert not Citizen.objects.exists()


def test_a_second_citizen_with_the_same_cpr_is_a_conflict(api, agent, citizen):
    response = api(agent).post("/api/v1/citizens/", {"cpr": citizen.cpr, "name_ar": "آخر"}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "cpr_exists"
    assert Citizen.objects.count() == 1


def test_search_by_cpr_or_phone(api, agent, citizen):
    client = api(agent)
    by_cpr = client.get("/api/v1/citizens/", {"q": "880412345"}).json()["results"]
    by_phone = client.get("/api/v1/citizens/", {"q": "+973 3600 1234"}).json()["results"]
    assert [c["id"] for c in by_cpr] == [c["id"] for c in by_phone] == [citizen.pk]


def test_a_department_officer_can_neither_search_nor_add(api, officer, citizen):
    client = api(officer)
    search = client.get("/api/v1/citizens/", {"q": "880412345"})
    add = client.post("/api/v1/citizens/", {"cpr": "770101234", "name_ar": "منى"}, format="json")
    assert search.status_code == add.status_code == 403
    assert citizen.name_ar not in search.content.decode()
    assert not Citizen.objects.filter(cpr="770101234").exists()


def test_reading_a_citizen_through_the_api_is_logged(api, agent, citizen):
    response = api(agent).get(f"/api/v1/citizens/{citizen.pk}/")
    assert response.status_code == 200 and response.json()["cpr"] == "880412345"
    assert CitizenAccess.objects.get().purpose == "api"


def test_a_phone_is_added_and_made_primary(api, agent, citizen):
    response = api(agent).post(
        f"/api/v1/citizens/{citizen.pk}/phones/", {"number": "39998877", "make_primary": True}, format="json"
    )
    assert response.status_code == 201
    assert str(citizen.phones.get(is_primary=True).number) == "+97339998877"


def test_a_phone_is_confirmed_and_set_primary(api, agent, supervisor, citizen):
    other = services.citizen_phone_add(citizen=citizen, number="39998877", actor=agent, confirmed=False)
    response = api(supervisor).patch(
        f"/api/v1/citizens/{citizen.pk}/phones/{other.pk}/",
        {"confirmed": True, "is_primary": True},
        format="json",
    )
    assert response.status_code == 200
    other.refresh_from_db()
    assert other.is_primary and other.confirmed_by == supervisor


def test_a_phone_is_removed(api, agent, citizen):
    other = services.citizen_phone_add(citizen=citizen, number="39998877", actor=agent)
    response = api(agent).delete(f"/api/v1/citizens/{citizen.pk}/phones/{other.pk}/")
    assert response.status_code == 204
    assert not CitizenPhone.objects.filter(pk=other.pk).exists()


def test_the_primary_phone_cannot_be_removed_while_others_remain(api, agent, citizen):
    services.citizen_phone_add(citizen=citizen, number="39998877", actor=agent)
    primary = citizen.phones.get(is_primary=True)
    response = api(agent).delete(f"/api/v1/citizens/{citizen.pk}/phones/{primary.pk}/")
    assert response.status_code == 400 and response.json()["code"] == "primary_phone_required"
    assert CitizenPhone.objects.filter(pk=primary.pk).exists()


def test_an_invalid_phone_is_refused(api, agent, citizen):
    response = api(agent).post(f"/api/v1/citizens/{citizen.pk}/phones/", {"number": "12"}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "invalid_phone"
    assert citizen.phones.count() == 1


def test_a_senior_manager_reads_but_cannot_change_phones(api, senior, citizen):
    client = api(senior)
    assert client.get(f"/api/v1/citizens/{citizen.pk}/").status_code == 200
    response = client.post(f"/api/v1/citizens/{citizen.pk}/phones/", {"number": "39998877"}, format="json")
    assert response.status_code == 403
    assert citizen.phones.count() == 1
