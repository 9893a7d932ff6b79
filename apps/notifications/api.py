"""REST API: the outbox for supervisors, a person's messages for their timeline, and the
signed-in member of staff's own notifications. Mounted at /api/v1/notifications/."""

from __future__ import annotations

from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api import LineField, page_schema
from apps.notifications import selectors, services
from apps.notifications.choices import Channel, State
from apps.notifications.models import Notification


class NewestFirst(CursorPagination):
    ordering = "-id"
    page_size = 50


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = [
            "id",
            "reference",
            "event",
            "channel",
            "state",
            "language",
            "essential",
            "recipient_ref",
            "to_phone",
            "to_email",
            "subject",
            "body",
            "attempts",
            "error_code",
            "last_error",
            "provider_message_id",
            "send_after",
            "sent_at",
            "failed_at",
            "created_at",
            "resent_from",
        ]
        read_only_fields = fields


class InboxItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "event", "subject", "body", "link_url", "created_at", "read_at"]
        read_only_fields = fields


class OutboxFilterSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=State.choices, required=False)
    channel = serializers.ChoiceField(choices=Channel.choices, required=False)
    event = LineField(required=False, max_length=64)
    search = LineField(required=False, max_length=254)


class ResendSerializer(serializers.Serializer):
    to_phone = LineField(required=False, allow_blank=True, max_length=32)
    to_email = serializers.EmailField(required=False, allow_blank=True)


class MessagesForSerializer(serializers.Serializer):
    phone = LineField(required=False, allow_blank=True, max_length=32)
    email = LineField(required=False, allow_blank=True, max_length=254)
    ref = LineField(required=False, allow_blank=True, max_length=100)

    def validate(self, data):
        if not any(data.get(key) for key in ("phone", "email", "ref")):
            raise serializers.ValidationError(_("Give a phone number, an e-mail address or a reference."))
        return data


class OutboxList(APIView):
    @extend_schema(
        parameters=[OutboxFilterSerializer],
        responses=page_schema("OutboxPage", NotificationSerializer, previous=True),
        operation_id="outbox_list",
    )
    def get(self, request):
        filters = OutboxFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        rows = selectors.outbox(viewer=request.user, **filters.validated_data)
        paginator = NewestFirst()
        page = paginator.paginate_queryset(rows, request, view=self)
        return paginator.get_paginated_response(NotificationSerializer(page, many=True).data)


class OutboxDetail(APIView):
    @extend_schema(responses=NotificationSerializer, operation_id="outbox_retrieve")
    def get(self, request, pk: int):
        return Response(
            NotificationSerializer(selectors.outbox_notification(viewer=request.user, pk=pk)).data
        )


class OutboxResend(APIView):
    @extend_schema(
        request=ResendSerializer, responses={201: NotificationSerializer}, operation_id="outbox_resend"
    )
    def post(self, request, pk: int):
        row = selectors.outbox_notification(viewer=request.user, pk=pk)
        payload = ResendSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        new_row = services.notification_resend(notification=row, actor=request.user, **payload.validated_data)
        return Response(NotificationSerializer(new_row).data, status=status.HTTP_201_CREATED)


class MessagesFor(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("phone", str, required=False),
            OpenApiParameter("email", str, required=False),
            OpenApiParameter("ref", str, required=False),
        ],
        responses=page_schema("MessagePage", NotificationSerializer, previous=True),
        operation_id="messages_for",
    )
    def get(self, request):
        query = MessagesForSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        rows = selectors.messages_for(viewer=request.user, **query.validated_data)
        paginator = NewestFirst()
        page = paginator.paginate_queryset(rows, request, view=self)
        return paginator.get_paginated_response(NotificationSerializer(page, many=True).data)


class Inbox(APIView):
    @extend_schema(
        responses=page_schema(
            "InboxPage", InboxItemSerializer, previous=True, extra={"unread": serializers.IntegerField()}
        ),
        operation_id="inbox_list",
    )
    def get(self, request):
        rows = selectors.inbox_for(user=request.user, limit=None)
        paginator = NewestFirst()
        page = paginator.paginate_queryset(rows, request, view=self)
        response = paginator.get_paginated_response(InboxItemSerializer(page, many=True).data)
        response.data["unread"] = selectors.unread_count(user=request.user)
        return response


class InboxRead(APIView):
    @extend_schema(request=None, responses=InboxItemSerializer, operation_id="inbox_read")
    def post(self, request, pk: int):
        row = selectors.inbox_notification(user=request.user, pk=pk)
        services.notification_mark_read(notification=row, actor=request.user)
        return Response(InboxItemSerializer(row).data)


app_name = "notifications"

urlpatterns = [
    path("outbox/", OutboxList.as_view(), name="outbox"),
    path("outbox/<int:pk>/", OutboxDetail.as_view(), name="outbox_detail"),
    path("outbox/<int:pk>/resend/", OutboxResend.as_view(), name="outbox_resend"),
    path("messages/", MessagesFor.as_view(), name="messages_for"),
    path("inbox/", Inbox.as_view(), name="inbox"),
    path("inbox/<int:pk>/read/", InboxRead.as_view(), name="inbox_read"),
]
