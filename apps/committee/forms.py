"""Forms of the secretary's screens and the public appeal page. They parse input only;
every rule is the services' job."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.committee.models import Outcome, RejectionReason, SourceKind
from apps.core.choices import CHOOSE
from apps.core.forms import (
    FreeTextField,
    LatinDigitsCharField,
    LatinDigitsDateField,
    LatinDigitsIntegerField,
    LineField,
)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


class ReferralForm(forms.Form):
    cpr = LatinDigitsCharField(label=_("Citizen's CPR number"), max_length=20)
    citizen_name_ar = LineField(
        label=_("Citizen's name in Arabic (only for a citizen not yet registered)"),
        max_length=200,
        required=False,
    )
    citizen_phone = LatinDigitsCharField(
        label=_("Citizen's mobile (only for a citizen not yet registered)"), max_length=30, required=False
    )
    subject = LineField(label=_("Subject"), max_length=300)
    housing_application_number = LatinDigitsCharField(
        label=_("Housing application number"), max_length=30, required=False
    )
    summary = FreeTextField(label=_("Summary for the committee"), widget=forms.Textarea(attrs={"rows": 5}))
    documents = MultipleFileField(label=_("Documents (PDF, JPEG or PNG; up to 10 MB each)"), required=False)


class MeetingForm(forms.Form):
    number = LatinDigitsIntegerField(label=_("Meeting number"), min_value=1, max_value=999)
    date = LatinDigitsDateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    starts_at = forms.TimeField(
        label=_("Time"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    place = LineField(label=_("Place"), max_length=200)


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Decision"), choices=Outcome.choices, widget=forms.RadioSelect)
    conditions = LineField(label=_("Conditions"), max_length=2000, required=False)
    rejection_reason = forms.ModelChoiceField(
        label=_("Reason"),
        queryset=RejectionReason.objects.filter(is_active=True),
        required=False,
        empty_label=CHOOSE,
    )
    reason_note = LineField(label=_("Further explanation"), max_length=2000, required=False)
    needs = LineField(label=_("What is needed"), max_length=2000, required=False)


class AmendForm(DecisionForm):
    reason = FreeTextField(label=_("Why the decision is amended"), widget=forms.Textarea(attrs={"rows": 3}))


class ReopenForm(forms.Form):
    reason = LineField(label=_("What needs correcting"), max_length=300)


class PoolFilterForm(forms.Form):
    source = forms.ChoiceField(
        label=_("Source"), choices=[("", _("All sources")), *SourceKind.choices], required=False
    )
    deferred = forms.BooleanField(label=_("Deferred only"), required=False)
    q = LineField(label=_("Reference, application number or subject"), max_length=100, required=False)


class AppealForm(forms.Form):
    reference = LatinDigitsCharField(
        label=_("Case number or review number"),
        max_length=30,
        widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off", "inputmode": "text"}),
    )
    cpr = LatinDigitsCharField(
        label=_("CPR number"),
        max_length=20,
        widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off", "inputmode": "numeric"}),
    )
    grounds = FreeTextField(
        label=_("Why should the committee look at its decision again?"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
