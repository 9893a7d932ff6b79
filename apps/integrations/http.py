"""What every signed partner endpoint shares: reading a bounded body, parsing a strict JSON
object, and answering errors in the API's format.

A partner endpoint is a plain Django view (no session, no CSRF token, no API token: the
signature is the authentication), wrapped by ``partner_endpoint``, which turns every
``ApplicationError`` into ``{"code", "message", "details"}`` with its status and logs the
refusal. Nothing a refused request carried is written.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt

from apps.core.api import error_body
from apps.core.errors import ApplicationError, ValidationFailed

logger = logging.getLogger("apps.integrations")


class BodyTooLarge(ApplicationError):
    code = "body_too_large"
    status = 413
    default_message = _("The request body is larger than this endpoint accepts.")


class MalformedJson(ApplicationError):
    code = "malformed_json"
    default_message = _("The request body is not a JSON object.")


class UnknownFields(ValidationFailed):
    code = "unknown_fields"
    default_message = _("The request carries fields this endpoint does not know.")


class MethodNotAllowed(ApplicationError):
    code = "method_not_allowed"
    status = 405
    default_message = _("This method is not allowed here.")


def read_body(request: HttpRequest, *, limit: int) -> bytes:
    """The raw body, refused unread when its declared length is over ``limit``."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        raise BodyTooLarge(details={"limit_bytes": limit})
    body = request.read(limit + 1)
    if len(body) > limit:
        raise BodyTooLarge(details={"limit_bytes": limit})
    return body


def parse_object(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise MalformedJson() from None
    if not isinstance(data, dict):
        raise MalformedJson()
    return data


def refuse_unknown(data: Mapping[str, Any], allowed: Iterable[str], *, where: str = "") -> None:
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        key = f"{where}." if where else ""
        raise UnknownFields(details={f"{key}{name}": [str(_("Unknown field."))] for name in unknown})


def text_field(
    data: Mapping[str, Any], name: str, *, required: bool, max_length: int, where: str = ""
) -> str:
    value = data.get(name)
    label = f"{where}.{name}" if where else name
    if value is None or value == "":
        if required:
            raise ValidationFailed(
                _("Some required information is missing."),
                code="required",
                details={label: [str(_("Required."))]},
            )
        return ""
    if not isinstance(value, str):
        raise ValidationFailed(details={label: [str(_("Give a text value."))]})
    value = value.strip()
    if len(value) > max_length:
        raise ValidationFailed(
            details={label: [str(_("At most %(count)d characters.") % {"count": max_length})]}
        )
    if required and not value:
        raise ValidationFailed(
            _("Some required information is missing."),
            code="required",
            details={label: [str(_("Required."))]},
        )
    return value


def datetime_field(data: Mapping[str, Any], name: str) -> datetime | None:
    """An optional ISO 8601 date and time, which must carry its offset."""
    raw = data.get(name)
    if not raw:
        return None
    value = parse_datetime(raw) if isinstance(raw, str) else None
    if value is None or timezone.is_naive(value):
        raise ValidationFailed(
            details={
                name: [str(_("Give a date and time with its offset, such as 2026-12-03T09:00:00+03:00."))]
            }
        )
    return value


def partner_endpoint(partner: str):
    """Decorate a view ``view(request) -> (payload, status)``: POST only, CSRF-exempt, errors
    as the API's JSON, every refusal logged with its code."""

    def decorate(view):
        @csrf_exempt
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs):
            try:
                if request.method != "POST":
                    raise MethodNotAllowed()
                payload, status = view(request, *args, **kwargs)
            except ApplicationError as error:
                logger.warning(
                    "integrations: %s request refused: %s %s %s",
                    partner,
                    error.status,
                    error.code,
                    json.dumps(error.details, ensure_ascii=False, default=str)[:500],
                )
                response = JsonResponse(
                    error_body(error.code, error.message, error.details), status=error.status
                )
                if error.status == 405:
                    response["Allow"] = "POST"
                return response
            return JsonResponse(payload, status=status, json_dumps_params={"ensure_ascii": False})

        return wrapper

    return decorate
