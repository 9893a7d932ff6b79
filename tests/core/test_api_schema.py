"""The OpenAPI schema tells the truth about the list endpoints' pages and the calendar's times."""

import pytest
from drf_spectacular.generators import SchemaGenerator

PAGED = {
    ("/api/v1/tickets/", "get"): "next",
    ("/api/v1/citizens/", "get"): None,
    ("/api/v1/contacts/", "get"): "next",
    ("/api/v1/committee/referrals/", "get"): "next_cursor",
    ("/api/v1/uyc/cases/", "get"): "next",
    ("/api/v1/notifications/outbox/", "get"): "next",
    ("/api/v1/notifications/messages/", "get"): "next",
    ("/api/v1/notifications/inbox/", "get"): "next",
}


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def _resolve(schema, node):
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node


@pytest.mark.parametrize(("path", "method"), list(PAGED))
def test_a_paged_list_is_documented_as_a_page_not_a_bare_array(schema, path, method):
    body = schema["paths"][path][method]["responses"]["200"]["content"]["application/json"]["schema"]
    page = _resolve(schema, body)
    assert page["type"] == "object"
    assert page["properties"]["results"]["type"] == "array"
    if PAGED[(path, method)]:
        assert PAGED[(path, method)] in page["properties"]


def test_the_calendar_documents_its_hh_mm_times_as_such(schema):
    day = schema["components"]["schemas"]["Day"]["properties"]
    for name in ("opens", "closes"):
        assert "format" not in day[name] and day[name]["pattern"] == "^[0-2][0-9]:[0-5][0-9]$"
