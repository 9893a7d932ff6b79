"""Finding 5 of issue 12, headers: a Content-Security-Policy on every page, no-store on
staff answers, flags on every cookie, the API schema and docs for signed-in staff only."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings

from tests.tickets.factories import TicketFactory

ROOT = Path(settings.BASE_DIR)


def _policy(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy", "")
    directives = {}
    for part in filter(None, (p.strip() for p in header.split(";"))):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.mark.parametrize("path", ["/accounts/login/", "/portal/", "/portal/track/", "/portal/uyc/"])
def test_every_page_carries_a_strict_content_security_policy(client, db, path):
    policy = _policy(client.get(path))
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    everything = " ".join(v for values in policy.values() for v in values)
    assert "unsafe-inline" not in everything and "unsafe-eval" not in everything


def test_a_staff_page_carries_the_policy_too(client, agent):
    client.force_login(agent)
    assert _policy(client.get("/tickets/"))["script-src"] == ["'self'"]


# What the policy forbids, found in the template files themselves (the browser tests find
# it in the pages; this finds it in a template no browser test opens).
_INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "inline <script>"),
    (re.compile(r"<style\b", re.I), "<style> block"),
    (re.compile(r"\sstyle=[\"']", re.I), 'style="" attribute'),
    (re.compile(r"\son[a-z]+=[\"']", re.I), "inline event handler"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
    (re.compile(r"\shx-on[:-]|\shx-vars=|\sjs:", re.I), "htmx code run by eval"),
    (re.compile(r"hx-trigger=\"[^\"]*\[", re.I), "htmx trigger filter (eval)"),
]


_COMMENTS = re.compile(r"\{#.*?#\}|\{% comment %\}.*?\{% endcomment %\}", re.S)


def _templates() -> list[Path]:
    folders = [ROOT / "templates", *sorted((ROOT / "apps").glob("*/templates"))]
    return [p for folder in folders for p in folder.rglob("*.html")]


def test_no_template_needs_unsafe_inline_or_eval():
    found = []
    for path in _templates():
        text = _COMMENTS.sub(lambda m: "\n" * m.group(0).count("\n"), path.read_text(encoding="utf-8"))
        for pattern, what in _INLINE:
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{path.relative_to(ROOT)}:{line}: {what}")
    assert len(_templates()) > 50
    assert found == []


def test_htmx_is_told_not_to_inject_styles_nor_eval():
    config = re.search(r"name=\"htmx-config\" content='([^']*)'", (ROOT / "templates/base.html").read_text())
    values = json.loads(config.group(1))
    assert values["includeIndicatorStyles"] is False and values["allowEval"] is False
    assert "style" not in values["attributesToSettle"]


# --- Cache-Control ------------------------------------------------------------------


def _cache_control(response) -> set[str]:
    return {part.strip() for part in response.headers.get("Cache-Control", "").split(",") if part.strip()}


@pytest.mark.parametrize("path", ["/", "/tickets/", "/tickets/{ticket}/", "/citizens/{citizen}/"])
def test_staff_pages_are_never_stored(client, agent, path):
    ticket = TicketFactory(actor=agent)
    client.force_login(agent)
    response = client.get(path.format(ticket=ticket.pk, citizen=ticket.citizen_id))
    assert response.status_code == 200
    assert "no-store" in _cache_control(response) and "private" in _cache_control(response)


def test_staff_api_answers_are_never_stored(client, agent):
    TicketFactory(actor=agent)
    client.force_login(agent)
    response = client.get("/api/v1/tickets/")
    assert response.status_code == 200
    assert "no-store" in _cache_control(response)


def test_token_api_answers_are_never_stored(client, agent):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=agent)
    response = client.get("/api/v1/tickets/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200
    assert "no-store" in _cache_control(response)


def test_public_pages_with_personal_data_are_never_stored(client, db):
    for path in ("/portal/track/", "/portal/submit/", "/portal/uyc/", "/portal/committee/appeal/"):
        assert "no-store" in _cache_control(client.get(path)), path


def test_static_files_stay_cacheable_even_for_staff(client, agent):
    client.force_login(agent)
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    assert "no-store" not in _cache_control(response)


# --- cookies ------------------------------------------------------------------------


def _production_settings(*names: str) -> dict:
    """The named settings as production computes them (DEBUG off), from a fresh process."""
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "DEBUG"}}
    env.update(
        DJANGO_SETTINGS_MODULE="housing_contact.settings.base",
        DEBUG="false",
        SECRET_KEY="q7-Zp!x2" * 8,
    )
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        f"print(json.dumps({{n: getattr(s, n) for n in {list(names)!r}}}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_every_cookie_is_secure_httponly_and_lax_in_production():
    kinds = ("SESSION", "CSRF", "LANGUAGE")
    names = [f"{kind}_COOKIE_{flag}" for kind in kinds for flag in ("SECURE", "HTTPONLY", "SAMESITE")]
    values = _production_settings(*names)
    for kind in kinds:
        assert values[f"{kind}_COOKIE_SECURE"] is True, kind
        assert values[f"{kind}_COOKIE_HTTPONLY"] is True, kind
        assert values[f"{kind}_COOKIE_SAMESITE"] == "Lax", kind


def test_the_language_cookie_carries_the_flags(client, db):
    with override_settings(LANGUAGE_COOKIE_SECURE=True):
        response = client.post("/i18n/setlang/", {"language": "en", "next": "/portal/"})
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "en"
    assert cookie["secure"] is True
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


def test_the_csrf_and_session_cookies_carry_the_flags(client, agent, password):
    client.get("/accounts/login/")
    client.post("/accounts/login/", {"username": agent.username, "password": password})
    for name in (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME):
        cookie = client.cookies[name]
        assert cookie["httponly"] is True, name
        assert cookie["samesite"] == "Lax", name


# --- the API schema and docs --------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/v1/schema/", "/api/v1/docs/", "/api/v1/docs/?script="])
def test_the_api_schema_and_docs_are_closed_to_strangers(client, db, path):
    response = client.get(path)
    assert response.status_code in (302, 401, 403)
    assert b"openapi" not in response.content and b"SwaggerUIBundle" not in response.content


def test_a_stranger_at_the_docs_is_sent_to_sign_in(client, db):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/accounts/login/")


def test_signed_in_staff_read_the_schema_and_docs(client, agent):
    client.force_login(agent)
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200 and b"openapi" in schema.content
    docs = client.get("/api/v1/docs/")
    assert docs.status_code == 200
    assert b"<script>" not in docs.content and b"<style>" not in docs.content
    script = client.get("/api/v1/docs/?script=")
    assert script.status_code == 200 and b"SwaggerUIBundle" in script.content


def test_a_setting_opens_the_schema_to_everyone(client, db):
    with override_settings(HOUSING_API_DOCS_PUBLIC=True):
        assert client.get("/api/v1/schema/").status_code == 200
        assert client.get("/api/v1/docs/").status_code == 200
