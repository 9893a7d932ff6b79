"""Staff pages of the SLA engine: the deadlines dashboard (per department and per kind)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from apps.core.errors import PermissionDenied
from apps.core.views import render_error
from apps.sla import clock_selectors
from apps.tickets import selectors as ticket_selectors

DASHBOARD = "sla.view_sla_dashboard"


@login_required
@require_GET
def dashboard(request):
    if not request.user.has_perm(DASHBOARD):
        return render_error(request, PermissionDenied())
    now = timezone.now()
    tickets = ticket_selectors.visible_tickets(request.user)
    by_department = clock_selectors.dashboard(tickets=tickets, group="department", now=now)
    # The "All" row is the same in both tables: computed once.
    total = by_department[-1] if by_department else None
    context = {
        "by_department": by_department,
        "by_kind": clock_selectors.dashboard(tickets=tickets, group="kind", now=now, total=total),
        "month": timezone.localtime(now),
    }
    return render(request, "sla/dashboard.html", context)
