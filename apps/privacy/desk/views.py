"""The data-protection officer's desk: home, read log (with exports), alerts, subject access."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.core.errors import ApplicationError, PermissionDenied, ValidationFailed
from apps.core.parsing import to_id
from apps.core.views import render_error
from apps.privacy.desk import selectors, services
from apps.privacy.desk.archive import CATEGORIES, WITHHELD
from apps.privacy.desk.forms import AcknowledgeForm, CitizenLookupForm, ReadLogFilterForm

# The other parts of the desk, each linked from the home when its pages are installed.
_ELSEWHERE = (
    (
        "privacy_history:search",
        gettext_lazy("Change history"),
        gettext_lazy("Who changed what in a citizen's record."),
    ),
    (
        "privacy_requests:queue",
        gettext_lazy("Citizens' requests"),
        gettext_lazy("Access, rectification and objection requests."),
    ),
    (
        "privacy_retention:desk",
        gettext_lazy("Retention"),
        gettext_lazy("How long records are kept, and what is anonymised."),
    ),
)


def _download(content: bytes, *, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def home(request):
    try:
        counts = selectors.desk_counts(viewer=request.user)
    except PermissionDenied as error:
        return render_error(request, error)
    links = [
        {"url": reverse(name), "label": label, "description": description}
        for name, label, description in _ELSEWHERE
    ]
    user = request.user
    return render(
        request,
        "privacy/desk/home.html",
        {
            "title": _("Data-protection desk"),
            "counts": counts,
            "links": links,
            "can_read_log": user.has_perm(selectors.VIEW_READ_LOG),
            "can_alerts": user.has_perm(selectors.VIEW_ALERTS),
            "can_archive": user.has_perm(selectors.PRODUCE_ARCHIVE),
        },
    )


def _read_filters(request, form: ReadLogFilterForm) -> selectors.ReadFilters | None:
    """The filter the form asks for, or None (with the form's errors) when it cannot be met."""
    if not form.is_bound:
        return selectors.ReadFilters()
    if not form.is_valid():
        return None
    data = form.cleaned_data
    citizen = staff = None
    if data["cpr"]:
        citizen = selectors.citizen_by_cpr_for_desk(cpr=data["cpr"], viewer=request.user)
        if citizen is None:
            form.add_error("cpr", _("No citizen has this CPR number."))
    if data["staff"]:
        staff = selectors.staff_by_username(data["staff"])
        if staff is None:
            form.add_error("staff", _("No member of staff has this username."))
    if form.errors:
        return None
    return selectors.ReadFilters(
        citizen=citizen, staff=staff, since=data.get("since"), until=data.get("until")
    )


@login_required
@require_GET
def reads(request):
    if not request.user.has_perm(selectors.VIEW_READ_LOG):
        return render_error(request, PermissionDenied())
    params = request.GET.copy()
    cursor = params.pop("after", [None])[0]
    form = ReadLogFilterForm(params or None)
    filters = _read_filters(request, form)
    page, status = None, 200
    if filters is not None:
        try:
            page = selectors.read_log_page(viewer=request.user, filters=filters, cursor=cursor)
        except ValidationFailed as error:  # a page link that does not decode
            return render_error(request, error)
    else:
        status = 400
    return render(
        request,
        "privacy/desk/reads.html",
        {
            "title": _("Read log"),
            "form": form,
            "page": page,
            "query": params.urlencode(),
            "can_export": request.user.has_perm(selectors.EXPORT_READ_LOG),
            "exports": selectors.exports_recent(viewer=request.user, limit=10),
        },
        status=status,
    )


@login_required
@require_POST
def reads_export(request):
    if not request.user.has_perm(selectors.EXPORT_READ_LOG):
        return render_error(request, PermissionDenied())
    form = ReadLogFilterForm(request.POST)
    filters = _read_filters(request, form)
    if filters is None:
        errors = "; ".join(str(message) for problems in form.errors.values() for message in problems)
        return render_error(request, ValidationFailed(errors or _("Some of the information is not valid.")))
    try:
        export = services.read_log_export(
            actor=request.user, filters=filters, format=request.POST.get("format", "")
        )
    except ApplicationError as error:
        return render_error(request, error)
    return _download(export.content, filename=export.filename, content_type=export.content_type)


@login_required
@require_GET
def alerts(request):
    try:
        rows = selectors.alerts(viewer=request.user, open_only=request.GET.get("show") != "all")
    except PermissionDenied as error:
        return render_error(request, error)
    return render(
        request,
        "privacy/desk/alerts.html",
        {
            "title": _("Unusual reading"),
            "rows": rows,
            "show_all": request.GET.get("show") == "all",
            "form": AcknowledgeForm(),
            "can_acknowledge": request.user.has_perm(selectors.ACKNOWLEDGE_ALERT),
            "threshold": _threshold(),
        },
    )


def _threshold() -> int:
    from apps.privacy.desk.alerts import threshold

    return threshold()


@login_required
@require_POST
def alert_acknowledge(request, pk: int):
    try:
        alert = selectors.alert_get(viewer=request.user, pk=pk)
    except PermissionDenied as error:
        return render_error(request, error)
    if alert is None:
        return render_error(request, ValidationFailed(_("There is no such alert."), status=404))
    form = AcknowledgeForm(request.POST)
    if form.is_valid():
        try:
            services.alert_acknowledge(alert=alert, actor=request.user, note=form.cleaned_data["note"])
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The alert was acknowledged."))
    else:
        problems = [str(message) for errors in form.errors.values() for message in errors]
        messages.error(
            request, _("The alert was not acknowledged: %(problem)s") % {"problem": " ".join(problems)}
        )
    return redirect("privacy_desk:alerts")


@login_required
@require_http_methods(["GET", "POST"])
def subject_access(request):
    if not request.user.has_perm(selectors.PRODUCE_ARCHIVE):
        return render_error(request, PermissionDenied())
    citizen, status = None, 200
    form = CitizenLookupForm(request.GET or None)
    if form.is_bound and form.is_valid():
        citizen = selectors.citizen_by_cpr_for_desk(cpr=form.cleaned_data["cpr"], viewer=request.user)
        if citizen is None:
            form.add_error("cpr", _("No citizen has this CPR number."))
            status = 404
    elif form.is_bound:
        status = 400
    if request.method == "POST":
        citizen_id = to_id(request.POST.get("citizen", ""))
        found = selectors.citizen_for_archive(citizen_id=citizen_id) if citizen_id else None
        if found is None:
            return render_error(request, ValidationFailed(_("Choose a citizen first."), status=400))
        try:
            archive = services.subject_access_archive_build(citizen=found, actor=request.user)
        except ApplicationError as error:
            return render_error(request, error)
        return _download(archive.content, filename=archive.filename, content_type="application/zip")
    return render(
        request,
        "privacy/desk/subject_access.html",
        {
            "title": _("Subject access"),
            "form": form,
            "citizen": citizen,
            "categories": list(CATEGORIES.values()),
            "withheld": [label for label, _reason in WITHHELD.values()],
            "produced": selectors.archives_produced(viewer=request.user, citizen=citizen),
        },
        status=status,
    )
