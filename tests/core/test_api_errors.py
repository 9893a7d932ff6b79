"""API errors from bad input, in the error format: nested JSON, NUL characters, unknown
paths and unexpected failures."""

import json

import pytest


@pytest.mark.django_db
@pytest.mark.parametrize("depth", [65, 100_000])
def test_a_deeply_nested_body_on_the_public_track_endpoint_is_a_400_in_the_error_format(client, depth):
    body = '{"review_number": ' + "[" * depth + "]" * depth + ', "phone_last4": "1234"}'
    response = client.post("/api/v1/public/track/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "malformed_request"
    assert set(response.json()) == {"code", "message", "details"}


def test_a_deeply_nested_body_on_the_ticket_api_is_a_400(admin_client):
    body = json.dumps({"kind": "complaint"})[:-1] + ', "new_citizen": ' + "[" * 50_000 + "]" * 50_000 + "}"
    response = admin_client.post("/api/v1/tickets/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "malformed_request"


@pytest.mark.django_db
def test_a_nul_character_in_a_json_string_is_a_400_not_a_database_error(client):
    body = '{"review_number": "2026-000001-5\\u0000", "phone_last4": "1234"}'
    response = client.post("/api/v1/public/track/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "malformed_request"


@pytest.mark.django_db
def test_an_unknown_api_path_answers_in_the_error_format(client):
    response = client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.django_db
def test_an_unexpected_failure_under_the_api_is_a_json_500(client, monkeypatch):
    from apps.tickets import api

    def broken(self, request):
        raise RuntimeError("boom")

    monkeypatch.setattr(api.PublicTrackAPI, "post", broken)
    client.raise_request_exception = False
    response = client.post("/api/v1/public/track/", {}, content_type="application/json")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "server_error"
    assert "boom" not in response.content.decode()


@pytest.mark.django_db
def test_a_body_over_the_upload_limit_is_a_413_in_the_error_format(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    body = json.dumps({"review_number": "x" * (2 * 1024 * 1024), "phone_last4": "1234"})
    client.cookies["hc_language"] = "en"
    response = client.post("/api/v1/public/track/", body, content_type="application/json")
    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"
    assert "1 MB" in response.json()["message"]


@pytest.mark.django_db
def test_a_form_over_the_upload_limit_on_a_page_is_a_bilingual_413_page(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    response = client.post("/portal/track/", {"review_number": "x" * (2 * 1024 * 1024)})
    assert response.status_code == 413
    page = response.content.decode()
    assert "طلب غير صالح" in page and "Bad request" in page
    assert 'lang="en"' in page


@pytest.mark.django_db
def test_an_unknown_page_is_a_bilingual_404_and_a_server_error_page_renders_without_a_request():
    from django.template.loader import render_to_string
    from django.test import Client

    page = Client().get("/no-such-page/").content.decode()
    assert "الصفحة غير موجودة" in page and "Page not found" in page
    failure = render_to_string("500.html")
    assert "حدث خطأ من جهتنا" in failure and "Something went wrong on our side" in failure
