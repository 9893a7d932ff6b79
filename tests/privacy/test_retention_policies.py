"""Retention policies: the legal minimum is refused everywhere a policy is written."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils import translation

from apps.core.errors import ValidationFailed
from apps.privacy.retention import services
from apps.privacy.retention.kinds import DEFAULT_MINIMUMS, Kind, check_minimums, minimums
from apps.privacy.retention.models import RetentionPolicy
from tests.privacy import retention_fixtures

dpo = retention_fixtures.dpo

pytestmark = pytest.mark.django_db


def policy(kind=Kind.CLOSED_TICKETS) -> RetentionPolicy:
    return RetentionPolicy.objects.get(kind=kind)


def test_every_kind_has_a_policy_created_inactive():
    assert set(RetentionPolicy.objects.values_list("kind", flat=True)) == set(Kind.values)
    assert not RetentionPolicy.objects.filter(is_active=True).exists()
    for row in RetentionPolicy.objects.all():
        assert row.months >= DEFAULT_MINIMUMS[row.kind]


def test_the_model_refuses_a_period_below_the_minimum_in_both_languages():
    row = policy()
    row.months = 12
    for language, text in (("en", "legal minimum"), ("ar", "الحد الأدنى")):
        with translation.override(language), pytest.raises(ValidationError) as caught:
            row.full_clean()
        assert text in str(caught.value.message_dict["months"])
        assert "60" in str(caught.value.message_dict["months"])


def test_the_model_refuses_an_action_the_kind_does_not_allow():
    row = policy()
    row.action = "delete"
    with pytest.raises(ValidationError) as caught:
        row.full_clean()
    assert "action" in caught.value.message_dict


def test_the_service_refuses_a_period_below_the_minimum_and_saves_nothing(admin_user):
    row = policy()
    with pytest.raises(ValidationFailed) as caught:
        services.policy_update(policy=row, months=1, action="anonymise", is_active=True, actor=admin_user)
    assert "months" in caught.value.details
    row.refresh_from_db()
    assert row.months == 84 and not row.is_active


def test_the_service_saves_a_period_at_the_minimum(admin_user):
    saved = services.policy_update(
        policy=policy(), months=60, action="anonymise", is_active=True, actor=admin_user
    )
    assert (saved.months, saved.is_active, saved.updated_by) == (60, True, admin_user)


def test_the_setting_overrides_a_minimum(settings):
    settings.HOUSING_RETENTION_MINIMUMS = ["closed_tickets=72", "outbox=18"]
    limits = minimums()
    assert limits["closed_tickets"] == 72 and limits["outbox"] == 18
    assert limits["contacts"] == DEFAULT_MINIMUMS["contacts"]
    settings.HOUSING_RETENTION_MINIMUMS = {"call_notes": 30}
    assert minimums()["call_notes"] == 30
    row = policy(Kind.CALL_NOTES)
    row.months = 24
    with pytest.raises(ValidationError):
        row.full_clean()


@pytest.mark.parametrize(
    "value", [["nonsense=1"], ["contacts=abc"], ["contacts"], ["outbox=-3"], ["outbox=١٢"]]
)
def test_a_malformed_minimum_setting_stops_start_up(settings, value):
    settings.HOUSING_RETENTION_MINIMUMS = value
    with pytest.raises(ImproperlyConfigured):
        minimums()
    assert [e.id for e in check_minimums()] == ["privacy_retention.E001"]


def test_the_admin_refuses_a_period_below_the_minimum(login, admin_user):
    client = login(admin_user)
    row = policy()
    url = f"/admin/privacy_retention/retentionpolicy/{row.pk}/change/"
    with translation.override("en"):
        response = client.post(
            url, {"months": "6", "action": "anonymise", "is_active": "on"}, HTTP_ACCEPT_LANGUAGE="en"
        )
    assert response.status_code == 200
    assert "الحد الأدنى القانوني" in response.content.decode()
    row.refresh_from_db()
    assert row.months == 84 and not row.is_active


def test_the_admin_saves_a_valid_policy_through_the_service(login, admin_user):
    client = login(admin_user)
    row = policy()
    response = client.post(
        f"/admin/privacy_retention/retentionpolicy/{row.pk}/change/",
        {"months": "96", "action": "anonymise", "is_active": "on"},
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.months, row.is_active, row.updated_by) == (96, True, admin_user)


def test_the_data_protection_officer_changes_a_policy_on_the_desk(login, dpo):
    client = login(dpo)
    row = policy(Kind.OUTBOX)
    response = client.post(f"/privacy/retention/policies/{row.pk}/", {"months": "12", "is_active": "on"})
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.months == 12 and row.is_active and row.updated_by == dpo


def test_the_desk_refuses_a_period_below_the_minimum(login, dpo):
    client = login(dpo)
    row = policy(Kind.OUTBOX)
    response = client.post(
        f"/privacy/retention/policies/{row.pk}/", {"months": "3", "is_active": "on"}, follow=True
    )
    assert response.status_code == 200
    assert "alert-danger" in response.content.decode()
    row.refresh_from_db()
    assert row.months == 24 and not row.is_active


def test_a_policy_change_needs_the_permission(login, agent):
    row = policy(Kind.OUTBOX)
    response = login(agent).post(f"/privacy/retention/policies/{row.pk}/", {"months": "48"})
    assert response.status_code == 403
    row.refresh_from_db()
    assert row.months == 24
