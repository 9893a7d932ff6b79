"""Data-subject requests, the staff side: the officers' queue and actions, the agent's form on
the citizen page, the REST API, and who may do what."""

from __future__ import annotations

from datetime import timedelta

import pytest

from apps.privacy.requests import services
from apps.privacy.requests.models import DataSubjectRequest
from tests.privacy.requests_support import NOW, USE
from tests.query_budget import exactly

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures(*USE)]


@pytest.fixture
def citizen(requests_citizen):
    return requests_citizen


def _file(citizen, kind="access", **extra):
    return services.request_file(citizen=citizen, kind=kind, channel="portal", **extra)


def test_the_queue_lists_requests_with_due_dates_and_highlights_overdue_ones(client, citizen, frozen, dpo):
    late = _file(citizen)
    _file(citizen)
    DataSubjectRequest.objects.filter(pk=late.pk).update(due_at=NOW - timedelta(days=1))
    client.force_login(dpo)
    page = client.get("/privacy/requests/")
    body = page.content.decode()
    assert page.status_code == 200
    assert body.count('data-testid="pdp-row"') == 2
    assert body.count('data-testid="pdp-overdue"') == 1 and "table-danger" in body


def test_the_queue_filters_by_kind_and_deadline(client, citizen, frozen, dpo):
    late = _file(citizen)
    _file(citizen, kind="objection", objection_kind="campaigns")
    DataSubjectRequest.objects.filter(pk=late.pk).update(due_at=NOW - timedelta(days=1))
    client.force_login(dpo)
    assert (
        client.get("/privacy/requests/?kind=objection").content.decode().count('data-testid="pdp-row"') == 1
    )
    overdue = client.get("/privacy/requests/?due=overdue").content.decode()
    assert overdue.count('data-testid="pdp-row"') == 1 and late.reference in overdue


def test_the_queue_costs_the_same_whatever_its_length(client, citizen, frozen, dpo):
    for _ in range(3):
        _file(citizen)
    client.force_login(dpo)
    few = exactly(_budget(client), lambda: client.get("/privacy/requests/"))
    for _ in range(5):
        _file(citizen)
    exactly(_budget(client), lambda: client.get("/privacy/requests/"))
    assert few.status_code == 200


def _budget(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get("/privacy/requests/")
    with CaptureQueriesContext(connection) as queries:
        client.get("/privacy/requests/")
    return len(queries)


def test_an_agent_cannot_open_the_queue_and_sees_nothing_of_it(client, citizen, frozen, agent):
    request = _file(citizen)
    client.force_login(agent)
    page = client.get("/privacy/requests/")
    assert page.status_code == 403 and request.reference not in page.content.decode()
    assert client.get(f"/privacy/requests/{request.pk}/").status_code == 403


def test_the_officer_answers_an_access_request_from_the_detail_page(client, citizen, frozen, dpo):
    request = _file(citizen)
    client.force_login(dpo)
    assert request.reference in client.get(f"/privacy/requests/{request.pk}/").content.decode()
    response = client.post(f"/privacy/requests/{request.pk}/answer/")
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == "answered" and request.archive_filename


def test_a_refusal_without_a_reason_is_refused_on_the_page(client, citizen, frozen, dpo):
    request = _file(citizen, kind="objection", objection_kind="campaigns")
    client.force_login(dpo)
    response = client.post(f"/privacy/requests/{request.pk}/decide/", {"decision": "refuse", "reason": ""})
    assert response.status_code == 400
    assert "اذكر سبب القرار" in response.content.decode()
    request.refresh_from_db()
    assert request.status == "received"


def test_the_officer_approves_a_rectification_on_the_page(client, citizen, frozen, dpo):
    request = _file(citizen, kind="rectification", requested_changes={"area": "المحرق"})
    client.force_login(dpo)
    response = client.post(
        f"/privacy/requests/{request.pk}/decide/", {"decision": "approve", "reason": "Lease contract seen"}
    )
    assert response.status_code == 302
    citizen.refresh_from_db()
    assert citizen.area == "المحرق"


def test_the_officer_takes_a_request_in_review(client, citizen, frozen, dpo):
    request = _file(citizen)
    client.force_login(dpo)
    assert client.post(f"/privacy/requests/{request.pk}/review/").status_code == 302
    request.refresh_from_db()
    assert request.status == "in_review"


def test_the_citizen_page_offers_agents_the_request_form(client, citizen, frozen, agent):
    client.force_login(agent)
    page = client.get(f"/citizens/{citizen.pk}/")
    assert 'data-testid="pdp-file-on-behalf"' in page.content.decode()
    form = client.get(f"/privacy/requests/new/{citizen.pk}/")
    assert form.status_code == 200
    response = client.post(
        f"/privacy/requests/new/{citizen.pk}/", {"kind": "objection", "objection_kind": "campaigns"}
    )
    assert response.status_code == 200 and 'data-testid="pdp-filed"' in response.content.decode()
    request = DataSubjectRequest.objects.get()
    assert request.channel == "agent" and request.filed_by == agent


def test_an_agent_filing_a_rectification_with_no_change_is_refused(client, citizen, frozen, agent):
    client.force_login(agent)
    response = client.post(f"/privacy/requests/new/{citizen.pk}/", {"kind": "rectification"})
    assert response.status_code == 400
    assert not DataSubjectRequest.objects.exists()


def test_someone_without_the_permission_cannot_file_for_a_citizen(client, citizen, frozen, officer):
    client.force_login(officer)
    assert client.get(f"/privacy/requests/new/{citizen.pk}/").status_code == 403
    assert client.post(f"/privacy/requests/new/{citizen.pk}/", {"kind": "access"}).status_code == 403
    assert not DataSubjectRequest.objects.exists()


# --- the REST API -------------------------------------------------------------------------


def test_the_api_lists_the_queue_for_officers(client, citizen, frozen, dpo):
    request = _file(citizen)
    client.force_login(dpo)
    answer = client.get("/api/v1/privacy/requests/")
    assert answer.status_code == 200
    assert [row["reference"] for row in answer.json()["results"]] == [request.reference]
    detail = client.get(f"/api/v1/privacy/requests/{request.pk}/").json()
    assert detail["kind"] == "access" and detail["events"][0]["to_status"] == "received"
    assert "archive" not in detail


def test_the_api_answers_and_decides(client, citizen, frozen, dpo):
    access = _file(citizen)
    objection = _file(citizen, kind="objection", objection_kind="campaigns")
    client.force_login(dpo)
    answered = client.post(
        f"/api/v1/privacy/requests/{access.pk}/decide/", {"action": "answer"}, "application/json"
    )
    assert answered.status_code == 200 and answered.json()["status"] == "answered"
    refused = client.post(
        f"/api/v1/privacy/requests/{objection.pk}/decide/", {"action": "refuse"}, "application/json"
    )
    assert refused.status_code == 400 and refused.json()["code"] == "reason_required"
    objection.refresh_from_db()
    assert objection.status == "received"
    approved = client.post(
        f"/api/v1/privacy/requests/{objection.pk}/decide/",
        {"action": "approve", "reason": "As asked"},
        "application/json",
    )
    assert approved.status_code == 200 and approved.json()["status"] == "approved"


def test_the_api_refuses_others_and_leaks_nothing(client, citizen, frozen, agent):
    request = _file(citizen)
    client.force_login(agent)
    listing = client.get("/api/v1/privacy/requests/")
    assert listing.status_code == 403 and request.reference not in listing.content.decode()
    decided = client.post(
        f"/api/v1/privacy/requests/{request.pk}/decide/", {"action": "answer"}, "application/json"
    )
    assert decided.status_code == 403
    request.refresh_from_db()
    assert request.status == "received"
