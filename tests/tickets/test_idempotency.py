"""Idempotency-Key on the API's POSTs (apps/core/idempotency.py), through real endpoints."""

import threading
from datetime import timedelta

import pytest
import time_machine
from django.db import connections
from django.utils import timezone
from rest_framework.test import APIClient

from apps.citizens.models import Citizen
from apps.core.idempotency import idempotency_purge
from apps.core.models import IdempotencyRecord
from apps.tickets.models import Ticket, TicketEvent

from .factories import PDF_BYTES, upload

NEW = {"kind": "inquiry", "channel": "phone", "subject": "موعد", "description": "متى موعدي؟"}


def test_a_repeat_returns_the_first_result_and_creates_nothing(api, agent, citizen):
    client = api(agent)
    first = client.post(
        "/api/v1/tickets/", {**NEW, "citizen": citizen.pk}, format="json", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    again = client.post(
        "/api/v1/tickets/", {**NEW, "citizen": citizen.pk}, format="json", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert again["Location"] == first["Location"]
    assert Ticket.objects.count() == 1


def test_the_same_key_with_a_different_body_is_refused(api, agent, citizen):
    client = api(agent)
    client.post("/api/v1/tickets/", {**NEW, "citizen": citizen.pk}, format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    other = client.post(
        "/api/v1/tickets/",
        {**NEW, "subject": "آخر", "citizen": citizen.pk},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k-2",
    )
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"
    assert Ticket.objects.count() == 1


def test_without_the_header_each_post_creates(api, agent, citizen):
    client = api(agent)
    for _ in range(2):
        client.post("/api/v1/tickets/", {**NEW, "citizen": citizen.pk}, format="json")
    assert Ticket.objects.count() == 2


def test_keys_belong_to_their_user(api, agent, supervisor, citizen):
    api(agent).post(
        "/api/v1/tickets/", {**NEW, "citizen": citizen.pk}, format="json", HTTP_IDEMPOTENCY_KEY="same"
    )
    response = api(supervisor).post(
        "/api/v1/tickets/", {**NEW, "citizen": citizen.pk}, format="json", HTTP_IDEMPOTENCY_KEY="same"
    )
    assert response.status_code == 201 and "Idempotent-Replayed" not in response
    assert Ticket.objects.count() == 2


def test_keys_belong_to_their_path(api, agent, ticket):
    client = api(agent)
    client.post(f"/api/v1/tickets/{ticket.pk}/reply/", {"body": "x"}, format="json", HTTP_IDEMPOTENCY_KEY="p")
    client.post(f"/api/v1/tickets/{ticket.pk}/note/", {"body": "x"}, format="json", HTTP_IDEMPOTENCY_KEY="p")
    assert set(ticket.events.values_list("kind", flat=True)) == {"created", "public_reply", "internal_note"}


def test_a_refused_request_is_not_remembered(api, agent, citizen):
    client = api(agent)
    bad = client.post("/api/v1/tickets/", {**NEW, "subject": ""}, format="json", HTTP_IDEMPOTENCY_KEY="k-3")
    good = client.post(
        "/api/v1/tickets/", {**NEW, "citizen": citizen.pk}, format="json", HTTP_IDEMPOTENCY_KEY="k-3"
    )
    assert bad.status_code == 400 and good.status_code == 201
    assert Ticket.objects.count() == 1


def test_a_repeated_upload_is_recognised(api, agent, ticket):
    client = api(agent)
    for _ in range(2):
        response = client.post(
            f"/api/v1/tickets/{ticket.pk}/attachments/",
            {"file": upload("a.pdf", PDF_BYTES)},
            format="multipart",
            HTTP_IDEMPOTENCY_KEY="upload-1",
        )
        assert response.status_code == 201
    assert ticket.attachments.count() == 1


def test_a_repeated_citizen_creation_creates_one_citizen(api, agent):
    client = api(agent)
    payload = {"cpr": "770101234", "name_ar": "منى", "phones": ["33445566"]}
    for _ in range(2):
        assert (
            client.post("/api/v1/citizens/", payload, format="json", HTTP_IDEMPOTENCY_KEY="c").status_code
            == 201
        )
    assert Citizen.objects.filter(cpr="770101234").count() == 1


def test_an_invalid_key_is_refused(api, agent, citizen):
    response = api(agent).post(
        "/api/v1/tickets/", {**NEW, "citizen": citizen.pk}, format="json", HTTP_IDEMPOTENCY_KEY="ك" * 3
    )
    assert response.status_code == 400 and response.json()["code"] == "invalid_idempotency_key"
    assert not Ticket.objects.exists()


def test_a_key_is_forgotten_after_its_time_to_live(api, agent, citizen, settings):
    client = api(agent)
    client.post("/api/v1/tickets/", {**NEW, "citizen": citizen.pk}, format="json", HTTP_IDEMPOTENCY_KEY="old")
    with time_machine.travel(
        timezone.now() + timedelta(seconds=settings.HOUSING_IDEMPOTENCY_TTL_SECONDS + 60)
    ):
        client.post(
            "/api/v1/tickets/", {**NEW, "citizen": citizen.pk}, format="json", HTTP_IDEMPOTENCY_KEY="old"
        )
        assert idempotency_purge() == 0  # the expired row was replaced by the new request's
    assert Ticket.objects.count() == 2


def test_the_purge_deletes_expired_rows_only(api, agent, citizen, settings):
    api(agent).post(
        "/api/v1/tickets/", {**NEW, "citizen": citizen.pk}, format="json", HTTP_IDEMPOTENCY_KEY="x"
    )
    assert idempotency_purge() == 0
    later = timezone.now() + timedelta(seconds=settings.HOUSING_IDEMPOTENCY_TTL_SECONDS + 1)
    assert idempotency_purge(now=later) == 1
    assert not IdempotencyRecord.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_twins_create_one_ticket(agent, citizen):
    start = threading.Barrier(5)
    answers = []

    def post():
        client = APIClient()
        client.force_authenticate(agent)
        start.wait(timeout=30)
        answers.append(
            client.post(
                "/api/v1/tickets/",
                {**NEW, "citizen": citizen.pk},
                format="json",
                HTTP_IDEMPOTENCY_KEY="twins",
            )
        )
        connections.close_all()

    threads = [threading.Thread(target=post) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [a.status_code for a in answers] == [201] * 5
    assert len({a.json()["review_number"] for a in answers}) == 1
    assert Ticket.objects.count() == 1 and TicketEvent.objects.count() == 1


def test_the_nightly_task_purges_expired_keys(api, agent, citizen, settings):
    from apps.core.tasks import purge_idempotency_records

    api(agent).post(
        "/api/v1/tickets/", {**NEW, "citizen": citizen.pk}, format="json", HTTP_IDEMPOTENCY_KEY="n"
    )
    with time_machine.travel(
        timezone.now() + timedelta(seconds=settings.HOUSING_IDEMPOTENCY_TTL_SECONDS + 60)
    ):
        assert purge_idempotency_records() == 1
    assert not IdempotencyRecord.objects.exists()
