"""The admin pages for the calendar and the policies go through the services."""

from datetime import date

import pytest

from apps.sla import seed as sla_seed
from apps.sla import services
from apps.sla.models import Closure, Holiday, Policy
from tests.sla.factories import ClosureFactory


@pytest.fixture
def admin_client(client, admin_user):
    admin_user.language = "en"  # the assertions below read the English page
    admin_user.save(update_fields=["language"])
    client.force_login(admin_user)
    return client


def test_an_administrator_moves_an_estimated_holiday_from_its_page(admin_client, admin_user):
    services.holiday_import_year(year=2027)
    mawlid = Holiday.objects.get(name_en="Prophet's Birthday")
    response = admin_client.post(
        f"/admin/sla/holiday/{mawlid.pk}/change/",
        {"date": "2027-08-15", "name_ar": mawlid.name_ar, "name_en": mawlid.name_en},
    )
    assert response.status_code == 302
    mawlid.refresh_from_db()
    assert (mawlid.date, mawlid.estimated, mawlid.confirmed_by) == (date(2027, 8, 15), False, admin_user)


def test_an_administrator_shifts_eid_by_a_day_with_the_list_action(admin_client):
    services.holiday_import_year(year=2027)
    eid = Holiday.objects.filter(name_en="Eid al-Fitr")
    response = admin_client.post(
        "/admin/sla/holiday/",
        {"action": "move_one_day_later", "_selected_action": [h.pk for h in eid]},
    )
    assert response.status_code == 302
    assert sorted(Holiday.objects.filter(name_en="Eid al-Fitr").values_list("date", flat=True)) == [
        date(2027, 3, 10),
        date(2027, 3, 11),
        date(2027, 3, 12),
    ]


def test_an_overlapping_closure_in_the_admin_shows_the_error_and_saves_nothing(admin_client):
    ClosureFactory(start_date=date(2026, 11, 1), end_date=date(2026, 11, 5), name_en="Works")
    response = admin_client.post(
        "/admin/sla/closure/add/",
        {"start_date": "2026-11-04", "end_date": "2026-11-06", "name_ar": "إغلاق", "name_en": "Another"},
    )
    assert response.status_code == 200
    assert "overlap" in response.content.decode()
    assert Closure.objects.count() == 1


def test_editing_a_policy_in_the_admin_writes_a_new_version_and_keeps_the_old(admin_client):
    sla_seed.seed_policies()
    policy = Policy.objects.get(kind="inquiry", channel=None, priority=None)
    response = admin_client.post(
        f"/admin/sla/policy/{policy.pk}/change/",
        {
            "name_ar": policy.name_ar,
            "name_en": policy.name_en,
            "resolution_value": "4",
            "resolution_unit": "working_days",
            "acknowledgement_value": "",
            "acknowledgement_unit": "",
            "first_response_value": "",
            "first_response_unit": "",
            "note": "Faster answers",
            "versions-TOTAL_FORMS": "1",
            "versions-INITIAL_FORMS": "1",
            "versions-MIN_NUM_FORMS": "0",
            "versions-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(policy.versions.order_by("number").values_list("number", "resolution_value", "note")) == [
        (1, 5, "Default from DESIGN.md"),
        (2, 4, "Faster answers"),
    ]


def test_a_zero_resolution_target_in_the_admin_is_refused_with_a_field_error(admin_client):
    response = admin_client.post(
        "/admin/sla/policy/add/",
        {
            "name_ar": "س",
            "name_en": "P",
            "kind": "inquiry",
            "resolution_value": "0",
            "resolution_unit": "working_days",
            "versions-TOTAL_FORMS": "0",
            "versions-INITIAL_FORMS": "0",
            "versions-MIN_NUM_FORMS": "0",
            "versions-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 200
    assert "at once" in response.content.decode()
    assert not Policy.objects.exists()


def test_an_agent_cannot_open_the_calendar_admin(client, agent):
    client.force_login(agent)
    response = client.get("/admin/sla/holiday/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_a_move_refused_for_met_clocks_comes_back_as_a_message_and_nothing_moves(admin_client):
    from apps.sla import signals

    services.holiday_import_year(year=2027)
    mawlid = Holiday.objects.get(name_en="Prophet's Birthday")

    def every_change_moves_a_met_clock(sender, **kwargs):
        return ["HC-2027-000123"]

    signals.calendar_change_requested.connect(every_change_moves_a_met_clock)
    try:
        response = admin_client.post(
            f"/admin/sla/holiday/{mawlid.pk}/change/",
            {"date": "2027-08-15", "name_ar": mawlid.name_ar, "name_en": mawlid.name_en},
            follow=True,
        )
    finally:
        signals.calendar_change_requested.disconnect(every_change_moves_a_met_clock)
    assert response.status_code == 200
    assert "already been met or breached" in response.content.decode()
    mawlid.refresh_from_db()
    assert (mawlid.date, mawlid.estimated) == (date(2027, 8, 14), True)
