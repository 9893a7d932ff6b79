"""Staff administration for administrators, outside the Django admin: the list, a member's
page, creating and editing an account, and the actions on it (disable, enable, reset the
password or the second factor). Every write goes through ``apps.accounts.services``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from apps.accounts import selectors, services, staff_panels
from apps.accounts.forms import StaffFilterForm, StaffForm
from apps.accounts.models import User
from apps.accounts.roles import Role
from apps.core.errors import ApplicationError, PermissionDenied
from apps.core.views import render_error

PAGE_SIZE = 50


def _may_manage(request) -> bool:
    return request.user.has_perm(services.MANAGE_STAFF)


def _roles_of(member) -> list[Role]:
    """The member's roles, from the prefetched groups (no query)."""
    names = {group.name for group in member.groups.all()}
    return [role for role in Role if role.value in names]


def _member_or_404(pk: int) -> User:
    member = selectors.staff_get(pk=pk)
    if member is None:
        raise Http404
    return member


@login_required
@require_http_methods(["GET"])
def staff_list(request):
    if not _may_manage(request):
        return render_error(request, PermissionDenied())
    form = StaffFilterForm(request.GET or None)
    rows = selectors.staff_list(**form.filters()) if form.is_bound else selectors.staff_list()
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    for member in page:
        member.role_list = _roles_of(member)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "accounts/staff/list.html",
        {"title": _("Staff accounts"), "form": form, "page": page, "query": query.urlencode()},
    )


@login_required
@require_http_methods(["GET"])
def staff_detail(request, pk: int):
    if not _may_manage(request):
        return render_error(request, PermissionDenied())
    member = _member_or_404(pk)
    return render(
        request,
        "accounts/staff/detail.html",
        {
            "title": member.display_name(),
            "member": member,
            "roles": _roles_of(member),
            "panels": staff_panels.rendered_panels(request, member),
            "is_self": member.pk == request.user.pk,
        },
    )


def _form_values(form) -> dict:
    data = form.cleaned_data
    return {
        "full_name_ar": data["full_name_ar"],
        "first_name": data["first_name"],
        "last_name": data["last_name"],
        "email": data["email"],
        "language": data["language"],
        "roles": data["roles"],
        "department": data["department"],
        "deputy": data["deputy"],
    }


@login_required
@require_http_methods(["GET", "POST"])
def staff_create(request):
    if not _may_manage(request):
        return render_error(request, PermissionDenied())
    form = StaffForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            member = services.staff_create(
                actor=request.user, username=form.cleaned_data["username"], **_form_values(form)
            )
        except ApplicationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request,
                _("The account %(username)s is created; a link to choose a password was sent to %(email)s.")
                % {"username": member.username, "email": member.email},
            )
            return redirect("accounts:staff_detail", pk=member.pk)
    return render(
        request,
        "accounts/staff/form.html",
        {"title": _("New staff account"), "form": form, "member": None},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def staff_edit(request, pk: int):
    if not _may_manage(request):
        return render_error(request, PermissionDenied())
    member = _member_or_404(pk)
    form = StaffForm(request.POST or None, member=member)
    if request.method == "POST" and form.is_valid():
        try:
            services.staff_update(actor=request.user, user=member, **_form_values(form))
        except ApplicationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("The changes are saved."))
            return redirect("accounts:staff_detail", pk=member.pk)
    return render(
        request,
        "accounts/staff/form.html",
        {"title": _("Edit %(name)s") % {"name": member.display_name()}, "form": form, "member": member},
        status=400 if form.errors else 200,
    )


_ACTIONS = {
    "disable": (
        services.staff_disable,
        gettext_lazy("The account is disabled; its sessions and API tokens are ended."),
    ),
    "enable": (services.staff_enable, gettext_lazy("The account is enabled again.")),
    "reset-password": (
        services.staff_reset_password,
        gettext_lazy("The password no longer works; a one-time link to choose a new one was sent."),
    ),
    "reset-two-factor": (
        services.staff_reset_two_factor,
        gettext_lazy("Two-factor sign-in was reset; the staff member sets it up again at the next sign-in."),
    ),
}


@login_required
@require_POST
def staff_action(request, pk: int, action: str):
    if not _may_manage(request):
        return render_error(request, PermissionDenied())
    if action not in _ACTIONS:
        raise Http404
    member = _member_or_404(pk)
    service, done = _ACTIONS[action]
    try:
        service(actor=request.user, user=member)
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, str(done))
    return redirect("accounts:staff_detail", pk=member.pk)


class _SetPasswordForm(SetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.update({"class": "form-control", "dir": "ltr"})


class PasswordSetView(auth_views.PasswordResetConfirmView):
    """The one-time link a new (or reset) member opens to choose their password (Django's
    password-reset token: it stops working once the password is set)."""

    form_class = _SetPasswordForm
    template_name = "accounts/password_set.html"
    success_url = reverse_lazy("accounts:password_set_done")
    post_reset_login = False


class PasswordSetDoneView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_set_done.html"
