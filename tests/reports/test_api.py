import pytest

from tests.reports.conftest import EXPECTED

URL = "/api/v1/reports/monthly/"


def test_the_api_gives_every_figure_keyed_by_code_with_both_definitions(client, supervisor, fixture_month):
    client.force_login(supervisor)
    response = client.get(URL, {"month": "2026-07"})
    assert response.status_code == 200
    body = response.json()
    assert body["month"] == "2026-07" and body["previous_month"] == "2026-06"
    for code, (value, previous, change, ytd) in EXPECTED.items():
        row = body["figures"][code]
        assert (row["value"], row["previous"], row["change"], row["ytd"]) == (value, previous, change, ytd), (
            code
        )
        assert row["definition_ar"] and row["definition_en"]
    assert body["status"] == "none" and body["revised_codes"] == []


@pytest.mark.parametrize(
    ("month", "code"),
    [
        ("2026-13", "invalid_month"),
        ("July", "invalid_month"),
        ("2099-01", "future_month"),
        ("2025-11", "month_before_data"),  # the first record is from December 2025
    ],
)
def test_a_bad_month_is_a_clear_json_error(client, supervisor, fixture_month, month, code):
    client.force_login(supervisor)
    response = client.get(URL, {"month": month})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == code and body["message"] and "month" in body["details"]


def test_an_agent_may_not_read_the_statement(client, agent, fixture_month):
    client.force_login(agent)
    response = client.get(URL, {"month": "2026-07"})
    assert response.status_code == 403
    assert "figures" not in response.json()


def test_the_endpoint_is_in_the_openapi_schema(client, admin_user):
    client.force_login(admin_user)
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    operation = schema["paths"]["/api/v1/reports/monthly/"]["get"]
    assert "400" in operation["responses"] and operation["parameters"][0]["name"] == "month"
