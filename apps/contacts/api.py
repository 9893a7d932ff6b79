"""The telephony API (post contact records: one, a JSON batch, or the PBX's CSV export)
and the read API (contacts with filters, and counts grouped by any of them).

Posting is idempotent by ``call_id``; see apps/contacts/README.md for the columns and the
answers.
"""

from __future__ import annotations

import io

from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.parsers import BaseParser, FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.contacts import csvio, selectors, services
from apps.contacts.forms import ContactFilterForm
from apps.contacts.models import Contact
from apps.core.api import FreeTextField, LineField, page_schema
from apps.core.errors import Conflict, ValidationFailed
from apps.core.parsers import JSONParser


class CanImport(permissions.BasePermission):
    def has_permission(self, request, view):
        return bool(request.user and request.user.has_perm(selectors.IMPORT_PERMISSION))


class CanRead(permissions.BasePermission):
    def has_permission(self, request, view):
        return selectors.can_supervise(request.user)


class ContactRecordSerializer(serializers.Serializer):
    """The shape of one posted record (documentation only: rows are checked by
    ``validation.parse_row`` so every door applies the same rules)."""

    call_id = LineField()
    channel = serializers.ChoiceField(choices=[c for c, _label in Contact._meta.get_field("channel").choices])
    offered_at = serializers.DateTimeField()
    answered_at = serializers.DateTimeField(required=False)
    ended_at = serializers.DateTimeField(required=False)
    caller_number = LineField(required=False)
    citizen_cpr = LineField(required=False)
    agent = LineField(required=False, help_text="The agent's user name.")
    purpose = LineField(required=False, help_text="A purpose code.")
    outcome = LineField(required=False)
    department = LineField(required=False, help_text="A department code (outcome referred).")
    ticket = LineField(required=False, help_text="The review number (outcome ticket_opened).")
    callback_at = serializers.DateTimeField(required=False)
    notes = FreeTextField(required=False)


class ContactOutSerializer(serializers.ModelSerializer):
    purpose = serializers.SlugRelatedField(slug_field="code", read_only=True)
    agent = serializers.SlugRelatedField(slug_field="username", read_only=True)
    department = serializers.SlugRelatedField(slug_field="code", read_only=True)
    notes = serializers.SerializerMethodField()
    ticket = serializers.SlugRelatedField(slug_field="review_number", read_only=True)

    class Meta:
        model = Contact
        fields = [
            "id",
            "call_id",
            "channel",
            "offered_at",
            "answered_at",
            "ended_at",
            "caller_number",
            "citizen",
            "agent",
            "purpose",
            "outcome",
            "department",
            "ticket",
            "notes",
            "recorded_via",
        ]

    def get_notes(self, contact) -> str | None:
        return selectors.visible_notes(contact, self.context["request"].user)


def _import(request, records, via, pre_errors=()):
    return services.contacts_import(records=records, actor=request.user, via=via, pre_errors=pre_errors)


class ContactListCreate(APIView):
    """GET: contacts with filters, newest first (keyset pages). POST: one contact record."""

    parser_classes = [JSONParser]

    def get_permissions(self):
        return [permissions.IsAuthenticated(), CanImport() if self.request.method == "POST" else CanRead()]

    @extend_schema(
        parameters=[
            OpenApiParameter("start", OpenApiTypes.DATE),
            OpenApiParameter("end", OpenApiTypes.DATE),
            OpenApiParameter("channel", str),
            OpenApiParameter("purpose", str),
            OpenApiParameter("outcome", str),
            OpenApiParameter("agent", str),
            OpenApiParameter("cursor", str),
        ],
        responses=page_schema("ContactPage", ContactOutSerializer),
    )
    def get(self, request):
        form = ContactFilterForm(request.query_params)
        if not form.is_valid():
            raise ValidationFailed(details=form.errors.get_json_data())
        page, next_cursor = selectors.contact_page(
            filters=form.filters(), viewer=request.user, after=request.query_params.get("cursor")
        )
        next_url = None
        if next_cursor:
            params = request.query_params.copy()
            params["cursor"] = next_cursor
            next_url = request.build_absolute_uri(f"{request.path}?{params.urlencode()}")
        data = ContactOutSerializer(page, many=True, context={"request": request}).data
        return Response({"next": next_url, "results": data})

    @extend_schema(
        request=ContactRecordSerializer, responses={201: OpenApiTypes.OBJECT, 200: OpenApiTypes.OBJECT}
    )
    def post(self, request):
        if not isinstance(request.data, dict):
            raise ValidationFailed(_("Post one contact record as a JSON object."), code="not_an_object")
        report = _import(request, [(1, request.data)], Contact.RecordedVia.API)
        if report.errors:
            details: dict[str, list[str]] = {}
            for error in report.errors:
                details.setdefault(error["field"] or "non_field_errors", []).append(error["reason"])
            raise ValidationFailed(details=details)
        if report.conflicts:
            conflict = report.conflicts[0]
            raise Conflict(
                conflict["reason"],
                code="conflict",
                details={"id": conflict["id"], "fields": conflict["fields"]},
            )
        if report.created:
            return Response({"result": "created", **report.created[0]}, status=status.HTTP_201_CREATED)
        if report.merged:
            return Response({"result": "merged", **report.merged[0]})
        return Response({"result": "unchanged", **report.unchanged[0]})


class ContactBatch(APIView):
    """POST a JSON array of up to 1,000 contact records; each row is kept or refused alone."""

    parser_classes = [JSONParser]
    permission_classes = [permissions.IsAuthenticated, CanImport]

    @extend_schema(request=ContactRecordSerializer(many=True), responses=OpenApiTypes.OBJECT)
    def post(self, request):
        rows = request.data
        if not isinstance(rows, list):
            raise ValidationFailed(
                _("Post the batch as a JSON array of contact records."), code="batch_not_array"
            )
        limit = int(settings.HOUSING_CONTACT_BATCH_MAX)
        if len(rows) > limit:
            raise ValidationFailed(
                _("A batch holds at most %(limit)s records; this one has %(count)s.")
                % {"limit": limit, "count": len(rows)},
                code="batch_too_large",
                details={"limit": limit, "count": len(rows)},
            )
        report = _import(request, list(enumerate(rows, start=1)), Contact.RecordedVia.API)
        return Response(report.as_dict())


class CsvBodyParser(BaseParser):
    """The export posted as the request body: ``Content-Type: text/csv[; charset=…]``."""

    media_type = "text/csv"

    def parse(self, stream, media_type=None, parser_context=None):
        charset = ""
        for part in (media_type or "").split(";")[1:]:
            key, _sep, value = part.strip().partition("=")
            if key.lower() == "charset":
                charset = value.strip().strip('"')
        return {"file": io.BytesIO(stream.read() if stream else b""), "encoding": charset}


class ContactCsvImport(APIView):
    """POST the PBX/ACD export as CSV (multipart field ``file``, or the body as text/csv)."""

    parser_classes = [MultiPartParser, FormParser, CsvBodyParser]
    permission_classes = [permissions.IsAuthenticated, CanImport]

    @extend_schema(
        request={
            "multipart/form-data": {
                "type": "object",
                "properties": {
                    "file": {"type": "string", "format": "binary"},
                    "encoding": {"type": "string"},
                },
            }
        },
        responses=OpenApiTypes.OBJECT,
    )
    def post(self, request):
        upload = request.data.get("file")
        if upload is None:
            raise ValidationFailed(
                _("Attach the CSV file as the field file."),
                code="csv_missing",
                details={"file": [_("Required.")]},
            )
        data = upload.read()
        encoding = request.data.get("encoding") or request.query_params.get("encoding")
        text = csvio.decode(data, encoding)
        records, row_errors = csvio.read_rows(text, max_rows=int(settings.HOUSING_CONTACT_CSV_MAX_ROWS))
        report = _import(request, records, Contact.RecordedVia.CSV, pre_errors=row_errors)
        return Response(report.as_dict())


class ContactCounts(APIView):
    """GET counts of contacts for a date range, grouped by channel, purpose, outcome and/or
    agent (``group_by=channel,purpose``); the other filters narrow it."""

    permission_classes = [permissions.IsAuthenticated, CanRead]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "group_by",
                str,
                required=True,
                description="channel, purpose, outcome, agent (comma-separated)",
            ),
            OpenApiParameter("start", OpenApiTypes.DATE),
            OpenApiParameter("end", OpenApiTypes.DATE),
        ],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request):
        form = ContactFilterForm(request.query_params, default_to_month=True)
        if not form.is_valid():
            raise ValidationFailed(details=form.errors.get_json_data())
        group_by = [g.strip() for g in request.query_params.get("group_by", "").split(",") if g.strip()]
        rows = selectors.contact_counts(filters=form.filters(), group_by=group_by)
        return Response(
            {
                "start": form.cleaned_data["start"],
                "end": form.cleaned_data["end"],
                "group_by": group_by,
                "total": sum(r["count"] for r in rows),
                "rows": rows,
            }
        )
