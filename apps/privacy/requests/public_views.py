"""The citizen's data-protection pages on the portal (``/portal/privacy/``): no account,
every page ``no-store``.

1. CPR and the mobile on file: a one-time code goes by SMS (the page says the same whether
   or not they match).
2. The code: a right one opens the citizen's page for a short while
   (``HOUSING_PRIVACY_PORTAL_SESSION_MINUTES``); a wrong code or details that do not go
   together are one refusal that does not say which part was wrong.
3. The page: file an access, correction or objection request (the reference at once), see
   each request's status, and download an answered access request's archive after a
   fresh one-time code.
"""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from apps.core import counters
from apps.core.clients import client_ip
from apps.core.errors import ApplicationError, RateLimited
from apps.portal.sign_in import CodeSignIn
from apps.privacy.requests import conf, portal, selectors, services
from apps.privacy.requests.forms import CodeForm, FileForm, StartForm
from apps.privacy.requests.workflow import Channel

_FILED = "pdp_portal_filed"

SIGN_IN = CodeSignIn(
    draft_key="pdp_portal_draft",
    session_key="pdp_portal_citizen",
    namespace="privacy_portal",
    home="privacy_portal:mine",
    start_template="privacy/requests/portal/start.html",
    start_form=StartForm,
    code_form=CodeForm,
    request_code=portal.code_request,
    verify=portal.code_verify,
    session_minutes=lambda: conf.get("HOUSING_PRIVACY_PORTAL_SESSION_MINUTES"),
)


def _filing_allowed(ip: str) -> bool:
    count = counters.hit(f"portal:privacy:{ip}", window=3600)
    return count <= conf.get("HOUSING_PORTAL_SUBMISSIONS_PER_HOUR")


@never_cache
@require_http_methods(["GET", "POST"])
def start(request):
    return SIGN_IN.start(request)


@never_cache
@require_http_methods(["GET", "POST"])
def code(request):
    return SIGN_IN.code(request)


@never_cache
@require_http_methods(["GET", "POST"])
def mine(request):
    citizen, _mobile = SIGN_IN.signed_in(request)
    if citizen is None:
        return redirect("privacy_portal:start")
    form = FileForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            if not _filing_allowed(client_ip(request)):
                form.add_error(None, RateLimited.default_message)
                status = 429
            else:
                try:
                    filed = services.request_file(
                        citizen=citizen,
                        kind=form.cleaned_data["kind"],
                        channel=Channel.PORTAL,
                        details=form.cleaned_data["details"],
                        requested_changes=form.requested_changes(),
                        objection_kind=form.cleaned_data["objection_kind"],
                    )
                except ApplicationError as exc:
                    form.add_service_errors(exc)
                    status = exc.status
                else:
                    request.session[_FILED] = filed.reference
                    return redirect("privacy_portal:mine")
        else:
            status = 400
    context = {
        "citizen": citizen,
        "requests": selectors.citizen_requests(citizen=citizen),
        "form": form,
        "filed": request.session.pop(_FILED, None) if request.method == "GET" else None,
    }
    return render(request, "privacy/requests/portal/mine.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def download(request, reference: str):
    """The archive, after a fresh one-time code to the mobile the page was opened with."""
    citizen, mobile = SIGN_IN.signed_in(request)
    if citizen is None:
        return redirect("privacy_portal:start")
    answered = selectors.citizen_archive(citizen=citizen, reference=reference)
    if answered is None:
        raise Http404
    template = "privacy/requests/portal/download.html"
    context = {**SIGN_IN.code_context(mobile), "answered": answered, "sent": False}
    if request.method == "GET":
        return render(request, template, context)
    ip = client_ip(request)
    if request.POST.get("action") in ("send", "resend"):
        try:
            portal.code_request(cpr=citizen.cpr, mobile=mobile, ip=ip, purpose=portal.DOWNLOAD_PURPOSE)
        except ApplicationError as exc:
            return render(request, template, {**context, "error": exc}, status=exc.status)
        return render(request, template, {**context, "sent": True})
    form = CodeForm(request.POST)
    if not form.is_valid():
        return render(request, template, {**context, "sent": True, "form": form}, status=400)
    try:
        portal.code_verify(
            cpr=citizen.cpr,
            mobile=mobile,
            code=form.cleaned_data["code"],
            ip=ip,
            purpose=portal.DOWNLOAD_PURPOSE,
        )
    except ApplicationError as exc:
        return render(request, template, {**context, "sent": True, "error": exc}, status=exc.status)
    response = HttpResponse(bytes(answered.archive), content_type="application/zip")
    response["Content-Disposition"] = content_disposition_header(True, answered.archive_filename)
    return response


@never_cache
@require_http_methods(["POST"])
def sign_out(request):
    SIGN_IN.sign_out(request)
    return redirect("privacy_portal:start")
