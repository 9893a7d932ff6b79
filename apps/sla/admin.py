"""Administration of the calendar and the policies. Every save goes through ``services``.

The forms run the same validation the services do, so a bad entry comes back as a field
error; a refusal only the save can see (a change that would move met clocks, a race)
comes back as an error message on the same page and nothing is saved.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from apps.core import admin as core_admin
from apps.core.errors import ApplicationError
from apps.core.forms import FreeTextField
from apps.sla import selectors, services
from apps.sla.clocks import TARGET_LABELS, Target
from apps.sla.models import Closure, Holiday, Policy, PolicyVersion, ShortenedHours


class ServiceAdmin(core_admin.ModelAdmin):
    """Turn a refusal raised while saving or deleting into a message instead of an error page."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ApplicationError as error:
            self.message_user(request, error.message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except ApplicationError as error:
            self.message_user(request, error.message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # deletions go one by one through the service
        return actions


def _raise_for_form(error: ApplicationError, field: str | None = None):
    raise ValidationError({field: error.message} if field else error.message, code=error.code)


# --- holidays ----------------------------------------------------------------------------


class HolidayForm(forms.ModelForm):
    class Meta:
        model = Holiday
        fields = ("date", "name_ar", "name_en")

    def clean_date(self):
        day = self.cleaned_data["date"]
        if Holiday.objects.filter(date=day).exclude(pk=self.instance.pk).exists():
            raise ValidationError(
                _("There is already a holiday on this date."), code="sla_holiday_date_taken"
            )
        return day


@admin.register(Holiday)
class HolidayAdmin(ServiceAdmin):
    form = HolidayForm
    list_display = ("date", "weekday", "name_ar", "name_en", "estimated", "source", "confirmed_at")
    list_filter = ("estimated", "source")
    date_hierarchy = "date"
    search_fields = ("name_ar", "name_en")
    fields = (
        "date",
        "name_ar",
        "name_en",
        "estimated",
        "source",
        "package_date",
        "confirmed_at",
        "confirmed_by",
    )
    readonly_fields = ("estimated", "source", "package_date", "confirmed_at", "confirmed_by")
    actions = ["confirm_dates", "move_one_day_later", "move_one_day_earlier"]

    @admin.display(description=_("weekday"))
    def weekday(self, obj):
        return formats.date_format(obj.date, "l")

    def save_model(self, request, obj, form, change):
        if change:
            services.holiday_update(
                holiday=obj, date=obj.date, name_ar=obj.name_ar, name_en=obj.name_en, actor=request.user
            )
        else:
            created = services.holiday_create(
                date=obj.date, name_ar=obj.name_ar, name_en=obj.name_en, actor=request.user
            )
            obj.pk = created.pk

    def delete_model(self, request, obj):
        services.holiday_delete(holiday=obj, actor=request.user)

    @admin.action(description=_("Confirm the selected dates as they are"), permissions=["change"])
    def confirm_dates(self, request, queryset):
        try:
            count = services.holiday_confirm(holidays=list(queryset), actor=request.user)
        except ApplicationError as error:
            self.message_user(request, error.message, messages.ERROR)
            return
        self.message_user(
            request,
            ngettext("%(count)d holiday confirmed.", "%(count)d holidays confirmed.", count)
            % {"count": count},
        )

    def _shift(self, request, queryset, days):
        try:
            rows = services.holiday_shift(holidays=list(queryset), days=days, actor=request.user)
        except ApplicationError as error:
            self.message_user(request, error.message, messages.ERROR)
            return
        self.message_user(
            request,
            ngettext("%(count)d holiday moved.", "%(count)d holidays moved.", len(rows))
            % {"count": len(rows)},
        )

    @admin.action(description=_("Move the selected holidays one day later"), permissions=["change"])
    def move_one_day_later(self, request, queryset):
        self._shift(request, queryset, 1)

    @admin.action(description=_("Move the selected holidays one day earlier"), permissions=["change"])
    def move_one_day_earlier(self, request, queryset):
        self._shift(request, queryset, -1)


# --- closures and shortened hours ---------------------------------------------------------


class ClosureForm(forms.ModelForm):
    class Meta:
        model = Closure
        fields = ("start_date", "end_date", "name_ar", "name_en")

    def clean(self):
        data = super().clean()
        if data.get("start_date") and data.get("end_date"):
            try:
                services.closure_validate(
                    start_date=data["start_date"], end_date=data["end_date"], exclude_pk=self.instance.pk
                )
            except ApplicationError as error:
                _raise_for_form(error)
        return data


@admin.register(Closure)
class ClosureAdmin(ServiceAdmin):
    form = ClosureForm
    list_display = ("start_date", "end_date", "name_ar", "name_en", "created_by")
    date_hierarchy = "start_date"

    def save_model(self, request, obj, form, change):
        values = {k: form.cleaned_data[k] for k in ("start_date", "end_date", "name_ar", "name_en")}
        if change:
            services.closure_update(closure=obj, actor=request.user, **values)
        else:
            obj.pk = services.closure_create(actor=request.user, **values).pk

    def delete_model(self, request, obj):
        services.closure_delete(closure=obj, actor=request.user)


class ShortenedHoursForm(forms.ModelForm):
    class Meta:
        model = ShortenedHours
        fields = ("start_date", "end_date", "opens_at", "closes_at", "name_ar", "name_en")

    def clean(self):
        data = super().clean()
        if all(data.get(k) for k in ("start_date", "end_date", "opens_at", "closes_at")):
            try:
                services.shortened_hours_validate(
                    start_date=data["start_date"],
                    end_date=data["end_date"],
                    opens_at=data["opens_at"],
                    closes_at=data["closes_at"],
                    exclude_pk=self.instance.pk,
                )
            except ApplicationError as error:
                _raise_for_form(error)
        return data


@admin.register(ShortenedHours)
class ShortenedHoursAdmin(ServiceAdmin):
    form = ShortenedHoursForm
    list_display = ("start_date", "end_date", "opens_at", "closes_at", "name_ar", "name_en")
    date_hierarchy = "start_date"

    def save_model(self, request, obj, form, change):
        values = {
            k: form.cleaned_data[k]
            for k in ("start_date", "end_date", "opens_at", "closes_at", "name_ar", "name_en")
        }
        if change:
            services.shortened_hours_update(shortened=obj, actor=request.user, **values)
        else:
            obj.pk = services.shortened_hours_create(actor=request.user, **values).pk

    def delete_model(self, request, obj):
        services.shortened_hours_delete(shortened=obj, actor=request.user)


# --- policies ----------------------------------------------------------------------------


def _target_fields() -> dict:
    """A value and a unit field per target, labelled as the version's own fields."""
    fields = {}
    for target in Target:
        value, unit = f"{target.value}_value", f"{target.value}_unit"
        fields[value] = forms.IntegerField(
            label=PolicyVersion._meta.get_field(value).verbose_name, required=False
        )
        fields[unit] = forms.ChoiceField(
            label=PolicyVersion._meta.get_field(unit).verbose_name,
            choices=[("", "—"), *PolicyVersion.UnitChoices.choices],
            required=False,
        )
    return fields


class PolicyForm(forms.ModelForm):
    """The scope and names of a policy plus the targets of the version to write.

    On a change, the targets start as the current version's; saving different targets
    writes a new version and leaves the old one as it was.
    """

    locals().update(_target_fields())
    effective_from = forms.DateTimeField(
        label=_("effective from"),
        required=False,
        help_text=_("Leave empty for now. Tickets created before then keep their version."),
    )
    note = FreeTextField(
        label=_("reason for the change"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    class Meta:
        model = Policy
        fields = ("name_ar", "name_en", "kind", "channel", "priority")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = selectors.current_version(self.instance) if self.instance.pk else None
        if current is not None:
            for target in Target:
                self.initial[f"{target.value}_value"] = getattr(current, f"{target.value}_value")
                self.initial[f"{target.value}_unit"] = getattr(current, f"{target.value}_unit") or ""

    def targets(self) -> dict:
        data = self.cleaned_data
        return {
            t.value: None
            if data.get(f"{t.value}_value") is None
            else (data[f"{t.value}_value"], data.get(f"{t.value}_unit") or None)
            for t in Target
        }

    def targets_changed(self) -> bool:
        return any(
            name in self.changed_data for t in Target for name in (f"{t.value}_value", f"{t.value}_unit")
        )

    def clean(self):
        data = super().clean()
        try:
            services.policy_targets_validate(self.targets())
        except ApplicationError as error:
            field = next((f"{key}_value" for key in error.details if f"{key}_value" in self.fields), None)
            _raise_for_form(error, field)
        if data.get("effective_from") and data["effective_from"] < timezone.now():
            raise ValidationError(
                {
                    "effective_from": _(
                        "A new version applies to new tickets only, so it cannot take effect in the past."
                    )
                }
            )
        return data


class PolicyVersionInline(core_admin.TabularInline):
    model = PolicyVersion
    extra = 0
    can_delete = False
    ordering = ("-number",)
    fields = (
        "id",
        "number",
        "effective_from",
        "retired",
        "acknowledgement_value",
        "acknowledgement_unit",
        "first_response_value",
        "first_response_unit",
        "resolution_value",
        "resolution_unit",
        "note",
        "created_by",
        "created_at",
    )
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Policy)
class PolicyAdmin(ServiceAdmin):
    form = PolicyForm
    inlines = [PolicyVersionInline]
    list_display = ("__str__", "kind", "channel", "priority", "current_targets")
    list_filter = ("kind", "channel", "priority")
    actions = ["retire"]

    def get_queryset(self, request):
        return selectors.policy_list()

    def get_readonly_fields(self, request, obj=None):
        # The scope decides which tickets a policy covers; a new scope is a new policy.
        return ("kind", "channel", "priority") if obj else ()

    def get_fieldsets(self, request, obj=None):
        targets = [(f"{t.value}_value", f"{t.value}_unit") for t in Target]
        return [
            (None, {"fields": ["name_ar", "name_en", "kind", "channel", "priority"]}),
            (_("Targets"), {"fields": [*targets, "effective_from", "note"]}),
        ]

    @admin.display(description=_("current targets"))
    def current_targets(self, obj):
        current = selectors.current_version(obj)
        if current is None:
            return "—"
        if current.retired:
            return _("retired")
        return "; ".join(
            f"{TARGET_LABELS[target]}: {spec.value} {PolicyVersion.UnitChoices(spec.unit.value).label}"
            for target, spec in current.targets().items()
        )

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if not change:
            created = services.policy_create(
                name_ar=data["name_ar"],
                name_en=data["name_en"],
                kind=data.get("kind"),
                channel=data.get("channel"),
                priority=data.get("priority"),
                targets=form.targets(),
                actor=request.user,
                effective_from=data.get("effective_from"),
                note=data.get("note", ""),
            )
            obj.pk = created.pk
            return
        if {"name_ar", "name_en"} & set(form.changed_data):
            services.policy_rename(
                policy=obj, name_ar=data["name_ar"], name_en=data["name_en"], actor=request.user
            )
        if form.targets_changed():
            services.policy_version_create(
                policy=obj,
                targets=form.targets(),
                actor=request.user,
                effective_from=data.get("effective_from"),
                note=data.get("note", ""),
            )

    def has_delete_permission(self, request, obj=None):
        return False  # tickets reference its versions; retire it instead

    @admin.action(description=_("Retire the selected policies for new tickets"), permissions=["change"])
    def retire(self, request, queryset):
        for policy in queryset:
            services.policy_retire(policy=policy, actor=request.user)
        self.message_user(request, _("Retired. Existing tickets keep the version they started under."))


@admin.register(PolicyVersion)
class PolicyVersionAdmin(core_admin.ModelAdmin):
    """Read-only: look a version up by the id a ticket holds."""

    list_display = ("id", "policy", "number", "effective_from", "retired", "created_by")
    list_filter = ("retired",)
    search_fields = ("=id", "policy__name_ar", "policy__name_en")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
