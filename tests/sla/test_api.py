"""The read-only API: the calendar's working days over a range, and the policies."""

from datetime import date

import pytest
from rest_framework.authtoken.models import Token

from apps.sla import seed as sla_seed
from apps.sla import services
from tests.sla.factories import ClosureFactory, ShortenedHoursFactory

URL = "/api/v1/sla/calendar/working-days/"


@pytest.fixture
def api(client, agent):
    client.force_login(agent)
    return client


def test_it_lists_each_date_with_its_status_and_hours(api):
    services.holiday_import_year(year=2026)
    ClosureFactory(start_date=date(2026, 3, 24), end_date=date(2026, 3, 24), name_en="Building works")
    ShortenedHoursFactory(start_date=date(2026, 3, 25), end_date=date(2026, 3, 26), name_en="Short days")
    response = api.get(URL, {"from": "2026-03-19", "to": "2026-03-26"})
    assert response.status_code == 200
    body = response.json()
    days = {d["date"]: d for d in body["days"]}
    assert (body["from"], body["to"], body["time_zone"], body["working_days"]) == (
        "2026-03-19",
        "2026-03-26",
        "Asia/Bahrain",
        4,
    )
    assert [d["status"] for d in body["days"]] == [
        "working",  # Thursday 19
        "holiday",  # Eid al-Fitr, Friday 20 – Sunday 22
        "holiday",
        "holiday",
        "working",  # Monday 23
        "closure",  # Tuesday 24
        "working",
        "working",
    ]
    assert (days["2026-03-19"]["opens"], days["2026-03-19"]["closes"]) == ("07:00", "14:00")
    assert days["2026-03-20"]["name_en"] == "Eid al-Fitr" and days["2026-03-20"]["name_ar"] == "عيد الفطر"
    assert (days["2026-03-25"]["opens"], days["2026-03-25"]["closes"], days["2026-03-25"]["shortened"]) == (
        "08:00",
        "13:00",
        True,
    )
    assert days["2026-03-24"]["opens"] is None and days["2026-03-24"]["working"] is False


def test_it_marks_an_estimated_holiday(api):
    services.holiday_import_year(year=2027)
    body = api.get(URL, {"from": "2027-03-09", "to": "2027-03-09"}).json()
    assert (body["days"][0]["status"], body["days"][0]["estimated"]) == ("holiday", True)


def test_a_system_reads_it_with_a_token(client, agent):
    token = Token.objects.create(user=agent)
    response = client.get(
        URL, {"from": "2026-04-05", "to": "2026-04-11"}, HTTP_AUTHORIZATION=f"Token {token.key}"
    )
    assert response.status_code == 200
    assert response.json()["working_days"] == 5


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"to": "2026-04-11"}, "sla_date_missing"),
        ({"from": "2026-04-05"}, "sla_date_missing"),
        ({"from": "05/04/2026", "to": "2026-04-11"}, "sla_date_malformed"),
        ({"from": "2026-02-30", "to": "2026-04-11"}, "sla_date_malformed"),
        ({"from": "2026-04-11", "to": "2026-04-05"}, "sla_date_range_reversed"),
        ({"from": "2026-01-01", "to": "2027-01-02"}, "sla_date_range_too_long"),
        ({"from": "1990-01-01", "to": "1990-01-02"}, "sla_date_out_of_range"),
    ],
)
def test_bad_input_gets_a_400_with_a_code_and_a_message(api, params, code):
    response = api.get(URL, params)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == code
    assert body["message"]
    assert "days" not in body


def test_the_error_message_is_in_the_callers_language(api, agent):
    arabic = api.get(URL, {"from": "2026-04-11", "to": "2026-04-05"}).json()["message"]
    agent.language = "en"
    agent.save(update_fields=["language"])
    english = api.get(URL, {"from": "2026-04-11", "to": "2026-04-05"}).json()["message"]
    assert arabic == "يجب ألا يكون تاريخ النهاية قبل تاريخ البداية."
    assert english == "The end date must not be before the start date."


def test_a_full_leap_year_is_allowed(api):
    response = api.get(URL, {"from": "2028-01-01", "to": "2028-12-31"})
    assert response.status_code == 200
    assert len(response.json()["days"]) == 366


def test_an_anonymous_caller_is_refused_and_sees_no_calendar(client, db):
    response = client.get(URL, {"from": "2026-04-05", "to": "2026-04-11"})
    assert response.status_code in (401, 403)
    assert "days" not in response.json()


def test_it_lists_the_policies_with_their_versions(api, admin_user):
    sla_seed.seed_policies()
    tawasul = next(
        p for p in api.get("/api/v1/sla/policies/").json() if p["channel"] == "tawasul" and not p["kind"]
    )
    policy_id = tawasul["id"]
    from apps.sla.models import Policy

    services.policy_version_create(
        policy=Policy.objects.get(pk=policy_id),
        targets={"resolution": (12, "working_days")},
        actor=admin_user,
    )
    response = api.get("/api/v1/sla/policies/")
    assert response.status_code == 200
    tawasul = next(p for p in response.json() if p["id"] == policy_id)
    assert [(v["number"], v["resolution_value"]) for v in tawasul["versions"]] == [(2, 12), (1, 14)]


def test_the_policies_are_read_only(api, db):
    response = api.post("/api/v1/sla/policies/", {"name_en": "x"}, content_type="application/json")
    assert response.status_code == 405
    from apps.sla.models import Policy

    assert not Policy.objects.exists()


def test_the_endpoints_are_in_the_openapi_schema(api):
    response = api.get("/api/v1/schema/")
    assert response.status_code == 200
    schema = response.content.decode()
    assert "/api/v1/sla/calendar/working-days/" in schema
    assert "/api/v1/sla/policies/" in schema
