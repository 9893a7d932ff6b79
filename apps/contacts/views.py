"""Pages: the agent console, the supervisor's figures with the contacts behind them, and
the department follow-up queue."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from apps.citizens import selectors as citizen_selectors
from apps.citizens import services as citizen_services
from apps.citizens import timeline
from apps.citizens.validation import looks_like_cpr, normalize_phone
from apps.contacts import selectors, services
from apps.contacts.forms import (
    ContactFilterForm,
    FollowUpAnswerForm,
    LogForm,
    NewCitizenForm,
    PhoneForm,
    SearchForm,
    follow_up_list_arguments,
)
from apps.contacts.models import Channel, FollowUp, Outcome
from apps.core import saved_views
from apps.core.errors import ApplicationError, ValidationFailed
from apps.core.parsing import to_id
from apps.core.text import isolate_ltr
from apps.core.views import render_error
from apps.tickets import selectors as ticket_selectors

console_required = permission_required(selectors.CONSOLE_PERMISSION, raise_exception=True)
supervisor_required = permission_required(selectors.SUPERVISOR_PERMISSION, raise_exception=True)


# ---------------------------------------------------------------- the agent console


def _phone_or_empty(value: str) -> str:
    try:
        return normalize_phone(value)
    except ValidationFailed:
        return ""


def _workspace_context(
    request,
    *,
    citizen=None,
    query: str = "",
    phone: str = "",
    call_id: str = "",
    started_at=None,
    callback=None,
    log_form=None,
    new_citizen_form=None,
    phone_form=None,
    notice: str = "",
    error: str = "",
    lookup_only: bool = False,
):
    """Everything the console's workspace shows for one caller (known or not); with
    ``lookup_only`` just the caller's card and timeline (the search box's answer)."""
    viewer = request.user
    candidates, earlier = [], []
    caller_number = _phone_or_empty(phone) if phone else ""
    # A name gives a ranked pick-list, even of one: a name alone does not identify the caller.
    by_name = citizen is None and citizen_selectors.looks_like_name(query)
    if by_name:
        try:
            candidates = citizen_selectors.citizen_search(query=query, viewer=viewer, names=True)
        except ApplicationError as exc:
            error = error or str(exc.message)
    elif citizen is None and query:
        try:
            found = citizen_selectors.citizen_search(query=query, viewer=viewer)
        except ApplicationError:
            found = []
        if len(found) == 1:
            # citizen_search already fetched the card's phones and housing files; only the
            # read of the file is still to be logged.
            citizen = found[0]
            citizen_services.citizen_access_record(citizen=citizen, actor=viewer, purpose="console")
        elif found:
            candidates = found
        if not caller_number and not looks_like_cpr(query):
            caller_number = _phone_or_empty(query)
        if not found and not caller_number and not looks_like_cpr(query):
            error = error or _("Type a 9-digit CPR number or a phone number.")
    page = timeline.citizen_timeline(citizen=citizen, viewer=viewer) if citizen else None
    if citizen is None and caller_number:
        earlier = selectors.earlier_contacts_from_number(number=caller_number, viewer=viewer)
    started = started_at or timezone.now()
    if lookup_only:
        return {
            "citizen": citizen,
            "candidates": candidates,
            "by_name": by_name,
            "query": query,
            "caller_number": caller_number,
            "call_id": call_id,
            "timeline": page,
            "recent_purposes": selectors.recent_purposes(page),
            "earlier_contacts": earlier,
            "new_citizen_form": _new_citizen_form(
                citizen, candidates, error, query, caller_number, call_id, started
            ),
            "error": error,
        }
    if log_form is None:
        log_form = LogForm(
            initial={
                "channel": Channel.OUTBOUND_CALL if callback else Channel.INBOUND_CALL,
                "call_id": call_id,
                "citizen": citizen.pk if citizen else None,
                "caller_number": caller_number,
                "started_at": started,
                "callback": callback.pk if callback else None,
                "callback_at": (timezone.localtime() + timedelta(days=1)).replace(
                    hour=10, minute=0, second=0, microsecond=0
                ),
            }
        )
    if new_citizen_form is None:
        new_citizen_form = _new_citizen_form(
            citizen, candidates, error, query, caller_number, call_id, started
        )
    return {
        "citizen": citizen,
        "candidates": candidates,
        "by_name": by_name,
        "query": query,
        "caller_number": caller_number,
        "call_id": call_id,
        "callback": callback,
        "timeline": page,
        "recent_purposes": selectors.recent_purposes(page),
        "earlier_contacts": earlier,
        "log_form": log_form,
        "new_citizen_form": new_citizen_form,
        "phone_form": phone_form or PhoneForm(),
        "purposes": list(log_form.fields["purpose"].queryset),
        "quick_answers": selectors.quick_answers_by_purpose(),
        "callbacks_due": selectors.callbacks_due(agent=viewer),
        "notice": notice,
        "error": error,
        "can_read_confidential": selectors.can_read_confidential(viewer),
    }


def _new_citizen_form(citizen, candidates, error, query, caller_number, call_id, started):
    """The inline form that offers to create an unknown caller (``None`` when not needed)."""
    if citizen is not None or candidates or error or not query or citizen_selectors.looks_like_name(query):
        return None
    return NewCitizenForm(
        initial={
            "cpr": query if looks_like_cpr(query) else "",
            "phone": caller_number,
            "call_id": call_id,
            "started_at": started.isoformat(),
        }
    )


def _is_lookup(request) -> bool:
    return bool(request.htmx) and request.htmx.target == "caller-card"


def _render_console(request, context, *, status=200):
    if _is_lookup(request) and "log_form" not in context:
        return render(request, "contacts/_lookup.html", context, status=status)
    template = "contacts/_workspace.html" if request.htmx else "contacts/console.html"
    context.setdefault("search_form", SearchForm(initial={"q": context.get("query", "")}))
    return render(request, template, context, status=status)


@login_required
@console_required
@require_GET
def console(request):
    """The agent console: look up by CPR, phone or name, or a screen-pop ``?phone=…&call_id=…``."""
    query = (request.GET.get("q") or request.GET.get("phone") or "").strip()
    phone = (request.GET.get("phone") or "").strip()
    call_id = (request.GET.get("call_id") or "").strip()[:100]
    callback = selectors.callback_for(agent=request.user, callback_id=_int(request.GET.get("callback")))
    citizen = None
    try:
        if callback and not query:
            phone = query = callback.number
            if callback.citizen_id:
                citizen = citizen_selectors.citizen_file(
                    citizen_id=callback.citizen_id, viewer=request.user, purpose="console"
                )
        elif _int(request.GET.get("citizen")):
            citizen = citizen_selectors.citizen_file(
                citizen_id=_int(request.GET.get("citizen")), viewer=request.user, purpose="console"
            )
        context = _workspace_context(
            request,
            citizen=citizen,
            query=query,
            phone=phone,
            call_id=call_id,
            callback=callback,
            lookup_only=_is_lookup(request),
        )
    except ApplicationError as error:
        return render_error(request, error)
    return _render_console(request, context)


@login_required
@console_required
@require_GET
def console_timeline(request, citizen_id: int):
    """The next page of a citizen's timeline (htmx "show more")."""
    try:
        citizen = citizen_selectors.citizen_file(
            citizen_id=citizen_id, viewer=request.user, purpose="console"
        )
        page = timeline.citizen_timeline(
            citizen=citizen, viewer=request.user, before=request.GET.get("before")
        )
    except ApplicationError as error:
        return render_error(request, error)
    return render(request, "contacts/_timeline_entries.html", {"timeline": page, "citizen": citizen})


@login_required
@console_required
@require_POST
def console_log(request):
    form = LogForm(request.POST)
    viewer = request.user
    citizen = None
    if form.is_valid() and form.cleaned_data.get("citizen"):
        citizen = citizen_selectors.citizen_file(
            citizen_id=form.cleaned_data["citizen"], viewer=viewer, purpose="console"
        )
    query = request.POST.get("q", "")
    if not form.is_valid():
        context = _workspace_context(request, citizen=citizen, query=query, log_form=form)
        return _render_console(request, context)
    data = form.cleaned_data
    callback = selectors.callback_for(agent=viewer, callback_id=data.get("callback"))
    ticket, open_ticket = None, None
    if data["outcome"] == Outcome.TICKET_OPENED:
        if data.get("ticket_reference"):
            try:
                ticket = ticket_selectors.ticket_get(viewer=viewer, review_number=data["ticket_reference"])
            except ApplicationError as failure:
                form.add_error("ticket_reference", failure.message)
                context = _workspace_context(request, citizen=citizen, query=query, log_form=form)
                return _render_console(request, context)
        else:
            open_ticket = {
                "kind": data.get("ticket_kind") or _ticket_kind_for(data.get("purpose")),
                "subject": data.get("ticket_subject")
                or (str(data["purpose"]) if data.get("purpose") else ""),
            }
    try:
        contact = services.contact_log(
            actor=viewer,
            channel=data["channel"],
            purpose=data.get("purpose"),
            outcome=data["outcome"],
            citizen=citizen,
            caller_number=data.get("caller_number") or "",
            notes=data.get("notes") or "",
            call_id=data.get("call_id") or "",
            answered_at=data.get("started_at"),
            department=data.get("department"),
            ticket=ticket,
            open_ticket=open_ticket,
            callback_at=data.get("callback_at"),
            callback_number=data.get("callback_number") or "",
            quick_answers=data.get("quick_answers") or [],
            sms_quick_answers=data.get("sms_quick_answers") or [],
            completes_callback=callback,
            appointment=_booked_appointment(data.get("appointment"), citizen),
            tags=list(data.get("tags") or []),
        )
    except ValidationFailed as failure:
        for field_name, reasons in failure.details.items():
            for reason in reasons:
                form.add_error(field_name if field_name in form.fields else None, reason)
        if not failure.details:
            form.add_error(None, failure.message)
        context = _workspace_context(request, citizen=citizen, query=query, log_form=form)
        return _render_console(request, context)
    except ApplicationError as failure:
        context = _workspace_context(
            request, citizen=citizen, query=query, log_form=form, error=str(failure.message)
        )
        return _render_console(request, context)
    notice = _("Logged: %(purpose)s — %(outcome)s.") % {
        "purpose": contact.purpose or _("no purpose"),
        "outcome": contact.get_outcome_display(),
    }
    if contact.ticket_id:
        notice = _("Logged, with ticket %(number)s: read the review number to the citizen.") % {
            "number": isolate_ltr(contact.ticket.review_number)
        }
    repeat_notice = selectors.repeat_notice(contact)
    if citizen is not None:
        citizen = citizen_selectors.citizen_file(citizen_id=citizen.pk, viewer=viewer, purpose="console")
    context = _workspace_context(
        request, citizen=citizen, query=query if citizen is None else "", notice=notice
    )
    context["logged_contact"] = contact
    context["repeat_notice"] = repeat_notice
    return _render_console(request, context)


@login_required
@console_required
@require_POST
def console_citizen_create(request):
    """An unknown caller: create the citizen inline, with the number confirmed by the agent."""
    form = NewCitizenForm(request.POST)
    call_id = (request.POST.get("call_id") or "")[:100]
    if form.is_valid():
        data = form.cleaned_data
        try:
            created = citizen_services.citizen_create(
                cpr=data["cpr"],
                name_ar=data["name_ar"],
                name_en=data.get("name_en") or "",
                phones=[data["phone"]],
                actor=request.user,
                confirmed=True,
            )
        except ValidationFailed as failure:
            for field_name, reasons in failure.details.items():
                target = "phone" if field_name == "phones" else field_name
                for reason in reasons:
                    form.add_error(target if target in form.fields else None, reason)
            if not failure.details:
                form.add_error(None, failure.message)
        except ApplicationError as failure:
            form.add_error("cpr" if failure.code == "cpr_exists" else None, failure.message)
        else:
            citizen = citizen_selectors.citizen_file(
                citizen_id=created.pk, viewer=request.user, purpose="console"
            )
            context = _workspace_context(
                request,
                citizen=citizen,
                phone=data["phone"],
                call_id=call_id,
                notice=_("The citizen was created."),
            )
            return _render_console(request, context)
    query = request.POST.get("q") or form.data.get("phone") or form.data.get("cpr") or ""
    context = _workspace_context(
        request, query=query, phone=form.data.get("phone", ""), call_id=call_id, new_citizen_form=form
    )
    return _render_console(request, context)


@login_required
@console_required
@require_POST
def console_phone_confirm(request, phone_id: int):
    """The caller confirms a number on file (the data-update campaign): who and when."""
    try:
        phone = citizen_selectors.citizen_phone_for_viewer(phone_id=phone_id, viewer=request.user)
        citizen_services.citizen_phone_confirm(phone=phone, actor=request.user)
        citizen = citizen_selectors.citizen_file(
            citizen_id=phone.citizen_id, viewer=request.user, purpose="console"
        )
    except ApplicationError as error:
        return render_error(request, error)
    notice = _("Number %(number)s confirmed.") % {"number": phone.number}
    return _render_console(request, _workspace_context(request, citizen=citizen, notice=notice))


@login_required
@console_required
@require_POST
def console_phone_add(request, citizen_id: int):
    form = PhoneForm(request.POST)
    try:
        citizen = citizen_selectors.citizen_file(
            citizen_id=citizen_id, viewer=request.user, purpose="console"
        )
    except ApplicationError as error:
        return render_error(request, error)
    if form.is_valid():
        try:
            phone = citizen_services.citizen_phone_add(
                citizen=citizen,
                number=form.cleaned_data["number"],
                actor=request.user,
                make_primary=form.cleaned_data["make_primary"],
                confirmed=True,
            )
        except ValidationFailed as failure:
            form.add_error("number", failure.message)
        else:
            citizen = citizen_selectors.citizen_file(
                citizen_id=citizen_id, viewer=request.user, purpose="console"
            )
            notice = _("Number %(number)s saved and confirmed.") % {"number": phone.number}
            return _render_console(request, _workspace_context(request, citizen=citizen, notice=notice))
    return _render_console(request, _workspace_context(request, citizen=citizen, phone_form=form))


def _booked_appointment(appointment_id, citizen):
    """The appointment booked from the console's panel for this caller, if any."""
    if not appointment_id or citizen is None:
        return None
    from apps.appointments import selectors as appointment_selectors

    appointment = appointment_selectors.appointment_get(pk=appointment_id)
    return appointment if appointment is not None and appointment.citizen_id == citizen.pk else None


def _ticket_kind_for(purpose) -> str:
    """The kind of ticket a contact's purpose suggests when the agent did not choose one."""
    code = getattr(purpose, "code", "")
    if code == "complaint":
        return "complaint"
    if code == "maintenance":
        return "maintenance"
    return "inquiry"


def _int(value) -> int | None:
    return to_id(value)


# ---------------------------------------------------------------- supervisor


@login_required
@supervisor_required
@require_GET
def supervisor(request):
    """Today, this month or any range: the contact centre's figures, each a link."""
    today = timezone.localdate()
    period = request.GET.get("period") or "today"
    form = ContactFilterForm(request.GET)
    start = end = today
    if period == "month":
        start = today.replace(day=1)
    elif period == "range":
        if form.is_valid() and (form.cleaned_data.get("start") or form.cleaned_data.get("end")):
            start = form.cleaned_data.get("start") or today.replace(day=1)
            end = form.cleaned_data.get("end") or today
            if end < start:
                start, end = end, start
        else:
            period = "today"
    window = selectors.day_range(start, end)
    report = selectors.supervisor_report(start=window[0], end=window[1])
    base = {"start": start.isoformat(), "end": end.isoformat()}
    return render(
        request,
        "contacts/supervisor.html",
        {
            "report": report,
            "period": period,
            "start": start,
            "end": end,
            "base_query": base,
            "form": form,
        },
    )


@login_required
@supervisor_required
@require_GET
def contact_list(request):
    """The contacts behind a figure: the supervisor's filters, keyset pages."""
    state = saved_views.list_state(request, "contacts")
    form = ContactFilterForm(state.data, tag_counts=selectors.cached_tag_counts())
    if not form.is_valid():
        return render(
            request,
            "contacts/contact_list.html",
            {"form": form, "contacts": [], "next_cursor": None, "bar": state.bar, "list_params": state.data},
            status=400,
        )
    try:
        contacts, next_cursor = selectors.contact_page(
            filters=form.filters(), viewer=request.user, after=request.GET.get("after")
        )
    except ApplicationError as error:
        return render_error(request, error)
    params = request.GET.copy()
    if next_cursor:
        params["after"] = next_cursor
    return render(
        request,
        "contacts/contact_list.html",
        {
            "form": form,
            "contacts": contacts,
            "next_url": f"{request.path}?{params.urlencode()}" if next_cursor else "",
            "can_read_confidential": selectors.can_read_confidential(request.user),
            "bar": state.bar,
            "list_params": state.data,
        },
    )


# ---------------------------------------------------------------- department follow-ups


def _queue_allowed(user) -> bool:
    return (
        user.has_perm(selectors.DEPARTMENT_PERMISSION)
        or selectors.can_supervise(user)
        or user.has_perm("accounts.administer")
    )


@login_required
@require_GET
def follow_ups(request):
    referred_by_me = request.GET.get("referred") == "me"
    if referred_by_me and not request.user.has_perm(selectors.CONSOLE_PERMISSION):
        raise DjangoPermissionDenied
    if not referred_by_me and not _queue_allowed(request.user):
        raise DjangoPermissionDenied
    # A saved view (?view=) brings its filters; the queue of one's own referrals takes none.
    state = None if referred_by_me else saved_views.list_state(request, "follow_ups")
    params = state.data if state else request.GET
    arguments = follow_up_list_arguments(params)
    status, department_id = arguments["status"], arguments["department_id"]
    rows = selectors.follow_up_list(viewer=request.user, **arguments)
    queue = list(rows[:200])
    now = timezone.now()
    for follow_up in queue:
        follow_up.visible_notes = selectors.visible_notes(follow_up.contact, request.user)
        follow_up.overdue = follow_up.is_overdue(now)
    from apps.accounts.models import Department

    return render(
        request,
        "contacts/follow_ups.html",
        {
            "queue": queue,
            "status": status,
            "department_id": department_id,
            "departments": Department.objects.filter(is_active=True)
            if selectors.can_supervise(request.user)
            else [],
            "own_department": request.user.department,
            "referred_by_me": referred_by_me,
            "bar": state.bar if state else None,
            "list_params": params,
        },
    )


@login_required
def follow_up_detail(request, follow_up_id: int):
    if not _queue_allowed(request.user):
        raise DjangoPermissionDenied
    follow_up = selectors.follow_up_for(viewer=request.user, follow_up_id=follow_up_id)
    if follow_up is None:
        raise Http404
    form = FollowUpAnswerForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.follow_up_close(
                    follow_up=follow_up, answer=form.cleaned_data["answer"], actor=request.user
                )
            except ApplicationError as error:
                return render_error(request, error)
            messages.success(request, _("The answer was recorded and the follow-up closed."))
            return redirect(reverse("contacts:follow_ups"))
    follow_up.visible_notes = selectors.visible_notes(follow_up.contact, request.user)
    return render(
        request,
        "contacts/follow_up_detail.html",
        {
            "follow_up": follow_up,
            "form": form,
            "can_answer": selectors.can_answer_follow_up(request.user, follow_up)
            and follow_up.status == FollowUp.Status.OPEN,
            "overdue": follow_up.is_overdue(),
        },
    )
