"""The citizen's "Under Your Command" form on the portal: no login, every page ``no-store``.

1. The message: CPR, the mobile on file, what it is about and the text. It is checked, then
   a one-time code is sent by SMS — only if the file of that CPR holds that mobile, though
   the page says the same either way — and the message waits in this browser's session.
2. The code: a right one creates the ticket and its case at once and shows the receipt
   with the review number; a wrong, expired or spent one says so (and how many tries are
   left), and the citizen may ask for a new code without typing the message again.
3. The receipt: the review number, to follow the request on the tracking page like any other.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from apps.core import otp
from apps.core.clients import client_ip
from apps.core.errors import ApplicationError
from apps.escalations import services
from apps.escalations.forms import UycCodeForm, UycMessageForm
from apps.tickets.models import Ticket

_DRAFT = "uyc_draft"
_RECEIPT = "uyc_receipt"
_FIELDS = ("cpr", "mobile", "kind", "subject", "message")


def _masked(mobile: str) -> str:
    return "•••• " + mobile[-4:] if mobile else ""


@never_cache
@require_http_methods(["GET", "POST"])
def message(request):
    if request.method == "GET":
        draft = request.session.get(_DRAFT) or {}
        return render(request, "escalations/public/form.html", {"form": UycMessageForm(initial=draft)})
    form = UycMessageForm(request.POST)
    if form.is_valid() and form.cleaned_data.get("website"):
        form.add_error(None, otp.OtpLocked.default_message)
    elif form.is_valid():
        data = {name: form.cleaned_data[name] for name in _FIELDS}
        try:
            checked = services.uyc_check_message(**data)
            services.uyc_code_request(cpr=checked["cpr"], mobile=checked["mobile"], ip=client_ip(request))
        except ApplicationError as exc:
            form.add_service_errors(exc)
        else:
            request.session[_DRAFT] = checked
            return redirect("uyc_portal:code")
    return render(request, "escalations/public/form.html", {"form": form}, status=400)


@never_cache
@require_http_methods(["GET", "POST"])
def code(request):
    draft = request.session.get(_DRAFT)
    if not draft:
        return redirect("uyc_portal:form")
    context = {
        "masked_mobile": _masked(draft["mobile"]),
        "subject": draft["subject"],
        # What the SMS says too (``IssuedCode.ttl_minutes``): the settings, not fixed numbers.
        "code_digits": otp.setting("HOUSING_OTP_DIGITS"),
        "code_minutes": max(1, otp.setting("HOUSING_OTP_TTL_SECONDS") // 60),
    }
    if request.method == "GET":
        return render(request, "escalations/public/code.html", {**context, "form": UycCodeForm()})
    if request.POST.get("action") == "resend":
        try:
            services.uyc_code_request(cpr=draft["cpr"], mobile=draft["mobile"], ip=client_ip(request))
        except ApplicationError as exc:
            return render(
                request,
                "escalations/public/code.html",
                {**context, "form": UycCodeForm(), "error": exc},
                status=exc.status,
            )
        return render(
            request, "escalations/public/code.html", {**context, "form": UycCodeForm(), "resent": True}
        )
    form = UycCodeForm(request.POST)
    if not form.is_valid():
        return render(request, "escalations/public/code.html", {**context, "form": form}, status=400)
    try:
        case = services.uyc_submit(
            **draft, code=form.cleaned_data["code"], ip=client_ip(request), language=get_language()
        )
    except ApplicationError as exc:
        can_resend = isinstance(exc, otp.OtpExpired | otp.OtpSpent)
        return render(
            request,
            "escalations/public/code.html",
            {**context, "form": UycCodeForm(), "error": exc, "can_resend": can_resend},
            status=exc.status,
        )
    request.session.pop(_DRAFT, None)
    request.session[_RECEIPT] = case.ticket_id
    return redirect("uyc_portal:receipt")


@never_cache
@require_GET
def receipt(request):
    """The receipt of the message this browser has just sent (nothing else, ever)."""
    ticket_id = request.session.get(_RECEIPT)
    ticket = Ticket.objects.filter(pk=ticket_id, channel=Ticket.Channel.UYC).first() if ticket_id else None
    if ticket is None:
        raise Http404
    return render(
        request,
        "escalations/public/receipt.html",
        {"review_number": ticket.review_number, "received_at": ticket.received_at, "subject": ticket.subject},
    )
