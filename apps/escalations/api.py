"""The "Under Your Command" REST API (``/api/v1/uyc/``).

- ``cases/…``: the management queue, one case (its read logged) and every action on it —
  senior management, their active deputies and administrators; anyone else 403 (a list)
  or 404 (a case).
- ``escalate/``: agents and supervisors send a ticket up, with a reason.
- ``questions/…``: a department's officers read and answer the questions asked of them.
- ``figures/``, ``access-log/``, ``delegations/…``: the month's figures, who read which case,
  a senior manager's delegations.
- ``public/code/`` and ``public/submit/``: the citizen's form, for the ministry's apps.

Errors are ``{"code", "message", "details"}``; every POST honours ``Idempotency-Key``.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.models import Department, User
from apps.core import parsing
from apps.core.api import FreeTextField, LineField, page_schema
from apps.core.clients import client_ip
from apps.core.errors import NotFound, PermissionDenied, ValidationFailed
from apps.core.idempotency import IdempotencyMixin
from apps.escalations import selectors, services
from apps.escalations.forms import QueueFilterForm
from apps.escalations.models import EscalationAccess, Priority
from apps.escalations.workflow import Status, plain_moves
from apps.tickets import selectors as ticket_selectors

# --- output --------------------------------------------------------------------------


class UycPersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField(source="display_name")


class UycCaseSummarySerializer(serializers.Serializer):
    """A queue row: no summary, no message, no decision — just what sorts and finds it."""

    id = serializers.IntegerField()
    url = serializers.SerializerMethodField()
    review_number = serializers.CharField(source="ticket.review_number")
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    source = serializers.CharField()
    priority = serializers.CharField()
    owner = UycPersonSerializer(allow_null=True)
    citizen_name = serializers.SerializerMethodField()
    received_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField()
    days_left = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()

    def get_url(self, case) -> str:
        return reverse("api:uyc-case", args=[case.pk])

    def get_citizen_name(self, case) -> str | None:
        return case.citizen.display_name() if case.citizen_id else None

    def get_days_left(self, case) -> int:
        return case.days_left(now=self.context.get("now"))

    def get_overdue(self, case) -> bool:
        return case.is_overdue(now=self.context.get("now"))


class UycEventSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    kind_label = serializers.CharField(source="get_kind_display")
    at = serializers.DateTimeField()
    actor = UycPersonSerializer(allow_null=True)
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    body = serializers.CharField()
    data = serializers.JSONField()


class UycInformationRequestSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    department = serializers.CharField(source="department.code")
    question = serializers.CharField()
    status = serializers.CharField()
    requested_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField()
    answer = serializers.CharField()
    answered_at = serializers.DateTimeField(allow_null=True)


class UycCaseDetailSerializer(UycCaseSummarySerializer):
    """The whole case, internal texts included: senior management only."""

    ticket_id = serializers.IntegerField()
    subject = serializers.CharField(source="ticket.subject")
    message = serializers.CharField(source="ticket.description")
    reason = serializers.CharField()
    summary = serializers.CharField()
    extra_allowance_days = serializers.SerializerMethodField()
    decision_public = serializers.CharField()
    decision_internal = serializers.CharField()
    decided_at = serializers.DateTimeField(allow_null=True)
    informed_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    committee_reference = serializers.CharField()
    allowed_transitions = serializers.SerializerMethodField()
    events = serializers.SerializerMethodField()
    information_requests = serializers.SerializerMethodField()

    def get_extra_allowance_days(self, case) -> float:
        return round(case.extra_allowance.total_seconds() / 86400, 2)

    def get_allowed_transitions(self, case) -> list[str]:
        return [s.value for s in plain_moves(case.status)]

    def get_events(self, case) -> list[dict]:
        return UycEventSerializer(selectors.case_events(escalation=case), many=True).data

    def get_information_requests(self, case) -> list[dict]:
        return UycInformationRequestSerializer(
            selectors.case_information_requests(escalation=case), many=True
        ).data


class UycQuestionSerializer(serializers.Serializer):
    """What a department sees: the question and its own answer, nothing else of the case."""

    id = serializers.IntegerField()
    review_number = serializers.CharField(source="escalation.ticket.review_number")
    question = serializers.CharField()
    status = serializers.CharField()
    requested_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField()
    answer = serializers.CharField()
    answered_at = serializers.DateTimeField(allow_null=True)


class UycFigureSerializer(serializers.Serializer):
    received = serializers.IntegerField()
    decided = serializers.IntegerField()
    informed = serializers.IntegerField()
    informed_within_30_days = serializers.IntegerField()
    informed_within_30_days_pct = serializers.FloatField(allow_null=True)
    median_days_to_decision = serializers.FloatField(allow_null=True)
    open_past_30_days = serializers.IntegerField()


class UycFiguresSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    total = UycFigureSerializer()
    by_source = serializers.DictField(child=UycFigureSerializer())


class UycAccessSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    user = UycPersonSerializer()
    case = serializers.IntegerField(source="escalation_id")
    review_number = serializers.CharField(source="escalation.ticket.review_number")
    via = serializers.CharField()


class UycDelegationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    delegator = UycPersonSerializer()
    deputy = UycPersonSerializer()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    reason = serializers.CharField()
    revoked_at = serializers.DateTimeField(allow_null=True)


class UycReceiptSerializer(serializers.Serializer):
    review_number = serializers.CharField()
    received_at = serializers.DateTimeField()


class UycBulkResultSerializer(serializers.Serializer):
    changed = serializers.IntegerField()


# --- input ---------------------------------------------------------------------------


class OwnerInput(serializers.Serializer):
    owner = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True), allow_null=True)


class BulkAssignInput(OwnerInput):
    escalations = serializers.ListField(child=serializers.IntegerField(min_value=1), allow_empty=False)


class NoteInput(serializers.Serializer):
    body = FreeTextField(allow_blank=True)


class SummaryInput(serializers.Serializer):
    summary = FreeTextField(allow_blank=True)
    priority = serializers.ChoiceField(choices=Priority.choices)


class TransitionInput(serializers.Serializer):
    to_status = serializers.ChoiceField(choices=Status.choices)
    reason = FreeTextField(required=False, allow_blank=True, default="")


class ExtendInput(serializers.Serializer):
    new_due = serializers.DateTimeField()
    reason = FreeTextField(required=False, allow_blank=True, default="")


class InformationRequestInput(serializers.Serializer):
    department = serializers.PrimaryKeyRelatedField(queryset=Department.objects.filter(is_active=True))
    question = FreeTextField(allow_blank=True)


class ReferInput(serializers.Serializer):
    committee = serializers.PrimaryKeyRelatedField(queryset=selectors.committees())
    summary = FreeTextField(allow_blank=True)


class DecideInput(serializers.Serializer):
    public_text = FreeTextField(required=False, allow_blank=True, default="")
    internal_text = FreeTextField(required=False, allow_blank=True, default="")


class EscalateInput(serializers.Serializer):
    ticket = serializers.IntegerField(min_value=1)
    reason = FreeTextField(required=False, allow_blank=True, default="")
    summary = FreeTextField(required=False, allow_blank=True, default="")
    priority = serializers.ChoiceField(choices=Priority.choices, required=False, allow_blank=True, default="")


class AnswerInput(serializers.Serializer):
    answer = FreeTextField(allow_blank=True)


class DelegationInput(serializers.Serializer):
    deputy = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True))
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    reason = FreeTextField(required=False, allow_blank=True, default="")


class CitizenMessageInput(serializers.Serializer):
    cpr = LineField(max_length=20)
    mobile = LineField(max_length=30)
    # Checked by the service (complaint, inquiry or suggestion): a plain string here keeps the
    # OpenAPI "kind" enum the tickets' own.
    kind = LineField(max_length=20, help_text=_("complaint, inquiry or suggestion"))
    subject = LineField(max_length=200, allow_blank=True)
    message = FreeTextField(max_length=5000, allow_blank=True)


class CitizenSubmitInput(CitizenMessageInput):
    code = LineField(max_length=12)


def _valid(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


# --- management ----------------------------------------------------------------------


class _Management(APIView):
    """Senior management, their deputies, administrators: anyone else is refused (403)."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not selectors.can_use_queue(request.user):
            raise PermissionDenied()


def _case_response(request, pk: int, status: int = 200) -> Response:
    case = selectors.escalation_get(viewer=request.user, pk=pk, via=EscalationAccess.Via.API)
    return Response(UycCaseDetailSerializer(case, context={"now": timezone.now()}).data, status=status)


class CaseListAPI(_Management):
    @extend_schema(
        summary="The management queue: fewest days left first",
        parameters=[
            OpenApiParameter("status", str, many=True, enum=Status.values),
            OpenApiParameter("owner", str, description="A user id, `me` or `none`."),
            OpenApiParameter("source", str, enum=["citizen", "staff", "sla_breach"]),
            OpenApiParameter("overdue", bool),
            OpenApiParameter("cursor", str),
            OpenApiParameter("page_size", int, description="1 to 100 (default 25)."),
        ],
        responses={200: page_schema("UycCasePage", UycCaseSummarySerializer)},
        operation_id="uyc_cases_list",
    )
    def get(self, request):
        form = QueueFilterForm(request.query_params, viewer=request.user)
        if not form.is_valid():
            raise ValidationFailed(details=form.errors.get_json_data())
        page_size = parsing.page_size(request.query_params.get("page_size"))
        now = timezone.now()
        page = selectors.queue(
            viewer=request.user,
            filters=form.to_filters(),
            cursor=request.query_params.get("cursor") or None,
            page_size=page_size,
            now=now,
        )
        next_url = None
        if page.next_cursor:
            params = request.query_params.copy()
            params["cursor"] = page.next_cursor
            next_url = request.build_absolute_uri(f"{request.path}?{params.urlencode()}")
        rows = UycCaseSummarySerializer(page.items, many=True, context={"now": now}).data
        return Response({"results": rows, "next": next_url})


class CaseDetailAPI(_Management):
    @extend_schema(summary="One case, whole (the read is logged)", responses={200: UycCaseDetailSerializer})
    def get(self, request, pk: int):
        return _case_response(request, pk)


class _CaseAction(IdempotencyMixin, _Management):
    input_class: type[serializers.Serializer] | None = None

    def act(self, request, case, data):  # pragma: no cover - each action defines it
        raise NotImplementedError

    def post(self, request, pk: int):
        data = _valid(self.input_class, request) if self.input_class else {}
        case = selectors.escalation_for_action(viewer=request.user, pk=pk)
        self.act(request, case, data)
        return _case_response(request, pk)


def _action(name: str, input_class, act, summary: str):
    # Each view needs a ``post`` of its own: extend_schema marks the function it is given, so
    # decorating the inherited ``_CaseAction.post`` would give every action the last one's schema.
    @extend_schema(summary=summary, request=input_class, responses={200: UycCaseDetailSerializer})
    def post(self, request, pk: int):
        return _CaseAction.post(self, request, pk)

    return type(
        name,
        (_CaseAction,),
        {
            "input_class": input_class,
            "act": lambda self, request, case, data: act(request, case, data),
            "post": post,
        },
    )


CaseAssignAPI = _action(
    "CaseAssignAPI",
    OwnerInput,
    lambda r, c, d: services.escalation_assign(escalation=c, owner=d["owner"], actor=r.user),
    "Give the case an owner (or none)",
)
CaseNoteAPI = _action(
    "CaseNoteAPI",
    NoteInput,
    lambda r, c, d: services.escalation_note(escalation=c, body=d["body"], actor=r.user),
    "Add a note (senior management only)",
)
CaseSummaryAPI = _action(
    "CaseSummaryAPI",
    SummaryInput,
    lambda r, c, d: services.escalation_update_summary(
        escalation=c, summary=d["summary"], priority=d["priority"], actor=r.user
    ),
    "Write the summary for management and the priority",
)
CaseTransitionAPI = _action(
    "CaseTransitionAPI",
    TransitionInput,
    lambda r, c, d: services.escalation_transition(
        escalation=c, to_status=d["to_status"], actor=r.user, reason=d["reason"]
    ),
    "Move the case (start the study, back to study, close)",
)
CaseExtendAPI = _action(
    "CaseExtendAPI",
    ExtendInput,
    lambda r, c, d: services.escalation_extend(
        escalation=c, new_due=d["new_due"], reason=d["reason"], actor=r.user
    ),
    "Extend the deadline (with a reason the citizen is told)",
)
CaseInformationRequestAPI = _action(
    "CaseInformationRequestAPI",
    InformationRequestInput,
    lambda r, c, d: services.information_request_create(
        escalation=c, department=d["department"], question=d["question"], actor=r.user
    ),
    "Ask a department a question about the case",
)
CaseReferAPI = _action(
    "CaseReferAPI",
    ReferInput,
    lambda r, c, d: services.escalation_refer_to_committee(
        escalation=c, committee=d["committee"], summary=d["summary"], actor=r.user
    ),
    "Refer the case to the housing committee",
)
CaseDecideAPI = _action(
    "CaseDecideAPI",
    DecideInput,
    lambda r, c, d: services.escalation_decide(
        escalation=c, public_text=d["public_text"], internal_text=d["internal_text"], actor=r.user
    ),
    "Record the decision (a public text is required)",
)
CaseInformAPI = _action(
    "CaseInformAPI",
    None,
    lambda r, c, d: services.escalation_inform(escalation=c, actor=r.user),
    "Send the citizen the decision letter",
)


class BulkAssignAPI(IdempotencyMixin, _Management):
    @extend_schema(
        summary="Give several cases one owner (all or none)",
        request=BulkAssignInput,
        responses={200: UycBulkResultSerializer},
    )
    def post(self, request):
        data = _valid(BulkAssignInput, request)
        changed = services.escalation_bulk_assign(
            escalation_ids=data["escalations"], owner=data["owner"], actor=request.user
        )
        return Response({"changed": changed})


class FiguresAPI(APIView):
    @extend_schema(
        summary="The month's figures, overall and by source",
        parameters=[OpenApiParameter("year", int), OpenApiParameter("month", int)],
        responses={200: UycFiguresSerializer},
    )
    def get(self, request):
        if not selectors.sees_everything(request.user):
            raise PermissionDenied()
        today = timezone.localdate()
        year, month = parsing.require_year_month(
            request.query_params.get("year"), request.query_params.get("month"), default=today
        )
        figures = selectors.month_figures(year=year, month=month)
        return Response(
            UycFiguresSerializer(
                {
                    "start": figures.start,
                    "end": figures.end,
                    "total": figures.total,
                    "by_source": figures.by_source,
                }
            ).data
        )


class AccessLogAPI(APIView):
    @extend_schema(
        summary="Who read which case (administrators)",
        parameters=[OpenApiParameter("case", int), OpenApiParameter("user", int)],
        responses={200: UycAccessSerializer(many=True)},
    )
    def get(self, request):
        if not selectors.can_review_access(request.user):
            raise PermissionDenied()
        case = request.query_params.get("case") or ""
        user = request.query_params.get("user") or ""
        rows = selectors.access_log(
            viewer=request.user,
            escalation_id=parsing.to_id(case),
            user_id=parsing.to_id(user),
            limit=500,
        )
        return Response(UycAccessSerializer(rows, many=True).data)


class DelegationListAPI(IdempotencyMixin, APIView):
    @extend_schema(summary="My delegations", responses={200: UycDelegationSerializer(many=True)})
    def get(self, request):
        if not selectors.can_delegate(request.user):
            raise PermissionDenied()
        return Response(
            UycDelegationSerializer(selectors.delegations_of(user=request.user)[:200], many=True).data
        )

    @extend_schema(
        summary="Delegate my queue to a deputy for a period",
        request=DelegationInput,
        responses={201: UycDelegationSerializer},
    )
    def post(self, request):
        if not selectors.can_delegate(request.user):
            raise PermissionDenied()
        data = _valid(DelegationInput, request)
        delegation = services.delegation_create(delegator=request.user, actor=request.user, **data)
        return Response(UycDelegationSerializer(delegation).data, status=201)


class DelegationEndAPI(IdempotencyMixin, APIView):
    @extend_schema(summary="End a delegation now", request=None, responses={200: UycDelegationSerializer})
    def post(self, request, pk: int):
        if not selectors.can_delegate(request.user):
            raise PermissionDenied()
        delegation = selectors.delegations_of(user=request.user).filter(pk=pk).first()
        if delegation is None:
            raise NotFound()
        return Response(
            UycDelegationSerializer(services.delegation_end(delegation=delegation, actor=request.user)).data
        )


# --- agents and supervisors ----------------------------------------------------------


class EscalateAPI(IdempotencyMixin, APIView):
    @extend_schema(
        summary="Send a ticket to senior management, with a reason",
        request=EscalateInput,
        responses={201: UycReceiptSerializer},
    )
    def post(self, request):
        if not selectors.can_escalate(request.user):
            raise PermissionDenied()
        data = _valid(EscalateInput, request)
        ticket = ticket_selectors.ticket_get(viewer=request.user, pk=data["ticket"])
        case = services.escalation_create(
            ticket=ticket,
            reason=data["reason"],
            summary=data["summary"],
            priority=data["priority"],
            actor=request.user,
        )
        # The sender learns only that it is done, and when: the case is not theirs to read.
        return Response({"review_number": ticket.review_number, "received_at": case.received_at}, status=201)


# --- departments ---------------------------------------------------------------------


class QuestionListAPI(APIView):
    @extend_schema(
        summary="Questions asked of my department",
        parameters=[OpenApiParameter("status", str, enum=["open", "all"])],
        responses={200: UycQuestionSerializer(many=True)},
    )
    def get(self, request):
        if not request.user.has_perm(selectors.DEPARTMENT_QUEUE):
            raise PermissionDenied()
        status = "" if request.query_params.get("status") == "all" else "open"
        return Response(
            UycQuestionSerializer(
                selectors.department_requests(viewer=request.user, status=status)[:500], many=True
            ).data
        )


class QuestionAnswerAPI(IdempotencyMixin, APIView):
    @extend_schema(summary="Answer a question", request=AnswerInput, responses={200: UycQuestionSerializer})
    def post(self, request, pk: int):
        if not request.user.has_perm(selectors.DEPARTMENT_QUEUE):
            raise PermissionDenied()
        data = _valid(AnswerInput, request)
        row = selectors.department_request_get(viewer=request.user, pk=pk)
        services.information_request_answer(request=row, answer=data["answer"], actor=request.user)
        return Response(
            UycQuestionSerializer(selectors.department_request_get(viewer=request.user, pk=pk)).data
        )


# --- the citizen ---------------------------------------------------------------------


class _Public(IdempotencyMixin, APIView):
    """No login, no session (so no CSRF), never cached anywhere."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        patch_cache_control(response, no_store=True, no_cache=True, max_age=0, private=True)
        return response


class PublicCodeAPI(_Public):
    @extend_schema(
        summary="Ask for the one-time code (sent only if the CPR's file holds the mobile; same answer either way)",
        request=CitizenMessageInput,
        responses={202: None},
    )
    def post(self, request):
        data = _valid(CitizenMessageInput, request)
        checked = services.uyc_check_message(**data)
        services.uyc_code_request(cpr=checked["cpr"], mobile=checked["mobile"], ip=client_ip(request))
        return Response(
            {"detail": str(_("If the CPR and the mobile match our records, a code is on its way by SMS."))},
            status=202,
        )


class PublicSubmitAPI(_Public):
    @extend_schema(
        summary="Send the message with the code: the review number at once",
        request=CitizenSubmitInput,
        responses={201: UycReceiptSerializer},
    )
    def post(self, request):
        data = _valid(CitizenSubmitInput, request)
        case = services.uyc_submit(**data, ip=client_ip(request), language=request.LANGUAGE_CODE)
        return Response(
            {"review_number": case.ticket.review_number, "received_at": case.received_at}, status=201
        )
