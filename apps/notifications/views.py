"""Staff pages: the outbox (with resend) and each member of staff's own notifications."""

from __future__ import annotations

from datetime import datetime, time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from apps.core.errors import ApplicationError, NotFound, PermissionDenied
from apps.core.views import render_error
from apps.notifications import events, selectors, services
from apps.notifications.forms import OutboxFilterForm, ResendForm


def _day_start(day):
    return timezone.make_aware(datetime.combine(day, time.min)) if day else None


@login_required
@require_GET
def outbox(request):
    form = OutboxFilterForm(request.GET or None)
    filters = {}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        until = data.get("until")
        filters = {
            "state": data["state"],
            "channel": data["channel"],
            "event": data["event"],
            "search": data["search"],
            "since": _day_start(data.get("since")),
            "until": _day_start(until + timezone.timedelta(days=1)) if until else None,
        }
    try:
        rows = selectors.outbox(viewer=request.user, **filters)
    except PermissionDenied as error:
        return render_error(request, error)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    labels = {e.key: e.label for e in events.all_events()}
    for row in page:
        row.event_label = labels.get(row.event, row.event)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "notifications/outbox_list.html",
        {
            "title": _("Outbox"),
            "form": form,
            "page": page,
            "query": query.urlencode(),
        },
    )


@login_required
@require_GET
def outbox_detail(request, pk: int):
    try:
        row = selectors.outbox_notification(viewer=request.user, pk=pk)
    except ApplicationError as error:
        return render_error(request, error)
    return render(
        request,
        "notifications/outbox_detail.html",
        {
            "title": _("Message"),
            "row": row,
            "resend_form": ResendForm(),
            "can_resend": row.can_be_resent and request.user.has_perm(selectors.RESEND_PERMISSION),
            "event_label": _event_label(row.event),
        },
    )


def _event_label(key: str):
    try:
        return events.get(key).label
    except events.UnknownEvent:
        return key


@login_required
@require_POST
def outbox_resend(request, pk: int):
    try:
        row = selectors.outbox_notification(viewer=request.user, pk=pk)
    except ApplicationError as error:
        return render_error(request, error)
    form = ResendForm(request.POST)
    if form.is_valid():
        try:
            new_row = services.notification_resend(
                notification=row,
                actor=request.user,
                to_phone=form.cleaned_data["to_phone"],
                to_email=form.cleaned_data["to_email"],
            )
        except ApplicationError as error:
            for field, problems in error.details.items():
                if field in form.fields:
                    for problem in problems:
                        form.add_error(field, problem)
            if not error.details:
                form.add_error(None, error.message)
            status = error.status
        else:
            messages.success(request, _("The message was queued again as a new message."))
            return redirect("notifications:outbox_detail", pk=new_row.pk)
    else:
        status = 400
    return render(
        request,
        "notifications/outbox_detail.html",
        {
            "title": _("Message"),
            "row": row,
            "resend_form": form,
            "can_resend": row.can_be_resent and request.user.has_perm(selectors.RESEND_PERMISSION),
            "event_label": _event_label(row.event),
        },
        status=status,
    )


@login_required
@require_GET
def inbox(request):
    page = Paginator(selectors.inbox_for(user=request.user, limit=None), 30).get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {"title": _("My notifications"), "page": page})


@login_required
@require_POST
def inbox_open(request, pk: int):
    """Open one notification: it becomes read, and the page it is about opens."""
    try:
        row = selectors.inbox_notification(user=request.user, pk=pk)
    except NotFound as error:
        return render_error(request, error)
    services.notification_mark_read(notification=row, actor=request.user)
    target = row.link_url
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect(target)
    return redirect("notifications:inbox")


@login_required
@require_POST
def inbox_read_all(request):
    count = services.notification_mark_all_read(actor=request.user)
    if count:
        messages.success(request, _("All your notifications are marked read."))
    return redirect("notifications:inbox")
