"""REST API of the committee under /api/v1/committee/: the pending pool, a referral,
a meeting with its decisions, and the month's figures. Writes go through services."""

from __future__ import annotations

from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.committee import selectors, services, texts
from apps.committee.models import Decision, Meeting, Referral
from apps.core.api import FreeTextField, LineField, page_schema
from apps.core.errors import ValidationFailed
from apps.core.parsing import parse_month

app_name = "committee"


class ReferralSerializer(serializers.ModelSerializer):
    citizen_name = serializers.SerializerMethodField()
    citizen_cpr_masked = serializers.SerializerMethodField()
    age_days = serializers.SerializerMethodField()

    class Meta:
        model = Referral
        fields = [
            "id",
            "reference",
            "subject",
            "summary",
            "housing_application_number",
            "source_kind",
            "source_reference",
            "status",
            "referred_at",
            "deferral_count",
            "age_days",
            "citizen_name",
            "citizen_cpr_masked",
            "appeal_of",
        ]

    def get_citizen_name(self, obj) -> str:
        return obj.citizen.display_name()

    def get_citizen_cpr_masked(self, obj) -> str:
        return obj.citizen.masked_cpr

    def get_age_days(self, obj) -> int:
        return obj.age_days()


class ReferralCreateSerializer(serializers.Serializer):
    cpr = LineField(max_length=20)
    subject = LineField(max_length=300)
    summary = FreeTextField()
    housing_application_number = LineField(max_length=30, required=False, allow_blank=True)
    citizen_name_ar = LineField(max_length=200, required=False, allow_blank=True)


class DecisionSerializer(serializers.ModelSerializer):
    text = serializers.SerializerMethodField()
    referral_reference = serializers.CharField(source="referral.reference")

    class Meta:
        model = Decision
        fields = [
            "id",
            "referral",
            "referral_reference",
            "outcome",
            "text",
            "conditions",
            "rejection_reason",
            "needs",
            "amends",
            "amendment_reason",
            "is_final",
            "final_at",
            "recorded_at",
        ]

    def get_text(self, obj) -> str:
        return texts.decision_text(obj, self.context.get("language", "ar"))


class MeetingSerializer(serializers.ModelSerializer):
    agenda = serializers.SerializerMethodField()
    decisions = serializers.SerializerMethodField()

    class Meta:
        model = Meeting
        fields = [
            "id",
            "year",
            "number",
            "date",
            "place",
            "status",
            "quorum_reached",
            "signed_at",
            "agenda",
            "decisions",
        ]

    def get_agenda(self, obj) -> list[str]:
        return [item.referral.reference for item in self.context["minutes"].items]

    def get_decisions(self, obj) -> list[dict]:
        rows = []
        for item in self.context["minutes"].decided:
            for decision in [item.decision, *item.amendments]:
                decision.referral = item.referral
                rows.append(DecisionSerializer(decision, context=self.context).data)
        return rows


class FiguresSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    month = serializers.IntegerField()
    referred = serializers.IntegerField()
    meetings_held = serializers.IntegerField()
    approved = serializers.IntegerField()
    rejected = serializers.IntegerField()
    deferred = serializers.IntegerField()
    decided = serializers.IntegerField()
    pending_at_month_end = serializers.IntegerField()
    median_days_to_decision = serializers.FloatField(allow_null=True)
    deferrals_per_referral = serializers.FloatField(allow_null=True)


class PoolView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("cursor", str, description="The next_cursor of the previous page"),
            OpenApiParameter("source", str),
        ],
        responses=page_schema("ReferralPage", ReferralSerializer, next_field="next_cursor"),
        operation_id="committee_referrals_list",
    )
    def get(self, request):
        committee = selectors.default_committee(request.user)
        page = selectors.pending_pool(
            committee=committee,
            viewer=request.user,
            cursor=request.query_params.get("cursor") or None,
            source=request.query_params.get("source") or None,
        )
        return Response(
            {"results": ReferralSerializer(page.rows, many=True).data, "next_cursor": page.next_cursor}
        )

    @extend_schema(request=ReferralCreateSerializer, responses={201: ReferralSerializer})
    def post(self, request):
        committee = selectors.default_committee(request.user)
        incoming = ReferralCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        referral = services.referral_intake(
            committee=committee, actor=request.user, **incoming.validated_data
        )
        return Response(ReferralSerializer(referral).data, status=201)


class ReferralView(APIView):
    @extend_schema(responses=ReferralSerializer)
    def get(self, request, referral_id: int):
        referral = selectors.referral_get(referral_id=referral_id, viewer=request.user)
        return Response(ReferralSerializer(referral).data)


class MeetingView(APIView):
    @extend_schema(responses=MeetingSerializer)
    def get(self, request, meeting_id: int):
        meeting = selectors.meeting_get(meeting_id=meeting_id, viewer=request.user)
        context = {"minutes": selectors.meeting_minutes(meeting=meeting), "language": request.LANGUAGE_CODE}
        return Response(MeetingSerializer(meeting, context=context).data)


class FiguresView(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("month", str, description="YYYY-MM")], responses=FiguresSerializer
    )
    def get(self, request):
        committee = selectors.default_committee(request.user)
        parsed = parse_month(request.query_params.get("month"))
        if parsed is None:
            raise ValidationFailed(
                _("Give the month as YYYY-MM."), code="invalid_month", details={"month": [_("Required.")]}
            )
        year, month = parsed
        figures = selectors.month_figures(year=year, month=month, committee=committee)
        return Response(FiguresSerializer({**figures.__dict__, "decided": figures.decided}).data)


urlpatterns = [
    path("referrals/", PoolView.as_view(), name="referrals"),
    path("referrals/<int:referral_id>/", ReferralView.as_view(), name="referral"),
    path("meetings/<int:meeting_id>/", MeetingView.as_view(), name="meeting"),
    path("figures/", FiguresView.as_view(), name="figures"),
]
