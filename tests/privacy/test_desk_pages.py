"""The desk's home and the subject-access page."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.urls import reverse

from apps.privacy.desk.models import SubjectAccessLog
from tests.privacy import desk_fixtures

dpo, rich_citizen = desk_fixtures.dpo, desk_fixtures.rich_citizen

pytestmark = pytest.mark.django_db

HOME = reverse("privacy_desk:home")
SAR = reverse("privacy_desk:subject_access")


def test_the_home_shows_the_officer_the_counts_and_the_desks_pages(client, dpo):
    client.force_login(dpo)
    response = client.get(HOME)
    assert response.status_code == 200
    body = response.content.decode()
    for name in ("privacy_desk:reads", "privacy_desk:alerts", "privacy_desk:subject_access"):
        assert reverse(name) in body
    assert set(response.context["counts"]) == {"reads_today", "open_alerts", "archives_30_days"}


def test_the_desk_is_in_the_officers_navigation_only(client, dpo, agent):
    client.force_login(dpo)
    assert HOME in client.get(HOME).content.decode()
    client.force_login(agent)
    response = client.get(reverse("core:home"))
    assert HOME not in response.content.decode()
    assert client.get(HOME).status_code == 403


def test_the_officer_finds_a_citizen_by_cpr_and_downloads_a_logged_archive(client, dpo, rich_citizen):
    client.force_login(dpo)
    found = client.get(SAR, {"cpr": "880101234"})
    assert found.status_code == 200 and found.context["citizen"] == rich_citizen
    response = client.post(SAR, {"citizen": rich_citizen.pk})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "subject-access-880101234" in response["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(response.content)) as bundle:
        assert "subject-access.json" in bundle.namelist()
    log = SubjectAccessLog.objects.get()
    assert (log.citizen, log.actor) == (rich_citizen, dpo)
    listed = client.get(SAR)
    assert list(listed.context["produced"]) == [log]


def test_an_unknown_cpr_is_a_clear_error(client, dpo):
    client.force_login(dpo)
    response = client.get(SAR, {"cpr": "880999999"})
    assert response.status_code == 404
    assert "cpr" in response.context["form"].errors


def test_producing_without_a_citizen_is_refused_and_nothing_is_logged(client, dpo):
    client.force_login(dpo)
    for value in ("", "abc", "999999"):
        assert client.post(SAR, {"citizen": value}).status_code == 400
    assert not SubjectAccessLog.objects.exists()


def test_staff_without_the_permission_cannot_produce_an_archive(client, agent, supervisor, rich_citizen):
    for user in (agent, supervisor):
        client.force_login(user)
        assert client.get(SAR).status_code == 403
        response = client.post(SAR, {"citizen": rich_citizen.pk})
        assert response.status_code == 403
        assert b"PUBLIC-REPLY" not in response.content
    assert not SubjectAccessLog.objects.exists()
