"""``POST /api/v1/tickets/bulk/``: one action on many tickets, through the same service as
the staff list's bulk bar (``apps.tickets.bulk``); kept beside ``api.py``, which is long
enough already."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.models import Department, User
from apps.core.api import FreeTextField, LineField
from apps.core.idempotency import IdempotencyMixin
from apps.core.parsers import JSONParser
from apps.tickets import bulk
from apps.tickets.models import Macro, Tag


class BulkSerializer(serializers.Serializer):
    action = LineField(max_length=20, help_text="assign, move, priority, tags, merge or close")
    tickets = serializers.ListField(
        child=serializers.IntegerField(min_value=1), help_text=_("The ids of the tickets to change.")
    )
    assignee = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False, allow_null=True, help_text="assign"
    )
    department = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.filter(is_active=True), required=False, allow_null=True, help_text="move"
    )
    priority = LineField(max_length=10, required=False, allow_blank=True, default="", help_text="priority")
    add_tags = serializers.PrimaryKeyRelatedField(
        queryset=Tag.objects.all(), many=True, required=False, help_text="tags"
    )
    remove_tags = serializers.PrimaryKeyRelatedField(
        queryset=Tag.objects.all(), many=True, required=False, help_text="tags"
    )
    merge_into = LineField(
        max_length=40,
        required=False,
        allow_blank=True,
        default="",
        help_text="merge: the review number of the ticket the others become duplicates of",
    )
    macro = serializers.PrimaryKeyRelatedField(
        queryset=Macro.objects.all(), required=False, allow_null=True, help_text="close: its reply is sent"
    )
    reason = FreeTextField(required=False, allow_blank=True, default="")


class BulkItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    review_number = serializers.CharField(allow_null=True)


class BulkSkippedSerializer(BulkItemSerializer):
    code = serializers.CharField()
    message = serializers.CharField()


class BulkResultSerializer(serializers.Serializer):
    action = serializers.CharField()
    done = BulkItemSerializer(many=True)
    skipped = BulkSkippedSerializer(many=True, help_text=_("Each with the reason it was left as it was."))
    target = serializers.CharField(allow_null=True, help_text="merge: the original's review number")


class TicketBulkAPI(IdempotencyMixin, APIView):
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        summary="One action on many tickets; each is checked on its own and reported done or skipped",
        request=BulkSerializer,
        responses={200: BulkResultSerializer},
        operation_id="tickets_bulk",
    )
    def post(self, request):
        serializer = BulkSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        result = bulk.ticket_bulk_apply(
            actor=request.user,
            ticket_ids=data.pop("tickets"),
            action=data.pop("action"),
            **data,
        )
        return Response(result.as_dict())
