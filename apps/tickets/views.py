"""Staff pages for tickets: list, my work, create, detail with its actions, attachments.

Pages are server-rendered; htmx swaps the list rows and the detail workspace in place.
Every write calls a service; every read a selector.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.citizens import selectors as citizen_selectors
from apps.core import parsing, saved_views
from apps.core.errors import ApplicationError, NotFound, PermissionDenied, ValidationFailed
from apps.core.text import isolate_ltr
from apps.core.views import render_error
from apps.sla import clock_selectors
from apps.tickets import bulk, macro_services, presence, quick_answers, selectors, services
from apps.tickets.forms import (
    AssignForm,
    AttachmentForm,
    BodyForm,
    BulkForm,
    ExtendForm,
    MergeForm,
    ReclassifyForm,
    ReplyForm,
    TicketCreateForm,
    TicketFilterForm,
    TransitionForm,
)
from apps.tickets.models import Ticket, TicketEvent
from apps.tickets.selectors import TicketFilters
from apps.tickets.workflow import ALLOWED_MOVES, Status

# The session key under which a bulk action's outcome waits for the list page it returns to.
BULK_OUTCOME_KEY = "tickets.bulk_outcome"

# The statuses from which a ticket may be sent to senior management (the link on the page).
ESCALATABLE = [s.value for s, moves in ALLOWED_MOVES.items() if Status.ESCALATED in moves]


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied()


def _page_size(request) -> int:
    return parsing.page_size(request.GET.get("page_size"), minimum=5)


# --- lists ---------------------------------------------------------------------------


@login_required
@require_GET
def ticket_list(request):
    if not request.user.has_perm(selectors.VIEW):
        return render_error(request, PermissionDenied())
    # A saved view (?view=) brings its filters, checked against the form as it is today.
    state = saved_views.list_state(request, "tickets")
    context = _list_context(request, state.data)
    context["bar"] = state.bar
    context["list_params"] = state.data  # the export links carry a saved view's filters
    if request.htmx and request.GET.get("cursor"):
        return render(request, "tickets/_rows.html", context)
    if request.htmx:
        return render(request, "tickets/_results.html", context)
    # What a bulk action did, told once on the page it came back to (a plain form's POST).
    context["bulk_outcome"] = request.session.pop(BULK_OUTCOME_KEY, None)
    return render(request, "tickets/list.html", context)


def _list_context(request, params) -> dict:
    """The list for these filters (the page's query, or the one a bulk action came from),
    with the bulk bar for those who may use it."""
    form = TicketFilterForm(
        params or None, viewer=request.user, tag_counts=selectors.cached_tag_counts(viewer=request.user)
    )
    page, error = None, None
    if form.is_bound and not form.is_valid():
        filters = None
    else:
        filters = form.to_filters() if form.is_bound else TicketFilters()
    if filters is not None:
        try:
            page = selectors.ticket_list(
                viewer=request.user,
                filters=filters,
                cursor=params.get("cursor"),
                page_size=parsing.page_size(params.get("page_size"), minimum=5),
                related=selectors.ROW_RELATED,  # the rows show no category
            )
        except ApplicationError as exc:
            error = exc
    list_path = reverse("tickets:list")
    context = {
        "form": form,
        "page": page,
        "error": error,
        "next_url": _next_url(request, page, params, list_path),
    }
    actions = bulk.allowed_actions(request.user)
    if actions:
        query = params.copy()
        query.pop("cursor", None)
        context["bulk"] = {
            "actions": actions,
            "form": BulkForm(viewer=request.user, filter_form=form),
            "back": f"{list_path}?{query.urlencode()}" if query else list_path,
        }
    return context


def _next_url(request, page, params=None, path=None) -> str | None:
    if page is None or not page.next_cursor:
        return None
    params = (request.GET if params is None else params).copy()
    params["cursor"] = page.next_cursor
    return f"{path or request.path}?{params.urlencode()}"


@login_required
@require_GET
def my_work(request):
    if not request.user.has_perm(selectors.VIEW):
        return render_error(request, PermissionDenied())
    mine = selectors.my_work(
        viewer=request.user, cursor=request.GET.get("cursor"), page_size=_page_size(request)
    )
    queue = selectors.department_queue(viewer=request.user) if request.user.department_id else None
    context = {"page": mine, "queue": queue, "next_url": _next_url(request, mine)}
    if request.htmx and request.GET.get("cursor"):
        return render(request, "tickets/_rows.html", context)
    return render(request, "tickets/my_work.html", context)


@login_required
@require_GET
def citizen_tickets(request, citizen_id: int):
    """A citizen's tickets, for the citizen page (loaded into it with htmx)."""
    page = selectors.ticket_list(
        viewer=request.user, filters=TicketFilters(citizen_id=citizen_id), cursor=request.GET.get("cursor")
    )
    return render(
        request, "tickets/_citizen_tickets.html", {"page": page, "next_url": _next_url(request, page)}
    )


# --- create --------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def ticket_create(request):
    if not selectors.can_create(request.user):
        return render_error(request, PermissionDenied())
    citizen = None
    if request.method == "POST":
        form = TicketCreateForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                citizen = _chosen_citizen(request, form.cleaned_data.get("citizen"))
                ticket = services.ticket_create(
                    kind=form.cleaned_data["kind"],
                    channel=form.cleaned_data["channel"],
                    subject=form.cleaned_data["subject"],
                    description=form.cleaned_data["description"],
                    actor=request.user,
                    citizen=citizen,
                    new_citizen=form.new_citizen(),
                    anonymous=form.cleaned_data.get("anonymous", False),
                    category=form.cleaned_data.get("category"),
                    department=form.cleaned_data.get("department"),
                    priority=form.cleaned_data.get("priority") or None,
                    urgency=form.cleaned_data.get("urgency") or "",
                    contact_phone=form.cleaned_data.get("contact_phone") or "",
                    external_reference=form.cleaned_data.get("external_reference") or "",
                    uploads=form.cleaned_data.get("attachments") or [],
                )
            except ApplicationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(
                    request,
                    _("Ticket %(number)s created. Read the review number to the citizen.")
                    % {"number": isolate_ltr(ticket.review_number)},
                )
                return redirect("tickets:detail", pk=ticket.pk)
        elif form.cleaned_data.get("citizen"):
            citizen = _chosen_citizen(request, form.cleaned_data["citizen"], quiet=True)
    else:
        form = TicketCreateForm(initial={"channel": request.GET.get("channel") or Ticket.Channel.PHONE})
    return render(request, "tickets/create.html", {"form": form, "citizen": citizen})


def _chosen_citizen(request, citizen_id, *, quiet: bool = False):
    if not citizen_id:
        return None
    try:
        return citizen_selectors.citizen_file(citizen_id=citizen_id, viewer=request.user, purpose="ticket")
    except ApplicationError:
        if quiet:
            return None
        raise


# --- one ticket ----------------------------------------------------------------------


def _ticket_or_404(request, pk: int) -> Ticket:
    try:
        return selectors.ticket_get(viewer=request.user, pk=pk)
    except NotFound:
        raise Http404 from None


def _workspace_context(request, ticket: Ticket, **forms) -> dict:
    user = request.user
    can_work = selectors.can_work(user, ticket)
    timeline, attachments = selectors.ticket_timeline(ticket=ticket, viewer=user, with_extensions=True)
    context = {
        "ticket": ticket,
        "timeline": timeline,
        "attachments": attachments,
        "can_work": can_work,
        "can_assign": selectors.can_assign(user, ticket),
        "can_merge": selectors.can_merge(user, ticket),
        "can_see_identity": citizen_selectors.can_see_identity(user),
        "reply_form": forms.get("reply_form") or ReplyForm(prefix="reply"),
        "note_form": forms.get("note_form") or BodyForm(prefix="note"),
        "transition_form": forms.get("transition_form") or TransitionForm(ticket=ticket),
        "assign_form": forms.get("assign_form") or AssignForm(viewer=user, ticket=ticket),
        "merge_form": forms.get("merge_form") or MergeForm(),
        "attachment_form": forms.get("attachment_form") or AttachmentForm(),
        "error": forms.get("error"),
        "done": forms.get("done"),
        "escalatable_statuses": ESCALATABLE,
        "clocks": clock_selectors.ticket_clocks(ticket=ticket),
        "extend_form": forms.get("extend_form") or ExtendForm(prefix="extend"),
        "reclassify_form": forms.get("reclassify_form") or ReclassifyForm(ticket=ticket, prefix="reclassify"),
    }
    context.update(_tags_context(ticket, can_work))
    context["sla_badge"] = clock_selectors.badge_from_views(context["clocks"])
    context.update(_reply_context(ticket, timeline, can_work, context["reply_form"], forms.get("changed")))
    context["can_extend"] = (
        can_work
        and ticket.is_open
        and any(
            v.clock.target == "resolution" and v.state in ("running", "paused") for v in context["clocks"]
        )
    )
    return context


def _reply_context(ticket: Ticket, timeline, can_work: bool, reply_form, changed) -> dict:
    """The reply form's companions: the quick answers and macros to insert, the macro chosen
    (its changes go with the reply), the newest event on the page (the version the reply is
    written against) and, after a refused stale reply, the events the writer had not seen."""
    own_events = [e for e in timeline if isinstance(e, TicketEvent)]
    context = {
        "latest_event_id": max((e.pk for e in own_events), default=0),
        "quick_answers": quick_answers.quick_answers_for(ticket) if can_work else [],
        "pending_macro": None,
        "changed": None,
    }
    macro_id = reply_form["macro"].value()
    if macro_id:
        context["pending_macro"] = next(
            (a for a in context["quick_answers"] if a.macro and str(a.macro.pk) == str(macro_id)), None
        )
    if changed is not None:
        newer = set(changed.details.get("newer_event_ids", []))
        context["changed"] = {"error": changed, "events": [e for e in own_events if e.pk in newer]}
    return context


def _tags_context(ticket: Ticket, can_work: bool) -> dict:
    """The ticket's tags, and the tags one may add (the active ones) for those who work it."""
    current = list(ticket.tags.order_by("name_en", "id"))
    choices = []
    if can_work:
        active = selectors.active_tags()  # the process's copy: no query
        choices = active + [t for t in current if t not in active]
    return {"ticket_tags": current, "tag_choices": choices, "ticket_tag_ids": {t.pk for t in current}}


@login_required
@require_GET
def ticket_detail(request, pk: int):
    """The ticket page. ``?answer=<key>`` (the quick-answer picker without JavaScript) opens it
    with that answer in the reply box, and the macro's changes ready to go with it."""
    ticket = _ticket_or_404(request, pk)
    forms = {}
    key = request.GET.get("answer")
    if key and selectors.can_work(request.user, ticket):
        answer = quick_answers.quick_answer(ticket, key)
        if answer is not None:
            initial = {"body": answer.body, "macro": answer.macro.pk if answer.macro else None}
            forms["reply_form"] = ReplyForm(prefix="reply", initial=initial)
    return render(request, "tickets/detail.html", _workspace_context(request, ticket, **forms))


def _answer(request, ticket: Ticket, **forms) -> HttpResponse:
    """After an action: the workspace partial for htmx, else back to the page."""
    fresh = selectors.ticket_get(viewer=request.user, pk=ticket.pk)
    if request.htmx:
        return render(request, "tickets/_workspace.html", _workspace_context(request, fresh, **forms))
    if forms.get("error"):
        messages.error(request, str(forms["error"].message))
    elif forms.get("done"):
        messages.success(request, forms["done"])
    return redirect("tickets:detail", pk=ticket.pk)


def _act(request, pk: int, form_name: str, form, action, done: str) -> HttpResponse:
    """Run one action on the ticket; ``form`` is the bound form, or a function of the ticket
    for a form that needs it (so the ticket is read once)."""
    ticket = _ticket_or_404(request, pk)
    if callable(form):
        form = form(ticket)
    if not form.is_valid():
        details = {field: list(messages) for field, messages in form.errors.items()}
        return _answer(request, ticket, **{form_name: form, "error": ValidationFailed(details=details)})
    try:
        action(ticket, form.cleaned_data)
    except ApplicationError as exc:
        return _answer(request, ticket, **{form_name: form, "error": exc})
    return _answer(request, ticket, done=done)


@login_required
@require_POST
def ticket_reply(request, pk: int):
    """Send the reply, with the chosen macro's changes when one goes with it. A reply written
    over someone else's newer change comes back with the draft kept and that change shown."""
    ticket = _ticket_or_404(request, pk)
    form = ReplyForm(request.POST, request.FILES, prefix="reply")
    if not form.is_valid():
        details = {field: list(errors) for field, errors in form.errors.items()}
        return _answer(request, ticket, reply_form=form, error=ValidationFailed(details=details))
    data = form.cleaned_data
    try:
        if data["macro"]:
            macro_services.ticket_apply_macro(
                ticket=ticket,
                macro=selectors.macro_get(pk=data["macro"]),
                actor=request.user,
                body=data["body"],
                uploads=data["attachments"],
                seen_event_id=data["seen_event_id"],
            )
            done = _("The macro was applied.")
        else:
            services.ticket_reply(
                ticket=ticket,
                body=data["body"],
                actor=request.user,
                uploads=data["attachments"],
                seen_event_id=data["seen_event_id"],
            )
            done = _("The reply was sent to the citizen.")
    except services.TicketChanged as changed:
        return _changed(request, ticket, form, changed)
    except ApplicationError as exc:
        return _answer(request, ticket, reply_form=form, error=exc)
    return _answer(request, ticket, done=done)


def _changed(request, ticket: Ticket, form, changed) -> HttpResponse:
    """The page again, the draft in the reply box and the newer changes above it; the form now
    carries the newest event, so sending again goes through. (409 for a whole page; htmx swaps
    only successful answers, so its fragment comes with 200.)"""
    fresh = selectors.ticket_get(viewer=request.user, pk=ticket.pk)
    context = _workspace_context(request, fresh, reply_form=form, changed=changed)
    if request.htmx:
        return render(request, "tickets/_workspace.html", context)
    return render(request, "tickets/detail.html", context, status=409)


@login_required
@require_POST
def ticket_presence(request, pk: int):
    """The page's heartbeat (every 15 s, and when the reply is being typed): records that the
    viewer has the ticket open and answers with who else has. Silent when Redis is away."""
    ticket = _ticket_or_404(request, pk)
    others = presence.heartbeat(ticket_id=ticket.pk, user=request.user, state=request.POST.get("state", ""))
    return render(request, "tickets/_presence_others.html", {"others": others})


@login_required
@require_POST
def ticket_note(request, pk: int):
    return _act(
        request,
        pk,
        "note_form",
        BodyForm(request.POST, request.FILES, prefix="note"),
        lambda t, d: services.ticket_note(
            ticket=t, body=d["body"], actor=request.user, uploads=d["attachments"]
        ),
        _("The internal note was added."),
    )


@login_required
@require_POST
def ticket_transition(request, pk: int):
    return _act(
        request,
        pk,
        "transition_form",
        lambda ticket: TransitionForm(request.POST, ticket=ticket),
        lambda t, d: services.ticket_transition(
            ticket=t, to_status=d["to_status"], actor=request.user, reason=d["reason"]
        ),
        _("The status was changed."),
    )


@login_required
@require_POST
def ticket_extend(request, pk: int):
    return _act(
        request,
        pk,
        "extend_form",
        ExtendForm(request.POST, prefix="extend"),
        lambda t, d: services.ticket_extend_deadline(
            ticket=t, actor=request.user, new_due=d.get("new_due"), reason=d.get("reason") or ""
        ),
        _("The deadline was extended and the citizen told why."),
    )


def _form_error(form) -> ValidationFailed:
    """The form's own errors, each under its field's label, as the page's one error message
    (Django's own messages are translated too)."""
    lines = [
        _("%(field)s: %(error)s")
        % {"field": form.fields[name].label if name in form.fields else "", "error": error}
        for name, errors in form.errors.items()
        for error in errors
    ]
    return ValidationFailed(" ".join(lines) or None)


@login_required
@require_POST
def ticket_reclassify(request, pk: int):
    """Correct kind, channel, priority or urgency; the page comes back with the recomputed
    deadlines. The same service and permission as ``POST /api/v1/tickets/<id>/reclassify/``."""
    ticket = _ticket_or_404(request, pk)
    form = ReclassifyForm(request.POST, ticket=ticket, prefix="reclassify")
    if not form.is_valid():
        return _answer(request, ticket, reclassify_form=form, error=_form_error(form))
    before = (ticket.kind, ticket.channel, ticket.priority, ticket.urgency)
    try:
        after = services.ticket_reclassify(ticket=ticket, actor=request.user, **form.service_kwargs())
    except ApplicationError as exc:
        return _answer(request, ticket, reclassify_form=form, error=exc)
    if (after.kind, after.channel, after.priority, after.urgency) == before:
        # The service treats an unchanged ticket as done and writes nothing; on the page a
        # submit that changes nothing is a mistake worth saying.
        return _answer(
            request,
            ticket,
            reclassify_form=form,
            error=ValidationFailed(
                _("Nothing changed: choose a different kind, channel, priority or urgency."),
                code="reclassify_no_change",
            ),
        )
    return _answer(request, ticket, done=_("The ticket was reclassified and its deadlines recomputed."))


@login_required
@require_POST
def ticket_assign(request, pk: int):
    return _act(
        request,
        pk,
        "assign_form",
        lambda ticket: AssignForm(request.POST, viewer=request.user, ticket=ticket),
        lambda t, d: services.ticket_assign(
            ticket=t,
            actor=request.user,
            assignee=d.get("assignee"),
            department=d.get("department"),
            reason=d["reason"],
        ),
        _("The assignment was changed."),
    )


@login_required
@require_POST
def ticket_merge(request, pk: int):
    def merge(ticket, data):
        original = selectors.ticket_get(viewer=request.user, review_number=data["original"])
        services.ticket_merge(duplicate=ticket, original=original, actor=request.user, reason=data["reason"])

    return _act(
        request,
        pk,
        "merge_form",
        MergeForm(request.POST),
        merge,
        _("The ticket was merged into its original."),
    )


@login_required
@require_POST
def ticket_attach(request, pk: int):
    return _act(
        request,
        pk,
        "attachment_form",
        AttachmentForm(request.POST, request.FILES),
        lambda t, d: services.ticket_attach(ticket=t, upload=d["file"], actor=request.user),
        _("The file was attached."),
    )


@login_required
@require_POST
def ticket_tags(request, pk: int):
    """Set the ticket's tags to the ones ticked: the service records what was added and
    removed on the timeline (nothing when nothing changed)."""
    ticket = _ticket_or_404(request, pk)
    chosen = set(parsing.to_ids(request.POST.getlist("tags")))
    current = {t.pk: t for t in ticket.tags.all()}
    offered = {t.pk: t for t in selectors.tags()}
    unknown = chosen - set(offered) - set(current)
    if unknown:
        return _answer(
            request,
            ticket,
            error=ValidationFailed(_("Choose tags from the list."), code="tag_unknown", details={"tags": []}),
        )
    try:
        event = services.ticket_tags_change(
            ticket=ticket,
            actor=request.user,
            add=[offered[pk] for pk in chosen - set(current)],
            remove=[current[pk] for pk in set(current) - chosen],
        )
    except ApplicationError as exc:
        return _answer(request, ticket, error=exc)
    return _answer(
        request, ticket, done=_("The tags were changed.") if event else _("The tags are unchanged.")
    )


@login_required
@require_GET
def attachment_download(request, pk: int):
    """A ticket's file, to staff who may see the ticket; nobody else, by no other path."""
    try:
        attachment = selectors.attachment_for_download(viewer=request.user, attachment_id=pk)
    except NotFound:
        raise Http404 from None
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# --- bulk actions --------------------------------------------------------------------


@login_required
@require_POST
def ticket_bulk(request):
    """One action on the tickets chosen on the list (``bulk.ticket_bulk_apply``).

    With htmx the list comes back, for the filters it was showing, with the outcome above it;
    a plain form is sent back to that list, which tells the outcome once.
    """
    if not request.user.has_perm(selectors.VIEW):
        return render_error(request, PermissionDenied())
    back = _list_url(request, request.POST.get("back"))
    form = BulkForm(request.POST, viewer=request.user)
    try:
        if not form.is_valid():
            raise _form_error(form)
        result = bulk.ticket_bulk_apply(actor=request.user, **form.service_kwargs())
    except ApplicationError as exc:
        outcome = {"error": str(exc.message)}
    else:
        outcome = _bulk_outcome(result)
    if request.htmx:
        context = _list_context(request, QueryDict(back.partition("?")[2]))
        context["bulk_outcome"] = outcome
        return render(request, "tickets/_results.html", context)
    request.session[BULK_OUTCOME_KEY] = outcome
    return redirect(back)


def _list_url(request, url: str | None) -> str:
    """The list (with its filters) the bulk action came from; the bare list for anything else."""
    list_path = reverse("tickets:list")
    if url and url.startswith(list_path) and url_has_allowed_host_and_scheme(url, {request.get_host()}):
        return url
    return list_path


def _bulk_outcome(result: bulk.BulkResult) -> dict:
    """What the page tells (kept in the session between a plain form's POST and its list)."""
    return {
        "action": str(bulk.LABELS[result.action]),
        "done": len(result.done),
        "target": result.target,
        "skipped": [
            {"review_number": item.review_number, "id": item.id, "message": item.message}
            for item in result.skipped
        ],
    }
