from base64 import b32encode

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from apps.accounts import services, two_factor
from apps.accounts.forms import LoginForm, TwoFactorCodeForm
from apps.core.errors import ApplicationError


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


def _next_url(request) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def two_factor_verify(request):
    """The second step of signing in: a code from the authenticator app or a recovery code."""
    state = two_factor.session_state(request)
    if state == two_factor.ENROL:
        return redirect("accounts:two_factor_enrol")
    if state != two_factor.VERIFY:
        return redirect(_next_url(request))
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if two_factor.complete(request, request.user, form.cleaned_data["code"]):
            return redirect(_next_url(request))
        form.add_error(
            "code", _("That code is not right. Try the newest code in your app, or a recovery code.")
        )
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": _next_url(request)})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def two_factor_enrol(request):
    """Set up an authenticator app: scan the QR code, type a code it shows, keep the
    recovery codes (shown this once)."""
    if two_factor.session_state(request) == two_factor.VERIFY:
        # Prove the present authenticator before replacing it.
        return redirect("accounts:two_factor_verify")
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.two_factor_enrolment_confirm(
                user=request.user, code=form.cleaned_data["code"], actor=request.user
            )
        except ApplicationError as error:
            form.add_error("code", str(error.message))
        else:
            two_factor.mark_verified(request, two_factor.authenticator_of(request.user))
            return render(
                request, "accounts/two_factor_codes.html", {"codes": codes, "next": _next_url(request)}
            )
        device = two_factor.authenticator_of(request.user, confirmed=False)
    else:
        device = services.two_factor_enrolment_start(user=request.user, actor=request.user)
    if device is None:
        device = services.two_factor_enrolment_start(user=request.user, actor=request.user)
    context = {
        "form": form,
        "next": _next_url(request),
        "secret": b32encode(device.bin_key).decode(),
        "required": two_factor.is_required_for(request.user),
    }
    return render(request, "accounts/two_factor_enrol.html", context)


@never_cache
@login_required
def two_factor_qr(request):
    """The pending authenticator's secret as a QR code, drawn here as SVG (no CDN, no script)."""
    device = two_factor.authenticator_of(request.user, confirmed=False)
    if device is None:
        raise Http404
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, border=2)
    return HttpResponse(image.to_string(encoding="unicode"), content_type="image/svg+xml")


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def two_factor_settings(request):
    """Whether two-factor sign-in is on; new recovery codes; turning it off where optional."""
    user = request.user
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "renew_codes" and two_factor.is_enrolled(user):
            codes = services.two_factor_recovery_codes_renew(user=user, actor=user)
            return render(
                request,
                "accounts/two_factor_codes.html",
                {"codes": codes, "next": resolve_url("accounts:two_factor")},
            )
        if action == "turn_off":
            try:
                services.two_factor_reset(user=user, actor=user)
            except ApplicationError as error:
                messages.error(request, str(error.message))
            else:
                messages.success(request, _("Two-factor sign-in is off."))
        return redirect("accounts:two_factor")
    context = {
        "enrolled": two_factor.is_enrolled(user),
        "required": two_factor.is_required_for(user),
        "codes_left": two_factor.recovery_codes_left(user),
    }
    return render(request, "accounts/two_factor_settings.html", context)
