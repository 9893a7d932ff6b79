"""The appointments REST API (``/api/v1/appointments/``): the catalogue, free slots, booking
(``Idempotency-Key`` honoured), an appointment by reference, cancel and reschedule.

Accounts with ``appointments.book_appointment`` use it (the ministry's web site and apps
after their own sign-in, the contact centre's tools). Bookings made here are channel
``api``, so the no-show rule applies to them as to the portal.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.appointments import selectors, services
from apps.appointments.availability import free_slots
from apps.appointments.models import Appointment, Channel, Service
from apps.citizens import selectors as citizen_selectors
from apps.citizens.validation import normalize_cpr, normalize_phone
from apps.core.api import LineField, page_schema
from apps.core.errors import NotFound, ValidationFailed
from apps.core.idempotency import IdempotencyMixin


class CanBook(permissions.BasePermission):
    def has_permission(self, request, view):
        return bool(request.user and request.user.has_perm(selectors.BOOK_PERMISSION))


class BranchSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = LineField()
    name = LineField(source="display_name")
    address = LineField()
    map_url = LineField()


class ServiceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = LineField()
    name = LineField(source="display_name")
    slot_minutes = serializers.IntegerField()
    documents = serializers.ListField(child=LineField())
    branches = serializers.SerializerMethodField()

    def get_branches(self, service) -> list[dict]:
        return BranchSerializer(selectors.branches_offering(service), many=True).data


class SlotSerializer(serializers.Serializer):
    branch = serializers.IntegerField()
    branch_name = LineField()
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    free = serializers.IntegerField()


class BookSerializer(serializers.Serializer):
    cpr = LineField(max_length=20)
    service = LineField(max_length=40, help_text="The service's code or id.")
    branch = LineField(max_length=40, help_text="The branch's code or id.")
    slot_start = serializers.DateTimeField(help_text="The slot's start, with its offset (from availability).")
    mobile = LineField(max_length=30, required=False, allow_blank=True, default="")


class RescheduleSerializer(serializers.Serializer):
    slot_start = serializers.DateTimeField()
    branch = LineField(max_length=40, required=False, allow_blank=True, default="")


class CancelSerializer(serializers.Serializer):
    reason = LineField(max_length=300, required=False, allow_blank=True, default="")


class AppointmentSerializer(serializers.Serializer):
    reference = LineField()
    status = LineField()
    service = LineField(source="service.code")
    branch = LineField(source="branch.code")
    slot_start = serializers.DateTimeField()
    slot_end = serializers.DateTimeField()
    channel = LineField()
    booked_at = serializers.DateTimeField()
    documents = serializers.ListField(source="service.documents", child=LineField())


def _valid(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _service(value) -> Service:
    service = selectors.service_by_code_or_id(value)
    if service is None:
        raise ValidationFailed(details={"service": [_("Unknown service.")]})
    return service


def _branch(value):
    branch = selectors.branch_by_code_or_id(value)
    if branch is None:
        raise ValidationFailed(details={"branch": [_("Unknown branch.")]})
    return branch


def _appointment(reference: str) -> Appointment:
    appointment = selectors.appointment_by_reference(reference)
    if appointment is None:
        raise NotFound(_("No appointment has this reference."))
    return appointment


def _int(value, default: int, low: int, high: int) -> int:
    text = str(value or "").strip()
    if not text:
        return default
    if not (text.isascii() and text.isdecimal()):
        raise ValidationFailed(details={"days": [_("Give a whole number.")]})
    return max(low, min(int(text), high))


class ServicesAPI(APIView):
    permission_classes = [CanBook]

    @extend_schema(
        summary="The services, the branches offering each, and what to bring",
        responses={200: page_schema("AppointmentServicePage", ServiceSerializer, next_field=None)},
    )
    def get(self, request):
        return Response({"results": ServiceSerializer(selectors.active_services(), many=True).data})


class AvailabilityAPI(APIView):
    permission_classes = [CanBook]

    @extend_schema(
        summary="Free slots of a service, at every branch offering it or at one",
        parameters=[
            OpenApiParameter("service", str, required=True, description="The service's code or id."),
            OpenApiParameter("branch", str, description="A branch's code or id (default: every branch)."),
            OpenApiParameter(
                "days", int, description="How many days from today (default: the service's horizon)."
            ),
            OpenApiParameter("limit", int, description="At most this many slots (default 200)."),
        ],
        responses={200: SlotSerializer(many=True)},
    )
    def get(self, request):
        service = _service(request.query_params.get("service"))
        branch_value = request.query_params.get("branch")
        branch = _branch(branch_value) if branch_value else None
        days = _int(request.query_params.get("days"), service.horizon_days, 1, service.horizon_days)
        limit = _int(request.query_params.get("limit"), 200, 1, 2000)
        slots = free_slots(service=service, branch_id=branch.pk if branch else None, days=days, limit=limit)
        branches = {b.pk: b for b in selectors.branches_offering(service)}
        return Response({"results": [s.as_dict(branches) for s in slots]})


class AppointmentsAPI(IdempotencyMixin, APIView):
    permission_classes = [CanBook]

    @extend_schema(
        summary="Book an appointment (send an Idempotency-Key to retry safely)",
        request=BookSerializer,
        responses={201: AppointmentSerializer},
    )
    def post(self, request):
        data = _valid(BookSerializer, request)
        cpr = normalize_cpr(data["cpr"])
        citizen = citizen_selectors.citizen_by_cpr(cpr=cpr)
        if citizen is None:
            raise ValidationFailed(
                details={"cpr": [_("No citizen has this CPR number.")]}, code="unknown_citizen"
            )
        mobile = normalize_phone(data["mobile"], field="mobile") if data.get("mobile") else ""
        appointment = services.appointment_book(
            citizen=citizen,
            service=_service(data["service"]),
            branch=_branch(data["branch"]),
            slot_start=data["slot_start"],
            channel=Channel.API,
            actor=request.user,
            mobile=mobile,
        )
        return Response(
            AppointmentSerializer(appointment).data,
            status=201,
            headers={"Location": reverse("api:appointment-detail", args=[appointment.reference])},
        )


class AppointmentDetailAPI(APIView):
    permission_classes = [CanBook]

    @extend_schema(summary="One appointment by its reference", responses={200: AppointmentSerializer})
    def get(self, request, reference: str):
        return Response(AppointmentSerializer(_appointment(reference)).data)


class CancelAPI(IdempotencyMixin, APIView):
    permission_classes = [CanBook]

    @extend_schema(
        summary="Cancel an appointment still to come",
        request=CancelSerializer,
        responses={200: AppointmentSerializer},
    )
    def post(self, request, reference: str):
        data = _valid(CancelSerializer, request)
        appointment = services.appointment_cancel(
            appointment=_appointment(reference),
            actor=request.user,
            reason=data["reason"],
            channel=Channel.API,
        )
        return Response(AppointmentSerializer(appointment).data)


class RescheduleAPI(IdempotencyMixin, APIView):
    permission_classes = [CanBook]

    @extend_schema(
        summary="Move an appointment still to come to another slot",
        request=RescheduleSerializer,
        responses={200: AppointmentSerializer},
    )
    def post(self, request, reference: str):
        data = _valid(RescheduleSerializer, request)
        appointment = services.appointment_reschedule(
            appointment=_appointment(reference),
            slot_start=data["slot_start"],
            branch=_branch(data["branch"]) if data.get("branch") else None,
            actor=request.user,
            channel=Channel.API,
        )
        return Response(AppointmentSerializer(appointment).data)
