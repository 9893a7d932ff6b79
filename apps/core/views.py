from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.i18n import set_language as django_set_language

from apps.accounts import services as account_services
from apps.accounts.roles import roles_of
from apps.core import dashboard, health
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
