"""The campaigns API: campaigns and their status, targets (bulk add, file import, pages),
"next call", dispositions, the supervisor's figures and the statement figure
``calls.outbound``. Errors are ``{"code", "message", "details"}`` (apps.core.api)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import permissions, serializers, status
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.campaigns import imports, selectors, services
from apps.campaigns.models import Attempt, Campaign, Disposition, Kind, Target
from apps.core.api import FreeTextField, LineField
from apps.core.errors import ValidationFailed
from apps.core.idempotency import IdempotencyMixin
from apps.sla.api import HourMinuteField

MAX_BATCH = 10_000


class CanManage(permissions.BasePermission):
    def has_permission(self, request, view):
        return selectors.can_manage(request.user)


class CanWork(permissions.BasePermission):
    def has_permission(self, request, view):
        return selectors.can_work(request.user) or selectors.can_manage(request.user)


class CampaignSerializer(serializers.ModelSerializer):
    purpose = serializers.SlugRelatedField(slug_field="code", read_only=True)
    # HH:MM, documented as such: OpenAPI's "time" format would demand seconds and an offset.
    calling_opens = HourMinuteField()
    calling_closes = HourMinuteField()

    class Meta:
        model = Campaign
        fields = [
            "id",
            "name_ar",
            "name_en",
            "kind",
            "purpose",
            "status",
            "starts_on",
            "ends_on",
            "calling_days",
            "calling_opens",
            "calling_closes",
            "max_attempts",
            "min_gap_minutes",
            "script_ar",
            "script_en",
            "fallback_sms_ar",
            "fallback_sms_en",
            "created_at",
        ]
        read_only_fields = ["id", "purpose", "status", "created_at"]


class CampaignInSerializer(serializers.Serializer):
    name_ar = LineField(max_length=200)
    name_en = LineField(max_length=200, required=False, allow_blank=True)
    kind = serializers.ChoiceField(choices=Kind.choices)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    calling_days = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=6),
        required=False,
        help_text="Python weekday numbers: Monday 0 … Sunday 6 (default Sunday–Thursday).",
    )
    calling_opens = serializers.TimeField(required=False)
    calling_closes = serializers.TimeField(required=False)
    max_attempts = serializers.IntegerField(required=False)
    min_gap_minutes = serializers.IntegerField(required=False)
    script_ar = FreeTextField(required=False, allow_blank=True)
    script_en = FreeTextField(required=False, allow_blank=True)
    fallback_sms_ar = FreeTextField(required=False, allow_blank=True)
    fallback_sms_en = FreeTextField(required=False, allow_blank=True)


class TargetSerializer(serializers.ModelSerializer):
    class Meta:
        model = Target
        fields = [
            "id",
            "cpr",
            "name",
            "phones",
            "fields",
            "status",
            "exclusion",
            "exclusion_detail",
            "attempts",
            "next_due_at",
            "last_disposition",
            "last_attempt_at",
            "reached_at",
            "answer",
            "citizen",
        ]


class TargetRowSerializer(serializers.Serializer):
    """One row of a bulk add (the same columns as a file; checked by the import pipeline)."""

    cpr = LineField()
    name = LineField()
    phone = LineField()
    phone2 = LineField(required=False)
    phone3 = LineField(required=False)
    project = LineField(required=False)
    draw_date = LineField(required=False, help_text="YYYY-MM-DD or DD/MM/YYYY")
    draw_time = LineField(required=False)
    place = LineField(required=False)
    branch = LineField(required=False)
    document = LineField(required=False)
    notes = FreeTextField(required=False)


class DispositionInSerializer(serializers.Serializer):
    disposition = serializers.ChoiceField(choices=Disposition.choices)
    notes = FreeTextField(required=False, allow_blank=True, max_length=5000)
    callback_at = serializers.DateTimeField(required=False, allow_null=True)
    callback_mine = serializers.BooleanField(required=False, default=True)
    answer = serializers.ChoiceField(choices=Target.Answer.choices, required=False, allow_blank=True)
    do_not_call = serializers.BooleanField(required=False, default=False)
    branch = serializers.IntegerField(required=False, help_text="Hand-over: the branch of the appointment.")
    slot_start = serializers.DateTimeField(required=False, help_text="Hand-over: the slot's start.")


class AttemptSerializer(serializers.ModelSerializer):
    agent = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Attempt
        fields = [
            "id",
            "target",
            "number",
            "agent",
            "disposition",
            "phone",
            "at",
            "callback_at",
            "answer",
            "contact",
        ]


ReportSerializer = inline_serializer(
    "CampaignImportReport",
    {
        "summary": inline_serializer(
            "CampaignImportSummary",
            {
                "received": serializers.IntegerField(),
                "added": serializers.IntegerField(),
                "merged": serializers.IntegerField(),
                "excluded": serializers.IntegerField(),
                "rejected": serializers.IntegerField(),
            },
        ),
        "merged": serializers.ListField(child=serializers.DictField()),
        "excluded": serializers.ListField(child=serializers.DictField()),
        "rejected": serializers.ListField(
            child=inline_serializer(
                "CampaignImportReject",
                {
                    "line": serializers.IntegerField(),
                    "field": LineField(),
                    "code": LineField(),
                    "reason": LineField(),
                },
            )
        ),
    },
)


def _validated(serializer_class, data, **kwargs):
    serializer = serializer_class(data=data, **kwargs)
    if not serializer.is_valid():
        raise ValidationFailed(details=serializer.errors)
    return serializer.validated_data


class CampaignListCreate(IdempotencyMixin, APIView):
    permission_classes = [CanWork]

    @extend_schema(responses=CampaignSerializer(many=True), summary="Campaigns the caller may see")
    def get(self, request):
        return Response(CampaignSerializer(selectors.campaigns_for(viewer=request.user), many=True).data)

    @extend_schema(
        request=CampaignInSerializer, responses={201: CampaignSerializer}, summary="Create a draft"
    )
    def post(self, request):
        if not selectors.can_manage(request.user):
            self.permission_denied(request)
        data = _validated(CampaignInSerializer, request.data)
        campaign = services.campaign_create(actor=request.user, **data)
        return Response(CampaignSerializer(campaign).data, status=status.HTTP_201_CREATED)


class CampaignDetail(APIView):
    permission_classes = [CanWork]

    @extend_schema(responses=CampaignSerializer)
    def get(self, request, campaign_id: int):
        return Response(
            CampaignSerializer(selectors.campaign_for(campaign_id=campaign_id, viewer=request.user)).data
        )

    @extend_schema(request=CampaignInSerializer(partial=True), responses=CampaignSerializer)
    def patch(self, request, campaign_id: int):
        if not selectors.can_manage(request.user):
            self.permission_denied(request)
        campaign = selectors.campaign_for(campaign_id=campaign_id, viewer=request.user)
        data = _validated(CampaignInSerializer, request.data, partial=True)
        campaign = services.campaign_update(campaign=campaign, actor=request.user, **data)
        return Response(CampaignSerializer(campaign).data)


class CampaignTransition(IdempotencyMixin, APIView):
    permission_classes = [CanManage]

    @extend_schema(
        request=inline_serializer(
            "CampaignTransitionIn",
            {
                "to_status": serializers.ChoiceField(choices=Campaign.Status.choices),
                "reason": LineField(required=False),
            },
        ),
        responses=CampaignSerializer,
        summary="Start, pause, resume or finish",
    )
    def post(self, request, campaign_id: int):
        campaign = selectors.campaign_for(campaign_id=campaign_id, viewer=request.user)
        campaign = services.campaign_transition(
            campaign=campaign,
            to_status=str(request.data.get("to_status", "")),
            reason=str(request.data.get("reason", ""))[:1000],
            actor=request.user,
        )
        return Response(CampaignSerializer(campaign).data)


class CampaignTargets(IdempotencyMixin, APIView):
    permission_classes = [CanManage]
    parser_classes = [JSONParser]

    @extend_schema(
        parameters=[
            OpenApiParameter(name, OpenApiTypes.STR, required=False) for name in (*selectors.FILTERS, "after")
        ],
        responses=inline_serializer(
            "CampaignTargetPage",
            {"results": TargetSerializer(many=True), "next_after": serializers.IntegerField(allow_null=True)},
        ),
        summary="Targets behind a figure (keyset pages by id)",
    )
    def get(self, request, campaign_id: int):
        campaign = selectors.campaign_for(campaign_id=campaign_id, viewer=request.user)
        params = {k: request.query_params.get(k, "") for k in selectors.FILTERS}
        after = request.query_params.get("after") or ""
        page, next_after = selectors.target_page(
            campaign=campaign, params=params, after=int(after) if after.isdigit() else None, limit=200
        )
        return Response({"results": TargetSerializer(page, many=True).data, "next_after": next_after})

    @extend_schema(
        request=TargetRowSerializer(many=True),
        responses=ReportSerializer,
        summary="Bulk add targets (≤ 10,000 rows; `line` in the report is the row's position from 1)",
    )
    def post(self, request, campaign_id: int):
        campaign = selectors.campaign_for(campaign_id=campaign_id, viewer=request.user)
        rows = request.data
        if not isinstance(rows, list):
            raise ValidationFailed(_("Send a JSON array of rows."), code="batch_not_array")
        if len(rows) > MAX_BATCH:
            raise ValidationFailed(
                _("A batch may hold at most %(limit)s rows.") % {"limit": MAX_BATCH}, code="batch_too_large"
            )
        records = [
            (
                index,
                {str(k).lower(): "" if v is None else str(v) for k, v in row.items()}
                if isinstance(row, dict)
                else {"__error__": "unreadable"},
            )
            for index, row in enumerate(rows, start=1)
        ]
        report = imports.targets_add(campaign=campaign, records=records, actor=request.user)
        return Response(report.as_dict())


class CampaignTargetImport(IdempotencyMixin, APIView):
    permission_classes = [CanManage]
    parser_classes = [MultiPartParser]

    @extend_schema(
        request={
            "multipart/form-data": inline_serializer(
                "CampaignTargetFile",
                {"file": serializers.FileField(), "encoding": LineField(required=False)},
            )
        },
        responses=ReportSerializer,
        summary="Import targets from a CSV or XLSX file",
    )
    def post(self, request, campaign_id: int):
        campaign = selectors.campaign_for(campaign_id=campaign_id, viewer=request.user)
        upload = request.FILES.get("file")
        if upload is None:
            raise ValidationFailed(
                _("Attach the file."), code="file_required", details={"file": [_("Required.")]}
            )
        report = imports.targets_import_file(
            campaign=campaign,
            data=upload.read(),
            filename=upload.name,
            encoding=request.data.get("encoding") or None,
            actor=request.user,
        )
        return Response(report.as_dict())


class CampaignNext(APIView):
    permission_classes = [CanWork]

    @extend_schema(
        request=None,
        responses={200: TargetSerializer, 204: OpenApiResponse(description="Nothing is due now.")},
        summary="Next call: claim the next due target",
    )
    def post(self, request, campaign_id: int):
        campaign = selectors.campaign_for(campaign_id=campaign_id, viewer=request.user)
        target = services.target_claim_next(campaign=campaign, actor=request.user)
        if target is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(TargetSerializer(target).data)


class TargetDisposition(IdempotencyMixin, APIView):
    permission_classes = [CanWork]

    @extend_schema(
        request=DispositionInSerializer, responses={201: AttemptSerializer}, summary="Record a disposition"
    )
    def post(self, request, target_id: int):
        target = selectors.target_for(target_id=target_id, viewer=request.user)
        data = dict(_validated(DispositionInSerializer, request.data))
        branch, slot_start = data.pop("branch", None), data.pop("slot_start", None)
        booking = {"branch": branch, "slot_start": slot_start} if branch and slot_start else None
        attempt = services.target_record_disposition(
            target=target, actor=request.user, booking=booking, **data
        )
        return Response(AttemptSerializer(attempt).data, status=status.HTTP_201_CREATED)


class CampaignFigures(APIView):
    permission_classes = [CanManage]

    @extend_schema(
        responses=inline_serializer(
            "CampaignFigures",
            {
                "targets": serializers.IntegerField(),
                "excluded": serializers.IntegerField(),
                "attempted": serializers.IntegerField(),
                "reached": serializers.IntegerField(),
                "done": serializers.IntegerField(),
                "refused": serializers.IntegerField(),
                "exhausted": serializers.IntegerField(),
                "unreachable": serializers.IntegerField(),
                "due": serializers.IntegerField(),
                "in_call": serializers.IntegerField(),
                "attempts": serializers.IntegerField(),
                "attempts_per_target": serializers.ListField(child=serializers.DictField()),
                "by_hour": serializers.ListField(child=serializers.DictField()),
                "by_agent": serializers.ListField(child=serializers.DictField()),
                "by_disposition": serializers.DictField(child=serializers.IntegerField()),
            },
        ),
        summary="The supervisor's figures",
    )
    def get(self, request, campaign_id: int):
        campaign = selectors.campaign_for(campaign_id=campaign_id, viewer=request.user)
        f = selectors.campaign_figures(campaign=campaign)
        names = ("targets", "excluded", "attempted", "reached", "done", "refused", "exhausted", "unreachable")
        body = {name: getattr(f, name) for name in (*names, "due", "in_call", "attempts")}
        body["attempts_per_target"] = [{"attempts": a, "targets": n} for a, n in f.attempts_per_target]
        body["by_hour"] = f.by_hour
        body["by_agent"] = f.by_agent
        body["by_disposition"] = {value: count for value, _label, count in f.by_disposition}
        return Response(body)


class OutboundCalls(APIView):
    permission_classes = [CanManage]

    @extend_schema(
        parameters=[
            OpenApiParameter("month", OpenApiTypes.STR, required=True, description="YYYY-MM (Bahrain time)")
        ],
        responses=inline_serializer(
            "OutboundCallsFigure",
            {
                "code": LineField(),
                "month": LineField(),
                "total": serializers.IntegerField(),
                "groups": serializers.DictField(child=serializers.IntegerField()),
                "campaigns": serializers.ListField(child=serializers.DictField()),
                "hand_logged": serializers.IntegerField(),
            },
        ),
        summary="Statement figure calls.outbound for a month",
    )
    def get(self, request):
        text = request.query_params.get("month") or ""
        try:
            year, month = (int(part) for part in text.split("-"))
            start = dt.datetime(year, month, 1, tzinfo=ZoneInfo("Asia/Bahrain"))
        except ValueError:
            raise ValidationFailed(
                details={"month": [_("Give the month as YYYY-MM.")]}, code="invalid_month"
            ) from None
        end = (start + dt.timedelta(days=32)).replace(day=1)
        return Response(
            {"code": "calls.outbound", "month": text, **selectors.outbound_calls(start=start, end=end)}
        )
