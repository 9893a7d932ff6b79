"""``GET /api/v1/reports/monthly/?month=YYYY-MM``: the monthly statement as JSON keyed by
figure code, with both languages' labels and definitions, the previous month, the change
and the year to date; once published, the published values and any revision since."""

from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api import LineField
from apps.reports import exports, selectors
from apps.reports.navigation import VIEW_PERMISSION
from apps.reports.statement import monthly_statement


class CanViewStatement(permissions.BasePermission):
    def has_permission(self, request, view):
        return bool(request.user and request.user.has_perm(VIEW_PERMISSION))


_NUMBER = serializers.FloatField(allow_null=True)


class FigureSerializer(serializers.Serializer):
    group = LineField()
    label_ar = LineField()
    label_en = LineField()
    definition_ar = LineField()
    definition_en = LineField()
    unit = serializers.ChoiceField(choices=["count", "percent", "minutes", "difference"])
    change_unit = serializers.ChoiceField(choices=["pct", "pt", "diff"], allow_null=True)
    value = serializers.FloatField(allow_null=True, help_text="Empty for a rate with no denominator.")
    previous = serializers.FloatField(allow_null=True)
    change = serializers.FloatField(allow_null=True, help_text="Δ% (pct), Δpt (pt) or a difference (diff).")
    ytd = serializers.IntegerField(allow_null=True, help_text="Since 1 January, where the figure is marked.")
    confidential = serializers.BooleanField()
    published = serializers.FloatField(
        allow_null=True, required=False, help_text="The published value, when the month is published."
    )
    revised = serializers.BooleanField(
        required=False, help_text="True when the records changed the figure after publication."
    )


class GroupSerializer(serializers.Serializer):
    key = LineField()
    label_ar = LineField()
    label_en = LineField()
    codes = serializers.ListField(child=LineField())


StatementSerializer = inline_serializer(
    "MonthlyStatement",
    fields={
        "month": LineField(),
        "previous_month": LineField(),
        "computed_at": serializers.DateTimeField(),
        "status": serializers.ChoiceField(choices=["none", "draft", "approved", "published"]),
        "published_at": serializers.DateTimeField(allow_null=True),
        "checksum": LineField(allow_null=True),
        "revised_codes": serializers.ListField(child=LineField()),
        "groups": GroupSerializer(many=True),
        "figures": serializers.DictField(child=FigureSerializer()),
    },
)

ErrorSerializer = inline_serializer(
    "ReportError",
    fields={"code": LineField(), "message": LineField(), "details": serializers.DictField()},
)


class MonthlyStatementAPI(APIView):
    permission_classes = [CanViewStatement]

    @extend_schema(
        summary="The monthly statement: every figure by code, with definitions in Arabic and English",
        parameters=[
            OpenApiParameter(
                "month",
                str,
                description="The month as YYYY-MM (Bahrain time); default the previous month. "
                "A malformed month, a future month or a month before any record is a 400.",
                pattern=r"^[0-9]{4}-[0-9]{1,2}$",
            )
        ],
        responses={
            200: StatementSerializer,
            400: OpenApiResponse(
                ErrorSerializer, description="invalid_month, future_month, month_before_data"
            ),
        },
    )
    def get(self, request):
        month = selectors.resolve_month(request.query_params.get("month"))
        statement = monthly_statement(month)
        return Response(exports.as_json(statement, record=selectors.statement_record(month)))


urlpatterns = [path("monthly/", MonthlyStatementAPI.as_view(), name="reports-monthly")]
