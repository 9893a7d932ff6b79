from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.i18n import set_language as django_set_language

from apps.accounts import services as account_services
from apps.accounts.roles import roles_of
from apps.core import dashboard, health, parsing, saved_views
from apps.core.errors import ApplicationError


@require_GET
@never_cache
def healthz(request):
    return JsonResponse({"status": "ok"})


@require_GET
@never_cache
def readyz(request):
    problems = health.readiness()
    if problems:
        return JsonResponse({"status": "unavailable", "problems": problems}, status=503)
    return JsonResponse({"status": "ready"})


@login_required
def home(request):
    """Each role's work with live counts (apps/core/dashboard.py), every count a link."""
    return render(
        request,
        "core/home.html",
        {"roles": roles_of(request.user), "panels": dashboard.panels_for(request.user)},
    )


@require_POST
def set_language(request):
    """Django's set_language (cookie, for the public) plus the staff member's own preference."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in {code for code, _name in _languages()}:
        account_services.user_set_language(user=request.user, language=language, actor=request.user)
    if response.status_code == 204:  # no safe "next": go home
        target = request.META.get("HTTP_REFERER", "/")
        if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
            target = "/"
        return HttpResponseRedirect(target)
    return response


def _languages():
    from django.conf import settings

    return settings.LANGUAGES


def render_error(request, error: ApplicationError, template="core/error.html"):
    """Render a domain error as a page with its status code."""
    return render(
        request, template, {"error": error, "title": _("Something needs attention")}, status=error.status
    )


# --- saved views (apps.core.saved_views) ---------------------------------------------------


def _back(request, url: str):
    """After a change to a view: htmx follows ``HX-Redirect``, a plain form a redirect."""
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)


def _refused(request, error: ApplicationError, back: str):
    messages.error(request, str(error.message))
    return _back(request, back)


@login_required
@require_POST
def saved_view_save(request):
    """Save the list's current filters as a view (the filter form's fields sent along by
    htmx, else the page's own query string), personal or shared with a department."""
    from django.http import QueryDict

    try:
        spec = saved_views.spec_for(request.POST.get("list_key", ""))
    except ApplicationError as error:
        return render_error(request, error)
    back = spec.url()
    fields = spec.fields
    # The share choice is "share_department", not "department": a list may filter by department.
    source = request.POST if set(request.POST) & set(fields) else QueryDict(request.POST.get("query", ""))
    department_id = parsing.to_id(request.POST.get("share_department") or "")
    try:
        view = saved_views.saved_view_save(
            actor=request.user,
            list_key=spec.key,
            name=request.POST.get("name", ""),
            params=saved_views.params_from(source, spec, request.user),
            sort=source.get("sort", ""),
            department_id=department_id,
        )
    except ApplicationError as error:
        return _refused(request, error, f"{back}?{source.urlencode()}" if source else back)
    messages.success(request, _("The view “%(name)s” was saved.") % {"name": view.name})
    return _back(request, saved_views.view_url(view))


def _view_or_error(request, pk):
    try:
        return saved_views.view_get(viewer=request.user, pk=pk), None
    except ApplicationError as error:
        return None, render_error(request, error)


@login_required
@require_POST
def saved_view_rename(request, pk: int):
    view, error_page = _view_or_error(request, pk)
    if error_page:
        return error_page
    try:
        saved_views.saved_view_rename(actor=request.user, view=view, name=request.POST.get("name", ""))
    except ApplicationError as error:
        if error.status == 403:
            return render_error(request, error)
        view.refresh_from_db()
        return _refused(request, error, saved_views.view_url(view))
    messages.success(request, _("The view was renamed."))
    return _back(request, saved_views.view_url(view))


@login_required
@require_POST
def saved_view_delete(request, pk: int):
    view, error_page = _view_or_error(request, pk)
    if error_page:
        return error_page
    back = saved_views.spec_for(view.list_key).url()
    try:
        saved_views.saved_view_delete(actor=request.user, view=view)
    except ApplicationError as error:
        return render_error(request, error)
    messages.success(request, _("The view “%(name)s” was deleted.") % {"name": view.name})
    return _back(request, back)
