"""Filters and form fields with "digit-like" text are plain refusals, never server errors."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("value", ["²", "١٢٣٤٥٦٧٨٩٠١٢٣٤٥٦٧٨٩٠١", "99999999999999999999999"])
def test_the_ticket_list_assignee_filter_refuses_what_is_not_an_id(login, supervisor, value):
    response = login(supervisor).get("/tickets/", {"assignee": value})
    assert response.status_code in (200, 400)


@pytest.mark.parametrize("value", ["²", "99999999999999999999999"])
def test_the_api_assignee_filter_is_a_400(api, supervisor, value):
    response = api(supervisor).get("/api/v1/tickets/", {"assignee": value})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_a_far_future_date_filter_is_a_400_not_an_overflow(api, supervisor):
    response = api(supervisor).get("/api/v1/tickets/", {"received_to": "9999-12-31"})
    assert response.status_code == 400


@pytest.mark.parametrize("value", ["²", "٢", "99999999999999999999"])
def test_merging_into_a_digit_like_original_is_a_clear_refusal(api, supervisor, make_ticket, value):
    duplicate = make_ticket()
    response = api(supervisor).post(
        f"/api/v1/tickets/{duplicate.pk}/merge/", {"original": value, "reason": "نفس الطلب"}, format="json"
    )
    assert response.status_code in (400, 404)
    assert set(response.json()) == {"code", "message", "details"}
