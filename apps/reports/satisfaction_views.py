"""The citizen satisfaction page: figures, the tickets behind each, and the comments."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from apps.core.errors import ApplicationError, PermissionDenied, ValidationFailed
from apps.core.views import render_error
from apps.reports import satisfaction
from apps.reports.forms import SatisfactionPeriodForm
from apps.reports.navigation import VIEW_PERMISSION


@login_required
@require_GET
def satisfaction_page(request):
    if not request.user.has_perm(VIEW_PERMISSION):
        return render_error(request, PermissionDenied())
    form = SatisfactionPeriodForm(request.GET)
    if not form.is_valid():
        return render(request, "reports/satisfaction.html", {"form": form}, status=400)
    try:
        start, end = satisfaction.period(form.cleaned_data.get("start"), form.cleaned_data.get("end"))
        drill = satisfaction.parse_drill(request.GET)
        figures = satisfaction.satisfaction(start=start, end=end)
        rated, next_rated = [], None
        if drill.active:
            rated, next_rated = satisfaction.drill_page(
                viewer=request.user, start=start, end=end, drill=drill, after=request.GET.get("after")
            )
        comments, next_comments = satisfaction.comments_page(
            viewer=request.user, start=start, end=end, after=request.GET.get("comments_after")
        )
    except ValidationFailed as error:
        return render(request, "reports/satisfaction.html", {"form": form, "error": error}, status=400)
    except ApplicationError as error:
        return render_error(request, error)
    period = {"start": start.isoformat(), "end": end.isoformat()}
    params = request.GET.copy()
    next_rated_url = next_comments_url = ""
    if next_rated:
        params["after"] = next_rated
        next_rated_url = f"?{params.urlencode()}#tickets"
    if next_comments:
        params = request.GET.copy()
        params["comments_after"] = next_comments
        next_comments_url = f"?{params.urlencode()}#comments"
    return render(
        request,
        "reports/satisfaction.html",
        {
            "form": form,
            "figures": figures,
            "period": period,
            "drill": drill,
            "rated": rated,
            "next_rated_url": next_rated_url,
            "comments": comments,
            "next_comments_url": next_comments_url,
            "scale": satisfaction.SCALE,
        },
    )
