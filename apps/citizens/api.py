"""Citizens for the API: create, search by CPR or phone, read one (logged), change phones.

Only staff allowed to see identities (``accounts.view_citizen_identity``) read citizens;
adding and changing need ``citizens.add_citizen`` / ``citizens.change_citizen``.
"""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.citizens import selectors, services
from apps.citizens.models import Citizen
from apps.core.api import LineField, page_schema
from apps.core.errors import PermissionDenied
from apps.core.idempotency import IdempotencyMixin


class PhoneSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    kind = serializers.CharField()
    is_primary = serializers.BooleanField()
    confirmed_at = serializers.DateTimeField(allow_null=True)
    confirmed_by = serializers.CharField(source="confirmed_by.username", allow_null=True, default=None)


class HousingFileSerializer(serializers.Serializer):
    application_number = serializers.CharField()
    service = serializers.CharField()
    application_date = serializers.DateField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")


class CitizenSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    cpr = serializers.CharField()
    masked_cpr = serializers.CharField()
    name_ar = serializers.CharField()
    name_en = serializers.CharField()
    latin_names = serializers.CharField()
    email = serializers.CharField()
    language = serializers.CharField()
    address = serializers.SerializerMethodField()
    phones = PhoneSerializer(many=True, source="phones.all")
    housing_files = HousingFileSerializer(many=True, source="housing_files.all")
    url = serializers.SerializerMethodField()

    def get_address(self, citizen) -> dict:
        return {k: getattr(citizen, k) for k in ("block", "road", "building", "flat", "area")}

    def get_url(self, citizen) -> str:
        return reverse("api:citizen-detail", args=[citizen.pk])


class CitizenNameMatchSerializer(serializers.Serializer):
    """A citizen found by name: enough to choose them; their file is read (and logged) at
    ``url``. ``cpr`` is masked unless the caller may see identities."""

    id = serializers.IntegerField()
    cpr = serializers.CharField()
    masked_cpr = serializers.CharField()
    name_ar = serializers.CharField()
    name_en = serializers.CharField()
    latin_names = serializers.CharField()
    url = serializers.SerializerMethodField()

    def get_url(self, match) -> str:
        return reverse("api:citizen-detail", args=[match.pk])


class CitizenCreateSerializer(serializers.Serializer):
    cpr = LineField(max_length=30)
    name_ar = LineField(max_length=200)
    name_en = LineField(max_length=200, required=False, allow_blank=True, default="")
    latin_names = LineField(max_length=300, required=False, allow_blank=True, default="")
    phones = serializers.ListField(child=LineField(max_length=30), required=False, default=list)
    email = LineField(max_length=254, required=False, allow_blank=True, default="")
    language = serializers.ChoiceField(choices=Citizen.Language.choices, required=False, default="ar")
    confirmed = serializers.BooleanField(required=False, default=True)


class CitizenUpdateSerializer(serializers.Serializer):
    """The details to change (any of them) and the reason, which is required."""

    name_ar = LineField(max_length=200, required=False)
    name_en = LineField(max_length=200, required=False, allow_blank=True)
    latin_names = LineField(max_length=300, required=False, allow_blank=True)
    email = LineField(max_length=254, required=False, allow_blank=True)
    language = serializers.ChoiceField(choices=Citizen.Language.choices, required=False)
    block = LineField(max_length=10, required=False, allow_blank=True)
    road = LineField(max_length=10, required=False, allow_blank=True)
    building = LineField(max_length=10, required=False, allow_blank=True)
    flat = LineField(max_length=10, required=False, allow_blank=True)
    area = LineField(max_length=100, required=False, allow_blank=True)
    reason = LineField(max_length=500, required=False, allow_blank=True, default="")


class PhoneAddSerializer(serializers.Serializer):
    number = LineField(max_length=30)
    make_primary = serializers.BooleanField(required=False, default=False)


class PhoneChangeSerializer(serializers.Serializer):
    is_primary = serializers.BooleanField(required=False)
    confirmed = serializers.BooleanField(required=False)


def _valid(serializer_class, request):
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _fresh(citizen: Citizen) -> Citizen:
    return selectors.citizens_with_phones().get(pk=citizen.pk)


class CitizenListCreateAPI(IdempotencyMixin, APIView):
    @extend_schema(
        summary="Find citizens by CPR, by any of their phone numbers, or by name",
        description=(
            "A CPR or a phone number gives the matching citizens' files. A name (any text with a "
            "letter in it: Arabic in any spelling, with or without the article, or a Latin "
            "spelling on file) gives at most 20 citizens, best match first, in the shape of "
            "CitizenNameMatch (no phones or housing files; the CPR masked unless the caller may "
            "see identities); read one's file at its url."
        ),
        parameters=[
            OpenApiParameter("q", str, required=True, description="A CPR, a phone number or a name.")
        ],
        responses={200: page_schema("CitizenSearchPage", CitizenSerializer, next_field=None)},
        operation_id="citizens_list",
    )
    def get(self, request):
        query = request.query_params.get("q", "")
        found = selectors.citizen_search(query=query, viewer=request.user, names=True)
        if selectors.looks_like_name(query):
            return Response({"results": CitizenNameMatchSerializer(found, many=True).data})
        return Response({"results": CitizenSerializer(found, many=True).data})

    @extend_schema(
        summary="Add a citizen", request=CitizenCreateSerializer, responses={201: CitizenSerializer}
    )
    def post(self, request):
        if not selectors.can_add(request.user):
            raise PermissionDenied()
        data = _valid(CitizenCreateSerializer, request)
        citizen = services.citizen_create(actor=request.user, **data)
        return Response(
            CitizenSerializer(_fresh(citizen)).data,
            status=201,
            headers={"Location": reverse("api:citizen-detail", args=[citizen.pk])},
        )


class CitizenDetailAPI(APIView):
    @extend_schema(summary="One citizen's file (the read is logged)", responses={200: CitizenSerializer})
    def get(self, request, pk: int):
        citizen = selectors.citizen_file(citizen_id=pk, viewer=request.user, purpose="api")
        return Response(CitizenSerializer(citizen).data)

    @extend_schema(
        summary="Correct a citizen's details, with a reason (kept in the change history)",
        request=CitizenUpdateSerializer,
        responses={200: CitizenSerializer},
    )
    def patch(self, request, pk: int):
        if not selectors.can_change(request.user):
            raise PermissionDenied()
        citizen = selectors.citizen_file(citizen_id=pk, viewer=request.user, purpose="api-change")
        data = dict(_valid(CitizenUpdateSerializer, request))
        reason = data.pop("reason", "")
        citizen = services.citizen_update(citizen=citizen, actor=request.user, reason=reason, **data)
        return Response(CitizenSerializer(_fresh(citizen)).data)


class CitizenPhonesAPI(IdempotencyMixin, APIView):
    @extend_schema(
        summary="Add a phone (confirmed by the caller now)",
        request=PhoneAddSerializer,
        responses={201: PhoneSerializer},
    )
    def post(self, request, pk: int):
        if not selectors.can_change(request.user):
            raise PermissionDenied()
        citizen = selectors.citizen_file(citizen_id=pk, viewer=request.user, purpose="api-phones")
        data = _valid(PhoneAddSerializer, request)
        phone = services.citizen_phone_add(
            citizen=citizen, number=data["number"], make_primary=data["make_primary"], actor=request.user
        )
        return Response(PhoneSerializer(phone).data, status=201)


class CitizenPhoneAPI(APIView):
    def _phone(self, request, pk: int, phone_id: int):
        if not selectors.can_change(request.user):
            raise PermissionDenied()
        citizen = selectors.citizen_file(citizen_id=pk, viewer=request.user, purpose="api-phones")
        return selectors.citizen_phone(citizen=citizen, phone_id=phone_id)

    @extend_schema(
        summary="Make a phone primary and/or confirm it",
        request=PhoneChangeSerializer,
        responses={200: PhoneSerializer},
    )
    def patch(self, request, pk: int, phone_id: int):
        phone = self._phone(request, pk, phone_id)
        data = _valid(PhoneChangeSerializer, request)
        if data.get("confirmed"):
            phone = services.citizen_phone_confirm(phone=phone, actor=request.user)
        if data.get("is_primary"):
            phone = services.citizen_phone_set_primary(phone=phone, actor=request.user)
        phone.refresh_from_db()
        return Response(PhoneSerializer(phone).data)

    @extend_schema(summary="Remove a phone", responses={204: None})
    def delete(self, request, pk: int, phone_id: int):
        services.citizen_phone_remove(phone=self._phone(request, pk, phone_id), actor=request.user)
        return Response(status=204)
