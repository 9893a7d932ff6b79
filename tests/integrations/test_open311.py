"""Open311 GeoReport v2: a client's whole sequence in JSON and XML, the mapping to tickets, errors."""

from __future__ import annotations

import json
from decimal import Decimal
from xml.etree import ElementTree

import pytest

from apps.integrations.open311.models import Open311Request
from apps.tickets.models import Ticket
from tests.tickets.factories import CategoryFactory, CitizenFactory

KEY = "open311-client-key-0001"
BASE = "/api/v1/open311"


@pytest.fixture(autouse=True)
def _keys(settings, tmp_path):
    settings.HOUSING_OPEN311_API_KEYS = [KEY]
    settings.HOUSING_ATTACHMENTS_ROOT = tmp_path / "private"


@pytest.fixture
def citizen(db):
    return CitizenFactory(cpr="880412345", name_ar="فاطمة حسن", phones=["3600 1234"])


def parse(response, fmt):
    if fmt == "json":
        assert response["Content-Type"].startswith("application/json")
        return json.loads(response.content)
    assert response["Content-Type"].startswith("text/xml")
    return ElementTree.fromstring(response.content)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_client_discovers_lists_services_posts_a_request_and_reads_it_back(client, citizen, fmt):
    CategoryFactory(code="maintenance", name_ar="الصيانة", name_en="Maintenance")
    # 1. Discovery names the endpoint and its formats.
    discovery = parse(client.get(f"{BASE}/discovery.{fmt}"), fmt)
    if fmt == "json":
        endpoint = discovery["endpoints"][0]
        assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
        url = endpoint["url"]
    else:
        url = discovery.find("endpoints/endpoint/url").text
        assert discovery.find("endpoints/endpoint/formats/format") is not None
    assert url.endswith(BASE)
    # 2. Services, then one definition with its attributes.
    services = parse(client.get(f"{BASE}/services.{fmt}"), fmt)
    codes = (
        [s["service_code"] for s in services]
        if fmt == "json"
        else [s.find("service_code").text for s in services.findall("service")]
    )
    assert "maintenance-plumbing" in codes and "complaint" in codes
    definition = parse(client.get(f"{BASE}/services/maintenance-plumbing.{fmt}"), fmt)
    attributes = (
        [a["code"] for a in definition["attributes"]]
        if fmt == "json"
        else [a.find("code").text for a in definition.findall("attributes/attribute")]
    )
    assert attributes == ["cpr", "urgency"]
    # 3. POST a request with the API key.
    response = client.post(
        f"{BASE}/requests.{fmt}",
        {
            "api_key": KEY,
            "service_code": "maintenance-plumbing",
            "lat": "26.2235",
            "long": "50.5876",
            "address_string": "مجمع 1203، طريق 3, مدينة حمد",
            "description": "تسرب مياه في سقف الحمام",
            "attribute[cpr]": "880412345",
            "attribute[urgency]": "urgent",
        },
    )
    assert response.status_code == 201, response.content
    created = parse(response, fmt)
    if fmt == "json":
        request_id, token = created[0]["service_request_id"], created[0]["token"]
    else:
        request_id = created.find("request/service_request_id").text
        token = created.find("request/token").text
    ticket = Ticket.objects.get(review_number=request_id)
    assert (ticket.kind, ticket.urgency, ticket.citizen) == ("maintenance", "urgent", citizen)
    assert ticket.category.code == "maintenance"
    assert ticket.latitude == Decimal("26.223500") and ticket.longitude == Decimal("50.587600")
    assert ticket.address.startswith("مجمع 1203")
    # 4. GET it by id, by token and in the list.
    found = parse(client.get(f"{BASE}/requests/{request_id}.{fmt}"), fmt)
    if fmt == "json":
        assert found[0]["service_request_id"] == request_id and found[0]["status"] == "open"
        assert "description" not in found[0] and "address" not in found[0]
    else:
        assert found.find("request/status").text == "open"
        assert found.find("request/description") is None
    by_token = parse(client.get(f"{BASE}/tokens/{token}.{fmt}"), fmt)
    assert (
        by_token[0]["service_request_id"]
        if fmt == "json"
        else by_token.find("request/service_request_id").text
    ) == request_id
    listed = parse(client.get(f"{BASE}/requests.{fmt}?status=open&start_date=2000-01-01T00:00:00Z"), fmt)
    ids = (
        [r["service_request_id"] for r in listed]
        if fmt == "json"
        else [r.find("service_request_id").text for r in listed.findall("request")]
    )
    assert ids == [request_id]
    closed = parse(client.get(f"{BASE}/requests.{fmt}?status=closed"), fmt)
    assert (closed if fmt == "json" else closed.findall("request")) == []


def test_a_complaint_for_a_new_cpr_adds_the_citizen_and_stores_no_location(client, db):
    response = client.post(
        f"{BASE}/requests.json",
        {
            "api_key": KEY,
            "service_code": "complaint",
            "lat": "26.2",
            "long": "50.5",
            "description": "تأخر الرد على طلبي",
            "attribute[cpr]": "770101010",
            "first_name": "سارة",
            "last_name": "أحمد",
            "phone": "36001234",
        },
    )
    assert response.status_code == 201
    ticket = Ticket.objects.get()
    assert ticket.kind == "complaint" and ticket.citizen.name_ar == "سارة أحمد"
    assert ticket.latitude is None and ticket.address == ""


def test_a_suggestion_may_come_without_a_cpr(client, db):
    response = client.post(
        f"{BASE}/requests.json", {"api_key": KEY, "service_code": "suggestion", "description": "مواقف أكثر"}
    )
    assert response.status_code == 201 and Ticket.objects.get().is_anonymous


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"api_key": "wrong"}, 403),
        ({}, 403),
        ({"service_code": "no-such-service"}, 400),
        ({"lat": "95", "long": "50"}, 400),
        ({"lat": "abc", "long": "50"}, 400),
        ({"long": None}, 400),
        ({"lat": None, "long": None, "address_string": None}, 400),
        ({"attribute[cpr]": None}, 400),
        ({"attribute[cpr]": "12"}, 400),
        ({"attribute[cpr]": "990000001"}, 400),
        ({"attribute[urgency]": "tomorrow"}, 400),
        ({"description": "x" * 4001}, 400),
    ],
)
def test_bad_requests_get_the_specs_error_format_and_save_nothing(client, citizen, fmt, params, status):
    base = {
        "api_key": KEY,
        "service_code": "maintenance-general",
        "lat": "26.2",
        "long": "50.5",
        "address_string": "",
        "description": "باب مكسور",
        "attribute[cpr]": "880412345",
    }
    if params == {}:
        base.pop("api_key")
    base.update(params)
    response = client.post(f"{BASE}/requests.{fmt}", {k: v for k, v in base.items() if v is not None})
    assert response.status_code == status, response.content
    body = parse(response, fmt)
    if fmt == "json":
        assert body[0]["code"] == status and body[0]["description"]
    else:
        assert body.tag == "errors" and body.find("error/code").text == str(status)
        assert body.find("error/description").text
    assert not Ticket.objects.exists() and not Open311Request.objects.exists()


@pytest.mark.parametrize(
    ("url", "status"),
    [
        (f"{BASE}/requests/2026-000001-0.json", 404),
        (f"{BASE}/requests/nonsense.xml", 404),
        (f"{BASE}/services/none.json", 404),
        (f"{BASE}/tokens/not-a-token.json", 404),
        (f"{BASE}/tokens/8f14e45f-ceea-467f-a0e4-5a8a0e2c1b11.xml", 404),
        (f"{BASE}/requests.json?status=pending", 400),
        (f"{BASE}/requests.json?start_date=yesterday", 400),
        (f"{BASE}/requests.xml?start_date=2026-12-01T00:00:00Z&end_date=2026-11-01T00:00:00Z", 400),
    ],
)
def test_bad_reads_are_clear_errors(client, db, url, status):
    response = client.get(url)
    assert response.status_code == status
    assert response.content.strip().startswith((b"[", b"<?xml"))


def test_confidential_and_non_open311_tickets_are_never_listed(client, citizen, agent):
    from apps.tickets import services as ticket_services

    ticket = ticket_services.ticket_create(
        kind="complaint", channel="phone", subject="x", description="y", actor=agent, citizen=citizen
    )
    assert client.get(f"{BASE}/requests/{ticket.review_number}.json").status_code == 404
    assert json.loads(client.get(f"{BASE}/requests.json").content) == []

    # Filed through Open311 but confidential ("Under Your Command"): never shown either.
    Ticket.objects.filter(pk=ticket.pk).update(confidential=True)
    request = Open311Request.objects.create(ticket=ticket, service_code="complaint")
    assert client.get(f"{BASE}/requests/{ticket.review_number}.json").status_code == 404
    assert client.get(f"{BASE}/tokens/{request.token}.json").status_code == 404
    assert json.loads(client.get(f"{BASE}/requests.json").content) == []
    Ticket.objects.filter(pk=ticket.pk).update(confidential=False)
    assert client.get(f"{BASE}/requests/{ticket.review_number}.json").status_code == 200


def test_the_request_list_reads_its_tickets_in_one_query_however_many(client, citizen, agent):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from apps.tickets import services as ticket_services

    def file(count):
        for _ in range(count):
            ticket = ticket_services.ticket_create(
                kind="complaint", channel="phone", subject="x", description="y", actor=agent, citizen=citizen
            )
            Open311Request.objects.create(ticket=ticket, service_code="complaint")

    counts = []
    for count in (2, 8):
        file(count)
        with CaptureQueriesContext(connection) as queries:
            listed = json.loads(client.get(f"{BASE}/requests.json").content)
        counts.append(len(queries))
    assert len(listed) == 10
    assert counts[0] == counts[1], counts
