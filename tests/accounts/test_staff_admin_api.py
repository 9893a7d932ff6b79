"""The staff administration API: the same services as the pages, for administrators only."""

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from apps.accounts import services
from apps.accounts.models import User
from apps.accounts.roles import Role

pytestmark = pytest.mark.django_db


def _api(user) -> Client:
    token, _created = Token.objects.get_or_create(user=user)
    return Client(HTTP_AUTHORIZATION=f"Token {token.key}")


def test_an_administrator_lists_and_reads_staff_with_their_facts(admin_user, agent, department):
    api = _api(admin_user)
    rows = api.get("/api/v1/staff/", {"role": "agent"}).json()
    assert [row["username"] for row in rows] == ["agent"]
    one = api.get(f"/api/v1/staff/{agent.pk}/").json()
    assert one["roles"] == ["agent"] and one["is_active"] is True and one["api_tokens"] == 0


def test_disabling_through_the_api_cuts_the_member_s_token(admin_user, agent):
    member_api = _api(agent)
    assert member_api.get("/api/v1/departments/").status_code == 200
    response = _api(admin_user).post(f"/api/v1/staff/{agent.pk}/disable/")
    assert response.status_code == 200 and response.json()["is_active"] is False
    assert member_api.get("/api/v1/departments/").status_code == 401
    enabled = _api(admin_user).post(f"/api/v1/staff/{agent.pk}/enable/")
    assert enabled.json()["is_active"] is True
    assert User.objects.get(pk=agent.pk).is_active


def test_the_api_refuses_others_and_leaks_nothing(agent, supervisor):
    for url in ("/api/v1/staff/", f"/api/v1/staff/{supervisor.pk}/"):
        response = _api(agent).get(url)
        assert response.status_code == 403 and "supervisor" not in response.content.decode()
    assert _api(agent).post(f"/api/v1/staff/{supervisor.pk}/disable/").status_code == 403
    supervisor.refresh_from_db()
    assert supervisor.is_active


def test_an_administrator_cannot_disable_themselves_through_the_api(admin_user):
    other = services.staff_create(
        actor=admin_user, username="other.admin", email="o@housing.gov.bh", roles=[Role.ADMINISTRATOR]
    )
    User.objects.filter(pk=admin_user.pk).update(is_superuser=False)
    assert _api(other).post(f"/api/v1/staff/{admin_user.pk}/disable/").status_code == 200
    response = _api(other).post(f"/api/v1/staff/{other.pk}/disable/")
    assert response.status_code == 403 and response.json()["code"] == "disable_self"


def test_an_unknown_member_is_not_found(admin_user):
    assert _api(admin_user).get("/api/v1/staff/999999/").status_code == 404
    assert _api(admin_user).post("/api/v1/staff/999999/disable/").status_code == 404
