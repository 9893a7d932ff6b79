"""Forms of the campaign pages: they check shapes; the services check the rules."""

from __future__ import annotations

from django import forms
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

from apps.campaigns.models import DEFAULT_CALLING_DAYS, Disposition, Kind, Target
from apps.core.forms import FreeTextField, LineField

# Sunday first, as the week is read in Bahrain.
_DAY_ORDER = [6, 0, 1, 2, 3, 4, 5]


class CampaignForm(forms.Form):
    name_ar = LineField(label=_("Name in Arabic"), max_length=200)
    name_en = LineField(label=_("Name in English"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    purpose = forms.ModelChoiceField(
        label=_("Purpose in the contact log"),
        queryset=None,
        required=False,
        empty_label=_("As the kind of campaign"),
        help_text=_("Every call of the campaign is logged as a contact with this purpose."),
    )
    starts_on = forms.DateField(label=_("Starts on"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("Ends on"), widget=forms.DateInput(attrs={"type": "date"}))
    calling_days = forms.TypedMultipleChoiceField(
        label=_("Calling days"),
        choices=[(d, WEEKDAYS[d]) for d in _DAY_ORDER],
        coerce=int,
        initial=DEFAULT_CALLING_DAYS,
        widget=forms.CheckboxSelectMultiple,
    )
    calling_opens = forms.TimeField(
        label=_("Calling from"), initial="08:00", widget=forms.TimeInput(attrs={"type": "time"})
    )
    calling_closes = forms.TimeField(
        label=_("Calling until"), initial="20:00", widget=forms.TimeInput(attrs={"type": "time"})
    )
    max_attempts = forms.IntegerField(label=_("Maximum attempts"), min_value=1, max_value=20, initial=3)
    min_gap_minutes = forms.IntegerField(
        label=_("Minimum gap between attempts (minutes)"), min_value=0, max_value=43_200, initial=120
    )
    script_ar = FreeTextField(
        label=_("Call script in Arabic"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Placeholders: {name}, {agent}, {campaign}, {project}, {draw_date}, {place}, {branch}."),
    )
    script_en = FreeTextField(
        label=_("Call script in English"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    fallback_sms_ar = FreeTextField(
        label=_("SMS after the last attempt, in Arabic"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    fallback_sms_en = FreeTextField(
        label=_("SMS after the last attempt, in English"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        from apps.contacts.selectors import active_purposes

        super().__init__(*args, **kwargs)
        self.fields["purpose"].queryset = active_purposes()


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV or XLSX file"))
    encoding = forms.ChoiceField(
        label=_("Encoding of a CSV"),
        required=False,
        choices=[("", _("Detect")), ("utf-8", "UTF-8"), ("windows-1256", "Windows-1256")],
    )


class SelectForm(forms.Form):
    housing_status = forms.ChoiceField(label=_("Housing file status"), required=False)
    service = LineField(label=_("Housing service contains"), required=False, max_length=100)
    applied_from = forms.DateField(
        label=_("Applied from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    applied_to = forms.DateField(
        label=_("Applied until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    area = LineField(label=_("Area contains"), required=False, max_length=100)

    def __init__(self, *args, **kwargs):
        from apps.citizens.models import HousingFile

        super().__init__(*args, **kwargs)
        self.fields["housing_status"].choices = [("", _("Any")), *HousingFile.Status.choices]


class DispositionForm(forms.Form):
    disposition = forms.ChoiceField(
        label=_("What happened"), choices=Disposition.choices, widget=forms.RadioSelect
    )
    callback_at = forms.DateTimeField(
        label=_("Call back at"),
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    callback_mine = forms.BooleanField(label=_("I will call back myself"), required=False, initial=True)
    answer = forms.ChoiceField(
        label=_("Will the citizen attend the draw?"),
        required=False,
        choices=Target.Answer.choices,
        widget=forms.RadioSelect,
    )
    do_not_call = forms.BooleanField(label=_("Do not call again for this kind of campaign"), required=False)
    slot = LineField(label=_("Hand-over appointment"), required=False, max_length=80)
    notes = FreeTextField(
        label=_("Notes"), required=False, max_length=5_000, widget=forms.Textarea(attrs={"rows": 2})
    )


class PhoneForm(forms.Form):
    number = LineField(label=_("New number"), max_length=30)
    make_primary = forms.BooleanField(label=_("Make it the primary number"), required=False, initial=True)


class AddressForm(forms.Form):
    flat = LineField(label=_("Flat"), required=False, max_length=10)
    building = LineField(label=_("Building"), required=False, max_length=10)
    road = LineField(label=_("Road"), required=False, max_length=10)
    block = LineField(label=_("Block"), required=False, max_length=10)
    area = LineField(label=_("Area"), required=False, max_length=100)
