"""The officers' pages: the queue of data-subject requests, one request and its actions, and
the agent's form to file a request on a citizen's behalf."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.citizens import selectors as citizen_selectors
from apps.core.errors import ApplicationError, NotFound, PermissionDenied
from apps.core.views import render_error
from apps.privacy.requests import selectors, services
from apps.privacy.requests.forms import DecideForm, FileForm, QueueFilterForm
from apps.privacy.requests.workflow import RECTIFIABLE_FIELDS, Channel, Kind


@login_required
@require_GET
def queue(request):
    form = QueueFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    now = timezone.now()
    try:
        rows = selectors.queue(
            viewer=request.user,
            status=filters.get("status", ""),
            kind=filters.get("kind", ""),
            due=filters.get("due", ""),
            search=filters.get("q", ""),
            now=now,
        )
    except PermissionDenied as exc:
        return render_error(request, exc)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "privacy/requests/queue.html", {"form": form, "page": page, "now": now})


def _detail(request, pk: int, *, decide_form=None, error=None, status=200):
    try:
        dsr = selectors.request_get(pk=pk, viewer=request.user)
    except NotFound:
        raise Http404 from None
    except PermissionDenied as exc:
        return render_error(request, exc)
    changes = [
        {"label": RECTIFIABLE_FIELDS.get(name, name), "old": getattr(dsr.citizen, name, ""), "new": value}
        for name, value in dsr.requested_changes.items()
    ]
    context = {
        "dsr": dsr,
        "changes": changes,
        "withheld": _withheld_labels(dsr.archive_withheld),
        "can_decide": selectors.can_decide(request.user),
        "decide_form": decide_form or DecideForm(),
        "error": error,
        "now": timezone.now(),
    }
    return render(request, "privacy/requests/detail.html", context, status=status)


def _withheld_labels(keys) -> list[str]:
    """The desk's names of the withheld categories, in the page's language."""
    from apps.privacy.desk.archive import WITHHELD

    return [str(WITHHELD[key][0]) if key in WITHHELD else str(key) for key in keys or ()]


@login_required
@require_GET
def detail(request, pk: int):
    return _detail(request, pk)


def _act(request, pk: int, action, *, decide_form=None):
    """Run ``action`` on the request; a refusal shows the detail page again with it (and on
    the decision form's fields it names, when there is one)."""
    try:
        dsr = selectors.request_get(pk=pk, viewer=request.user)
    except NotFound:
        raise Http404 from None
    except PermissionDenied as exc:
        return render_error(request, exc)
    try:
        action(dsr)
    except ApplicationError as exc:
        if decide_form is not None:
            for name, reasons in (exc.details or {}).items():
                if name in decide_form.fields and isinstance(reasons, list | tuple):
                    for reason in reasons:
                        decide_form.add_error(name, str(reason))
        return _detail(request, pk, decide_form=decide_form, error=exc, status=exc.status)
    return redirect("privacy_requests:detail", pk=pk)


@login_required
@require_POST
def start_review(request, pk: int):
    return _act(request, pk, lambda dsr: services.request_start_review(request=dsr, actor=request.user))


@login_required
@require_POST
def answer(request, pk: int):
    return _act(request, pk, lambda dsr: services.request_answer_access(request=dsr, actor=request.user))


@login_required
@require_POST
def decide(request, pk: int):
    form = DecideForm(request.POST)
    if not form.is_valid():
        return _detail(request, pk, decide_form=form, status=400)

    def act(dsr):
        services.request_decide(
            request=dsr,
            actor=request.user,
            approve=form.cleaned_data["decision"] == "approve",
            reason=form.cleaned_data["reason"],
        )

    return _act(request, pk, act, decide_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def file_on_behalf(request, citizen_pk: int):
    """An agent files a request for the citizen in front of them (channel "agent")."""
    if not request.user.has_perm(services.FILE_ON_BEHALF_PERMISSION):
        return render_error(request, PermissionDenied())
    try:
        citizen = citizen_selectors.citizen_file(
            citizen_id=citizen_pk, viewer=request.user, purpose="data-protection request"
        )
    except NotFound:
        raise Http404 from None
    except PermissionDenied as exc:
        return render_error(request, exc)
    form = FileForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                filed = services.request_file(
                    citizen=citizen,
                    kind=form.cleaned_data["kind"],
                    channel=Channel.AGENT,
                    actor=request.user,
                    details=form.cleaned_data["details"],
                    requested_changes=form.requested_changes(),
                    objection_kind=form.cleaned_data["objection_kind"],
                )
            except ApplicationError as exc:
                form.add_service_errors(exc)
                status = exc.status
            else:
                return render(
                    request,
                    "privacy/requests/filed.html",
                    {"citizen": citizen, "filed": filed, "message": _("The request is filed.")},
                )
        else:
            status = 400
    return render(
        request,
        "privacy/requests/file.html",
        {"citizen": citizen, "form": form, "kinds": Kind},
        status=status,
    )
