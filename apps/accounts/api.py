"""Departments for API clients (to route and filter tickets)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.models import Department


class DepartmentSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="__str__")

    class Meta:
        model = Department
        fields = ["id", "code", "name", "name_ar", "name_en"]


class DepartmentListAPI(APIView):
    @extend_schema(summary="Active departments", responses={200: DepartmentSerializer(many=True)})
    def get(self, request):
        return Response(DepartmentSerializer(Department.objects.filter(is_active=True), many=True).data)
