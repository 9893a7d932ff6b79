"""The tickets REST API (``/api/v1/``): staff endpoints, categories, and the public tracking
endpoints. Every write goes through ``services``; every read through ``selectors``; every
POST honours ``Idempotency-Key``."""

from __future__ import annotations

import copy
import functools
import inspect
from collections.abc import Mapping

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.fields import BuiltinSignatureError, Field, SkipField, is_simple_callable
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.relations import PKOnlyObject
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.models import Department, User
from apps.citizens import selectors as citizen_selectors
from apps.citizens.models import Citizen
from apps.core import confidentiality, parsing
from apps.core.api import FreeTextField, LineField, page_schema
from apps.core.clients import client_ip
from apps.core.errors import ValidationFailed
from apps.core.idempotency import IdempotencyMixin
from apps.core.parsers import JSONParser
from apps.sla import clock_selectors
from apps.tickets import macro_services, selectors, services, tracking
from apps.tickets.forms import TicketFilterForm
from apps.tickets.models import Category, Ticket, TicketEvent
from apps.tickets.workflow import Status, next_statuses

# --- output --------------------------------------------------------------------------

_output_fields: dict[type, tuple] = {}
_simple_callables: dict = {}
_display_choices: dict = {}


def _is_simple_callable(value) -> bool:
    """``is_simple_callable`` of the REST framework, its answer kept per method (the
    signature it reads is the function's)."""
    if inspect.ismethod(value):
        found = _simple_callables.get(value.__func__)
        if found is None:
            found = _simple_callables[value.__func__] = is_simple_callable(value)
        return found
    return is_simple_callable(value)


def _display(instance, field) -> str:
    """``instance.get_<field>_display()`` as Django computes it, the choices' dict made once
    per field (Django makes it on each call, hashing every lazy label, a translation each)."""
    if not isinstance(field.choices, list | tuple):
        return instance._get_FIELD_display(field)
    choices = _display_choices.get(field)
    if choices is None:
        choices = _display_choices[field] = dict(make_hashable(field.flatchoices))
    value = getattr(instance, field.attname)
    return force_str(choices.get(make_hashable(value), value), strings_only=True)


def _attribute(instance, attrs):
    """The REST framework's ``fields.get_attribute``, cheaper for methods and for Django's
    ``get_<field>_display``; any error is left to the REST framework's own path."""
    for attr in attrs:
        try:
            instance = instance[attr] if isinstance(instance, Mapping) else getattr(instance, attr)
        except ObjectDoesNotExist:
            return None
        if not callable(instance):  # most values: the first thing is_simple_callable asks
            continue
        if (
            isinstance(instance, functools.partial)
            and getattr(instance.func, "__func__", None) is Model._get_FIELD_display
            and not instance.args
            and instance.keywords.keys() == {"field"}
        ):
            instance = _display(instance.func.__self__, instance.keywords["field"])
        elif _is_simple_callable(instance):
            instance = instance()
    return instance


class FieldsBuiltOnce:
    """An output serializer whose fields are built once per class, not once per instance.

    The REST framework deep-copies every declared field (and a ``ModelSerializer`` reads its
    model's fields) for each serializer it creates — each ticket, event and clock of a
    response, and each nested serializer in them: most of the ticket's 201 body cost that
    (bench/PROFILE-issue20.md). Here one instance of the class keeps its bound fields, and
    ``to_representation`` does what ``Serializer.to_representation`` does with them; a
    ``SerializerMethodField`` still calls the method of the serializer at hand (its context,
    its caches). Only for serializers whose other fields read nothing from the context.
    """

    def to_representation(self, instance):
        plan = _output_fields.get(type(self))
        if plan is None:
            plan = _output_fields[type(self)] = tuple(
                (
                    field.field_name,
                    field,
                    getattr(field, "method_name", None)
                    if isinstance(field, serializers.SerializerMethodField)
                    else None,
                )
                for field in type(self)()._readable_fields
            )
        ret = {}
        for name, field, method_name in plan:
            if method_name is not None:  # its source is the instance itself, never None here
                ret[name] = getattr(self, method_name)(instance)
                continue
            try:
                attribute = (
                    _attribute(instance, field.source_attrs)
                    if type(field).get_attribute is Field.get_attribute
                    else field.get_attribute(instance)
                )
            except SkipField:
                continue
            except (KeyError, AttributeError, BuiltinSignatureError):  # as the REST framework has it
                try:
                    attribute = field.get_attribute(instance)
                except SkipField:
                    continue
            check_for_none = attribute.pk if isinstance(attribute, PKOnlyObject) else attribute
            ret[name] = None if check_for_none is None else field.to_representation(attribute)
        return ret


class UserRefSerializer(FieldsBuiltOnce, serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField(source="display_name")


class DepartmentRefSerializer(FieldsBuiltOnce, serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField(source="__str__")


class CategorySerializer(FieldsBuiltOnce, serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField(source="display_name")
    name_ar = serializers.CharField()
    name_en = serializers.CharField()
    parent = serializers.IntegerField(source="parent_id", allow_null=True)


class CategoryTreeSerializer(CategorySerializer):
    children = CategorySerializer(many=True, source="children.all")


class CitizenRefSerializer(FieldsBuiltOnce, serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="display_name")
    masked_cpr = serializers.CharField()


class ExtensionSerializer(FieldsBuiltOnce, serializers.Serializer):
    at = serializers.DateTimeField()
    old_due_at = serializers.DateTimeField()
    new_due_at = serializers.DateTimeField()
    reason = serializers.CharField()
    actor = UserRefSerializer(allow_null=True)


class ClockSerializer(FieldsBuiltOnce, serializers.Serializer):
    """One SLA clock: its target, deadline, state now and remaining (working) time."""

    target = serializers.CharField(source="clock.target")
    target_label = serializers.CharField()
    cycle = serializers.IntegerField(source="clock.cycle")
    value = serializers.IntegerField(source="clock.value")
    unit = serializers.CharField(source="clock.unit")
    started_at = serializers.DateTimeField(source="clock.started_at")
    due_at = serializers.DateTimeField(allow_null=True)
    state = serializers.CharField(help_text="running, paused, met, breached or stopped")
    badge = serializers.CharField(
        help_text="on_time, at_risk, breached (pending), or met / breached / stopped"
    )
    remaining_seconds = serializers.SerializerMethodField(
        help_text="Working time left (real time for calendar-day targets); null once met."
    )
    met_at = serializers.DateTimeField(source="clock.met_at", allow_null=True)
    breached_at = serializers.DateTimeField(source="clock.breached_at", allow_null=True)
    escalation_level = serializers.IntegerField(source="clock.escalation_level")
    extensions = ExtensionSerializer(many=True)

    def get_remaining_seconds(self, view) -> int | None:
        return None if view.remaining is None else int(view.remaining.total_seconds())


class SlaBadgeSerializer(FieldsBuiltOnce, serializers.Serializer):
    state = serializers.CharField(help_text="breached, at_risk or on_time")
    due_at = serializers.DateTimeField(allow_null=True)
    remaining_seconds = serializers.SerializerMethodField()
    paused = serializers.BooleanField()

    def get_remaining_seconds(self, badge) -> int | None:
        return None if badge.remaining is None else int(badge.remaining.total_seconds())


class TicketSummarySerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display")
    status_label = serializers.CharField(source="get_status_display")
    channel_label = serializers.CharField(source="get_channel_display")
    category = CategorySerializer(allow_null=True)
    department = DepartmentRefSerializer(allow_null=True)
    assignee = UserRefSerializer(allow_null=True)
    citizen = CitizenRefSerializer(allow_null=True)
    duplicate_of = serializers.CharField(source="duplicate_of.review_number", allow_null=True, default=None)
    url = serializers.SerializerMethodField()
    sla = serializers.SerializerMethodField(help_text="The most pressing pending deadline; null when none.")

    class Meta:
        model = Ticket
        fields = [
            "id",
            "review_number",
            "url",
            "kind",
            "kind_label",
            "channel",
            "channel_label",
            "status",
            "status_label",
            "priority",
            "urgency",
            "subject",
            "category",
            "department",
            "assignee",
            "citizen",
            "is_anonymous",
            "external_reference",
            "received_at",
            "acknowledged_at",
            "first_response_at",
            "responded_at",
            "closed_at",
            "reopened_at",
            "duplicate_of",
            "rating",
            "sla",
        ]

    def get_url(self, ticket) -> str:
        return reverse("api:ticket-detail", args=[ticket.pk])

    @extend_schema_field(SlaBadgeSerializer(allow_null=True))
    def get_sla(self, ticket) -> dict | None:
        if hasattr(ticket, "sla_badge"):
            badge = ticket.sla_badge
        else:
            badge = clock_selectors.badge_from_views(self._clocks(ticket))
        return SlaBadgeSerializer(badge).data if badge is not None else None

    def _clocks(self, ticket):
        if getattr(self, "_clocks_of", None) != ticket.pk:
            written = _written(self, ticket)
            self._clocks_of, self._clocks_data = (
                ticket.pk,
                (
                    clock_selectors.ticket_clocks(ticket=ticket)
                    if written is None
                    else clock_selectors.views_of_new_clocks(written.clocks)
                ),
            )
        return self._clocks_data


def _written(serializer, ticket):
    """What ``ticket_create`` just wrote, when the view asked to answer from it."""
    return getattr(ticket, "written", None) if serializer.context.get("just_written") else None


class AttachmentSerializer(FieldsBuiltOnce, serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="original_name")
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    source = serializers.CharField()
    uploaded_at = serializers.DateTimeField()
    download = serializers.SerializerMethodField()

    def get_download(self, attachment) -> str:
        return reverse("tickets:attachment", args=[attachment.pk])


class EventSerializer(FieldsBuiltOnce, serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    kind_label = serializers.CharField(source="get_kind_display")
    at = serializers.DateTimeField()
    actor = UserRefSerializer(allow_null=True)
    body = serializers.CharField()
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    reason = serializers.CharField()
    from_assignee = UserRefSerializer(allow_null=True)
    to_assignee = UserRefSerializer(allow_null=True)
    from_department = DepartmentRefSerializer(allow_null=True)
    to_department = DepartmentRefSerializer(allow_null=True)
    related_ticket = serializers.CharField(
        source="related_ticket.review_number", allow_null=True, default=None
    )
    attachments = AttachmentSerializer(many=True, source="files")


class TicketDetailSerializer(TicketSummarySerializer):
    """The whole ticket for staff, internal notes included (never for a citizen)."""

    timeline = serializers.SerializerMethodField()
    attachments = serializers.SerializerMethodField()
    allowed_transitions = serializers.SerializerMethodField()
    contact_phone = serializers.SerializerMethodField()
    sla_clocks = serializers.SerializerMethodField()

    class Meta(TicketSummarySerializer.Meta):
        fields = [
            *TicketSummarySerializer.Meta.fields,
            "sla_clocks",
            "description",
            "contact_phone",
            "rating_comment",
            "timeline",
            "attachments",
            "allowed_transitions",
        ]

    def _timeline(self, ticket):
        if getattr(self, "_timeline_of", None) != ticket.pk:
            viewer, written = self.context.get("viewer"), _written(self, ticket)
            self._timeline_of, self._timeline_data = (
                ticket.pk,
                selectors.ticket_timeline(ticket=ticket, viewer=viewer)
                if written is None
                else selectors.written_timeline(written=written, viewer=viewer),
            )
        return self._timeline_data

    @extend_schema_field(EventSerializer(many=True))
    def get_timeline(self, ticket) -> list[dict]:
        return EventSerializer(self._timeline(ticket)[0], many=True).data

    @extend_schema_field(AttachmentSerializer(many=True))
    def get_attachments(self, ticket) -> list[dict]:
        return AttachmentSerializer(self._timeline(ticket)[1], many=True).data

    @extend_schema_field(ClockSerializer(many=True))
    def get_sla_clocks(self, ticket) -> list[dict]:
        return ClockSerializer(self._clocks(ticket), many=True).data

    def get_allowed_transitions(self, ticket) -> list[str]:
        return [s.value for s in next_statuses(ticket.status)]

    def get_contact_phone(self, ticket) -> str | None:
        viewer = self.context.get("viewer")
        return ticket.contact_phone if citizen_selectors.can_see_identity(viewer) else None


class PublicReplySerializer(FieldsBuiltOnce, serializers.Serializer):
    at = serializers.DateTimeField()
    body = serializers.CharField()


class PublicTicketSerializer(FieldsBuiltOnce, serializers.Serializer):
    """What a citizen sees: status, dates, public replies. Built from ``PublicTicket`` only."""

    review_number = serializers.CharField()
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    category = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    received_at = serializers.DateTimeField()
    acknowledged_at = serializers.DateTimeField(allow_null=True)
    responded_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    replies = PublicReplySerializer(many=True)
    rating = serializers.IntegerField(allow_null=True)
    can_rate = serializers.BooleanField()
    can_reopen = serializers.BooleanField()
    merged_into = serializers.CharField(allow_null=True)


class PublicTrackResultSerializer(PublicTicketSerializer):
    token = serializers.CharField(help_text=_("Lets the citizen rate or reopen for 30 minutes."))


# --- input ---------------------------------------------------------------------------

_declared_once: dict[type, dict] = {}


class DeclaredFieldsCopiedOnce:
    """An input serializer whose declared fields are deep-copied once per class.

    The REST framework deep-copies them for every serializer it makes, which means building
    each field again (choices, validators, querysets): a third of the create request's
    validation. Here each serializer gets a shallow copy of the copies made once — its own
    field objects, bound to it as usual, sharing only what nothing changes after ``__init__``
    (validators, choices, a nested serializer's declared fields)."""

    def get_fields(self):
        made = _declared_once.get(type(self))
        if made is None:
            made = _declared_once[type(self)] = copy.deepcopy(self._declared_fields)
        fields = {}
        for name, field in made.items():  # ``copy.copy`` without its generic machinery: 2.5x faster
            own = field.__class__.__new__(field.__class__)
            own.__dict__.update(field.__dict__)
            fields[name] = own
        return fields


class NewCitizenSerializer(DeclaredFieldsCopiedOnce, serializers.Serializer):
    cpr = LineField(max_length=30)
    name_ar = LineField(max_length=200)
    name_en = LineField(max_length=200, required=False, allow_blank=True)
    phones = serializers.ListField(child=LineField(max_length=30), required=False)
    email = LineField(max_length=254, required=False, allow_blank=True)
    language = serializers.ChoiceField(choices=Citizen.Language.choices, required=False)


class CitizenWithPhonesField(serializers.PrimaryKeyRelatedField):
    """The citizen with their phones, in one query (``citizen_selectors.citizen_with_phones``)."""

    def to_internal_value(self, data):
        if isinstance(data, bool):
            self.fail("incorrect_type", data_type=type(data).__name__)
        try:
            citizen = citizen_selectors.citizen_with_phones(int(data))
        except (TypeError, ValueError, OverflowError):
            self.fail("incorrect_type", data_type=type(data).__name__)
        if citizen is None:
            self.fail("does_not_exist", pk_value=data)
        return citizen


class CategoryWithDepartmentsField(serializers.PrimaryKeyRelatedField):
    """The category with the departments its tickets default to, in one query."""

    def get_queryset(self):
        return Category.objects.select_related("default_department", "parent__default_department")


class TicketCreateSerializer(DeclaredFieldsCopiedOnce, serializers.Serializer):
    kind = serializers.ChoiceField(choices=Ticket.Kind.choices)
    channel = serializers.ChoiceField(choices=Ticket.Channel.choices)
    subject = LineField(max_length=200)
    description = FreeTextField()
    citizen = CitizenWithPhonesField(queryset=Citizen.objects.all(), required=False, allow_null=True)
    citizen_cpr = LineField(max_length=30, required=False, allow_blank=True)
    new_citizen = NewCitizenSerializer(required=False, allow_null=True)
    anonymous = serializers.BooleanField(required=False, default=False)
    category = CategoryWithDepartmentsField(queryset=Category.objects.all(), required=False, allow_null=True)
    department = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.filter(is_active=True), required=False, allow_null=True
    )
    priority = serializers.ChoiceField(choices=Ticket.Priority.choices, required=False, allow_blank=True)
    urgency = serializers.ChoiceField(choices=Ticket.Urgency.choices, required=False, allow_blank=True)
    contact_phone = LineField(max_length=30, required=False, allow_blank=True)
    external_reference = LineField(max_length=60, required=False, allow_blank=True)
    attachments = serializers.ListField(child=serializers.FileField(), required=False)


class BodySerializer(serializers.Serializer):
    body = FreeTextField()
    attachments = serializers.ListField(child=serializers.FileField(), required=False)


class ReplySerializer(BodySerializer):
    seen_event_id = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=0,
        help_text=_(
            "The newest timeline event id the writer saw: a reply over someone else's newer "
            "change is refused with 409 ticket_changed."
        ),
    )


class MacroApplySerializer(serializers.Serializer):
    macro = serializers.IntegerField(min_value=1)
    body = FreeTextField(
        required=False,
        allow_blank=True,
        allow_null=True,
        default=None,
        help_text=_(
            "The reply as edited; absent: the macro's text in the ticket's language; blank: no reply."
        ),
    )
    seen_event_id = serializers.IntegerField(required=False, allow_null=True, min_value=0)


class TransitionSerializer(serializers.Serializer):
    to_status = serializers.ChoiceField(choices=Status.choices)
    reason = FreeTextField(required=False, allow_blank=True, default="")


class AssignSerializer(serializers.Serializer):
    assignee = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False, allow_null=True
    )
    department = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.filter(is_active=True), required=False, allow_null=True
    )
    reason = FreeTextField(required=False, allow_blank=True, default="")


class ExtendSerializer(serializers.Serializer):
    new_due = LineField(
        required=False,
        allow_blank=True,
        help_text="YYYY-MM-DD (the close of work that day) or an ISO instant.",
    )
    reason = FreeTextField(required=False, allow_blank=True, help_text="Told to the citizen.")
    target = serializers.ChoiceField(
        choices=["acknowledgement", "first_response", "resolution"], default="resolution"
    )


class ReclassifySerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Ticket.Kind.choices, required=False)
    channel = serializers.ChoiceField(choices=Ticket.Channel.choices, required=False)
    priority = serializers.ChoiceField(choices=Ticket.Priority.choices, required=False)
    urgency = serializers.ChoiceField(choices=Ticket.Urgency.choices, required=False)
    reason = FreeTextField(required=False, allow_blank=True, default="")


class MergeSerializer(serializers.Serializer):
    original = LineField(help_text=_("The original's review number or id."))
    reason = FreeTextField(required=False, allow_blank=True, default="")


class AttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField()


class TrackSerializer(DeclaredFieldsCopiedOnce, serializers.Serializer):
    review_number = LineField(max_length=40)
    phone_last4 = LineField(max_length=20)


class RateSerializer(DeclaredFieldsCopiedOnce, serializers.Serializer):
    token = LineField()
    rating = serializers.IntegerField()
    comment = FreeTextField(required=False, allow_blank=True, default="")


class ReopenSerializer(DeclaredFieldsCopiedOnce, serializers.Serializer):
    token = LineField()
    reason = FreeTextField(required=False, allow_blank=True, default="")


# --- staff endpoints -----------------------------------------------------------------


def _valid(serializer_class, request):
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _files(request, name: str = "attachments") -> list:
    return request.FILES.getlist(name) if hasattr(request.FILES, "getlist") else []


def _detail(ticket: Ticket, request, status: int = 200, *, fresh: bool = True) -> Response:
    """The ticket as the API shows it; ``fresh=False`` serialises the object the service just
    created (its relations, clocks, event and files are in memory) instead of reading it again."""
    if fresh:
        ticket = selectors.ticket_get(viewer=request.user, pk=ticket.pk)
    data = TicketDetailSerializer(ticket, context={"viewer": request.user, "just_written": not fresh}).data
    headers = {"Location": reverse("api:ticket-detail", args=[ticket.pk])} if status == 201 else None
    return Response(data, status=status, headers=headers)


class TicketListCreateAPI(IdempotencyMixin, APIView):
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        summary="List tickets",
        parameters=[
            OpenApiParameter("q", str, description="Free text over subject and description (Arabic-aware)."),
            OpenApiParameter("kind", str, enum=Ticket.Kind.values),
            OpenApiParameter("status", str, many=True, enum=["open", *Status.values]),
            OpenApiParameter("channel", str, enum=Ticket.Channel.values),
            OpenApiParameter("category", int),
            OpenApiParameter("department", int),
            OpenApiParameter("assignee", str, description="A user id, `me` or `none`."),
            OpenApiParameter("received_from", str, description="YYYY-MM-DD"),
            OpenApiParameter("received_to", str, description="YYYY-MM-DD"),
            OpenApiParameter("citizen", int),
            OpenApiParameter("sla_state", str, enum=["on_time", "at_risk", "breached"]),
            OpenApiParameter("cursor", str, description="The `next` cursor of the previous page."),
            OpenApiParameter("page_size", int, description="1 to 100 (default 25)."),
        ],
        responses={200: page_schema("TicketPage", TicketSummarySerializer)},
        operation_id="tickets_list",
    )
    def get(self, request):
        form = TicketFilterForm(request.query_params, viewer=request.user)
        if not form.is_valid():
            raise ValidationFailed(details=form.errors.get_json_data())
        page_size = parsing.page_size(request.query_params.get("page_size"))
        page = selectors.ticket_list(
            viewer=request.user,
            filters=form.to_filters(),
            cursor=request.query_params.get("cursor") or None,
            page_size=page_size,
        )
        next_url = None
        if page.next_cursor:
            params = request.query_params.copy()
            params["cursor"] = page.next_cursor
            next_url = request.build_absolute_uri(f"{request.path}?{params.urlencode()}")
        return Response({"results": TicketSummarySerializer(page.items, many=True).data, "next": next_url})

    @extend_schema(
        summary="Create a ticket (with an existing or a new citizen, in one transaction)",
        request=TicketCreateSerializer,
        responses={201: TicketDetailSerializer},
    )
    def post(self, request):
        data = _valid(TicketCreateSerializer, request)
        citizen = data.get("citizen")
        if citizen is None and data.get("citizen_cpr"):
            found = citizen_selectors.citizen_search(query=data["citizen_cpr"], viewer=request.user)
            if not found:
                raise ValidationFailed(
                    _("No citizen has this CPR number. Add them with new_citizen."),
                    code="citizen_not_found",
                    details={"citizen_cpr": [_("Unknown CPR number.")]},
                )
            citizen = found[0]
        ticket = services.ticket_create(
            kind=data["kind"],
            channel=data["channel"],
            subject=data["subject"],
            description=data["description"],
            actor=request.user,
            citizen=citizen,
            new_citizen=dict(data["new_citizen"]) if data.get("new_citizen") else None,
            anonymous=data.get("anonymous", False),
            category=data.get("category"),
            department=data.get("department"),
            priority=data.get("priority") or None,
            urgency=data.get("urgency") or "",
            contact_phone=data.get("contact_phone") or "",
            external_reference=data.get("external_reference") or "",
            uploads=_files(request),
        )
        return _detail(ticket, request, status=201, fresh=False)


class TicketDetailAPI(APIView):
    @extend_schema(summary="One ticket with its timeline", responses={200: TicketDetailSerializer})
    def get(self, request, pk: int):
        ticket = selectors.ticket_get(viewer=request.user, pk=pk)
        return Response(TicketDetailSerializer(ticket, context={"viewer": request.user}).data)


class TicketByReviewNumberAPI(APIView):
    @extend_schema(summary="One ticket by its review number", responses={200: TicketDetailSerializer})
    def get(self, request, number: str):
        ticket = selectors.ticket_get(viewer=request.user, review_number=number)
        return Response(TicketDetailSerializer(ticket, context={"viewer": request.user}).data)


class _TicketAction(IdempotencyMixin, APIView):
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def ticket(self, request, pk: int) -> Ticket:
        return selectors.ticket_get(viewer=request.user, pk=pk)


class TicketReplyAPI(_TicketAction):
    @extend_schema(
        summary="Reply to the citizen (public)", request=ReplySerializer, responses={201: EventSerializer}
    )
    def post(self, request, pk: int):
        data = _valid(ReplySerializer, request)
        event = services.ticket_reply(
            ticket=self.ticket(request, pk),
            body=data["body"],
            actor=request.user,
            uploads=_files(request),
            seen_event_id=data.get("seen_event_id"),
        )
        return Response(EventSerializer(_event(event, request.user)).data, status=201)


class TicketMacroAPI(_TicketAction):
    @extend_schema(
        summary="Apply a macro: its reply and its changes at once, or nothing",
        request=MacroApplySerializer,
        responses={200: TicketDetailSerializer},
    )
    def post(self, request, pk: int):
        data = _valid(MacroApplySerializer, request)
        applied = macro_services.ticket_apply_macro(
            ticket=self.ticket(request, pk),
            macro=selectors.macro_get(pk=data["macro"]),
            actor=request.user,
            body=data.get("body"),
            uploads=_files(request),
            seen_event_id=data.get("seen_event_id"),
        )
        return _detail(applied.ticket, request)


class TicketNoteAPI(_TicketAction):
    @extend_schema(summary="Add an internal note", request=BodySerializer, responses={201: EventSerializer})
    def post(self, request, pk: int):
        data = _valid(BodySerializer, request)
        event = services.ticket_note(
            ticket=self.ticket(request, pk), body=data["body"], actor=request.user, uploads=_files(request)
        )
        return Response(EventSerializer(_event(event, request.user)).data, status=201)


def _event(event: TicketEvent, viewer) -> TicketEvent:
    event = TicketEvent.objects.select_related(
        "ticket",
        "actor",
        "from_assignee",
        "to_assignee",
        "from_department",
        "to_department",
        "related_ticket",
    ).get(pk=event.pk)
    event.files = confidentiality.redact(viewer, event.attachments.all())
    return confidentiality.redact_one(viewer, event)


class TicketTransitionAPI(_TicketAction):
    @extend_schema(
        summary="Move the ticket along the workflow",
        request=TransitionSerializer,
        responses={200: TicketDetailSerializer},
    )
    def post(self, request, pk: int):
        data = _valid(TransitionSerializer, request)
        ticket = services.ticket_transition(
            ticket=self.ticket(request, pk),
            to_status=data["to_status"],
            actor=request.user,
            reason=data["reason"],
        )
        return _detail(ticket, request)


class TicketAssignAPI(_TicketAction):
    @extend_schema(
        summary="Assign to a person and/or a department",
        request=AssignSerializer,
        responses={200: TicketDetailSerializer},
    )
    def post(self, request, pk: int):
        data = _valid(AssignSerializer, request)
        ticket = services.ticket_assign(
            ticket=self.ticket(request, pk),
            actor=request.user,
            assignee=data.get("assignee"),
            department=data.get("department"),
            reason=data["reason"],
        )
        return _detail(ticket, request)


def _due(value: str | None):
    """A date (the close of work that day) or an ISO instant; a malformed one is a clear error."""
    from datetime import date, datetime

    value = (value or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value) if len(value) == 10 else datetime.fromisoformat(value)
    except ValueError:
        raise ValidationFailed(
            _("Write the new deadline as YYYY-MM-DD."),
            code="invalid_date",
            details={"new_due": ["malformed"]},
        ) from None


class TicketExtendAPI(_TicketAction):
    @extend_schema(
        summary="Extend a deadline (a reason and a later date; the citizen is told)",
        request=ExtendSerializer,
        responses={200: TicketDetailSerializer},
    )
    def post(self, request, pk: int):
        data = _valid(ExtendSerializer, request)
        ticket = self.ticket(request, pk)
        services.ticket_extend_deadline(
            ticket=ticket,
            actor=request.user,
            new_due=_due(data.get("new_due")),
            reason=data.get("reason") or "",
            target=data["target"],
        )
        return _detail(ticket, request)


class TicketReclassifyAPI(_TicketAction):
    @extend_schema(
        summary="Correct kind, channel, priority or urgency; the SLA deadlines follow",
        request=ReclassifySerializer,
        responses={200: TicketDetailSerializer},
    )
    def post(self, request, pk: int):
        data = _valid(ReclassifySerializer, request)
        ticket = services.ticket_reclassify(ticket=self.ticket(request, pk), actor=request.user, **data)
        return _detail(ticket, request)


class TicketMergeAPI(_TicketAction):
    @extend_schema(
        summary="Merge this duplicate into its original",
        request=MergeSerializer,
        responses={200: TicketDetailSerializer},
    )
    def post(self, request, pk: int):
        data = _valid(MergeSerializer, request)
        reference = data["original"].strip()
        original_id = parsing.to_id(reference) if len(reference) < 10 else None
        if original_id is not None:
            original = selectors.ticket_get(viewer=request.user, pk=original_id)
        else:
            original = selectors.ticket_get(viewer=request.user, review_number=reference)
        ticket = services.ticket_merge(
            duplicate=self.ticket(request, pk), original=original, actor=request.user, reason=data["reason"]
        )
        return _detail(ticket, request)


class TicketAttachmentAPI(_TicketAction):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        summary="Attach a file", request=AttachmentUploadSerializer, responses={201: AttachmentSerializer}
    )
    def post(self, request, pk: int):
        upload = request.FILES.get("file")
        if upload is None:
            raise ValidationFailed(
                _("Choose a file."), code="attachment_required", details={"file": [_("Required.")]}
            )
        attachment = services.ticket_attach(
            ticket=self.ticket(request, pk), upload=upload, actor=request.user
        )
        return Response(
            AttachmentSerializer(confidentiality.redact_one(request.user, attachment)).data, status=201
        )


class CategoryListAPI(APIView):
    @extend_schema(
        summary="The category taxonomy (two levels)", responses={200: CategoryTreeSerializer(many=True)}
    )
    def get(self, request):
        return Response(CategoryTreeSerializer(selectors.categories_tree(), many=True).data)


# --- public endpoints ----------------------------------------------------------------


class _PublicAPI(IdempotencyMixin, APIView):
    """No login, no session (so no CSRF), never cached anywhere."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        patch_cache_control(response, no_store=True, no_cache=True, max_age=0, private=True)
        return response


def _public(ticket: Ticket) -> dict:
    return PublicTicketSerializer(selectors.public_ticket(ticket)).data


class PublicTrackAPI(_PublicAPI):
    @extend_schema(
        summary="Track a request: review number + last 4 digits of the mobile on file",
        request=TrackSerializer,
        responses={200: PublicTrackResultSerializer},
    )
    def post(self, request):
        data = _valid(TrackSerializer, request)
        ticket = tracking.track_ticket(
            review_number=data["review_number"], phone_last4=data["phone_last4"], ip=client_ip(request)
        )
        return Response({**_public(ticket), "token": tracking.track_token(ticket)})


class PublicRateAPI(_PublicAPI):
    @extend_schema(
        summary="Rate the answer (once)", request=RateSerializer, responses={200: PublicTicketSerializer}
    )
    def post(self, request):
        data = _valid(RateSerializer, request)
        ticket = services.ticket_rate(
            ticket=tracking.ticket_from_token(data["token"]), rating=data["rating"], comment=data["comment"]
        )
        return Response(_public(ticket))


class PublicReopenAPI(_PublicAPI):
    @extend_schema(
        summary="Ask to reopen after a rating of 1 or 2",
        request=ReopenSerializer,
        responses={200: PublicTicketSerializer},
    )
    def post(self, request):
        data = _valid(ReopenSerializer, request)
        ticket = services.ticket_reopen_by_citizen(
            ticket=tracking.ticket_from_token(data["token"]), reason=data["reason"]
        )
        return Response(_public(ticket))
