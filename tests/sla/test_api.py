"""The SLA part of the tickets API: each clock on the ticket, the badge in lists, the
``sla_state`` filter, the extension and reclassification endpoints."""

import pytest
from django.urls import reverse

from apps.sla.models import Extension

from .helpers import at, frozen, make_ticket

pytestmark = pytest.mark.usefixtures("sla_world")


@pytest.fixture
def api():
    from rest_framework.test import APIClient

    def _client(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    return _client


def test_the_ticket_carries_each_clocks_due_remaining_time_and_state(api, agent):
    ticket = make_ticket(actor=agent, when=at(2025, 4, 6, 9, 0))
    with frozen(at(2025, 4, 7, 10, 0)):
        body = api(agent).get(reverse("api:ticket-detail", args=[ticket.pk])).json()
    clocks = {c["target"]: c for c in body["sla_clocks"]}
    assert clocks["acknowledgement"]["state"] == "met"
    first = clocks["first_response"]
    assert (first["state"], first["badge"], first["unit"], first["value"]) == (
        "running",
        "on_time",
        "working_days",
        2,
    )
    assert first["due_at"].startswith("2025-04-08T14:00:00")
    assert first["remaining_seconds"] == (4 + 7) * 3600  # Monday 10:00 → Tuesday 14:00, working time
    assert body["sla"]["state"] == "on_time"


def test_the_list_filters_on_the_sla_state(api, agent):
    late = make_ticket(actor=agent, when=at(2025, 4, 6, 9, 0), kind="inquiry")
    fresh = make_ticket(actor=agent, when=at(2025, 4, 15, 9, 0), kind="inquiry")
    with frozen(at(2025, 4, 15, 10, 0)):
        breached = api(agent).get(reverse("api:ticket-list"), {"sla_state": "breached"}).json()["results"]
        on_time = api(agent).get(reverse("api:ticket-list"), {"sla_state": "on_time"}).json()["results"]
        wrong = api(agent).get(reverse("api:ticket-list"), {"sla_state": "late"})
    assert [t["review_number"] for t in breached] == [late.review_number]
    assert breached[0]["sla"]["state"] == "breached"
    assert [t["review_number"] for t in on_time] == [fresh.review_number]
    assert wrong.status_code == 400 and "sla_state" in wrong.json()["details"]


def test_an_extension_through_the_api(api, agent):
    ticket = make_ticket(actor=agent, when=at(2025, 4, 6, 9, 0))
    url = reverse("api:ticket-extend", args=[ticket.pk])
    with frozen(at(2025, 4, 14, 9, 0)):
        refused = api(agent).post(url, {"new_due": "2025-04-24", "reason": ""}, format="json")
        earlier = api(agent).post(url, {"new_due": "2025-04-10", "reason": "سبب"}, format="json")
        granted = api(agent).post(url, {"new_due": "2025-04-24", "reason": "معاينة الموقع"}, format="json")
    assert (refused.status_code, refused.json()["code"]) == (400, "sla_extension_reason_required")
    assert (earlier.status_code, earlier.json()["code"]) == (400, "sla_extension_not_later")
    assert granted.status_code == 200
    resolution = next(c for c in granted.json()["sla_clocks"] if c["target"] == "resolution")
    assert resolution["due_at"].startswith("2025-04-24T14:00:00")
    assert resolution["extensions"][0]["reason"] == "معاينة الموقع"
    assert Extension.objects.count() == 1


def test_only_those_who_work_the_ticket_may_extend_it(api, agent, senior):
    ticket = make_ticket(actor=agent, when=at(2025, 4, 6, 9, 0))
    with frozen(at(2025, 4, 14, 9, 0)):
        response = api(senior).post(
            reverse("api:ticket-extend", args=[ticket.pk]),
            {"new_due": "2025-04-24", "reason": "x"},
            format="json",
        )
    assert response.status_code == 403
    assert not Extension.objects.exists()


def test_reclassifying_through_the_api_recomputes_the_deadlines(api, agent):
    ticket = make_ticket(actor=agent, when=at(2025, 4, 6, 9, 0))
    with frozen(at(2025, 4, 6, 10, 0)):
        response = api(agent).post(
            reverse("api:ticket-reclassify", args=[ticket.pk]),
            {"kind": "maintenance", "urgency": "emergency", "reason": "تسرب مياه"},
            format="json",
        )
    assert response.status_code == 200
    body = response.json()
    assert (body["kind"], body["priority"]) == ("maintenance", "urgent")
    resolution = next(c for c in body["sla_clocks"] if c["target"] == "resolution")
    assert (resolution["unit"], resolution["due_at"][:16]) == ("calendar_days", "2025-04-07T09:00")
