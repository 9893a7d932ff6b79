"""The two pages by which a citizen signs a portal flow in: CPR and the mobile on file, then the
one-time code sent to it (``apps.citizens.code_sign_in``). Each flow (appointments, data-protection
requests) describes itself once with a ``CodeSignIn`` and calls its ``start`` and ``code`` from
views of its own, which carry the flow's decorators and URL names.

A right code signs this browser in for that flow only, for a few minutes: the session holds the
citizen, their CPR, the mobile the code went to and until when.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from apps.core import otp
from apps.core.clients import client_ip
from apps.core.errors import ApplicationError


def masked(mobile: str) -> str:
    return "•••• " + mobile[-4:] if mobile else ""


@dataclass(frozen=True)
class CodeSignIn:
    draft_key: str  # the session key between the two steps
    session_key: str  # the session key of the signed-in citizen
    namespace: str  # the flow's URL namespace, with "start" and "code"
    home: str  # the URL name a signed-in citizen lands on
    start_template: str  # the flow's first page (its own words); the code page is shared
    start_form: type
    code_form: type
    request_code: Callable[..., dict]  # (cpr=, mobile=, ip=) -> {"cpr", "mobile"}
    verify: Callable[..., object]  # (cpr=, mobile=, code=, ip=) -> the citizen
    session_minutes: Callable[[], int]

    def signed_in(self, request):
        """The signed-in citizen and the mobile they proved, or (None, "")."""
        from apps.citizens import selectors as citizen_selectors

        data = request.session.get(self.session_key)
        if not data or not data.get("cpr"):
            return None, ""
        until = parse_datetime(data.get("until") or "")
        if until is None or until <= timezone.now():
            request.session.pop(self.session_key, None)
            return None, ""
        return citizen_selectors.citizen_by_cpr(cpr=data["cpr"]), data.get("mobile", "")

    def sign_out(self, request) -> None:
        request.session.pop(self.session_key, None)

    def code_context(self, mobile: str) -> dict:
        return {
            "masked_mobile": masked(mobile),
            "code_digits": otp.setting("HOUSING_OTP_DIGITS"),
            "code_minutes": max(1, otp.setting("HOUSING_OTP_TTL_SECONDS") // 60),
            "form": self.code_form(),
            "testid_prefix": self.code_form.testid_prefix,
        }

    def start(self, request):
        """CPR and mobile: a code goes by SMS (the page says the same whether or not they match)."""
        template = self.start_template
        if request.method == "GET":
            if self.signed_in(request)[0] is not None:
                return redirect(self.home)
            return render(request, template, {"form": self.start_form()})
        form = self.start_form(request.POST)
        if form.is_valid() and form.cleaned_data.get("website"):
            form.add_error(None, otp.OtpLocked.default_message)
        elif form.is_valid():
            try:
                checked = self.request_code(
                    cpr=form.cleaned_data["cpr"], mobile=form.cleaned_data["mobile"], ip=client_ip(request)
                )
            except ApplicationError as exc:
                form.add_service_errors(exc)
            else:
                request.session[self.draft_key] = checked
                return redirect(f"{self.namespace}:code")
        return render(request, template, {"form": form}, status=400)

    def code(self, request):
        """The code: right signs in; wrong, expired or spent say so; a new one can be sent."""
        draft = request.session.get(self.draft_key)
        if not draft:
            return redirect(f"{self.namespace}:start")
        context = self.code_context(draft["mobile"])
        template = "portal/code_sign_in.html"
        if request.method == "GET":
            return render(request, template, context)
        if request.POST.get("action") == "resend":
            try:
                self.request_code(cpr=draft["cpr"], mobile=draft["mobile"], ip=client_ip(request))
            except ApplicationError as exc:
                return render(request, template, {**context, "error": exc}, status=exc.status)
            return render(request, template, {**context, "resent": True})
        form = self.code_form(request.POST)
        if not form.is_valid():
            return render(request, template, {**context, "form": form}, status=400)
        try:
            citizen = self.verify(
                cpr=draft["cpr"],
                mobile=draft["mobile"],
                code=form.cleaned_data["code"],
                ip=client_ip(request),
            )
        except ApplicationError as exc:
            can_resend = isinstance(exc, otp.OtpExpired | otp.OtpSpent)
            return render(
                request, template, {**context, "error": exc, "can_resend": can_resend}, status=exc.status
            )
        request.session.pop(self.draft_key, None)
        request.session[self.session_key] = {
            "citizen": citizen.pk,
            "cpr": citizen.cpr,
            "mobile": draft["mobile"],
            "until": (timezone.now() + timedelta(minutes=self.session_minutes())).isoformat(),
        }
        request.session.cycle_key()
        return redirect(self.home)
