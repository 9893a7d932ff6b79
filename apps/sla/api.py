"""Read-only API of the SLA engine: the calendar's working days, and the policies."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.sla import selectors
from apps.sla.models import Policy, PolicyVersion


@extend_schema_field(
    {"type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]$", "example": "07:30", "nullable": True}
)
class HourMinuteField(serializers.TimeField):
    """A time of day as HH:MM. OpenAPI's ``format: time`` is RFC 3339's full time (seconds
    and an offset, ``07:30:00+03:00``), which these values are not."""

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class DaySerializer(serializers.Serializer):
    date = serializers.DateField()
    weekday = serializers.SerializerMethodField()
    status = serializers.CharField(help_text="working, weekend, holiday or closure")
    working = serializers.BooleanField(source="is_working")
    opens = HourMinuteField(allow_null=True)
    closes = HourMinuteField(allow_null=True)
    shortened = serializers.BooleanField(help_text="working with shortened hours (e.g. Ramadan)")
    estimated = serializers.BooleanField(help_text="a holiday whose date is still an estimate")
    name_ar = serializers.CharField()
    name_en = serializers.CharField()

    def get_weekday(self, day) -> str:
        return day.date.strftime("%A").lower()


class WorkingDaysSerializer(serializers.Serializer):
    """Documents the response; "from" and "to" are Python keywords, hence ``get_fields``."""

    time_zone = serializers.CharField()
    working_days = serializers.IntegerField()
    days = DaySerializer(many=True)

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = serializers.DateField()
        fields["to"] = serializers.DateField()
        return fields


class WorkingDaysView(APIView):
    """Each date of a range with its status and working hours, for systems that plan around them."""

    @extend_schema(
        operation_id="sla_calendar_working_days",
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATE, required=True, description="first date, YYYY-MM-DD"),
            OpenApiParameter(
                "to",
                OpenApiTypes.DATE,
                required=True,
                description=f"last date (at most {selectors.MAX_RANGE_DAYS} days)",
            ),
        ],
        responses=WorkingDaysSerializer,
    )
    def get(self, request):
        first, last, days = selectors.working_days(
            start=request.query_params.get("from"), end=request.query_params.get("to")
        )
        return Response(
            {
                "from": first.isoformat(),
                "to": last.isoformat(),
                "time_zone": selectors.get_calendar().config.time_zone,
                "working_days": sum(1 for day in days if day.is_working),
                "days": DaySerializer(days, many=True).data,
            }
        )


class PolicyVersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = PolicyVersion
        fields = [
            "id",
            "number",
            "effective_from",
            "retired",
            "acknowledgement_value",
            "acknowledgement_unit",
            "first_response_value",
            "first_response_unit",
            "resolution_value",
            "resolution_unit",
        ]


class PolicySerializer(serializers.ModelSerializer):
    versions = PolicyVersionSerializer(many=True, read_only=True)

    class Meta:
        model = Policy
        fields = ["id", "name_ar", "name_en", "kind", "channel", "priority", "versions"]


class PolicyListView(ListAPIView):
    """Every SLA policy with all its versions, newest first (read-only)."""

    serializer_class = PolicySerializer
    pagination_class = None  # a few dozen rows at most

    def get_queryset(self):
        return selectors.policy_list()
