"""Forms of the staff pages: the desk's walk-in and served forms, the figures' range, the
list's filters and a branch closure."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.appointments.models import Branch, ServedOutcome, Service
from apps.core.forms import LatinDigitsCharField, LatinDigitsDateField, LineField
from apps.portal.forms import CitizenCodeForm, CitizenStartForm

_SMALL = {"class": "form-control form-control-sm"}
_SELECT = {"class": "form-select form-select-sm"}


class BranchChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name()


class WalkInForm(forms.Form):
    cpr = LatinDigitsCharField(
        label=_("CPR number"),
        max_length=20,
        widget=forms.TextInput(attrs={**_SMALL, "dir": "ltr", "inputmode": "numeric"}),
    )
    service = BranchChoice(
        label=pgettext_lazy("appointments", "Service"),
        queryset=Service.objects.filter(is_active=True),
        widget=forms.Select(attrs=_SELECT),
    )


class ServeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=ServedOutcome.choices, widget=forms.Select(attrs=_SELECT)
    )
    note = LineField(label=_("Note"), max_length=500, required=False, widget=forms.TextInput(attrs=_SMALL))


class RangeForm(forms.Form):
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={**_SMALL, "type": "date"})
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={**_SMALL, "type": "date"})
    )
    by_day = forms.BooleanField(label=_("One row per day"), required=False)

    def range(self) -> tuple[date, date]:
        today = timezone.localdate()
        data = self.cleaned_data if self.is_valid() else {}
        first = data.get("start") or today.replace(day=1)
        last = data.get("end") or today
        if last < first:
            first, last = last, first
        if (last - first).days > 366:
            last = first.replace(year=first.year + 1)
        return first, last


class ClosureForm(forms.Form):
    branch = BranchChoice(
        label=_("Branch"), queryset=Branch.objects.filter(is_active=True), widget=forms.Select(attrs=_SELECT)
    )
    start_date = forms.DateField(
        label=_("First day"), widget=forms.DateInput(attrs={**_SMALL, "type": "date"})
    )
    end_date = forms.DateField(label=_("Last day"), widget=forms.DateInput(attrs={**_SMALL, "type": "date"}))
    reason_ar = LineField(label=_("Reason in Arabic"), max_length=200, widget=forms.TextInput(attrs=_SMALL))
    reason_en = LineField(
        label=_("Reason in English"), max_length=200, required=False, widget=forms.TextInput(attrs=_SMALL)
    )


# --- the citizen portal -------------------------------------------------------------------


class PortalStartForm(CitizenStartForm):
    testid_prefix = "appt"


class PortalCodeForm(CitizenCodeForm):
    testid_prefix = "appt"


def appointment_list_arguments(params) -> dict:
    """The appointment list's filter from its query string (branch, service, dates, status,
    "by booking date"): the arguments of ``selectors.appointment_list``, for the page and its export."""
    from django.utils.dateparse import parse_date

    from apps.core.errors import ValidationFailed
    from apps.core.parsing import to_id

    days = {}
    for key in ("from", "to"):
        try:
            days[key] = parse_date(params.get(key) or "")
        except ValueError:
            raise ValidationFailed(_("This date does not exist."), code="invalid_date") from None
    return {
        "branch_id": to_id(params.get("branch")),
        "service_id": to_id(params.get("service")),
        "first": days["from"],
        "last": days["to"],
        "status": params.get("status") or "",
        "by_booking": params.get("by") == "booked",
    }


class AppointmentFilterForm(forms.Form):
    """The appointment list's filters (GET: the names the figures' links use), which saved
    views keep. ``from`` and ``to`` are Python keywords, hence added below."""

    branch = forms.ChoiceField(
        label=_("Branch"), choices=[("", "—")], required=False, widget=forms.Select(attrs=_SELECT)
    )
    service = forms.ChoiceField(
        label=pgettext_lazy("appointments", "Service"),
        choices=[("", "—")],
        required=False,
        widget=forms.Select(attrs=_SELECT),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            ("", "—"),
            ("booked", _("Booked")),
            ("served", _("Served")),
            ("no_show", _("Did not come")),
            ("cancelled", _("Cancelled")),
            ("walk_in", _("Walk-in")),
            ("held", _("Held (booked ahead, not cancelled)")),
            ("attended", _("Attended")),
            ("booked_ahead", _("Booked ahead")),
        ],
        required=False,
        widget=forms.Select(attrs=_SELECT),
    )
    by = forms.ChoiceField(
        label=_("Dates are"),
        choices=[("", _("Appointment dates")), ("booked", _("Booking dates"))],
        required=False,
        widget=forms.Select(attrs=_SELECT),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].choices = [
            ("", "—"),
            *((str(b.pk), b.display_name()) for b in Branch.objects.filter(is_active=True).order_by("pk")),
        ]
        self.fields["service"].choices = [
            ("", "—"),
            *((str(s.pk), s.display_name()) for s in Service.objects.filter(is_active=True).order_by("pk")),
        ]


AppointmentFilterForm.base_fields["from"] = LatinDigitsDateField(
    label=_("From"), required=False, widget=forms.DateInput(attrs={**_SMALL, "type": "date"})
)
AppointmentFilterForm.base_fields["to"] = LatinDigitsDateField(
    label=_("To"), required=False, widget=forms.DateInput(attrs={**_SMALL, "type": "date"})
)
