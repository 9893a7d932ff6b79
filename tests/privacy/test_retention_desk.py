"""The retention desk page: who may see it, the dry run, legal holds, its query count."""

from __future__ import annotations

import pytest

from apps.privacy.retention import services
from apps.privacy.retention.models import LegalHold, RetentionRun
from tests.privacy import retention_fixtures
from tests.privacy.retention_fixtures import closed_ticket, contact
from tests.query_budget import exactly
from tests.tickets.factories import CitizenFactory

dpo, policies = retention_fixtures.dpo, retention_fixtures.policies

pytestmark = pytest.mark.django_db

URL = "/privacy/retention/"


def test_the_officer_sees_policies_holds_and_runs(login, dpo, policies):
    services.retention_sweep(dry_run=True, actor=dpo)
    response = login(dpo).get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-kind="closed_tickets"' in body and 'data-testid="run"' in body
    assert 'data-testid="dry-run"' in body and 'data-testid="hold-form"' in body


def test_the_administrator_sees_the_page_and_the_admin_link(login, admin_user):
    body = login(admin_user).get(URL).content.decode()
    assert "/admin/privacy_retention/retentionpolicy/" in body


def test_an_agent_is_refused_and_sees_nothing(login, agent, dpo):
    citizen = CitizenFactory()
    services.hold_place(citizen=citizen, reason="سبب سري للغاية", actor=dpo)
    response = login(agent).get(URL)
    assert response.status_code == 403
    assert "سبب سري للغاية" not in response.content.decode()
    assert login(agent).post(URL + "dry-run/").status_code == 403
    assert not RetentionRun.objects.exists()


def test_the_page_is_in_the_privacy_menu_for_the_officer(login, dpo):
    body = login(dpo).get("/").content.decode()
    assert URL in body


def test_a_dry_run_from_the_page_records_counts_and_changes_nothing(login, dpo, policies):
    ticket = closed_ticket()
    response = login(dpo).post(URL + "dry-run/")
    assert response.status_code == 302
    run = RetentionRun.objects.get()
    assert run.dry_run and run.actor == dpo and run.state == "done"
    assert "closed_tickets" in run.counts
    ticket.refresh_from_db()
    assert ticket.description != "[محذوف · removed]"


def test_the_officer_places_a_hold_on_a_citizen_by_cpr(login, dpo):
    citizen = CitizenFactory()
    response = login(dpo).post(
        URL + "holds/", {"target": "citizen", "reference": citizen.cpr, "reason": "قضية"}
    )
    assert response.status_code == 302
    hold = LegalHold.objects.get()
    assert (hold.citizen, hold.placed_by, hold.reason) == (citizen, dpo, "قضية")


def test_the_officer_places_a_hold_on_a_ticket_and_a_contact(login, dpo):
    ticket = closed_ticket()
    row = contact()
    client = login(dpo)
    client.post(
        URL + "holds/", {"target": "ticket", "reference": ticket.review_number.lower(), "reason": "r"}
    )
    client.post(URL + "holds/", {"target": "contact", "reference": str(row.pk), "reason": "r"})
    assert LegalHold.objects.filter(ticket=ticket).exists() and LegalHold.objects.filter(contact=row).exists()


@pytest.mark.parametrize(
    "data",
    [
        {"target": "citizen", "reference": "999999999", "reason": "قضية"},
        {"target": "citizen", "reference": "", "reason": "قضية"},
        {"target": "ticket", "reference": "nonsense", "reason": "قضية"},
        {"target": "contact", "reference": "²", "reason": "قضية"},
        {"target": "planet", "reference": "1", "reason": "قضية"},
        {"target": "citizen", "reference": "850000001", "reason": "   "},
    ],
)
def test_a_bad_hold_is_refused_with_a_message_and_nothing_saved(login, dpo, data):
    CitizenFactory()
    response = login(dpo).post(URL + "holds/", data)
    assert response.status_code == 400
    assert "invalid-feedback" in response.content.decode()
    assert not LegalHold.objects.exists()


def test_a_hold_is_released_with_a_reason_once(login, dpo):
    hold = services.hold_place(citizen=CitizenFactory(), reason="قضية", actor=dpo)
    client = login(dpo)
    assert client.post(URL + f"holds/{hold.pk}/release/", {"reason": ""}).status_code == 302
    hold.refresh_from_db()
    assert hold.released_at is None

    assert client.post(URL + f"holds/{hold.pk}/release/", {"reason": "انتهت"}).status_code == 302
    hold.refresh_from_db()
    assert hold.released_at is not None and hold.released_by == dpo and hold.release_reason == "انتهت"

    assert client.post(URL + f"holds/{hold.pk}/release/", {"reason": "مرة أخرى"}).status_code == 409


def test_an_agent_may_not_place_or_release_a_hold(login, agent, dpo):
    hold = services.hold_place(citizen=CitizenFactory(), reason="قضية", actor=dpo)
    client = login(agent)
    assert (
        client.post(URL + "holds/", {"target": "citizen", "reference": "1", "reason": "x"}).status_code == 403
    )
    assert client.post(URL + f"holds/{hold.pk}/release/", {"reason": "x"}).status_code == 403
    hold.refresh_from_db()
    assert hold.released_at is None and LegalHold.objects.count() == 1


def test_the_page_sends_the_same_statements_however_many_holds_and_runs(login, dpo, policies):
    client = login(dpo)
    for _ in range(2):
        services.hold_place(citizen=CitizenFactory(), reason="قضية", actor=dpo)
        services.retention_sweep(dry_run=True, actor=dpo)
    few = len(_statements(client))
    for _ in range(3):
        services.hold_place(citizen=CitizenFactory(), reason="قضية", actor=dpo)
        services.retention_sweep(dry_run=True, actor=dpo)
    exactly(few, lambda: client.get(URL))


def _statements(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(URL)
    with CaptureQueriesContext(connection) as queries:
        client.get(URL)
    return queries.captured_queries
