"""Staff pages: the console's booking panel, the front desk (today's list, check-in,
served, walk-ins, the day sheet), the supervisor's figures with the appointments behind
them, branch closures with their bulk reschedule, an appointment's page and the list."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.appointments import selectors, services
from apps.appointments.availability import free_slots
from apps.appointments.forms import (
    AppointmentFilterForm,
    ClosureForm,
    RangeForm,
    ServeForm,
    WalkInForm,
    appointment_list_arguments,
)
from apps.appointments.models import BranchClosure, Channel, Status
from apps.citizens import selectors as citizen_selectors
from apps.citizens.validation import normalize_cpr
from apps.core import saved_views
from apps.core.errors import ApplicationError
from apps.core.views import render_error

book_required = permission_required(selectors.BOOK_PERMISSION, raise_exception=True)
desk_required = permission_required(selectors.DESK_PERMISSION, raise_exception=True)
figures_required = permission_required(selectors.FIGURES_PERMISSION, raise_exception=True)
closures_required = permission_required(selectors.CLOSURE_PERMISSION, raise_exception=True)


def _int(value) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isascii() and text.isdecimal() and len(text) < 10 else None


def _can_read(user) -> bool:
    return any(
        user.has_perm(p)
        for p in (selectors.BOOK_PERMISSION, selectors.DESK_PERMISSION, selectors.FIGURES_PERMISSION)
    )


# ---------------------------------------------------------------- the console's panel


@login_required
@book_required
@require_GET
def console_panel(request):
    """The booking panel inside the console's log form, for the caller on screen."""
    citizen_id = _int(request.GET.get("citizen"))
    if citizen_id is None:
        return render(request, "appointments/console/_panel.html", {"no_citizen": True})
    citizen = citizen_selectors.citizen_file(
        citizen_id=citizen_id, viewer=request.user, purpose="appointments"
    )
    upcoming = list(selectors.citizen_appointments(citizen=citizen, upcoming_only=True))
    return render(
        request,
        "appointments/console/_panel.html",
        {"citizen": citizen, "services": selectors.active_services(), "upcoming": upcoming},
    )


@login_required
@book_required
@require_GET
def console_slots(request):
    service = selectors.service_by_code_or_id(request.GET.get("appt_service"))
    if service is None:
        return HttpResponse("")
    branch = selectors.branch_by_code_or_id(request.GET.get("appt_branch"))
    slots = free_slots(service=service, branch_id=branch.pk if branch else None, limit=12)
    branches = {b.pk: b for b in selectors.branches_offering(service)}
    return render(
        request,
        "appointments/console/_slots.html",
        {
            "service": service,
            "slots": [(s, branches.get(s.branch_id)) for s in slots],
            "branches": branches.values(),
            "branch": branch,
        },
    )


@login_required
@book_required
@require_POST
def console_book(request):
    """Book from the call: the panel answers with the reference and a hidden ``appointment``
    input inside the log form, so saving the contact links the two."""
    citizen_id = _int(request.POST.get("citizen"))
    service = selectors.service_by_code_or_id(request.POST.get("appt_service"))
    branch = selectors.branch_by_code_or_id(request.POST.get("appt_slot_branch"))
    slot_start = parse_datetime(request.POST.get("appt_slot_start") or "")
    context = {"service": service}
    try:
        if citizen_id is None or service is None or branch is None:
            raise ApplicationError(_("Choose the service and a slot."))
        citizen = citizen_selectors.citizen_file(
            citizen_id=citizen_id, viewer=request.user, purpose="appointments"
        )
        appointment = services.appointment_book(
            citizen=citizen,
            service=service,
            branch=branch,
            slot_start=slot_start,
            channel=Channel.PHONE,
            actor=request.user,
        )
    except ApplicationError as error:
        context["error"] = error
        if service is not None:
            slots = free_slots(service=service, limit=12)
            branches = {b.pk: b for b in selectors.branches_offering(service)}
            context.update(slots=[(s, branches.get(s.branch_id)) for s in slots], branches=branches.values())
        return render(request, "appointments/console/_slots.html", context)
    return render(request, "appointments/console/_booked.html", {"appointment": appointment})


# ---------------------------------------------------------------- the front desk


def _desk_branch(request):
    branches = selectors.desk_branches(request.user)
    if not branches:
        raise DjangoPermissionDenied
    chosen = _int(request.GET.get("branch") or request.POST.get("branch"))
    branch = next((b for b in branches if b.pk == chosen), branches[0])
    return branch, branches


@login_required
@desk_required
@require_GET
def desk(request):
    branch, branches = _desk_branch(request)
    day = parse_date(request.GET.get("day") or "") or timezone.localdate()
    query = (request.GET.get("q") or "").strip()[:40]
    rows = selectors.day_list(branch=branch, day=day, query=query)
    return render(
        request,
        "appointments/desk.html",
        {
            "title": _("Front desk"),
            "branch": branch,
            "branches": branches,
            "day": day,
            "is_today": day == timezone.localdate(),
            "query": query,
            "rows": rows,
            "walk_in_form": WalkInForm(),
            "serve_form": ServeForm(),
            "counts": {s: sum(1 for r in rows if r.status == s) for s in Status.values},
        },
    )


def _back_to_desk(appointment, request):
    url = reverse("appointments:desk") + f"?branch={appointment.branch_id}"
    if request.POST.get("q"):
        url += "&q=" + request.POST["q"][:40]
    return redirect(url)


def _desk_appointment(request, pk: int):
    appointment = selectors.appointment_get(pk=pk)
    if appointment is None or appointment.branch_id not in {
        b.pk for b in selectors.desk_branches(request.user)
    }:
        raise Http404
    return appointment


@login_required
@desk_required
@require_POST
def check_in(request, pk: int):
    appointment = _desk_appointment(request, pk)
    try:
        services.appointment_check_in(appointment=appointment, actor=request.user)
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("%(reference)s checked in.") % {"reference": appointment.reference})
    return _back_to_desk(appointment, request)


@login_required
@desk_required
@require_POST
def serve(request, pk: int):
    appointment = _desk_appointment(request, pk)
    form = ServeForm(request.POST)
    try:
        if not form.is_valid():
            raise ApplicationError(_("Choose the outcome."))
        services.appointment_serve(
            appointment=appointment,
            actor=request.user,
            outcome=form.cleaned_data["outcome"],
            note=form.cleaned_data["note"],
        )
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("%(reference)s served.") % {"reference": appointment.reference})
    return _back_to_desk(appointment, request)


@login_required
@desk_required
@require_POST
def walk_in(request):
    branch, _branches = _desk_branch(request)
    form = WalkInForm(request.POST)
    url = reverse("appointments:desk") + f"?branch={branch.pk}"
    if not form.is_valid():
        messages.error(request, _("Give the CPR number and the service."))
        return redirect(url)
    try:
        cpr = normalize_cpr(form.cleaned_data["cpr"])
        citizen = citizen_selectors.citizen_by_cpr(cpr=cpr)
        if citizen is None:
            raise ApplicationError(
                _("No citizen has this CPR number: register them at the contact centre first.")
            )
        appointment = services.walk_in_record(
            citizen=citizen, branch=branch, service=form.cleaned_data["service"], actor=request.user
        )
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request, _("Walk-in recorded: %(reference)s.") % {"reference": appointment.reference}
        )
    return redirect(url)


@login_required
@desk_required
@require_GET
def day_sheet(request):
    from apps.appointments.day_sheet import day_sheet_pdf

    branch, _branches = _desk_branch(request)
    day = parse_date(request.GET.get("day") or "") or timezone.localdate()
    pdf = day_sheet_pdf(branch=branch, day=day, rows=selectors.day_list(branch=branch, day=day))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="day-sheet-{branch.code}-{day.isoformat()}.pdf"'
    return response


# ---------------------------------------------------------------- supervisor


@login_required
@figures_required
@require_GET
def figures(request):
    form = RangeForm(request.GET or None)
    first, last = form.range()
    by_day = bool(form.is_valid() and form.cleaned_data.get("by_day"))
    rows = selectors.supervisor_figures(first=first, last=last, by_day=by_day)
    totals = {
        key: sum(getattr(r, key) for r in rows)
        for key in ("capacity", "booked", "attended", "no_show", "cancelled", "walk_ins")
    }
    wait_count = sum(r.wait_count for r in rows)
    totals["average_wait"] = (
        round(sum(r.wait_total_minutes for r in rows) / wait_count, 1) if wait_count else None
    )
    totals["utilisation"] = (
        round(totals["booked"] * 100 / totals["capacity"], 1) if totals["capacity"] else None
    )
    return render(
        request,
        "appointments/figures.html",
        {
            "title": pgettext("branch visits", "Appointment figures"),
            "form": form,
            "rows": rows,
            "first": first,
            "last": last,
            "totals": totals,
            "closures": selectors.open_closures(),
        },
    )


@login_required
@require_GET
def appointment_list(request):
    if not (
        request.user.has_perm(selectors.FIGURES_PERMISSION)
        or request.user.has_perm(selectors.DESK_PERMISSION)
    ):
        raise DjangoPermissionDenied
    # A saved view (?view=) brings its filters, checked against the form as it is today.
    state = saved_views.list_state(request, "appointments")
    params = state.data
    form = AppointmentFilterForm(params)
    form.is_valid()  # the links of the figures page carry more statuses than the form offers
    try:
        arguments = appointment_list_arguments(params)
    except ApplicationError as error:
        return render_error(request, error)
    first, last, status = arguments["first"], arguments["last"], arguments["status"]
    qs = selectors.appointment_list(**arguments)
    rows = list(qs[:500])
    return render(
        request,
        "appointments/list.html",
        {
            "title": pgettext("branch visits", "Appointments"),
            "rows": rows,
            "total": qs.count(),
            "status": status,
            "first": first,
            "last": last,
            "form": form,
            "bar": state.bar,
            "list_params": params,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def detail(request, pk: int):
    if not _can_read(request.user):
        raise DjangoPermissionDenied
    appointment = selectors.appointment_get(pk=pk)
    if appointment is None:
        raise Http404
    if request.method == "POST":
        if not request.user.has_perm(selectors.BOOK_PERMISSION):
            raise DjangoPermissionDenied
        try:
            services.appointment_cancel(
                appointment=appointment,
                actor=request.user,
                reason=(request.POST.get("reason") or "")[:300],
                channel="staff",
            )
        except ApplicationError as error:
            return render_error(request, error)
        messages.success(request, _("The appointment is cancelled and the citizen told."))
        return redirect("appointments:detail", pk=pk)
    return render(
        request,
        "appointments/detail.html",
        {
            "title": appointment.reference,
            "appointment": appointment,
            "events": appointment.events.select_related("actor"),
        },
    )


@login_required
@closures_required
@require_http_methods(["GET", "POST"])
def closures(request):
    form = ClosureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            closure = services.branch_closure_create(actor=request.user, **form.cleaned_data)
        except ApplicationError as error:
            form.add_error(None, str(error.message))
        else:
            return redirect("appointments:closure", pk=closure.pk)
    return render(
        request,
        "appointments/closures.html",
        {"title": _("Branch closures"), "form": form, "closures": selectors.open_closures()},
    )


@login_required
@closures_required
@require_http_methods(["GET", "POST"])
def closure_detail(request, pk: int):
    closure = BranchClosure.objects.select_related("branch").filter(pk=pk).first()
    if closure is None:
        raise Http404
    result = None
    if request.method == "POST":
        result = services.closure_reschedule(closure=closure, actor=request.user)
    return render(
        request,
        "appointments/closure.html",
        {
            "title": _("Branch closure"),
            "closure": closure,
            "affected": selectors.affected_by_closure(closure=closure),
            "result": result,
        },
    )
