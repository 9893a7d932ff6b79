"""Pages of outbound campaigns: the list, setting one up and filling its call list, the
agent's call screen, and the supervisor's figures with the targets behind them."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.campaigns import imports, selectors, services
from apps.campaigns.forms import AddressForm, CampaignForm, DispositionForm, ImportForm, PhoneForm, SelectForm
from apps.campaigns.models import Campaign, Disposition, Kind, Target
from apps.core.errors import ApplicationError, PermissionDenied, ValidationFailed
from apps.core.views import render_error


def _require(check, request) -> None:
    if not check(request.user):
        raise PermissionDenied()


def _errors_to_form(form, failure: ValidationFailed) -> None:
    for name, reasons in (failure.details or {}).items():
        target = name if name in form.fields else None
        for reason in reasons if isinstance(reasons, list) else [reasons]:
            form.add_error(target, str(reason))
    if not failure.details:
        form.add_error(None, str(failure.message))


# ---------------------------------------------------------------- list and set-up


@login_required
@require_GET
def campaign_list(request):
    try:
        campaigns = list(selectors.campaigns_for(viewer=request.user))
    except ApplicationError as error:
        return render_error(request, error)
    return render(
        request,
        "campaigns/list.html",
        {"campaigns": campaigns, "can_manage": selectors.can_manage(request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def campaign_create(request):
    try:
        _require(selectors.can_manage, request)
    except ApplicationError as error:
        return render_error(request, error)
    form = CampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if not (k == "purpose" and v is None)}
        try:
            campaign = services.campaign_create(actor=request.user, **data)
        except ValidationFailed as failure:
            _errors_to_form(form, failure)
        else:
            messages.success(request, _("Campaign created as a draft. Now add the citizens to call."))
            return redirect("campaigns:detail", campaign.pk)
    return render(request, "campaigns/form.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def campaign_edit(request, campaign_id: int):
    try:
        _require(selectors.can_manage, request)
        campaign = selectors.campaign_for(campaign_id=campaign_id, viewer=request.user)
    except ApplicationError as error:
        return render_error(request, error)
    initial = {name: getattr(campaign, name) for name in CampaignForm.base_fields}
    form = CampaignForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        changed = {name: form.cleaned_data[name] for name in form.changed_data}
        if "purpose" in changed and changed["purpose"] is None:
            changed.pop("purpose")  # "as the kind" keeps the purpose it has
        try:
            services.campaign_update(campaign=campaign, actor=request.user, **changed)
        except ValidationFailed as failure:
            _errors_to_form(form, failure)
        except ApplicationError as error:
            return render_error(request, error)
        else:
            messages.success(request, _("Campaign saved."))
            return redirect("campaigns:detail", campaign.pk)
    return render(
        request,
        "campaigns/form.html",
        {"form": form, "campaign": campaign},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def campaign_transition(request, campaign_id: int):
    try:
        _require(selectors.can_manage, request)
        campaign = selectors.campaign_for(campaign_id=campaign_id, viewer=request.user)
        services.campaign_transition(
            campaign=campaign,
            to_status=request.POST.get("to_status", ""),
            actor=request.user,
            reason=request.POST.get("reason", "")[:1000],
        )
    except ValidationFailed as failure:
        for reasons in (failure.details or {}).values():
            for reason in reasons:
                messages.error(request, str(reason))
        return redirect("campaigns:detail", campaign_id)
    except ApplicationError as error:
        return render_error(request, error)
    messages.success(request, _("The campaign is now “%(status)s”.") % {"status": _status_label(request)})
    return redirect("campaigns:detail", campaign_id)


def _status_label(request) -> str:
    try:
        return str(Campaign.Status(request.POST.get("to_status")).label)
    except ValueError:
        return ""


@login_required
@require_http_methods(["GET", "POST"])
def campaign_import(request, campaign_id: int):
    """Upload a CSV or XLSX; the report lists every rejected row by line and reason."""
    try:
        _require(selectors.can_manage, request)
        campaign = selectors.campaign_for(campaign_id=campaign_id, viewer=request.user)
    except ApplicationError as error:
        return render_error(request, error)
    form = ImportForm(request.POST or None, request.FILES or None)
    select_form = SelectForm(prefix="select")
    report = None
    status = 200
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = imports.targets_import_file(
                campaign=campaign,
                data=upload.read(),
                filename=upload.name,
                encoding=form.cleaned_data.get("encoding") or None,
                actor=request.user,
            ).as_dict()
        except ValidationFailed as failure:
            form.add_error("file", str(failure.message))
            for key in ("missing", "unknown", "repeated"):
                if failure.details.get(key):
                    form.add_error("file", f"{_column_problem(key)}: {', '.join(failure.details[key])}")
            status = 400
        except ApplicationError as error:
            return render_error(request, error)
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "campaigns/import.html",
        {
            "campaign": campaign,
            "form": form,
            "select_form": select_form,
            "report": report,
            "columns": imports.COLUMNS,
        },
        status=status,
    )


def _column_problem(key: str) -> str:
    return {"missing": _("Missing"), "unknown": _("Unknown"), "repeated": _("Repeated")}[key]


@login_required
@require_POST
def campaign_select(request, campaign_id: int):
    """Add the citizens whose housing files match the filters."""
    try:
        _require(selectors.can_manage, request)
        campaign = selectors.campaign_for(campaign_id=campaign_id, viewer=request.user)
    except ApplicationError as error:
        return render_error(request, error)
    select_form = SelectForm(request.POST, prefix="select")
    report = None
    if select_form.is_valid():
        try:
            report = imports.targets_add_from_filters(
                campaign=campaign, filters=select_form.cleaned_data, actor=request.user
            ).as_dict()
        except ValidationFailed as failure:
            _errors_to_form(select_form, failure)
        except ApplicationError as error:
            return render_error(request, error)
    return render(
        request,
        "campaigns/import.html",
        {
            "campaign": campaign,
            "form": ImportForm(),
            "select_form": select_form,
            "report": report,
            "columns": imports.COLUMNS,
        },
        status=200 if report is not None else 400,
    )


# ---------------------------------------------------------------- the supervisor's view


@login_required
@require_GET
def campaign_detail(request, campaign_id: int):
    try:
        _require(selectors.can_manage, request)
        campaign = selectors.campaign_for(campaign_id=campaign_id, viewer=request.user)
    except ApplicationError as error:
        return render_error(request, error)
    figures = selectors.campaign_figures(campaign=campaign)
    moves = [
        (status, Campaign.Status(status).label)
        for status in Campaign.Status.values
        if status in Campaign.ALLOWED_MOVES[campaign.status]
    ]
    return render(
        request,
        "campaigns/detail.html",
        {
            "campaign": campaign,
            "figures": figures,
            "moves": moves,
            "events": campaign.events.select_related("actor"),
        },
    )


@login_required
@require_GET
def target_list(request, campaign_id: int):
    """The targets behind a figure, a page at a time; ``export=csv|xlsx`` downloads them all."""
    try:
        _require(selectors.can_manage, request)
        campaign = selectors.campaign_for(campaign_id=campaign_id, viewer=request.user)
        params = {k: request.GET.get(k, "") for k in selectors.FILTERS}
        export = request.GET.get("export")
        if export in ("csv", "xlsx"):
            return _export(campaign, params, export)
        after = request.GET.get("after")
        page, next_after = selectors.target_page(
            campaign=campaign, params=params, after=int(after) if (after or "").isdigit() else None
        )
    except ApplicationError as error:
        return render_error(request, error)
    query = {k: v for k, v in params.items() if v}
    return render(
        request,
        "campaigns/targets.html",
        {
            "campaign": campaign,
            "targets": page,
            "next_after": next_after,
            "params": params,
            "query": query,
            "statuses": Target.Status.choices,
            "dispositions": Disposition.choices,
        },
    )


class _Echo:
    def write(self, value):
        return value


def _export(campaign: Campaign, params: dict, kind: str):
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    filename = f"campaign-{campaign.pk}-targets-{stamp}.{kind}"
    header = selectors.export_header()
    rows = selectors.export_rows(campaign=campaign, params=params)
    if kind == "csv":
        writer = csv.writer(_Echo())

        def stream():
            yield "\ufeff" + writer.writerow(header)
            for row in rows:
                yield writer.writerow(row)

        response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    else:
        import io

        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet(title=pgettext("people a campaign calls", "Targets")[:31])
        sheet.append(header)
        for row in rows:
            sheet.append(row)
        buffer = io.BytesIO()
        book.save(buffer)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# ---------------------------------------------------------------- the agent's call screen


@login_required
@require_GET
def call_screen(request, campaign_id: int):
    try:
        _require(selectors.can_work, request)
        campaign = selectors.campaign_for(campaign_id=campaign_id, viewer=request.user)
    except ApplicationError as error:
        return render_error(request, error)
    target = selectors.held_target(campaign=campaign, agent=request.user)
    return _render_call(request, campaign, target)


def _render_call(request, campaign, target, *, form=None, phone_form=None, address_form=None, status=200):
    from apps.citizens import selectors as citizen_selectors
    from apps.citizens import timeline

    context = {
        "campaign": campaign,
        "target": target,
        "due": selectors.due_count(campaign=campaign, now=timezone.now()),
        "kinds": Kind,
    }
    if target is not None:
        if target.citizen_id is None:
            target = services.target_ensure_citizen(target=target, actor=request.user)
        citizen = citizen_selectors.citizen_file(
            citizen_id=target.citizen_id, viewer=request.user, purpose="campaign"
        )
        language = citizen.language
        values = services.placeholder_values(target, agent=request.user)
        context.update(
            {
                "citizen": citizen,
                "script": services.fill_placeholders(campaign.script(language), values),
                "timeline": timeline.citizen_timeline(citizen=citizen, viewer=request.user),
                "attempts": selectors.target_attempts(target),
                "form": form or DispositionForm(),
                "phone_form": phone_form or PhoneForm(),
                "address_form": address_form
                or AddressForm(initial={k: getattr(citizen, k) for k in AddressForm.base_fields}),
                "field_items": sorted((target.fields or {}).items()),
            }
        )
        if campaign.kind == Kind.HANDOVER:
            from apps.campaigns import handover

            branch = request.GET.get("branch") or ""
            context.update(
                {
                    "handover_branches": handover.branches(),
                    "handover_branch": branch,
                    "handover_slots": handover.slots(
                        branch_id=branch if branch.isdigit() else None, now=timezone.now()
                    ),
                }
            )
    return render(request, "campaigns/call.html", context, status=status)


@login_required
@require_POST
def call_next(request, campaign_id: int):
    try:
        _require(selectors.can_work, request)
        campaign = selectors.campaign_for(campaign_id=campaign_id, viewer=request.user)
        target = services.target_claim_next(campaign=campaign, actor=request.user)
    except ApplicationError as error:
        messages.error(request, str(error.message))
        return redirect("campaigns:call", campaign_id)
    if target is None:
        messages.info(request, _("No citizen is due for a call now."))
    return redirect("campaigns:call", campaign_id)


def _held(request, target_id: int) -> Target:
    _require(selectors.can_work, request)
    return selectors.target_for(target_id=target_id, viewer=request.user)


@login_required
@require_POST
def target_disposition(request, target_id: int):
    try:
        target = _held(request, target_id)
    except ApplicationError as error:
        return render_error(request, error)
    form = DispositionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.target_record_disposition(
                target=target,
                actor=request.user,
                disposition=data["disposition"],
                notes=data.get("notes") or "",
                callback_at=data.get("callback_at"),
                callback_mine=bool(data.get("callback_mine")),
                answer=data.get("answer") or "",
                do_not_call=bool(data.get("do_not_call")),
                booking=_booking(data.get("slot") or ""),
            )
        except ValidationFailed as failure:
            _errors_to_form(form, failure)
        except ApplicationError as error:
            if target.campaign.kind != Kind.HANDOVER or target.claimed_by_id != request.user.pk:
                return render_error(request, error)
            form.add_error("slot", str(error.message))  # the slot was taken meanwhile, say
            return _render_call(request, target.campaign, target, form=form, status=error.status)
        else:
            messages.success(
                request,
                _("Recorded: %(disposition)s.") % {"disposition": Disposition(data["disposition"]).label},
            )
            return redirect("campaigns:call", target.campaign_id)
    if target.claimed_by_id != request.user.pk:
        return render_error(request, ValidationFailed(_("This citizen's call is not yours to record.")))
    return _render_call(request, target.campaign, target, form=form, status=400)


def _booking(value: str) -> dict | None:
    from apps.campaigns import handover

    choice = handover.parse_choice(value)
    return {"branch": choice[0], "slot_start": choice[1]} if choice else None


@login_required
@require_POST
def target_release(request, target_id: int):
    try:
        target = _held(request, target_id)
        services.target_release(target=target, actor=request.user)
    except ApplicationError as error:
        return render_error(request, error)
    messages.info(request, _("The citizen is back on the list."))
    return redirect("campaigns:call", target.campaign_id)


@login_required
@require_POST
def target_phone_confirm(request, target_id: int, phone_id: int):
    try:
        target = _held(request, target_id)
        change = services.data_update_confirm_phone(target=target, phone_id=phone_id, actor=request.user)
    except ApplicationError as error:
        return render_error(request, error)
    messages.success(request, _("Number %(number)s confirmed.") % {"number": change.after})
    return redirect("campaigns:call", target.campaign_id)


@login_required
@require_POST
def target_phone_wrong(request, target_id: int, phone_id: int):
    try:
        target = _held(request, target_id)
        change = services.data_update_flag_wrong_phone(target=target, phone_id=phone_id, actor=request.user)
    except ApplicationError as error:
        return render_error(request, error)
    messages.warning(request, _("Number %(number)s recorded as wrong.") % {"number": change.before})
    return redirect("campaigns:call", target.campaign_id)


@login_required
@require_POST
def target_phone_add(request, target_id: int):
    try:
        target = _held(request, target_id)
    except ApplicationError as error:
        return render_error(request, error)
    form = PhoneForm(request.POST)
    if form.is_valid():
        try:
            change = services.data_update_add_phone(
                target=target,
                number=form.cleaned_data["number"],
                make_primary=form.cleaned_data["make_primary"],
                actor=request.user,
            )
        except ValidationFailed as failure:
            form.add_error("number", str(failure.message))
        except ApplicationError as error:
            return render_error(request, error)
        else:
            messages.success(request, _("Number %(number)s saved and confirmed.") % {"number": change.after})
            return redirect("campaigns:call", target.campaign_id)
    return _render_call(request, target.campaign, target, phone_form=form, status=400)


@login_required
@require_POST
def target_address(request, target_id: int):
    try:
        target = _held(request, target_id)
    except ApplicationError as error:
        return render_error(request, error)
    form = AddressForm(request.POST)
    if form.is_valid():
        try:
            change = services.data_update_address(
                target=target, address=form.cleaned_data, actor=request.user
            )
        except ValidationFailed as failure:
            _errors_to_form(form, failure)
        except ApplicationError as error:
            return render_error(request, error)
        else:
            messages.success(request, str(change.get_what_display()))
            return redirect("campaigns:call", target.campaign_id)
    return _render_call(request, target.campaign, target, address_form=form, status=400)


def call_url(campaign_id: int) -> str:
    return reverse("campaigns:call", args=[campaign_id])
