"""``/api/v1/saved-views/``: the caller's saved views (their own and their department's),
saving one and deleting one — the same services and rules as the views bar."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core import saved_views
from apps.core.api import LineField
from apps.core.errors import ValidationFailed
from apps.core.parsing import to_id


class SavedViewSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    list = LineField(source="list_key", max_length=40)
    name = LineField(max_length=saved_views.NAME_MAX)
    params = serializers.DictField(
        child=serializers.ListField(child=LineField(max_length=200)), required=False
    )
    sort = LineField(required=False, allow_blank=True, max_length=40)
    department = serializers.IntegerField(source="department_id", required=False, allow_null=True)
    mine = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    def get_mine(self, view) -> bool:
        return view.owner_id == self.context["request"].user.pk

    def get_url(self, view) -> str:
        return saved_views.view_url(view)


def _shown(view, request) -> dict:
    return SavedViewSerializer(view, context={"request": request}).data


class SavedViewList(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("list", str, description="Only the views of this list (e.g. tickets).")],
        responses=SavedViewSerializer(many=True),
    )
    def get(self, request):
        views = saved_views.views_for(request.user, request.query_params.get("list") or None)
        return Response([_shown(v, request) for v in views])

    @extend_schema(request=SavedViewSerializer, responses={201: SavedViewSerializer})
    def post(self, request):
        incoming = SavedViewSerializer(data=request.data, context={"request": request})
        if not incoming.is_valid():
            raise ValidationFailed(details=incoming.errors)
        data = incoming.validated_data
        view = saved_views.saved_view_save(
            actor=request.user,
            list_key=data["list_key"],
            name=data["name"],
            params=data.get("params") or {},
            sort=data.get("sort") or "",
            department_id=data.get("department_id"),
        )
        return Response(_shown(view, request), status=status.HTTP_201_CREATED)


class SavedViewDetail(APIView):
    @extend_schema(responses={204: None})
    def delete(self, request, pk: int):
        view = saved_views.view_get(viewer=request.user, pk=to_id(pk))
        saved_views.saved_view_delete(actor=request.user, view=view)
        return Response(status=status.HTTP_204_NO_CONTENT)
