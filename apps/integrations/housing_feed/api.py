"""``POST /api/v1/integrations/housing-feed/files/``: the housing system pushes its files.

Signed with ``apps.integrations.signing`` (the partner ``housing_feed``); no user session or
token. The body is ``{"files": [{…}, …]}`` (at most 5,000); the answer lists every refused
row by its number. See this app's README for the contract.
"""

from __future__ import annotations

import json

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.errors import ApplicationError
from apps.integrations import http, signing
from apps.integrations.housing_feed import services

# The largest body read: 5,000 files of a few hundred bytes each, with room to spare.
MAX_BODY_BYTES = 8 * 1024 * 1024


class PayloadTooLarge(ApplicationError):
    code = "payload_too_large"
    status = 413


def _body(request) -> bytes:
    """The shared partner-endpoint read (``apps.integrations.http.read_body``: refused unread when
    declared too long, and never cut short), answered with this contract's code and message. It
    reads past DATA_UPLOAD_MAX_MEMORY_SIZE: this view has its own limit."""
    try:
        return http.read_body(request._request, limit=MAX_BODY_BYTES)
    except http.BodyTooLarge:
        raise PayloadTooLarge(
            _("The request is larger than %(limit)d MB; send at most 5,000 housing files at once.")
            % {"limit": MAX_BODY_BYTES // (1024 * 1024)}
        ) from None


class HousingFilesFeed(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes: list = []

    @extend_schema(
        summary="Push housing files (signed; at most 5,000)",
        description="See apps/integrations/housing_feed/README.md for the fields and the row codes.",
        request=OpenApiTypes.OBJECT,
        responses={
            200: OpenApiResponse(OpenApiTypes.OBJECT, description="Counts and every refused row."),
            401: OpenApiResponse(description="Missing, invalid or expired signature."),
            413: OpenApiResponse(description="More than 5,000 files or a body over 8 MB."),
        },
        auth=[],
    )
    def post(self, request):
        body = _body(request)
        signing.verify(secrets=signing.partner_secrets("housing_feed"), headers=request.headers, body=body)
        try:
            payload = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise ApplicationError(_("The body is not valid JSON."), code="invalid_json") from None
        if not isinstance(payload, dict) or set(payload) - {"files"}:
            raise ApplicationError(
                _('The body must be an object with one field, "files".'), code="invalid_body"
            )
        batch = services.housing_feed_apply(rows=payload.get("files"), source="api")
        return Response(
            {
                "batch": batch.pk,
                "received": batch.rows,
                "created": batch.created,
                "updated": batch.updated,
                "unchanged": batch.unchanged,
                "rejected": batch.rejected,
                "errors": batch.errors,
            },
            status=200,
        )
