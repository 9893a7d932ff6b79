"""The statement page for managers and supervisors, and its downloads."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.views.decorators.http import require_GET, require_POST

from apps.chat import selectors as chat_selectors
from apps.contacts import selectors as contact_selectors
from apps.core.errors import ApplicationError, PermissionDenied
from apps.core.views import render_error
from apps.reports import charts, exports, links, publishing, selectors, services
from apps.reports import figures as defs
from apps.reports.forms import PressTextForm
from apps.reports.navigation import APPROVE_PERMISSION, VIEW_PERMISSION
from apps.reports.statement import month_bounds, monthly_statement, previous_month
from apps.reports.templatetags.statement import format_number


def _require_view(user) -> None:
    if not user.has_perm(VIEW_PERMISSION):
        raise PermissionDenied()


def _statement(request):
    _require_view(request.user)
    month = selectors.resolve_month(request.GET.get("month"))
    return month, monthly_statement(month)


def _charts(statement) -> dict:
    start, end = month_bounds(statement.month)
    language = translation.get_language()
    by_code = statement.by_code()
    shares = [
        (by_code[f"calls.purpose_share.{g}"].label(language), by_code[f"calls.purpose_share.{g}"].value)
        for g in [*defs.PURPOSE_GROUPS, defs.OTHER_GROUP]
    ]
    return {
        "calls": charts.bars_by_day(
            statement.month,
            contact_selectors.inbound_calls_by_day(start=start, end=end),
            label_format=lambda v: format_number(v),
        ),
        "shares": charts.stacked_shares(shares),
        "chat": charts.bars_by_day(
            statement.month,
            chat_selectors.first_response_by_day(start=start, end=end),
            label_format=lambda v: format_number(v, "minutes"),
        ),
    }


def _charts_from_replica(statement) -> dict:
    from apps.reports.routers import for_reports

    with for_reports():
        return _charts(statement)


@login_required
@require_GET
def statement_page(request):
    try:
        month, statement = _statement(request)
    except ApplicationError as error:
        if isinstance(error, PermissionDenied):
            return render_error(request, error)
        today = timezone.localdate()
        return render(
            request,
            "reports/statement.html",
            {"error": error, "month_value": request.GET.get("month", ""), "max_month": f"{today:%Y-%m}"},
            status=400,
        )
    record = selectors.statement_record(month)
    revision = publishing.revision(statement, record)
    today = timezone.localdate()
    return render(
        request,
        "reports/statement.html",
        {
            "statement": statement,
            "groups": statement.groups(),
            "links": links.links_for(statement, request.user),
            "charts": _charts_from_replica(statement),
            "language": translation.get_language(),
            "month_value": statement.key,
            "max_month": f"{today:%Y-%m}",
            "previous_key": f"{previous_month(month):%Y-%m}",
            "record": record,
            "revision": revision,
            "can_approve": request.user.has_perm(APPROVE_PERMISSION),
            "press_form": PressTextForm(initial={"text_ar": record.text_ar, "text_en": record.text_en})
            if record
            else None,
        },
    )


def _download(request, kind: str):
    try:
        month, statement = _statement(request)
    except ApplicationError as error:
        return render_error(request, error)
    language = request.GET.get("language") or translation.get_language()
    language = language if language in ("ar", "en") else "ar"
    name = f"statement-{statement.key}"
    if kind == "csv":
        body, content_type, filename = exports.as_csv(statement), "text/csv; charset=utf-8", f"{name}.csv"
    elif kind == "xlsx":
        body = exports.as_xlsx(statement, language=language)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        filename = f"{name}-{language}.xlsx"
    else:
        body, content_type = exports.as_pdf(statement, language=language), "application/pdf"
        filename = f"{name}-{language}.pdf"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_GET
def statement_csv(request):
    return _download(request, "csv")


@login_required
@require_GET
def statement_xlsx(request):
    return _download(request, "xlsx")


@login_required
@require_GET
def statement_pdf(request):
    return _download(request, "pdf")


# --- the draft press statement -------------------------------------------------------


def _act(request, action):
    """Run one action on the month's statement, then back to the page (or the error)."""
    from django.shortcuts import redirect
    from django.urls import reverse

    try:
        if not request.user.has_perm(APPROVE_PERMISSION):
            raise PermissionDenied()
        month = selectors.resolve_month(request.POST.get("month"))
        action(month)
    except ApplicationError as error:
        return render_error(request, error)
    return redirect(f"{reverse('reports:statement')}?month={month:%Y-%m}#press")


def _record(month):
    from apps.core.errors import NotFound

    record = selectors.statement_record(month)
    if record is None:
        raise NotFound(_no_draft())
    return record


def _no_draft():
    from django.utils.translation import gettext as _

    return _("There is no draft for this month yet: generate it first.")


@login_required
@require_POST
def press_generate(request):
    return _act(
        request,
        lambda month: services.statement_draft(
            month=month, actor=request.user, regenerate=request.POST.get("regenerate") == "1"
        ),
    )


@login_required
@require_POST
def press_edit(request):
    def edit(month):
        form = PressTextForm(request.POST)
        if not form.is_valid():
            from apps.core.errors import ValidationFailed

            raise ValidationFailed(details={k: [str(e) for e in v] for k, v in form.errors.items()})
        services.statement_edit(
            statement=_record(month),
            text_ar=form.cleaned_data["text_ar"],
            text_en=form.cleaned_data["text_en"],
            actor=request.user,
        )

    return _act(request, edit)


@login_required
@require_POST
def press_approve(request):
    return _act(
        request, lambda month: services.statement_approve(statement=_record(month), actor=request.user)
    )


@login_required
@require_POST
def press_publish(request):
    return _act(
        request, lambda month: services.statement_publish(statement=_record(month), actor=request.user)
    )
