"""The citizen portal: public pages, no login, mobile-first, Arabic and English.

Submit a request (the review number at once, with a printable receipt), track it with the
review number and the last 4 digits of the mobile on file (POST only: nothing of it in a
URL), rate the answer once, and ask to reopen after a low rating. Every page is marked
``no-store``; citizens only ever see ``PublicTicket`` — status, dates and public replies.
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.core import counters
from apps.core.clients import client_ip
from apps.core.errors import ApplicationError, RateLimited
from apps.portal.forms import RateForm, ReopenForm, SubmitForm, TrackForm
from apps.tickets import selectors, services, tracking
from apps.tickets.models import Ticket

_RECEIPT = "portal_receipt"


@never_cache
@require_GET
def home(request):
    return render(request, "portal/home.html")


@require_GET
def accessibility(request):
    """The accessibility statement: what is met, the known gaps, how to report a problem."""
    return render(request, "portal/accessibility.html")


def _submission_allowed(ip: str) -> bool:
    count = counters.hit(f"portal:submit:{ip}", window=3600)
    return count <= settings.HOUSING_PORTAL_SUBMISSIONS_PER_HOUR


@never_cache
@require_http_methods(["GET", "POST"])
def submit(request):
    if request.method == "GET":
        return render(
            request, "portal/submit.html", {"form": SubmitForm(initial={"kind": request.GET.get("kind")})}
        )
    form = SubmitForm(request.POST, request.FILES)
    if form.is_valid() and form.cleaned_data.get("website"):
        form.add_error(None, _("Your request could not be sent. Please try again."))
    elif form.is_valid():
        if not _submission_allowed(client_ip(request)):
            form.add_error(None, RateLimited.default_message)
        else:
            data = form.cleaned_data
            try:
                ticket = services.ticket_submit_from_portal(
                    kind=data["kind"],
                    subject=data["subject"],
                    description=data["description"],
                    name=data.get("name") or "",
                    cpr=data.get("cpr") or "",
                    mobile=data.get("mobile") or "",
                    email=data.get("email") or "",
                    anonymous=bool(data.get("anonymous")),
                    category=data.get("category"),
                    urgency=data.get("urgency") or "",
                    uploads=[data["attachment"]] if data.get("attachment") else [],
                    language=get_language(),
                )
            except ApplicationError as exc:
                form.add_service_errors(exc)
            else:
                request.session[_RECEIPT] = ticket.pk
                return redirect("portal:receipt")
    return render(request, "portal/submit.html", {"form": form})


@never_cache
@require_GET
def receipt(request):
    """The receipt of the request this browser has just sent (nothing else, ever)."""
    ticket_id = request.session.get(_RECEIPT)
    ticket = (
        Ticket.objects.select_related("category__parent").filter(pk=ticket_id).first() if ticket_id else None
    )
    if ticket is None:
        raise Http404
    return render(request, "portal/receipt.html", {"receipt": _receipt(ticket)})


def _receipt(ticket: Ticket) -> dict:
    """What a receipt shows: fixed fields of the citizen's own submission only."""
    return {
        "review_number": ticket.review_number,
        "kind": ticket.get_kind_display(),
        "category": str(ticket.category) if ticket.category_id else "",
        "subject": ticket.subject,
        "received_at": ticket.received_at,
        "trackable": bool(ticket.contact_phone),
    }


def _result(request, ticket: Ticket, **extra):
    context = {
        "ticket": selectors.public_ticket(ticket),
        "token": tracking.track_token(ticket),
        "rate_form": extra.get("rate_form") or RateForm(),
        "reopen_form": extra.get("reopen_form") or ReopenForm(),
        "message": extra.get("message"),
        "error": extra.get("error"),
    }
    return render(request, "portal/track_result.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def track(request):
    if request.method == "GET":
        # Never read a review number from the URL: the form always starts empty.
        return render(request, "portal/track.html", {"form": TrackForm()})
    form = TrackForm(request.POST)
    error = None
    if form.is_valid():
        try:
            ticket = tracking.track_ticket(
                review_number=form.cleaned_data["review_number"],
                phone_last4=form.cleaned_data["phone_last4"],
                ip=client_ip(request),
            )
        except ApplicationError as exc:
            error = exc
        else:
            return _result(request, ticket)
    # The typed digits are never echoed back.
    blank = TrackForm(initial={"review_number": request.POST.get("review_number", "")[:40]})
    return render(request, "portal/track.html", {"form": blank if form.is_valid() else form, "error": error})


@never_cache
@require_POST
def rate(request):
    form = RateForm(request.POST)
    try:
        ticket = tracking.ticket_from_token(request.POST.get("token", ""))
        if not form.is_valid():
            return _result(request, ticket, rate_form=form)
        ticket = services.ticket_rate(
            ticket=ticket, rating=form.cleaned_data["rating"], comment=form.cleaned_data["comment"]
        )
    except tracking.TrackTokenInvalid as exc:
        return render(request, "portal/track.html", {"form": TrackForm(), "error": exc})
    except ApplicationError as exc:
        return _result(request, ticket, error=exc)
    return _result(request, ticket, message=_("Thank you for your rating."))


@never_cache
@require_POST
def reopen(request):
    form = ReopenForm(request.POST)
    try:
        ticket = tracking.ticket_from_token(request.POST.get("token", ""))
        reason = form.cleaned_data.get("reason", "") if form.is_valid() else ""
        ticket = services.ticket_reopen_by_citizen(ticket=ticket, reason=reason)
    except tracking.TrackTokenInvalid as exc:
        return render(request, "portal/track.html", {"form": TrackForm(), "error": exc})
    except ApplicationError as exc:
        return _result(request, ticket, error=exc)
    return _result(request, ticket, message=_("Your request has been reopened. We will get back to you."))
