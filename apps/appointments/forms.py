"""Forms of the staff pages: the desk's walk-in and served forms, the figures' range, the
list's filters and a branch closure."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.appointments.models import Branch, ServedOutcome, Service
from apps.core.forms import LatinDigitsCharField, LineField

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

_BIG = {"class": "form-control form-control-lg"}


class PortalStartForm(forms.Form):
    cpr = LatinDigitsCharField(
        label=_("CPR number"),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                **_BIG,
                "dir": "ltr",
                "inputmode": "numeric",
                "autocomplete": "off",
                "data-testid": "appt-cpr",
            }
        ),
    )
    mobile = LatinDigitsCharField(
        label=_("Mobile number on your file"),
        max_length=30,
        help_text=_("We send a one-time code to this number by SMS."),
        widget=forms.TextInput(
            attrs={
                **_BIG,
                "dir": "ltr",
                "inputmode": "tel",
                "autocomplete": "tel",
                "data-testid": "appt-mobile",
            }
        ),
    )
    # Left empty by people; filled in by form-filling robots.
    website = LineField(
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off", "class": "visually-hidden"}),
    )


class PortalCodeForm(forms.Form):
    code = LatinDigitsCharField(
        label=_("The code from the SMS"),
        max_length=12,
        widget=forms.TextInput(
            attrs={
                **_BIG,
                "dir": "ltr",
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "data-testid": "appt-code",
            }
        ),
    )
