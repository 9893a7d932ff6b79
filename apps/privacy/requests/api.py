"""The officers' REST API for data-subject requests (``/api/v1/privacy/requests/``).

- ``GET /``: the queue, earliest due first (filters ``status``, ``kind``, ``due``, ``q``),
  paged with a cursor-less ``page``; ``GET /<id>/``: one request with its events;
- ``POST /<id>/decide/``: ``{"action": "answer"}`` for an access request (builds the
  archive), ``{"action": "approve" | "refuse", "reason": "…"}`` otherwise.

Only the data-protection officers (``privacy_requests.view_datasubjectrequest``; deciding
needs ``decide_datasubjectrequest``). Errors are ``{"code", "message", "details"}``; the
POST honours ``Idempotency-Key``. The archive itself is never in an answer.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core import parsing
from apps.core.api import FreeTextField, page_schema
from apps.core.errors import PermissionDenied, ValidationFailed
from apps.core.idempotency import IdempotencyMixin
from apps.privacy.requests import selectors, services
from apps.privacy.requests.forms import QueueFilterForm


class DsrPersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()


class DsrSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.SerializerMethodField()
    reference = serializers.CharField()
    kind = serializers.CharField()
    kind_label = serializers.CharField(source="get_kind_display")
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    channel = serializers.CharField()
    citizen_id = serializers.IntegerField()
    citizen_name = serializers.SerializerMethodField()
    received_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField()
    due_flag = serializers.CharField()
    overdue = serializers.SerializerMethodField()

    def get_url(self, dsr) -> str:
        return reverse("api:privacy-request", args=[dsr.pk])

    def get_citizen_name(self, dsr) -> str:
        return dsr.citizen.display_name()

    def get_overdue(self, dsr) -> bool:
        return dsr.is_overdue(now=self.context.get("now"))


class DsrEventSerializer(serializers.Serializer):
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    actor = DsrPersonSerializer(allow_null=True)
    reason = serializers.CharField()
    at = serializers.DateTimeField()


class DsrDetailSerializer(DsrSummarySerializer):
    filed_by = DsrPersonSerializer(allow_null=True)
    details = serializers.CharField()
    requested_changes = serializers.JSONField()
    applied_changes = serializers.JSONField()
    objection_kind = serializers.CharField()
    decision_reason = serializers.CharField()
    answered_by = DsrPersonSerializer(allow_null=True)
    answered_at = serializers.DateTimeField(allow_null=True)
    archive_filename = serializers.CharField()
    archive_categories = serializers.JSONField()
    archive_withheld = serializers.JSONField()
    events = DsrEventSerializer(many=True, source="events.all")


class DecideSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=["answer", "approve", "refuse"])
    reason = FreeTextField(max_length=5000, required=False, allow_blank=True, default="")


class _Officers(APIView):
    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not selectors.can_view(request.user):
            raise PermissionDenied()


class RequestListAPI(_Officers):
    @extend_schema(
        summary="The data-subject requests' queue: earliest due first",
        parameters=[
            OpenApiParameter("status", str),
            OpenApiParameter("kind", str, enum=["access", "rectification", "objection"]),
            OpenApiParameter("due", str, enum=["flagged", "near", "overdue"]),
            OpenApiParameter("q", str, description="A reference or a CPR number."),
            OpenApiParameter("page", int),
            OpenApiParameter("page_size", int, description="1 to 100 (default 25)."),
        ],
        responses={200: page_schema("PrivacyRequestPage", DsrSummarySerializer)},
        operation_id="privacy_requests_list",
    )
    def get(self, request):
        form = QueueFilterForm(request.query_params)
        if not form.is_valid():
            raise ValidationFailed(details=form.errors.get_json_data())
        now = timezone.now()
        data = form.cleaned_data
        rows = selectors.queue(
            viewer=request.user,
            status=data.get("status", ""),
            kind=data.get("kind", ""),
            due=data.get("due", ""),
            search=data.get("q", ""),
            now=now,
        )
        size = parsing.page_size(request.query_params.get("page_size"))
        page = max(1, parsing.to_int(request.query_params.get("page")) or 1)
        chunk = list(rows[(page - 1) * size : page * size + 1])
        next_url = None
        if len(chunk) > size:
            params = request.query_params.copy()
            params["page"] = page + 1
            next_url = request.build_absolute_uri(f"{request.path}?{params.urlencode()}")
        results = DsrSummarySerializer(chunk[:size], many=True, context={"now": now}).data
        return Response({"results": results, "next": next_url})


class RequestDetailAPI(_Officers):
    @extend_schema(summary="One data-subject request with its events", responses={200: DsrDetailSerializer})
    def get(self, request, pk: int):
        dsr = selectors.request_get(pk=pk, viewer=request.user)
        return Response(DsrDetailSerializer(dsr, context={"now": timezone.now()}).data)


class RequestDecideAPI(IdempotencyMixin, _Officers):
    @extend_schema(
        summary="Answer an access request, or approve or refuse a request with a reason",
        request=DecideSerializer,
        responses={200: DsrDetailSerializer},
    )
    def post(self, request, pk: int):
        serializer = DecideSerializer(data=request.data)
        if not serializer.is_valid():
            raise ValidationFailed(details=serializer.errors)
        data = serializer.validated_data
        dsr = selectors.request_get(pk=pk, viewer=request.user)
        if data["action"] == "answer":
            services.request_answer_access(request=dsr, actor=request.user)
        else:
            services.request_decide(
                request=dsr, actor=request.user, approve=data["action"] == "approve", reason=data["reason"]
            )
        dsr = selectors.request_get(pk=pk, viewer=request.user)
        return Response(DsrDetailSerializer(dsr, context={"now": timezone.now()}).data)
