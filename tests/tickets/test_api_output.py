"""The API's ticket bodies built with fields made once per class (``api.FieldsBuiltOnce``)
are the bodies the REST framework builds itself: the same JSON, key for key, in order."""

import pytest
import time_machine
from django.utils import timezone
from rest_framework import serializers
from rest_framework.authtoken.models import Token

from apps.tickets import api

from ..query_budget import committed
from .factories import PDF_BYTES, CitizenFactory, upload


@pytest.fixture(autouse=True)
def _policies(db):
    from apps.sla import seed

    committed(seed.seed_policies)


def _auth(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Token {Token.objects.get_or_create(user=user)[0].key}"}


def _with_other_ids(created: dict, other: dict) -> dict:
    """``other`` (another new ticket) with ``created``'s ids, numbers and links."""
    other = {**other, **{k: created[k] for k in ("id", "review_number", "url", "external_reference")}}
    for event, other_event in zip(created["timeline"], other["timeline"], strict=True):
        other_event["id"] = event["id"]
        for attachment, mine in zip(event["attachments"], other_event["attachments"], strict=True):
            mine["id"], mine["download"] = attachment["id"], attachment["download"]
    for attachment, mine in zip(created["attachments"], other["attachments"], strict=True):
        mine["id"], mine["download"] = attachment["id"], attachment["download"]
    return other


@pytest.mark.parametrize("reader", ["agent", "senior"])
def test_the_ticket_bodies_are_those_the_rest_framework_builds(
    client, request, monkeypatch, agent, category, reader
):
    reader = request.getfixturevalue(reader)
    citizen = CitizenFactory(phones=["3600 1200", "3600 1201"], email="a@example.com")

    def create(reference):
        body = {
            "kind": "complaint",
            "channel": "phone",
            "subject": "تأخر الطلب الإسكاني",
            "description": "تقدمت بطلب منذ سنوات",
            "citizen": citizen.pk,
            "category": category.pk,
            "external_reference": reference,
            "attachments": [upload("letter.pdf", PDF_BYTES)],
        }
        response = client.post("/api/v1/tickets/", body, **_auth(agent))
        assert response.status_code == 201, response.content
        return response.json()

    def reads(pk):
        paths = (f"/api/v1/tickets/{pk}/", "/api/v1/tickets/", "/api/v1/categories/")
        return [client.get(path, **_auth(reader)).content.decode() for path in paths]

    with time_machine.travel(timezone.now(), tick=False):
        created = create("first")
        ours = reads(created["id"])
        monkeypatch.setattr(
            api.FieldsBuiltOnce, "to_representation", serializers.Serializer.to_representation
        )
        theirs = reads(created["id"])
        their_created = create("second")
    assert created["attachments"] and created["sla_clocks"] and created["timeline"] and created["sla"]
    assert '"sla_clocks"' in ours[0] and '"results"' in ours[1] and '"children"' in ours[2]
    assert ours == theirs
    assert list(created.items()) == list(_with_other_ids(created, their_created).items())
