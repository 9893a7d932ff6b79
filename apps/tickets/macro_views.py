"""The page that keeps the macros (supervisors and administrators): list, create, edit, retire.

Applying a macro happens on the ticket page, with the reply (``views.ticket_reply``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.core.errors import ApplicationError, NotFound, PermissionDenied
from apps.core.views import render_error
from apps.tickets import macro_services, selectors
from apps.tickets.macro_forms import MacroForm
from apps.tickets.workflow import Status


@login_required
@require_GET
def macro_list(request):
    if not macro_services.can_manage(request.user):
        return render_error(request, PermissionDenied())
    macros = selectors.macro_list()
    for macro in macros:
        macro.status_label = Status(macro.to_status).label if macro.to_status else ""
    return render(request, "tickets/macros/list.html", {"macros": macros})


def _edit(request, macro=None):
    permission = "tickets.change_macro" if macro else "tickets.add_macro"
    if not request.user.has_perm(permission):
        return render_error(request, PermissionDenied())
    if request.method == "POST":
        form = MacroForm(request.POST, macro=macro)
        if form.is_valid():
            try:
                saved = macro_services.macro_save(actor=request.user, macro=macro, **form.service_kwargs())
            except ApplicationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("The macro “%(title)s” was saved.") % {"title": saved.title()})
                return redirect("tickets:macros")
    else:
        form = MacroForm(macro=macro)
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "tickets/macros/form.html", {"form": form, "macro": macro}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def macro_create(request):
    return _edit(request)


@login_required
@require_http_methods(["GET", "POST"])
def macro_edit(request, pk: int):
    if not macro_services.can_manage(request.user):
        return render_error(request, PermissionDenied())
    try:
        macro = selectors.macro_get(pk=pk)
    except NotFound as exc:
        return render_error(request, exc)
    return _edit(request, macro)


@login_required
@require_POST
def macro_retire(request, pk: int):
    if not request.user.has_perm("tickets.change_macro"):
        return render_error(request, PermissionDenied())
    try:
        macro = macro_services.macro_retire(actor=request.user, macro=selectors.macro_get(pk=pk))
    except ApplicationError as exc:
        return render_error(request, exc)
    messages.success(request, _("The macro “%(title)s” is no longer offered.") % {"title": macro.title()})
    return redirect("tickets:macros")
