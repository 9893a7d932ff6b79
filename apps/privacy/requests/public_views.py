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

from datetime import timedelta

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from apps.citizens import selectors as citizen_selectors
from apps.core import counters, otp
from apps.core.clients import client_ip
from apps.core.errors import ApplicationError, RateLimited
from apps.privacy.requests import conf, portal, selectors, services
from apps.privacy.requests.forms import CodeForm, FileForm, StartForm
from apps.privacy.requests.workflow import Channel

_DRAFT = "pdp_portal_draft"
_SIGNED_IN = "pdp_portal_citizen"
_FILED = "pdp_portal_filed"


def _masked(mobile: str) -> str:
    return "•••• " + mobile[-4:] if mobile else ""


def _signed_in(request):
    data = request.session.get(_SIGNED_IN)
    if not data or not data.get("cpr"):
        return None, ""
    until = parse_datetime(data.get("until") or "")
    if until is None or until <= timezone.now():
        request.session.pop(_SIGNED_IN, None)
        return None, ""
    return citizen_selectors.citizen_by_cpr(cpr=data["cpr"]), data.get("mobile", "")


def _add_errors(form, exc: ApplicationError) -> None:
    placed = False
    for name, reasons in (exc.details or {}).items():
        if name in form.fields and isinstance(reasons, list | tuple):
            for reason in reasons or [exc.message]:
                form.add_error(name, str(reason))
            placed = True
    if not placed:
        form.add_error(None, str(exc.message))


def _code_context(draft: dict) -> dict:
    return {
        "masked_mobile": _masked(draft["mobile"]),
        "code_digits": otp.setting("HOUSING_OTP_DIGITS"),
        "code_minutes": max(1, otp.setting("HOUSING_OTP_TTL_SECONDS") // 60),
        "form": CodeForm(),
    }


@never_cache
@require_http_methods(["GET", "POST"])
def start(request):
    citizen, _mobile = _signed_in(request)
    if request.method == "GET":
        if citizen is not None:
            return redirect("privacy_portal:mine")
        return render(request, "privacy/requests/portal/start.html", {"form": StartForm()})
    form = StartForm(request.POST)
    if form.is_valid() and form.cleaned_data.get("website"):
        form.add_error(None, otp.OtpLocked.default_message)
    elif form.is_valid():
        try:
            checked = portal.code_request(
                cpr=form.cleaned_data["cpr"], mobile=form.cleaned_data["mobile"], ip=client_ip(request)
            )
        except ApplicationError as exc:
            _add_errors(form, exc)
        else:
            request.session[_DRAFT] = checked
            return redirect("privacy_portal:code")
    return render(request, "privacy/requests/portal/start.html", {"form": form}, status=400)


@never_cache
@require_http_methods(["GET", "POST"])
def code(request):
    draft = request.session.get(_DRAFT)
    if not draft:
        return redirect("privacy_portal:start")
    context = _code_context(draft)
    template = "privacy/requests/portal/code.html"
    if request.method == "GET":
        return render(request, template, context)
    if request.POST.get("action") == "resend":
        try:
            portal.code_request(cpr=draft["cpr"], mobile=draft["mobile"], ip=client_ip(request))
        except ApplicationError as exc:
            return render(request, template, {**context, "error": exc}, status=exc.status)
        return render(request, template, {**context, "resent": True})
    form = CodeForm(request.POST)
    if not form.is_valid():
        return render(request, template, {**context, "form": form}, status=400)
    try:
        citizen = portal.code_verify(
            cpr=draft["cpr"], mobile=draft["mobile"], code=form.cleaned_data["code"], ip=client_ip(request)
        )
    except ApplicationError as exc:
        can_resend = isinstance(exc, otp.OtpExpired | otp.OtpSpent)
        return render(
            request, template, {**context, "error": exc, "can_resend": can_resend}, status=exc.status
        )
    request.session.pop(_DRAFT, None)
    minutes = conf.get("HOUSING_PRIVACY_PORTAL_SESSION_MINUTES")
    request.session[_SIGNED_IN] = {
        "cpr": citizen.cpr,
        "mobile": draft["mobile"],
        "until": (timezone.now() + timedelta(minutes=minutes)).isoformat(),
    }
    request.session.cycle_key()
    return redirect("privacy_portal:mine")


def _filing_allowed(ip: str) -> bool:
    count = counters.hit(f"portal:privacy:{ip}", window=3600)
    return count <= conf.get("HOUSING_PORTAL_SUBMISSIONS_PER_HOUR")


@never_cache
@require_http_methods(["GET", "POST"])
def mine(request):
    citizen, _mobile = _signed_in(request)
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
    citizen, mobile = _signed_in(request)
    if citizen is None:
        return redirect("privacy_portal:start")
    answered = selectors.citizen_archive(citizen=citizen, reference=reference)
    if answered is None:
        raise Http404
    template = "privacy/requests/portal/download.html"
    context = {**_code_context({"mobile": mobile}), "answered": answered, "sent": False}
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
    request.session.pop(_SIGNED_IN, None)
    return redirect("privacy_portal:start")
