"""The data-protection officer's search of the change history, with CSV and XLSX exports."""

from __future__ import annotations

import csv
import io

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET

from apps.core.errors import ApplicationError, PermissionDenied
from apps.core.views import render_error

from . import selectors, services
from .forms import ChangeSearchForm
from .models import Change, Door


@login_required
@require_GET
def change_search(request):
    if not selectors.can_search(request.user):
        return render_error(request, PermissionDenied())
    form = ChangeSearchForm(request.GET or None)
    changes, next_after, error, filters = [], None, None, None
    if form.is_bound and form.is_valid():
        try:
            filters = selectors.parse_filters(**form.cleaned_data)
            export = request.GET.get("export")
            if export in ("csv", "xlsx"):
                return _export(request, filters, export)
            changes, next_after = selectors.change_search(
                request.user, filters, after=request.GET.get("after")
            )
        except ApplicationError as exc:
            error = exc
            for name, problems in exc.details.items():
                if name in form.fields:
                    for problem in problems:
                        form.add_error(name, problem)
    groups = selectors.role_names() if any(c.model == "accounts.user" for c in changes) else {}
    rows = [change_row(change, request.user, groups) for change in changes]
    query = request.GET.copy()
    query.pop("after", None)
    query.pop("export", None)
    context = {
        "form": form,
        "rows": rows,
        "searched": filters is not None,
        "error": error,
        "next_after": next_after,
        "query": query.urlencode(),
    }
    refused = error is not None or (form.is_bound and not form.is_valid())
    return render(request, "privacy/history/search.html", context, status=400 if refused else 200)


def change_row(change: Change, viewer, groups) -> dict:
    return {
        "change": change,
        "model_label": selectors.model_label(change.model),
        "door_label": Door(change.door).label if change.door in Door.values else (change.door or "—"),
        "fields": selectors.field_changes(change, viewer=viewer, groups=groups),
    }


def _headers() -> list[str]:
    return [
        _("At"),
        _("Record type"),
        pgettext("changed record", "Record"),
        _("Action"),
        _("Field"),
        _("Old value"),
        _("New value"),
        _("Changed by"),
        _("Door"),
        _("Reason"),
    ]


def _lines(viewer, changes: list[Change]):
    groups = selectors.role_names()
    withheld = _("(withheld)")
    for change in changes:
        row = change_row(change, viewer, groups)
        base = [
            timezone.localtime(change.at).strftime("%Y-%m-%d %H:%M:%S"),
            row["model_label"],
            change.object_id,
            change.get_action_display(),
        ]
        who = change.actor.get_username() if change.actor else ""
        for field in row["fields"]:
            yield [
                *base,
                field.label,
                field.old if field.shown else withheld,
                field.new if field.shown else withheld,
                who,
                str(row["door_label"]),
                change.reason,
            ]


def _safe(value: str) -> str:
    # A cell starting like a formula would run in a spreadsheet: keep it text.
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _export(request, filters, kind: str) -> HttpResponse:
    changes = selectors.change_export_rows(request.user, filters)
    lines = [[_safe(str(cell)) for cell in line] for line in _lines(request.user, changes)]
    services.change_export_record(actor=request.user, format=kind, filters=filters.as_dict(), rows=len(lines))
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    filename = f"change-history-{stamp}.{kind}"
    if kind == "csv":
        buffer = io.StringIO()
        buffer.write("\ufeff")
        writer = csv.writer(buffer)
        writer.writerow(_headers())
        writer.writerows(lines)
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet(title=_("Change history")[:31])
        sheet.sheet_view.rightToLeft = translation.get_language() == "ar"
        sheet.append(_headers())
        for line in lines:
            sheet.append(line)
        out = io.BytesIO()
        book.save(out)
        response = HttpResponse(
            out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
