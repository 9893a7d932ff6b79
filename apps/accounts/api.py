"""Departments for API clients (to route and filter tickets)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.models import Department
from apps.core.idempotency import IdempotencyMixin


class DepartmentSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="__str__")

    class Meta:
        model = Department
        fields = ["id", "code", "name", "name_ar", "name_en"]


class DepartmentListAPI(APIView):
    @extend_schema(summary="Active departments", responses={200: DepartmentSerializer(many=True)})
    def get(self, request):
        return Response(DepartmentSerializer(Department.objects.filter(is_active=True), many=True).data)


# ---- Staff administration (the same services as the pages at /accounts/staff/) ------------


class StaffMemberSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField(source="display_name")
    email = serializers.CharField()
    is_active = serializers.BooleanField()
    roles = serializers.SerializerMethodField()
    department = serializers.IntegerField(source="department_id", allow_null=True)
    deputy = serializers.IntegerField(source="deputy_id", allow_null=True)
    last_login = serializers.DateTimeField(allow_null=True)
    two_factor = serializers.BooleanField(source="has_two_factor")
    open_sessions = serializers.IntegerField(source="sessions_count")
    api_tokens = serializers.IntegerField(source="tokens_count")

    def get_roles(self, member) -> list[str]:
        return sorted(group.name for group in member.groups.all())


def _manager_only(request) -> None:
    from apps.accounts.services import MANAGE_STAFF
    from apps.core.errors import PermissionDenied

    if not request.user.has_perm(MANAGE_STAFF):
        raise PermissionDenied()


def _member(pk: int):
    from apps.accounts import selectors
    from apps.core.errors import NotFound

    member = selectors.staff_get(pk=pk)
    if member is None:
        raise NotFound()
    return member


STAFF_LIST_LIMIT = 500


class StaffListAPI(APIView):
    @extend_schema(
        summary="Staff accounts (administrators)",
        description=f"At most {STAFF_LIST_LIMIT}, by username; filters: q, role, department, active (1 or 0).",
        responses={200: StaffMemberSerializer(many=True)},
    )
    def get(self, request):
        from apps.accounts import selectors
        from apps.accounts.forms import StaffFilterForm

        _manager_only(request)
        form = StaffFilterForm(request.query_params or None)
        rows = selectors.staff_list(**form.filters()) if form.is_bound else selectors.staff_list()
        return Response(StaffMemberSerializer(rows[:STAFF_LIST_LIMIT], many=True).data)


class StaffDetailAPI(APIView):
    @extend_schema(summary="One staff account (administrators)", responses={200: StaffMemberSerializer})
    def get(self, request, pk: int):
        _manager_only(request)
        return Response(StaffMemberSerializer(_member(pk)).data)


def _act(request, pk: int, service_name: str):
    from apps.accounts import services

    _manager_only(request)
    getattr(services, service_name)(actor=request.user, user=_member(pk))
    return Response(StaffMemberSerializer(_member(pk)).data)


class StaffDisableAPI(IdempotencyMixin, APIView):
    @extend_schema(
        summary="Disable a staff account: its sessions and API tokens end now (never deleted)",
        request=None,
        responses={200: StaffMemberSerializer},
    )
    def post(self, request, pk: int):
        return _act(request, pk, "staff_disable")


class StaffEnableAPI(IdempotencyMixin, APIView):
    @extend_schema(
        summary="Enable a staff account again", request=None, responses={200: StaffMemberSerializer}
    )
    def post(self, request, pk: int):
        return _act(request, pk, "staff_enable")
