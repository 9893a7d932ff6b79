"""The citizen's booking pages on the portal: no account, every page ``no-store``.

1. CPR and the mobile on file: a one-time code goes by SMS (the page says the same whether
   or not they match, like the other portal forms).
2. The code: a right one signs this browser in for the citizen for a short while
   (``HOUSING_APPOINTMENTS_PORTAL_SESSION_MINUTES``); wrong, expired or spent codes say so.
3. Book: the service, then a free slot (any branch offering it); the answer is the
   reference and the link to manage it. The citizen's upcoming appointments are listed
   with the same link.
4. Manage (the link in every SMS, signed): cancel or move to another free slot.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from apps.appointments import conf, notify, selectors, services
from apps.appointments.availability import free_slots
from apps.appointments.forms import PortalCodeForm, PortalStartForm
from apps.appointments.models import Channel, Status
from apps.core.errors import ApplicationError
from apps.portal.sign_in import CodeSignIn

SIGN_IN = CodeSignIn(
    draft_key="appt_portal_draft",
    session_key="appt_portal_citizen",
    namespace="appointments_portal",
    home="appointments_portal:book",
    start_template="appointments/public/start.html",
    start_form=PortalStartForm,
    code_form=PortalCodeForm,
    request_code=services.portal_code_request,
    verify=services.portal_sign_in,
    session_minutes=lambda: conf.get("HOUSING_APPOINTMENTS_PORTAL_SESSION_MINUTES"),
)


@never_cache
@require_http_methods(["GET", "POST"])
def start(request):
    return SIGN_IN.start(request)


@never_cache
@require_http_methods(["GET", "POST"])
def code(request):
    return SIGN_IN.code(request)


def _choice(request):
    """The chosen slot: a radio whose value is ``"<branch id>|<ISO start>"``."""
    branch_value, _sep, start_value = (request.POST.get("choice") or "").partition("|")
    return selectors.branch_by_code_or_id(branch_value), parse_datetime(start_value.strip())


def _slots_by_day(slots, branches):
    days: dict = {}
    for slot in slots:
        local = timezone.localtime(slot.start)
        days.setdefault(local.date(), []).append((slot, branches.get(slot.branch_id)))
    return sorted(days.items())


@never_cache
@require_http_methods(["GET", "POST"])
def book(request):
    citizen, mobile = SIGN_IN.signed_in(request)
    if citizen is None:
        return redirect("appointments_portal:start")
    service = selectors.service_by_code_or_id(request.POST.get("service") or request.GET.get("service"))
    context = {
        "services": selectors.active_services(),
        "service": service,
        "upcoming": [
            (a, notify.manage_token(a))
            for a in selectors.citizen_appointments(citizen=citizen, upcoming_only=True)
        ],
        "citizen": citizen,
    }
    status = 200
    if request.method == "POST" and service is not None:
        branch, slot_start = _choice(request)
        try:
            if branch is None or slot_start is None:
                raise ApplicationError(_("Choose a time."), code="slot_required")
            appointment = services.appointment_book(
                citizen=citizen,
                service=service,
                branch=branch,
                slot_start=slot_start,
                channel=Channel.PORTAL,
                mobile=mobile,
            )
        except ApplicationError as exc:
            context["error"] = exc
            status = exc.status
        else:
            return redirect("appointments_portal:manage", token=notify.manage_token(appointment))
    if service is not None:
        branches = {b.pk: b for b in selectors.branches_offering(service)}
        context["days"] = _slots_by_day(free_slots(service=service, limit=60), branches)
    return render(request, "appointments/public/book.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def manage(request, token: str):
    found = notify.appointment_id_from_token(token)
    appointment = selectors.appointment_get(pk=found[0]) if found else None
    if appointment is None or appointment.reference != found[1]:
        raise Http404
    context = {"appointment": appointment, "token": token, "documents": appointment.service.documents()}
    status = 200
    if request.method == "POST":
        try:
            if request.POST.get("action") == "cancel":
                appointment = services.appointment_cancel(
                    appointment=appointment, reason=_("At your request."), channel=Channel.PORTAL
                )
                context["message"] = _("Your appointment is cancelled.")
            elif request.POST.get("action") == "reschedule":
                branch, slot_start = _choice(request)
                if branch is None or slot_start is None:
                    raise ApplicationError(_("Choose a time."), code="slot_required")
                appointment = services.appointment_reschedule(
                    appointment=appointment, slot_start=slot_start, branch=branch, channel=Channel.PORTAL
                )
                context["message"] = _("Your appointment has been moved. We have sent you an SMS.")
        except ApplicationError as exc:
            context["error"] = exc
            status = exc.status
        context["appointment"] = appointment
    if appointment.status == Status.BOOKED and (request.GET.get("move") or "error" in context):
        branches = {b.pk: b for b in selectors.branches_offering(appointment.service)}
        context["days"] = _slots_by_day(free_slots(service=appointment.service, limit=60), branches)
    return render(request, "appointments/public/manage.html", context, status=status)
