"""UYC filters and figures: digit-like text and huge years are refusals, never server errors."""

import pytest


def test_the_queue_owner_filter_with_a_superscript_is_not_a_server_error(login, senior):
    assert login(senior).get("/uyc/", {"owner": "²"}).status_code == 200


def test_the_api_owner_filter_with_a_superscript_is_a_400(api, senior):
    response = api(senior).get("/api/v1/uyc/cases/", {"owner": "²"})
    assert response.status_code == 400


def test_the_access_log_ignores_a_case_or_user_that_is_not_an_id(login, api, admin_user):
    assert login(admin_user).get("/uyc/access-log/", {"case": "²", "user": "²"}).status_code == 200
    response = api(admin_user).get("/api/v1/uyc/access-log/", {"case": "²", "user": "99999999999999999999"})
    assert response.status_code == 200


def test_bulk_assign_ignores_ids_that_are_not_ids(login, senior):
    response = login(senior).post("/uyc/bulk-assign/", {"escalations": ["²"], "owner": "me"})
    assert response.status_code == 302


@pytest.mark.parametrize("params", [{"year": "99999999999"}, {"month": "99999999999"}, {"year": "²"}])
def test_the_figures_page_falls_back_to_this_month_on_an_impossible_one(login, senior, params):
    assert login(senior).get("/uyc/figures/", params).status_code == 200


@pytest.mark.parametrize("params", [{"year": "99999999999"}, {"month": "13"}, {"year": "١٠"}])
def test_the_figures_api_refuses_an_impossible_month(api, senior, params):
    response = api(senior).get("/api/v1/uyc/figures/", params)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_month"
