"""REST API of the webhooks: the deliveries (with their response codes) and their replay.
Mounted at /api/v1/integrations/webhooks/; for staff with the outbox permissions."""

from __future__ import annotations

from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api import page_schema
from apps.core.errors import NotFound, PermissionDenied, ValidationFailed
from apps.integrations.outbound.models import Delivery
from apps.integrations.webhooks import selectors, services

VIEW = "integrations_outbound.view_delivery"
RETRY = "integrations_outbound.retry_delivery"


class NewestFirst(CursorPagination):
    ordering = "-id"
    page_size = 50


class DeliverySerializer(serializers.ModelSerializer):
    class Meta:
        model = Delivery
        fields = [
            "reference",
            "event",
            "target_url",
            "state",
            "attempts",
            "last_status_code",
            "last_response",
            "error_code",
            "next_attempt_at",
            "sent_at",
            "dead_at",
            "created_at",
            "source",
            "payload",
        ]
        read_only_fields = fields


def _require(request, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied()


class Deliveries(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("subscription", int, required=False)],
        responses=page_schema("WebhookDeliveryPage", DeliverySerializer, previous=True),
        operation_id="webhook_deliveries",
    )
    def get(self, request):
        _require(request, VIEW)
        raw = request.query_params.get("subscription", "").strip()
        if raw and not (raw.isascii() and raw.isdigit() and len(raw) < 19):
            raise ValidationFailed(details={"subscription": [_("Give the subscription's number.")]})
        subscription = int(raw) if raw else None
        paginator = NewestFirst()
        page = paginator.paginate_queryset(
            selectors.deliveries(subscription_id=subscription), request, view=self
        )
        return paginator.get_paginated_response(DeliverySerializer(page, many=True).data)


class Replay(APIView):
    @extend_schema(request=None, responses={201: DeliverySerializer}, operation_id="webhook_delivery_replay")
    def post(self, request, reference):
        _require(request, RETRY)
        delivery = selectors.deliveries().filter(reference=reference).first()
        if delivery is None:
            raise NotFound()
        row = services.webhook_replay(delivery=delivery, actor=request.user)
        return Response(DeliverySerializer(row).data, status=status.HTTP_201_CREATED)


app_name = "webhooks"
urlpatterns = [
    path("deliveries/", Deliveries.as_view(), name="deliveries"),
    path("deliveries/<uuid:reference>/replay/", Replay.as_view(), name="replay"),
]
