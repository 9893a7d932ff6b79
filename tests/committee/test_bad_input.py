"""Committee agenda, attendance and figures: digit-like ids and huge months never fail the server."""

import pytest
from rest_framework.test import APIClient

from apps.committee.models import AgendaItem


def test_an_agenda_referral_that_is_not_an_id_is_ignored(login, secretary, meeting):
    response = login(secretary).post(f"/committee/meetings/{meeting.pk}/agenda/", {"referral": ["²"]})
    assert response.status_code in (302, 400)  # "nothing chosen", as with an empty form
    assert not AgendaItem.objects.filter(meeting=meeting).exists()


def test_attendance_ignores_present_values_that_are_not_ids(login, secretary, meeting):
    response = login(secretary).post(
        f"/committee/meetings/{meeting.pk}/attendance/", {"present": ["²", str(secretary.pk)]}
    )
    assert response.status_code == 302


@pytest.mark.parametrize("month", ["99999999999-1", "2026-²", "2026-13"])
def test_the_figures_page_falls_back_to_this_month(login, secretary, committee, month):
    assert login(secretary).get("/committee/figures/", {"month": month}).status_code == 200


@pytest.mark.parametrize("month", ["99999999999-1", "2026-²", "2026-13"])
def test_the_figures_api_refuses_an_impossible_month(secretary, committee, month):
    api_client = APIClient()
    api_client.force_authenticate(secretary)
    response = api_client.get("/api/v1/committee/figures/", {"month": month})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_month"
