"""The retention desk: policies, legal holds, runs, and a dry run on demand."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from apps.core.errors import ApplicationError, PermissionDenied, ValidationFailed
from apps.core.views import render_error
from apps.privacy.retention import selectors, services
from apps.privacy.retention.forms import HoldForm, PolicyForm, ReleaseForm
from apps.privacy.retention.kinds import ORDER, minimums
from apps.privacy.retention.models import LegalHold, RetentionPolicy
from apps.privacy.retention.navigation import HOLD_PERMISSION, RUN_PERMISSION, VIEW_PERMISSION

CHANGE_POLICY_PERMISSION = "privacy_retention.change_retentionpolicy"


def _require(user, permission: str) -> None:
    if not user.has_perm(permission):
        raise PermissionDenied()


def _page(request, *, hold_form=None, status=200):
    policies = selectors.policies()
    limits = minimums()
    for policy in policies:
        policy.minimum = limits.get(policy.kind, 0)
    runs = list(selectors.recent_runs())
    labels = {p.kind: p.get_kind_display() for p in policies}
    for run in runs:
        # In the kinds' fixed order (a JSON column keeps no order of its own).
        run.rows = [
            {
                "kind": labels.get(kind, kind),
                "count": run.counts[kind].get("count", 0),
                "refused": run.counts[kind].get("refused", False),
            }
            for kind in ORDER
            if kind in run.counts
        ]
    context = {
        "policies": policies,
        "holds": selectors.active_holds(),
        "released": selectors.released_holds(),
        "runs": runs,
        "hold_form": hold_form or HoldForm(),
        "can_run": request.user.has_perm(RUN_PERMISSION),
        "can_hold": request.user.has_perm(HOLD_PERMISSION),
        "can_edit_policies": request.user.has_perm(CHANGE_POLICY_PERMISSION),
        "can_use_admin": request.user.is_staff and request.user.has_perm(CHANGE_POLICY_PERMISSION),
    }
    return render(request, "privacy/retention/desk.html", context, status=status)


@login_required
@require_GET
def desk(request):
    try:
        _require(request.user, VIEW_PERMISSION)
    except ApplicationError as error:
        return render_error(request, error)
    return _page(request)


@login_required
@require_POST
def dry_run(request):
    """A dry run now, synchronously: one COUNT per active policy, bounded by the indexes
    each selection starts from; the real sweep runs at night in Celery."""
    try:
        _require(request.user, RUN_PERMISSION)
        run = services.retention_sweep(dry_run=True, actor=request.user)
    except ApplicationError as error:
        return render_error(request, error)
    messages.success(
        request, _("Dry run done. Records the sweep would handle: %(total)s.") % {"total": run.total}
    )
    return redirect("privacy_retention:desk")


@login_required
@require_POST
def hold_place(request):
    try:
        _require(request.user, HOLD_PERMISSION)
    except ApplicationError as error:
        return render_error(request, error)
    form = HoldForm(request.POST)
    if form.is_valid():
        target = selectors.hold_target(
            target=form.cleaned_data["target"], reference=form.cleaned_data["reference"]
        )
        if target is None:
            form.add_error("reference", _("Nothing was found with this reference."))
        else:
            try:
                services.hold_place(
                    reason=form.cleaned_data["reason"],
                    actor=request.user,
                    **{form.cleaned_data["target"]: target},
                )
            except ApplicationError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("The legal hold is in place."))
                return redirect("privacy_retention:desk")
    return _page(request, hold_form=form, status=400)


@login_required
@require_POST
def hold_release(request, pk: int):
    try:
        _require(request.user, HOLD_PERMISSION)
        hold = get_object_or_404(LegalHold, pk=pk)
        form = ReleaseForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Give a reason for releasing the hold."))
            return redirect("privacy_retention:desk")
        services.hold_release(hold=hold, reason=form.cleaned_data["reason"], actor=request.user)
    except ApplicationError as error:
        return render_error(request, error)
    messages.success(request, _("The legal hold is released."))
    return redirect("privacy_retention:desk")


@login_required
@require_POST
def policy_update(request, pk: int):
    """The period and the switch of one policy (the action is fixed per kind here; the
    admin offers the rest). A period below the legal minimum is refused with the minimum."""
    try:
        _require(request.user, CHANGE_POLICY_PERMISSION)
        policy = get_object_or_404(RetentionPolicy, pk=pk)
        form = PolicyForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Give the period as a whole number of months."))
            return redirect("privacy_retention:desk")
        services.policy_update(
            policy=policy,
            months=form.cleaned_data["months"],
            action=policy.action,
            is_active=form.cleaned_data["is_active"],
            actor=request.user,
        )
    except ValidationFailed as error:
        messages.error(request, error.message)
        return redirect("privacy_retention:desk")
    except ApplicationError as error:
        return render_error(request, error)
    messages.success(request, _("The policy is saved."))
    return redirect("privacy_retention:desk")
