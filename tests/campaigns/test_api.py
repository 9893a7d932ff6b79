"""The campaigns API: create, bulk add with the report, start, next call, disposition,
figures, the statement figure, and bad input as JSON errors."""

import pytest
import time_machine
from rest_framework.test import APIClient

from apps.campaigns.models import Attempt, Campaign, Target

from .conftest import SUNDAY_10


@pytest.fixture
def api_as():
    def _client(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    return _client


def _new(client):
    return client.post(
        "/api/v1/campaigns/",
        {
            "name_ar": "دعوة السحب الإلكتروني",
            "kind": "draw_invitation",
            "starts_on": "2026-07-01",
            "ends_on": "2026-07-31",
            "script_ar": "السلام عليكم {name}",
        },
        format="json",
    )


@time_machine.travel(SUNDAY_10, tick=False)
def test_a_supervisor_sets_up_and_an_agent_works_a_campaign_through_the_api(api_as, supervisor, agent):
    manager = api_as(supervisor)
    created = _new(manager)
    assert created.status_code == 201
    campaign_id = created.json()["id"]
    assert created.json()["purpose"] == "electronic_draw"
    rows = [
        {"cpr": "880412345", "name": "أحمد", "phone": "36001234", "project": "مشروع"},
        {"cpr": "12", "name": "x", "phone": "36001235"},
        {"cpr": "880412345", "name": "أحمد", "phone": "39001234"},
    ]
    report = manager.post(f"/api/v1/campaigns/{campaign_id}/targets/", rows, format="json")
    assert report.status_code == 200
    assert report.json()["summary"] == {"received": 3, "added": 1, "merged": 1, "excluded": 0, "rejected": 1}
    assert report.json()["rejected"][0]["line"] == 2
    assert (
        manager.post(f"/api/v1/campaigns/{campaign_id}/transition/", {"to_status": "running"}).status_code
        == 200
    )
    worker = api_as(agent)
    claimed = worker.post(f"/api/v1/campaigns/{campaign_id}/next/")
    assert claimed.status_code == 200
    target_id = claimed.json()["id"]
    refused = worker.post(
        f"/api/v1/campaigns/targets/{target_id}/disposition/", {"disposition": "done"}, format="json"
    )
    assert refused.status_code == 400
    assert refused.json()["code"] == "invalid" and "answer" in refused.json()["details"]
    recorded = worker.post(
        f"/api/v1/campaigns/targets/{target_id}/disposition/",
        {"disposition": "done", "answer": "will_attend"},
        format="json",
    )
    assert recorded.status_code == 201
    assert worker.post(f"/api/v1/campaigns/{campaign_id}/next/").status_code == 204
    assert Attempt.objects.get().answer == "will_attend"
    figures = manager.get(f"/api/v1/campaigns/{campaign_id}/figures/").json()
    assert (figures["targets"], figures["done"], figures["by_disposition"]["done"]) == (1, 1, 1)
    statement = manager.get("/api/v1/campaigns/outbound-calls/?month=2026-07").json()
    assert statement["code"] == "calls.outbound"
    assert statement["groups"]["electronic_draw"] == 1 and statement["total"] == 1


def test_bad_input_gets_a_clear_json_error_and_saves_nothing(api_as, supervisor, agent):
    manager = api_as(supervisor)
    bad = manager.post("/api/v1/campaigns/", {"name_ar": "", "kind": "x"}, format="json")
    assert bad.status_code == 400 and bad.json()["code"] == "invalid"
    assert not Campaign.objects.exists()
    campaign_id = _new(manager).json()["id"]
    not_ready = manager.post(f"/api/v1/campaigns/{campaign_id}/transition/", {"to_status": "running"})
    assert not_ready.status_code == 400 and not_ready.json()["code"] == "campaign_not_ready"
    assert manager.post(f"/api/v1/campaigns/{campaign_id}/targets/", {"cpr": 1}, format="json").json()[
        "code"
    ] == ("batch_not_array")
    assert manager.get("/api/v1/campaigns/outbound-calls/?month=July").json()["code"] == "invalid_month"
    assert api_as(agent).post("/api/v1/campaigns/", {}, format="json").status_code == 403
    assert api_as(agent).get(f"/api/v1/campaigns/{campaign_id}/figures/").status_code == 403
    assert not Target.objects.exists()


def test_the_schema_documents_the_campaign_endpoints(api_as, admin_user):
    schema = api_as(admin_user).get("/api/v1/schema/?format=json").json()
    paths = schema["paths"]
    for path in (
        "/api/v1/campaigns/",
        "/api/v1/campaigns/{campaign_id}/targets/",
        "/api/v1/campaigns/{campaign_id}/next/",
        "/api/v1/campaigns/targets/{target_id}/disposition/",
        "/api/v1/campaigns/{campaign_id}/figures/",
        "/api/v1/campaigns/outbound-calls/",
    ):
        assert path in paths
