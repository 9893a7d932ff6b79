"""Staff pages that keep the managed tags: the list with each tag's count, create, edit, retire.

Supervisors and administrators hold ``tickets.add_tag`` / ``tickets.change_tag``; the page is
open to whoever may see tags (``tickets.view_tag``). Every write goes through ``tag_save``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from apps.core.errors import ApplicationError, NotFound, PermissionDenied
from apps.core.views import render_error
from apps.tickets import selectors, services
from apps.tickets.forms import TagForm


def _save(request, form, tag=None):
    """``tag_save`` with the form's data; its refusal (a name taken) goes on the form."""
    try:
        return services.tag_save(actor=request.user, tag=tag, **form.cleaned_data)
    except ApplicationError as error:
        for field in error.details or {}:
            if field in form.fields:
                form.add_error(field, str(error.message))
                break
        else:
            form.add_error(None, str(error.message))
        return None


@login_required
@require_http_methods(["GET", "POST"])
def tag_list(request):
    if not request.user.has_perm("tickets.view_tag"):
        return render_error(request, PermissionDenied())
    form = TagForm(request.POST or None, prefix="new")
    if request.method == "POST":
        if not request.user.has_perm("tickets.add_tag"):
            return render_error(request, PermissionDenied())
        if form.is_valid() and _save(request, form) is not None:
            messages.success(request, _("The tag was created."))
            return redirect("tickets:tag_list")
    tags = list(selectors.tags(include_inactive=True))
    counts = selectors.tag_counts(viewer=request.user)
    for tag in tags:
        tag.ticket_count = counts.get(tag.pk, 0)
    return render(
        request,
        "tickets/tags.html",
        {"tags": tags, "form": form},
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def tag_edit(request, pk: int):
    if not request.user.has_perm("tickets.change_tag"):
        return render_error(request, PermissionDenied())
    tag = selectors.tags(include_inactive=True).filter(pk=pk).first()
    if tag is None:
        return render_error(request, NotFound(_("No such tag.")))
    initial = {
        "name_ar": tag.name_ar,
        "name_en": tag.name_en,
        "colour": tag.colour,
        "is_active": tag.is_active,
    }
    form = TagForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid() and _save(request, form, tag) is not None:
        messages.success(request, _("The tag was saved."))
        return redirect("tickets:tag_list")
    return render(
        request,
        "tickets/tag_edit.html",
        {"tag": tag, "form": form},
        status=400 if form.is_bound and form.errors else 200,
    )
