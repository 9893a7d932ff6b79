"""Staff pages of "Under Your Command".

Three kinds, each with its own gate (see ``tests/escalations/test_confidentiality.py``):
- the management pages (queue, case, its actions, delegations, figures, the access log):
  senior management, their active deputies and administrators only — anyone else gets 403
  (a page) or 404 (one case);
- the escalation form on a ticket: agents and supervisors who may see the ticket; it shows
  the ticket and the form, nothing of any case;
- the department's questions: officers of the asked department read the question and
  answer it, and nothing else of the case.

Every write calls a service; every read a selector; reading one case is logged.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.accounts.models import User
from apps.core.errors import ApplicationError, NotFound, PermissionDenied
from apps.core.parsing import page_size, to_id, to_ids, year_month
from apps.core.text import isolate_ltr
from apps.core.views import render_error
from apps.escalations import selectors, services
from apps.escalations.forms import (
    AnswerForm,
    AssignForm,
    DecideForm,
    DelegationForm,
    EscalateForm,
    ExtendForm,
    InformationRequestForm,
    NoteForm,
    QueueFilterForm,
    ReferForm,
    SummaryForm,
    TransitionForm,
)
from apps.escalations.models import EscalationAccess
from apps.tickets import selectors as ticket_selectors


def _page_size(request) -> int:
    return page_size(request.GET.get("page_size"), minimum=5)


def _refused(request):
    return render_error(request, PermissionDenied())


# --- the queue -----------------------------------------------------------------------


@login_required
@require_GET
def queue(request):
    if not selectors.can_use_queue(request.user):
        return _refused(request)
    form = QueueFilterForm(request.GET or None, viewer=request.user)
    page, error = None, None
    if not form.is_bound or form.is_valid():
        filters = form.to_filters() if form.is_bound else selectors.QueueFilters()
        try:
            page = selectors.queue(
                viewer=request.user,
                filters=filters,
                cursor=request.GET.get("cursor"),
                page_size=_page_size(request),
            )
        except ApplicationError as exc:
            error = exc
    next_url = None
    if page is not None and page.next_cursor:
        params = request.GET.copy()
        params["cursor"] = page.next_cursor
        next_url = f"{request.path}?{params.urlencode()}"
    context = {
        "form": form,
        "page": page,
        "error": error,
        "next_url": next_url,
        "now": timezone.now(),
        "assign_form": AssignForm(),
        "can_work": selectors.can_work_any(request.user),
        "can_delegate": selectors.can_delegate(request.user),
        "can_review_access": selectors.can_review_access(request.user),
        "delegations_held": selectors.active_delegations(deputy=request.user),
    }
    if request.htmx and request.GET.get("cursor"):
        return render(request, "escalations/_rows.html", context)
    return render(request, "escalations/queue.html", context)


@login_required
@require_POST
def bulk_assign(request):
    if not selectors.can_work_any(request.user):
        return _refused(request)
    form = AssignForm(request.POST)
    ids = to_ids(request.POST.getlist("escalations"))
    if not form.is_valid():
        messages.error(request, _("Choose one of the offered values."))
        return redirect("escalations:queue")
    try:
        changed = services.escalation_bulk_assign(
            escalation_ids=ids, owner=form.cleaned_data.get("owner"), actor=request.user
        )
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(
            request,
            ngettext(
                "%(count)d case was given its owner.", "%(count)d cases were given their owner.", changed
            )
            % {"count": changed},
        )
    return redirect(request.POST.get("next") or "escalations:queue")


# --- one case ------------------------------------------------------------------------


def _case_or_404(request, pk: int, *, log: bool):
    try:
        if log:
            return selectors.escalation_get(viewer=request.user, pk=pk, via=EscalationAccess.Via.PAGE)
        return selectors.escalation_for_action(viewer=request.user, pk=pk)
    except NotFound:
        raise Http404 from None


def _case_context(request, escalation, **forms) -> dict:
    user = request.user
    can_work = selectors.can_work(user, escalation)
    return {
        "case": escalation,
        "ticket": escalation.ticket,
        "now": timezone.now(),
        "events": selectors.case_events(escalation=escalation),
        "information_requests": selectors.case_information_requests(escalation=escalation),
        "history": selectors.citizen_history(escalation=escalation, viewer=user),
        "can_work": can_work,
        "can_see_identity": user.has_perm("accounts.view_citizen_identity"),
        "assign_form": forms.get("assign_form") or AssignForm(initial={"owner": escalation.owner_id}),
        "note_form": forms.get("note_form") or NoteForm(),
        "summary_form": forms.get("summary_form")
        or SummaryForm(initial={"summary": escalation.summary, "priority": escalation.priority}),
        "transition_form": forms.get("transition_form") or TransitionForm(escalation=escalation),
        "extend_form": forms.get("extend_form")
        # Two weeks past the later of the deadline and now: never a date already gone.
        or ExtendForm(
            initial={
                "new_due": timezone.localtime(max(escalation.due_at, timezone.now()))
                + timezone.timedelta(days=14)
            }
        ),
        "info_form": forms.get("info_form") or InformationRequestForm(),
        "refer_form": forms.get("refer_form") or ReferForm(),
        "decide_form": forms.get("decide_form") or DecideForm(),
        "error": forms.get("error"),
    }


@login_required
@require_GET
def case_detail(request, pk: int):
    escalation = _case_or_404(request, pk, log=True)
    return render(request, "escalations/case.html", _case_context(request, escalation))


def _act(request, pk: int, form_name: str, form, action, done: str):
    """Run one action on the case; on a refusal show the case again with the reason.

    ``form`` is the bound form, or a function of the case for a form that needs it.
    """
    escalation = _case_or_404(request, pk, log=False)
    if not selectors.can_work(request.user, escalation):
        return _refused(request)
    if callable(form):
        form = form(escalation)
    if form.is_valid():
        try:
            action(escalation, form.cleaned_data)
        except ApplicationError as exc:
            if hasattr(form, "add_service_errors"):
                form.add_service_errors(exc)
            fresh = _case_or_404(request, pk, log=True)
            context = _case_context(request, fresh, **{form_name: form, "error": exc})
            return render(request, "escalations/case.html", context, status=exc.status)
        messages.success(request, done)
        return redirect("escalations:detail", pk=pk)
    fresh = _case_or_404(request, pk, log=True)
    return render(
        request, "escalations/case.html", _case_context(request, fresh, **{form_name: form}), status=400
    )


@login_required
@require_POST
def case_assign(request, pk: int):
    return _act(
        request,
        pk,
        "assign_form",
        AssignForm(request.POST),
        lambda e, d: services.escalation_assign(escalation=e, owner=d.get("owner"), actor=request.user),
        _("The owner was changed."),
    )


@login_required
@require_POST
def case_note(request, pk: int):
    return _act(
        request,
        pk,
        "note_form",
        NoteForm(request.POST),
        lambda e, d: services.escalation_note(escalation=e, body=d["body"], actor=request.user),
        _("The note was added."),
    )


@login_required
@require_POST
def case_summary(request, pk: int):
    return _act(
        request,
        pk,
        "summary_form",
        SummaryForm(request.POST),
        lambda e, d: services.escalation_update_summary(
            escalation=e, summary=d["summary"], priority=d["priority"], actor=request.user
        ),
        _("The summary was saved."),
    )


@login_required
@require_POST
def case_transition(request, pk: int):
    return _act(
        request,
        pk,
        "transition_form",
        lambda escalation: TransitionForm(request.POST, escalation=escalation),
        lambda e, d: services.escalation_transition(
            escalation=e, to_status=d["to_status"], actor=request.user, reason=d["reason"]
        ),
        _("The status was changed."),
    )


@login_required
@require_POST
def case_extend(request, pk: int):
    return _act(
        request,
        pk,
        "extend_form",
        ExtendForm(request.POST),
        lambda e, d: services.escalation_extend(
            escalation=e, new_due=d["new_due"], reason=d["reason"], actor=request.user
        ),
        _("The deadline was extended and the citizen will be told why."),
    )


@login_required
@require_POST
def case_request_information(request, pk: int):
    return _act(
        request,
        pk,
        "info_form",
        InformationRequestForm(request.POST),
        lambda e, d: services.information_request_create(
            escalation=e, department=d["department"], question=d["question"], actor=request.user
        ),
        _("The question was sent to the department."),
    )


@login_required
@require_POST
def case_refer(request, pk: int):
    return _act(
        request,
        pk,
        "refer_form",
        ReferForm(request.POST),
        lambda e, d: services.escalation_refer_to_committee(
            escalation=e, committee=d["committee"], summary=d["summary"], actor=request.user
        ),
        _("The case was referred to the committee."),
    )


@login_required
@require_POST
def case_decide(request, pk: int):
    return _act(
        request,
        pk,
        "decide_form",
        DecideForm(request.POST),
        lambda e, d: services.escalation_decide(
            escalation=e, public_text=d["public_text"], internal_text=d["internal_text"], actor=request.user
        ),
        _("The decision was recorded. Inform the citizen when it is final."),
    )


class _NoFields:
    """The inform and close actions take no input."""

    cleaned_data: dict = {}

    def is_valid(self) -> bool:
        return True


@login_required
@require_POST
def case_inform(request, pk: int):
    return _act(
        request,
        pk,
        "inform_form",
        _NoFields(),
        lambda e, d: services.escalation_inform(escalation=e, actor=request.user),
        _("The decision letter is on its way to the citizen."),
    )


# --- delegation ----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def delegations(request):
    if not selectors.can_delegate(request.user):
        return _refused(request)
    form = DelegationForm(request.POST or None, delegator=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.delegation_create(
                delegator=request.user,
                deputy=form.cleaned_data["deputy"],
                starts_at=form.cleaned_data["starts_at"],
                ends_at=form.cleaned_data["ends_at"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except ApplicationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Your queue is delegated for that period."))
            return redirect("escalations:delegations")
    context = {
        "form": form,
        "delegations": selectors.delegations_of(user=request.user)[:100],
        "now": timezone.now(),
        "is_senior": selectors.owners().filter(pk=request.user.pk).exists(),
    }
    return render(request, "escalations/delegations.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def delegation_end(request, pk: int):
    if not selectors.can_delegate(request.user):
        return _refused(request)
    delegation = selectors.delegations_of(user=request.user).filter(pk=pk).first()
    if delegation is None:
        raise Http404
    try:
        services.delegation_end(delegation=delegation, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The delegation has ended."))
    return redirect("escalations:delegations")


# --- figures and the access log -------------------------------------------------------


@login_required
@require_GET
def figures(request):
    if not selectors.sees_everything(request.user):
        return _refused(request)
    today = timezone.localdate()
    year, month = year_month(request.GET.get("year"), request.GET.get("month"), default=today) or (
        today.year,
        today.month,
    )
    result = selectors.month_figures(year=year, month=month)
    return render(request, "escalations/figures.html", {"figures": result, "year": year, "month": month})


@login_required
@require_GET
def access_log(request):
    if not selectors.can_review_access(request.user):
        return _refused(request)
    case_id = request.GET.get("case") or ""
    user_id = request.GET.get("user") or ""
    rows = selectors.access_log(
        viewer=request.user,
        escalation_id=to_id(case_id),
        user_id=to_id(user_id),
        limit=200,
    )
    return render(
        request,
        "escalations/access_log.html",
        {"rows": rows, "case_id": case_id, "user_id": user_id, "people": User.objects.order_by("username")},
    )


# --- the escalation form on a ticket (agents and supervisors) -------------------------


@login_required
@require_http_methods(["GET", "POST"])
def escalate(request, ticket_id: int):
    if not selectors.can_escalate(request.user):
        return _refused(request)
    try:
        ticket = ticket_selectors.ticket_get(viewer=request.user, pk=ticket_id)
    except NotFound:
        raise Http404 from None
    form = EscalateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.escalation_create(
                ticket=ticket,
                reason=form.cleaned_data["reason"],
                summary=form.cleaned_data["summary"],
                priority=form.cleaned_data["priority"],
                actor=request.user,
            )
        except ApplicationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(
                request,
                _("Ticket %(number)s was sent to senior management.")
                % {"number": isolate_ltr(ticket.review_number)},
            )
            return redirect("tickets:detail", pk=ticket.pk)
    escalated = selectors.ticket_escalation_facts(ticket=ticket)
    return render(
        request,
        "escalations/escalate.html",
        {"ticket": ticket, "form": form, "escalated": escalated},
        status=400 if form.errors else 200,
    )


# --- the department's questions (officers) -------------------------------------------


@login_required
@require_GET
def information_requests(request):
    if not request.user.has_perm(selectors.DEPARTMENT_QUEUE):
        return _refused(request)
    status = request.GET.get("status", "open")
    rows = selectors.department_requests(viewer=request.user, status="" if status == "all" else "open")
    return render(
        request,
        "escalations/questions.html",
        {"rows": rows[:200], "status": status, "now": timezone.now()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def information_request_detail(request, pk: int):
    if not request.user.has_perm(selectors.DEPARTMENT_QUEUE):
        return _refused(request)
    try:
        row = selectors.department_request_get(viewer=request.user, pk=pk)
    except NotFound:
        raise Http404 from None
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.information_request_answer(
                request=row, answer=form.cleaned_data["answer"], actor=request.user
            )
        except ApplicationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Your answer was sent to senior management."))
            return redirect("escalations:info_requests")
    return render(
        request,
        "escalations/question.html",
        {"row": row, "form": form, "now": timezone.now()},
        status=400 if form.errors else 200,
    )
