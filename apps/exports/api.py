"""``GET /api/v1/exports/<list>/?format=csv|xlsx&<the list's filters>``: the same export as the
pages (a file at once; a long list answers 202 with the background job to fetch later)."""

from __future__ import annotations

from django.urls import path, reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.exports import services
from apps.exports.views import CONTENT_TYPES, written_now


class _FileRenderer(BaseRenderer):
    """Lets ``?format=csv|xlsx`` through DRF's negotiation; the file is the view's own answer."""

    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class CsvRenderer(_FileRenderer):
    media_type = "text/csv"
    format = "csv"


class XlsxRenderer(_FileRenderer):
    media_type = CONTENT_TYPES["xlsx"]
    format = "xlsx"


class ExportAPI(APIView):
    renderer_classes = [JSONRenderer, CsvRenderer, XlsxRenderer]

    @extend_schema(
        summary="Export a list (tickets, contacts, follow-ups, appointments) as CSV or XLSX",
        parameters=[
            OpenApiParameter("format", str, enum=["csv", "xlsx"], required=True),
            OpenApiParameter(
                "filters",
                OpenApiTypes.OBJECT,
                style="form",
                explode=True,
                description="The list's own filters, as on its page and its list endpoint.",
            ),
        ],
        responses={
            (200, "text/csv"): OpenApiTypes.BINARY,
            (200, CONTENT_TYPES["xlsx"]): OpenApiTypes.BINARY,
            202: inline_serializer(
                "ExportQueued",
                {
                    "id": serializers.IntegerField(),
                    "status": serializers.CharField(),
                    "exports_url": serializers.CharField(),
                },
            ),
        },
        operation_id="exports_export",
    )
    def get(self, request, list_key: str):
        fmt = request.query_params.get("format") or ""
        plan = services.export_plan(
            actor=request.user, list_key=list_key, params=request.query_params, format=fmt
        )
        if plan.background:
            job = services.export_job_queue(plan=plan, actor=request.user)
            return Response(
                {"id": job.pk, "status": job.status, "exports_url": reverse("exports:list")}, status=202
            )
        return written_now(plan, request.user)

    def perform_content_negotiation(self, request, force=False):
        # An unknown ?format= reaches the view, which refuses it with its own message.
        return super().perform_content_negotiation(request, force=True)

    def finalize_response(self, request, response, *args, **kwargs):
        # Errors and the 202 are JSON whatever file format was asked for.
        if isinstance(response, Response):
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = "application/json"
        return super().finalize_response(request, response, *args, **kwargs)


urlpatterns = [path("<slug:list_key>/", ExportAPI.as_view(), name="exports-export")]
