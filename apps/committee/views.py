"""The secretary's screens (pending pool, agenda, meeting, minutes), the members' read-only
views, and the citizen's appeal page. Views parse input, call one service or selector,
and render; every rule lives in services.py."""

from __future__ import annotations

import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.committee import minutes as minutes_module
from apps.committee import selectors, services, texts
from apps.committee.forms import (
    AmendForm,
    AppealForm,
    DecisionForm,
    MeetingForm,
    PoolFilterForm,
    ReferralForm,
    ReopenForm,
)
from apps.committee.models import MeetingStatus, Outcome
from apps.core import counters
from apps.core.clients import client_ip
from apps.core.errors import ApplicationError, NotFound, RateLimited, ValidationFailed
from apps.core.parsing import parse_month, to_ids
from apps.core.views import render_error

APPEAL_LIMIT_PER_IP = 10
APPEAL_LIMIT_PER_REFERENCE = 5
APPEAL_LIMIT_WINDOW = 3600


def staff_view(view):
    """Login required, and a domain error becomes its page (or its fragment for htmx)."""

    @login_required
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except ApplicationError as error:
            if getattr(request, "htmx", False):
                return render(request, "committee/_error.html", {"error": error}, status=error.status)
            return render_error(request, error)

    return wrapper


def _page_context(request, committee, **extra):
    return {"committee": committee, "viewer": selectors.viewer_in(committee, request.user), **extra}


# ---------------------------------------------------------------------------- pending pool


@staff_view
@require_GET
def pool(request):
    committee = selectors.default_committee(request.user)
    filters = PoolFilterForm(request.GET or None)
    cleaned = filters.cleaned_data if filters.is_valid() else {}
    page = selectors.pending_pool(
        committee=committee,
        viewer=request.user,
        cursor=request.GET.get("cursor") or None,
        source=cleaned.get("source") or None,
        deferred_only=bool(cleaned.get("deferred")),
        query=cleaned.get("q") or "",
    )
    query = request.GET.copy()
    query.pop("cursor", None)
    context = _page_context(
        request,
        committee,
        page=page,
        filters=filters,
        query_string=query.urlencode(),
        now=timezone.now(),
        counts=selectors.pending_counts(committee=committee, viewer=request.user),
        open_meetings=selectors.open_meetings(committee=committee, viewer=request.user),
    )
    if request.htmx and request.GET.get("cursor"):
        return render(request, "committee/_pool_rows.html", context)
    return render(request, "committee/pool.html", context)


@staff_view
@require_http_methods(["GET", "POST"])
def referral_new(request):
    committee = selectors.default_committee(request.user)
    services.require_secretary(committee, request.user)
    form = ReferralForm(request.POST or None, request.FILES or None)
    error = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            referral = services.referral_intake(
                committee=committee,
                cpr=data["cpr"],
                subject=data["subject"],
                summary=data["summary"],
                housing_application_number=data["housing_application_number"],
                citizen_name_ar=data["citizen_name_ar"],
                citizen_phone=data["citizen_phone"],
                documents=data["documents"],
                actor=request.user,
            )
        except ValidationFailed as failure:
            error = failure
            for name, problems in failure.details.items():
                target = name if name in form.fields else None
                for problem in problems:
                    form.add_error(target, problem)
        else:
            messages.success(
                request,
                _("Referral %(reference)s is in the pending list.") % {"reference": referral.reference},
            )
            return redirect("committee:referral", referral_id=referral.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "committee/referral_form.html",
        _page_context(request, committee, form=form, error=error),
        status=status,
    )


@staff_view
@require_GET
def referral_detail(request, referral_id: int):
    referral = selectors.referral_get(referral_id=referral_id, viewer=request.user)
    decisions = [
        {"decision": d, "text": texts.decision_text(d, request.LANGUAGE_CODE)}
        for d in referral.decisions.all()
    ]
    return render(
        request,
        "committee/referral.html",
        _page_context(
            request,
            referral.committee,
            referral=referral,
            decisions=decisions,
            appeal=selectors.referral_appeal(referral),
            now=timezone.now(),
        ),
    )


@staff_view
@require_POST
def document_upload(request, referral_id: int):
    referral = selectors.referral_get(referral_id=referral_id, viewer=request.user)
    uploaded = request.FILES.get("file")
    if uploaded is None:
        raise ValidationFailed(_("Choose a file to upload."), code="file_required")
    services.referral_document_add(referral=referral, uploaded_file=uploaded, actor=request.user)
    messages.success(request, _("The document was added."))
    return redirect("committee:referral", referral_id=referral.pk)


@staff_view
@require_GET
def document_download(request, document_id: int):
    document = selectors.document_get(document_id=document_id, viewer=request.user)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise NotFound() from None
    response = FileResponse(
        handle, as_attachment=True, filename=document.original_name, content_type=document.content_type
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# ---------------------------------------------------------------------------- meetings


@staff_view
@require_http_methods(["GET", "POST"])
def meetings(request):
    committee = selectors.default_committee(request.user)
    viewer = selectors.viewer_in(committee, request.user)
    today = timezone.localdate()
    form = MeetingForm(
        request.POST or None,
        initial={"number": services.next_meeting_number(committee, today.year), "date": today},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                meeting = services.meeting_create(
                    committee=committee,
                    number=data["number"],
                    date=data["date"],
                    starts_at=data["starts_at"],
                    place=data["place"],
                    actor=request.user,
                )
            except ApplicationError as error:
                if error.status == 403:
                    raise
                form.add_error("number" if error.code == "meeting_number_taken" else None, error.message)
                status = error.status
            else:
                return redirect("committee:agenda", meeting_id=meeting.pk)
        else:
            status = 400
    return render(
        request,
        "committee/meetings.html",
        {
            "committee": committee,
            "viewer": viewer,
            "meetings": selectors.meetings_list(committee=committee, viewer=request.user),
            "form": form,
        },
        status=status,
    )


@staff_view
@require_http_methods(["GET", "POST"])
def agenda(request, meeting_id: int):
    meeting = selectors.meeting_get(meeting_id=meeting_id, viewer=request.user)
    if request.method == "POST":
        ids = to_ids(request.POST.getlist("referral"))
        found = {r.pk: r for r in meeting.committee.referrals.filter(pk__in=ids)} if ids else {}
        if len(found) != len(set(ids)):
            raise NotFound()
        referrals = [found[pk] for pk in dict.fromkeys(ids)]  # the order they were proposed in
        services.agenda_add(meeting=meeting, referrals=referrals, actor=request.user)
        messages.success(request, _("The agenda was updated."))
        if request.POST.get("next") == "pool":
            return redirect("committee:pool")
        return redirect("committee:agenda", meeting_id=meeting.pk)
    minutes = selectors.meeting_minutes(meeting=meeting)
    return render(
        request,
        "committee/agenda.html",
        _page_context(
            request,
            meeting.committee,
            meeting=meeting,
            minutes=minutes,
            proposals=selectors.agenda_proposals(meeting=meeting, viewer=request.user),
            now=timezone.now(),
        ),
    )


@staff_view
@require_POST
def agenda_remove(request, meeting_id: int, referral_id: int):
    meeting = selectors.meeting_get(meeting_id=meeting_id, viewer=request.user)
    referral = selectors.referral_get(referral_id=referral_id, viewer=request.user)
    services.agenda_remove(meeting=meeting, referral=referral, actor=request.user)
    return redirect("committee:agenda", meeting_id=meeting.pk)


def _decision_rows(minutes, language):
    # Every row's form offers the same rejection reasons: read them once, not once per
    # row (a form field's choices run their query each time they are listed).
    reasons = list(DecisionForm.base_fields["rejection_reason"].choices)
    rows = []
    for item in minutes.items:
        decision = item.decision
        initial = {}
        if decision is not None:
            initial = {
                "outcome": decision.outcome,
                "conditions": decision.conditions,
                "rejection_reason": decision.rejection_reason_id,
                "reason_note": decision.reason_note,
                "needs": decision.needs,
            }
        form = DecisionForm(initial=initial, prefix=f"r{item.referral.pk}")
        form.fields["rejection_reason"].choices = reasons
        rows.append(
            {
                "item": item,
                "form": form,
                "text": texts.decision_text(decision, language) if decision else "",
            }
        )
    return rows


@staff_view
@require_GET
def meeting_detail(request, meeting_id: int):
    meeting = selectors.meeting_get(meeting_id=meeting_id, viewer=request.user)
    minutes = selectors.meeting_minutes(meeting=meeting)
    seats = meeting.committee.memberships.filter(is_active=True).select_related("user").order_by("role", "pk")
    present = {a.user_id for a in minutes.attendance if a.present}
    return render(
        request,
        "committee/meeting.html",
        _page_context(
            request,
            meeting.committee,
            meeting=meeting,
            minutes=minutes,
            rows=_decision_rows(minutes, request.LANGUAGE_CODE),
            seats=seats,
            present=present,
            quorum_required=services.quorum_required(meeting.committee),
        ),
    )


@staff_view
@require_POST
def attendance(request, meeting_id: int):
    meeting = selectors.meeting_get(meeting_id=meeting_id, viewer=request.user)
    ids = to_ids(request.POST.getlist("present"))
    meeting = services.meeting_record_attendance(meeting=meeting, present_user_ids=ids, actor=request.user)
    if meeting.quorum_reached:
        messages.success(request, _("Attendance recorded: the quorum is reached."))
    else:
        messages.warning(
            request, _("Attendance recorded: the quorum is NOT reached; no decision can be taken.")
        )
    return redirect("committee:meeting", meeting_id=meeting.pk)


@staff_view
@require_POST
def decision(request, meeting_id: int, referral_id: int):
    """Save one case's decision; for htmx, answer with that case's row (with the error, if any)."""
    meeting = selectors.meeting_get(meeting_id=meeting_id, viewer=request.user)
    referral = selectors.referral_get(referral_id=referral_id, viewer=request.user)
    form = DecisionForm(request.POST, prefix=f"r{referral.pk}")
    error, status = None, 200
    try:
        if not form.is_valid():
            raise ValidationFailed(
                _("Choose approved, rejected or deferred."),
                code="unknown_outcome",
                details=form.errors.get_json_data(),
            )
        data = form.cleaned_data
        services.decision_record(
            meeting=meeting,
            referral=referral,
            outcome=data["outcome"],
            conditions=data["conditions"],
            rejection_reason=data["rejection_reason"],
            reason_note=data["reason_note"],
            needs=data["needs"],
            actor=request.user,
        )
    except ApplicationError as failure:
        if not request.htmx:
            raise
        error, status = failure, failure.status
    minutes_data = selectors.meeting_minutes(meeting=meeting)
    row = next(
        (
            r
            for r in _decision_rows(minutes_data, request.LANGUAGE_CODE)
            if r["item"].referral.pk == referral.pk
        ),
        None,
    )
    if not request.htmx:
        return redirect(reverse("committee:meeting", args=[meeting.pk]) + f"#item-{referral.pk}")
    if row is None:  # not on this agenda: there is no row to redraw
        return render(request, "committee/_error.html", {"error": error}, status=status)
    if error is not None:
        row["form"] = form  # keep what the secretary typed
    context = _page_context(
        request, meeting.committee, meeting=meeting, row=row, saved=error is None, error=error
    )
    return render(request, "committee/_decision_row.html", context, status=status)


@staff_view
@require_POST
def meeting_close(request, meeting_id: int):
    meeting = selectors.meeting_get(meeting_id=meeting_id, viewer=request.user)
    services.meeting_close(meeting=meeting, actor=request.user)
    messages.success(request, _("The meeting is closed. The minutes wait for the chair's signature."))
    return redirect("committee:minutes", meeting_id=meeting.pk)


@staff_view
@require_GET
def minutes(request, meeting_id: int):
    meeting = selectors.meeting_get(meeting_id=meeting_id, viewer=request.user)
    minutes_data = selectors.meeting_minutes(meeting=meeting)
    language = request.LANGUAGE_CODE
    items = [
        {
            "item": item,
            "text": texts.decision_text(item.decision, language),
            "amendments": [
                {"decision": a, "text": texts.decision_text(a, language)} for a in item.amendments
            ],
        }
        for item in minutes_data.decided
    ]
    return render(
        request,
        "committee/minutes.html",
        _page_context(
            request,
            meeting.committee,
            meeting=meeting,
            minutes=minutes_data,
            items=items,
            reopen_form=ReopenForm(),
            approved=minutes_data.count(Outcome.APPROVED),
            rejected=minutes_data.count(Outcome.REJECTED),
            deferred=minutes_data.count(Outcome.DEFERRED),
        ),
    )


@staff_view
@require_GET
def minutes_pdf(request, meeting_id: int):
    meeting = selectors.meeting_get(meeting_id=meeting_id, viewer=request.user)
    language = "en" if request.GET.get("lang") == "en" else "ar"
    if language == "ar" and meeting.status == MeetingStatus.SIGNED and meeting.minutes_file:
        content = meeting.minutes_file.open("rb").read()  # the signed copy, as hashed at sign-off
    else:
        content = minutes_module.minutes_pdf(meeting=meeting, language=language)
    response = HttpResponse(content, content_type="application/pdf")
    filename = f"minutes-{meeting.year}-{meeting.number}-{language}.pdf"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@staff_view
@require_POST
def meeting_sign(request, meeting_id: int):
    meeting = selectors.meeting_get(meeting_id=meeting_id, viewer=request.user)
    services.meeting_sign(meeting=meeting, actor=request.user)
    messages.success(
        request, _("The minutes are signed. The decisions are final and the letters are queued.")
    )
    return redirect("committee:minutes", meeting_id=meeting.pk)


@staff_view
@require_POST
def meeting_reopen(request, meeting_id: int):
    meeting = selectors.meeting_get(meeting_id=meeting_id, viewer=request.user)
    form = ReopenForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    services.meeting_reopen(meeting=meeting, reason=reason, actor=request.user)
    messages.info(request, _("The meeting is back with the secretary for corrections."))
    return redirect("committee:meeting", meeting_id=meeting.pk)


@staff_view
@require_http_methods(["GET", "POST"])
def decision_amend(request, decision_id: int):
    decision = selectors.decision_get(decision_id=decision_id, viewer=request.user)
    form = AmendForm(
        request.POST or None,
        initial={
            "outcome": decision.outcome,
            "conditions": decision.conditions,
            "rejection_reason": decision.rejection_reason_id,
            "reason_note": decision.reason_note,
            "needs": decision.needs,
        },
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.decision_amend(
                    decision=decision,
                    outcome=data["outcome"],
                    reason=data["reason"],
                    conditions=data["conditions"],
                    rejection_reason=data["rejection_reason"],
                    reason_note=data["reason_note"],
                    needs=data["needs"],
                    actor=request.user,
                )
            except ValidationFailed as failure:
                form.add_error(None, failure.message)
                status = failure.status
            else:
                messages.success(request, _("The amending decision is recorded and a new letter is queued."))
                return redirect("committee:minutes", meeting_id=decision.meeting_id)
        else:
            status = 400
    return render(
        request,
        "committee/amend.html",
        _page_context(
            request,
            decision.meeting.committee,
            decision=decision,
            text=texts.decision_text(decision, request.LANGUAGE_CODE),
            form=form,
        ),
        status=status,
    )


@staff_view
@require_GET
def figures(request):
    committee = selectors.default_committee(request.user)
    today = timezone.localdate()
    year, month = parse_month(request.GET.get("month")) or (today.year, today.month)
    result = selectors.month_figures(year=year, month=month, committee=committee)
    return render(
        request,
        "committee/figures.html",
        _page_context(request, committee, figures=result, month_value=f"{year:04d}-{month:02d}"),
    )


# ---------------------------------------------------------------------------- the citizen's appeal


def _count_attempt(key: str, limit: int) -> None:
    if counters.hit(key, window=APPEAL_LIMIT_WINDOW) > limit:
        raise RateLimited()


@never_cache
@require_http_methods(["GET", "POST"])
def appeal(request):
    """Public: a citizen appeals a rejection with the case (or review) number and their CPR.

    Every mismatch gets the same answer; attempts are limited per address and per number.
    """
    form = AppealForm(request.POST or None)
    context = {"form": form, "title": _("Appeal a housing committee decision")}
    status = 200
    if request.method == "POST":
        if not form.is_valid():
            status = 400
        else:
            data = form.cleaned_data
            try:
                _count_attempt(f"committee:appeal:ip:{client_ip(request)}", APPEAL_LIMIT_PER_IP)
                reference_key = services.normalize_reference(data["reference"])[:40]
                _count_attempt(f"committee:appeal:ref:{reference_key}", APPEAL_LIMIT_PER_REFERENCE)
                created = services.appeal_submit(
                    reference=data["reference"], cpr=data["cpr"], grounds=data["grounds"]
                )
            except ApplicationError as error:
                context["error"] = error
                status = error.status
            else:
                context = {"appeal": created, "title": context["title"]}
    response = render(request, "committee/appeal.html", context, status=status)
    response["Cache-Control"] = "no-store"
    return response
