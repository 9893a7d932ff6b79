"""The API's JSON parser: DRF's, with a nesting limit.

A body nested tens of thousands deep makes the C decoder raise ``RecursionError`` (a 500);
a body nested a few hundred deep parses, then breaks whatever walks it next. Every API view
parses JSON through ``JSONParser`` here (``DEFAULT_PARSER_CLASSES``), and other code that
decodes JSON from a client (page cursors) through ``json_loads``.

Kept apart from ``apps.core.api``: DRF reads ``DEFAULT_PARSER_CLASSES`` while importing its
views, so this module must not import them.
"""

from __future__ import annotations

import json
from typing import Any

from django.utils.translation import gettext as _
from rest_framework import exceptions, parsers

# Deeper than any request body this API defines (a few levels), shallow enough that nothing
# downstream (serializers, the idempotency fingerprint, logging) can recurse into trouble.
MAX_JSON_DEPTH = 64


class JsonTooDeep(ValueError):
    pass


def json_depth_ok(value: Any, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether decoded JSON nests at most ``limit`` arrays/objects deep (iterative: no recursion)."""
    return _problem(value, limit) is None


def _problem(value: Any, limit: int) -> str | None:
    """What is wrong with decoded JSON: "deep" past ``limit`` levels, "nul" for a NUL
    character in a string or key (PostgreSQL cannot store one in text), else None."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return "nul"
            continue
        if isinstance(item, dict):
            if any("\x00" in key for key in item):
                return "nul"
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return "deep"
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list | str))
    return None


def json_loads(text: str | bytes, limit: int = MAX_JSON_DEPTH) -> Any:
    """``json.loads`` that refuses nesting past ``limit`` with ``JsonTooDeep`` (a ``ValueError``),
    however deep the text goes (the C decoder's ``RecursionError`` included)."""
    try:
        value = json.loads(text)
    except RecursionError:
        raise JsonTooDeep("JSON nested too deep") from None
    if not json_depth_ok(value, limit):
        raise JsonTooDeep("JSON nested too deep")
    return value


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser with a nesting limit, refusing NUL characters: either is a 400
    ``malformed_request`` (a NUL would otherwise reach PostgreSQL as a 500)."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            data, problem = None, "deep"
        else:
            problem = _problem(data, MAX_JSON_DEPTH)
        if problem == "deep":
            raise exceptions.ParseError(
                _("The JSON is nested more than %(limit)d levels deep.") % {"limit": MAX_JSON_DEPTH}
            )
        if problem == "nul":
            raise exceptions.ParseError(_("Text may not contain NUL characters."))
        return data
