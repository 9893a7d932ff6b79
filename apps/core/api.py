"""REST framework glue shared by every app: the one exception handler, and the JSON answers
for errors that happen outside a DRF view (``handler404``/``handler500`` for paths under
``/api/``), the API docs' access, and the text fields of input serializers. The JSON parser
with its depth limit is in ``apps.core.parsers``.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.encoding import force_str
from django.utils.translation import gettext as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import exceptions as drf_exceptions
from rest_framework import serializers
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from apps.core.errors import ApplicationError
from apps.core.text import clean_line, clean_text, too_long_message

_DRF_CODES = {
    drf_exceptions.ValidationError: "invalid",
    drf_exceptions.ParseError: "malformed_request",
    drf_exceptions.AuthenticationFailed: "authentication_failed",
    drf_exceptions.NotAuthenticated: "not_authenticated",
    drf_exceptions.PermissionDenied: "forbidden",
    drf_exceptions.NotFound: "not_found",
    drf_exceptions.MethodNotAllowed: "method_not_allowed",
    drf_exceptions.UnsupportedMediaType: "unsupported_media_type",
    drf_exceptions.Throttled: "rate_limited",
}


def error_body(code: str, message, details: dict | None = None) -> dict:
    return {"code": code, "message": force_str(message), "details": details or {}}


def exception_handler(exc, context):
    """Every API error as ``{"code", "message", "details"}`` in the request's language."""
    if isinstance(exc, ApplicationError):
        return Response(error_body(exc.code, exc.message, exc.details), status=exc.status)
    if isinstance(exc, DjangoValidationError):
        details = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return Response(
            error_body("invalid", _("Some of the information is not valid."), details), status=400
        )
    if isinstance(exc, Http404):
        exc = drf_exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = drf_exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    code = next((c for cls, c in _DRF_CODES.items() if isinstance(exc, cls)), "error")
    if isinstance(exc, drf_exceptions.ValidationError):
        details = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        response.data = error_body(code, _("Some of the information is not valid."), details)
    else:
        response.data = error_body(code, getattr(exc, "detail", str(exc)))
    return response


# --------------------------------------------------------------------------- errors outside a view


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def api_not_found(request, exception=None):
    return JsonResponse(error_body("not_found", _("Not found.")), status=404)


def api_server_error(request):
    """A failure nobody planned for, as the API's error format (already logged by Django)."""
    return JsonResponse(
        error_body("server_error", _("Something went wrong on our side. Please try again shortly.")),
        status=500,
    )


def handler400(request, exception=None):
    """A request Django refused before any view: too large a body (``RequestDataTooBig``,
    answered 413), too many fields, a malformed multipart body or cookie."""
    too_large = isinstance(exception, RequestDataTooBig)
    status = 413 if too_large else 400
    if _is_api(request):
        if too_large:
            limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)
            body = error_body(
                "request_too_large", _("The request is too large (at most %(limit)s MB).") % {"limit": limit}
            )
        else:
            body = error_body("bad_request", _("The request could not be read."))
        return JsonResponse(body, status=status)
    from django.views.defaults import bad_request

    response = bad_request(request, exception)
    response.status_code = status
    return response


def handler403(request, exception=None):
    if _is_api(request):
        return JsonResponse(error_body("forbidden", _("You do not have permission to do this.")), status=403)
    from django.views.defaults import permission_denied

    return permission_denied(request, exception)


def handler404(request, exception=None):
    if _is_api(request):
        return api_not_found(request, exception)
    from django.views.defaults import page_not_found

    return page_not_found(request, exception)


def handler500(request):
    if _is_api(request):
        return api_server_error(request)
    from django.views.defaults import server_error

    return server_error(request)


# --------------------------------------------------------------------------- schema helpers


def page_schema(name: str, item, *, next_field: str | None = "next", previous: bool = False, extra=None):
    """The OpenAPI body of a page of ``item`` rows as these list endpoints answer it:
    ``{"results": [...], "next": <link or null>}`` (``previous`` for DRF's cursor pages,
    ``extra`` for more top-level fields). APIViews that page by hand need it spelled out, or
    drf-spectacular documents a bare array."""
    from drf_spectacular.utils import inline_serializer
    from rest_framework import serializers

    fields = {"results": item(many=True) if isinstance(item, type) else item}
    if next_field:
        fields[next_field] = serializers.CharField(allow_null=True)
    if previous:
        fields["previous"] = serializers.CharField(allow_null=True)
    fields.update(extra or {})
    return inline_serializer(name=name, fields=fields)


class ApiDocsAccess(BasePermission):
    """The OpenAPI schema and its docs page: signed-in staff only, unless
    ``HOUSING_API_DOCS_PUBLIC`` opens them to everyone (read at each request)."""

    def has_permission(self, request, view):
        if getattr(settings, "HOUSING_API_DOCS_PUBLIC", False):
            return True
        return bool(request.user and request.user.is_authenticated)


class SchemaView(SpectacularAPIView):
    """``/api/v1/schema/``: the OpenAPI document, behind ``ApiDocsAccess``."""

    permission_classes = [ApiDocsAccess]


class DocsView(SpectacularSwaggerSplitView):
    """``/api/v1/docs/``: Swagger UI with its start-up script served as a file (``?script``)
    and no inline style, so it runs under the site's Content-Security-Policy as it is.
    A visitor who is not signed in is sent to the sign-in page."""

    permission_classes = [ApiDocsAccess]
    template_name = "core/swagger_ui.html"

    def handle_exception(self, exc):
        if isinstance(exc, drf_exceptions.NotAuthenticated | drf_exceptions.PermissionDenied) and not (
            self.request.user and self.request.user.is_authenticated
        ):
            return redirect_to_login(self.request.get_full_path())
        return super().handle_exception(exc)


# --- text fields for input serializers (the same rules as apps.core.forms) -------------


class LineField(serializers.CharField):
    """A single-line text: direction controls, zero-width and control characters removed."""

    def to_internal_value(self, data):
        return clean_line(super().to_internal_value(data))


class FreeTextField(serializers.CharField):
    """Free text: direction controls balanced, at most ``max_length`` characters (default
    ``HOUSING_TEXT_MAX_CHARS``, read at each request) with a message giving both numbers."""

    def __init__(self, *, max_length=None, **kwargs):
        self.text_limit = max_length
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        value = clean_text(super().to_internal_value(data))
        limit = self.text_limit or settings.HOUSING_TEXT_MAX_CHARS
        if len(value) > limit:
            raise serializers.ValidationError(too_long_message(len(value), limit), code="max_length")
        return value
