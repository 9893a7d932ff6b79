"""Staff pages for citizens: the look-up used while taking a call, and the citizen's page
with their phones (add, confirm, make primary, remove), housing files and tickets."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.citizens import selectors, services
from apps.citizens.forms import CitizenEditForm, PhoneAddForm
from apps.citizens.validation import looks_like_cpr
from apps.core.errors import ApplicationError, NotFound, PermissionDenied
from apps.core.views import render_error


@login_required
@require_GET
def citizen_lookup(request):
    """Find the caller by CPR or phone (htmx): one match fills the citizen in at once. A name
    gives a ranked pick-list, even of one: a name alone does not identify the caller."""
    if not selectors.can_see_identity(request.user):
        return render_error(request, PermissionDenied(), template="citizens/_lookup_error.html")
    query = (request.GET.get("q") or "").strip()
    by_name = selectors.looks_like_name(query)
    error = None
    try:
        found = selectors.citizen_search(query=query, viewer=request.user, names=True) if query else []
    except ApplicationError as exc:
        found, error = [], exc
    if len(found) == 1 and not by_name:
        return _card(request, found[0].pk)
    context = {
        "query": query,
        "found": found,
        "by_name": by_name,
        "error": error,
        "typed_cpr": query if looks_like_cpr(query) else "",
        "typed_phone": "" if looks_like_cpr(query) or by_name else query,
    }
    return render(request, "citizens/_lookup.html", context)


def _card(request, citizen_id: int):
    citizen = selectors.citizen_file(citizen_id=citizen_id, viewer=request.user, purpose="ticket")
    return render(request, "citizens/_card.html", {"citizen": citizen})


@login_required
@require_GET
def citizen_card(request, pk: int):
    try:
        return _card(request, pk)
    except NotFound:
        raise Http404 from None
    except PermissionDenied as exc:
        return render_error(request, exc, template="citizens/_lookup_error.html")


@login_required
@require_GET
def citizen_detail(request, pk: int):
    try:
        citizen = selectors.citizen_file(citizen_id=pk, viewer=request.user, purpose="citizen page")
    except NotFound:
        raise Http404 from None
    except PermissionDenied as exc:
        return render_error(request, exc)
    return render(request, "citizens/detail.html", _context(request, citizen))


@login_required
@require_http_methods(["GET", "POST"])
def citizen_edit(request, pk: int):
    """Correct a citizen's details, with a reason (``citizen_update``; the history keeps both)."""
    try:
        citizen = _changing(request, pk)
    except PermissionDenied as exc:
        return render_error(request, exc)
    fields = CitizenEditForm.base_fields
    initial = {name: getattr(citizen, name) for name in fields if name != "reason"}
    form = CitizenEditForm(request.POST or None, initial=initial)
    error = None
    if request.method == "POST" and form.is_valid():
        values = {name: value for name, value in form.cleaned_data.items() if name != "reason"}
        try:
            services.citizen_update(
                citizen=citizen, actor=request.user, reason=form.cleaned_data["reason"], **values
            )
        except ApplicationError as exc:
            error = exc
            for name, problems in exc.details.items():
                if name in form.fields:
                    for problem in problems:
                        form.add_error(name, problem)
        else:
            messages.success(request, _("The citizen's details were changed."))
            return redirect("citizens:detail", pk=pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "citizens/edit.html", {"citizen": citizen, "form": form, "error": error}, status=status
    )


def _context(request, citizen, **extra):
    return {
        "citizen": citizen,
        "can_change": selectors.can_change(request.user),
        "phone_form": extra.get("phone_form") or PhoneAddForm(),
        "error": extra.get("error"),
    }


def _phones_answer(request, pk: int, **extra):
    citizen = selectors.citizen_file(citizen_id=pk, viewer=request.user, purpose="phones")
    if request.htmx:
        return render(request, "citizens/_phones.html", _context(request, citizen, **extra))
    return redirect("citizens:detail", pk=pk)


def _changing(request, pk: int):
    if not selectors.can_change(request.user):
        raise PermissionDenied()
    try:
        return selectors.citizen_file(citizen_id=pk, viewer=request.user, purpose="phones")
    except NotFound:
        raise Http404 from None


@login_required
@require_POST
def phone_add(request, pk: int):
    form = PhoneAddForm(request.POST)
    try:
        citizen = _changing(request, pk)
        if not form.is_valid():
            return _phones_answer(request, pk, phone_form=form)
        services.citizen_phone_add(
            citizen=citizen,
            number=form.cleaned_data["number"],
            make_primary=form.cleaned_data["make_primary"],
            actor=request.user,
        )
    except ApplicationError as exc:
        return _phones_answer(request, pk, phone_form=form, error=exc)
    return _phones_answer(request, pk)


@login_required
@require_POST
def phone_change(request, pk: int, phone_id: int):
    action = request.POST.get("action")
    try:
        citizen = _changing(request, pk)
        phone = selectors.citizen_phone(citizen=citizen, phone_id=phone_id)
        if action == "confirm":
            services.citizen_phone_confirm(phone=phone, actor=request.user)
        elif action == "primary":
            services.citizen_phone_set_primary(phone=phone, actor=request.user)
        elif action == "remove":
            services.citizen_phone_remove(phone=phone, actor=request.user)
    except ApplicationError as exc:
        return _phones_answer(request, pk, error=exc)
    return _phones_answer(request, pk)
