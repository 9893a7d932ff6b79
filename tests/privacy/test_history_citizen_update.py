"""citizen_update: a reason is required, a change that changes nothing is refused, both bilingual."""

import pytest
from django.utils import translation
from rest_framework.test import APIClient

from apps.citizens import services
from apps.citizens.models import Citizen
from apps.core.errors import ValidationFailed
from apps.privacy.history.models import Change

pytestmark = pytest.mark.django_db


def _changes(citizen):
    return Change.objects.filter(model="citizens.citizen", object_id=str(citizen.pk), action="update")


@pytest.mark.parametrize(
    ("language", "message"),
    [("en", "Give the reason for this change."), ("ar", "اذكر سبب هذا التغيير.")],
)
def test_a_blank_reason_is_refused_in_both_languages(agent, citizen, language, message):
    with translation.override(language), pytest.raises(ValidationFailed) as refused:
        services.citizen_update(citizen=citizen, actor=agent, reason="  ", name_en="Ahmed")
    assert refused.value.code == "reason_required" and str(refused.value.message) == message
    assert Citizen.objects.get(pk=citizen.pk).name_en == "" and not _changes(citizen).exists()


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "Nothing to change: the new values are the ones on file."),
        ("ar", "لا شيء لتغييره: القيم الجديدة هي نفسها المسجلة."),
    ],
)
def test_a_change_that_changes_nothing_is_refused_in_both_languages(agent, citizen, language, message):
    with translation.override(language), pytest.raises(ValidationFailed) as refused:
        services.citizen_update(citizen=citizen, actor=agent, reason="check", name_ar=" أحمد علي ")
    assert refused.value.code == "nothing_to_change" and str(refused.value.message) == message
    assert not _changes(citizen).exists()


def test_only_the_fields_that_differ_are_saved_and_recorded(agent, citizen):
    services.citizen_update(
        citizen=citizen, actor=agent, reason="new address", name_ar="أحمد علي", block="205", road="12"
    )
    (change,) = _changes(citizen)
    assert change.diff == {"block": ["", "205"], "road": ["", "12"]}
    assert change.actor == agent and change.reason == "new address"


def test_an_invalid_email_is_refused_and_nothing_is_saved(agent, citizen):
    with pytest.raises(ValidationFailed) as refused:
        services.citizen_update(citizen=citizen, actor=agent, reason="typo", email="not-an-address")
    assert "email" in refused.value.details
    assert Citizen.objects.get(pk=citizen.pk).email == "" and not _changes(citizen).exists()


def test_the_edit_page_shows_the_form_with_a_reason_field(client, agent, citizen):
    client.force_login(agent)
    response = client.get(f"/citizens/{citizen.pk}/edit/")
    assert response.status_code == 200
    assert b'name="reason"' in response.content and "أحمد علي".encode() in response.content


def test_the_edit_page_without_a_reason_is_a_form_error_and_saves_nothing(client, agent, citizen):
    client.force_login(agent)
    response = client.post(
        f"/citizens/{citizen.pk}/edit/", {"name_ar": "اسم آخر", "language": "ar", "reason": ""}
    )
    assert response.status_code == 400
    assert Citizen.objects.get(pk=citizen.pk).name_ar == "أحمد علي" and not _changes(citizen).exists()


def test_the_edit_page_with_no_change_says_so(client, agent, citizen):
    client.force_login(agent)
    response = client.post(
        f"/citizens/{citizen.pk}/edit/", {"name_ar": "أحمد علي", "language": "ar", "reason": "check"}
    )
    assert response.status_code == 400 and b'data-testid="edit-error"' in response.content
    assert not _changes(citizen).exists()


def test_staff_who_may_not_change_citizens_get_no_edit_page(client, officer, citizen):
    client.force_login(officer)
    assert client.get(f"/citizens/{citizen.pk}/edit/").status_code == 403
    response = client.post(
        f"/citizens/{citizen.pk}/edit/", {"name_ar": "اسم آخر", "language": "ar", "reason": "x"}
    )
    assert response.status_code == 403
    assert Citizen.objects.get(pk=citizen.pk).name_ar == "أحمد علي"


def test_the_api_refuses_a_patch_without_a_reason(agent, citizen):
    api = APIClient()
    api.force_authenticate(agent)
    response = api.patch(f"/api/v1/citizens/{citizen.pk}/", {"name_en": "Ahmed"}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "reason_required"
    assert Citizen.objects.get(pk=citizen.pk).name_en == "" and not _changes(citizen).exists()


def test_the_api_refuses_a_patch_from_staff_who_may_not_change_citizens(officer, citizen):
    api = APIClient()
    api.force_authenticate(officer)
    response = api.patch(
        f"/api/v1/citizens/{citizen.pk}/", {"name_en": "Ahmed", "reason": "x"}, format="json"
    )
    assert response.status_code == 403 and "أحمد" not in response.content.decode()
    assert Citizen.objects.get(pk=citizen.pk).name_en == ""
