from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.forms import FreeTextField, LatinDigitsCharField, LatinDigitsDateField, LineField


def _style(form: forms.Form) -> None:
    for field in form.fields.values():
        if isinstance(field.widget, forms.Textarea):
            field.widget.attrs.setdefault("class", "form-control")
        else:
            field.widget.attrs.setdefault("class", "form-control form-control-sm")


class ReadLogFilterForm(forms.Form):
    cpr = LatinDigitsCharField(label=_("Citizen's CPR number"), required=False, max_length=20, strip=True)
    staff = LineField(label=_("Staff member (username)"), required=False, max_length=150, strip=True)
    since = LatinDigitsDateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = LatinDigitsDateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)
        self.fields["cpr"].widget.attrs.update({"dir": "ltr", "inputmode": "numeric", "autocomplete": "off"})
        self.fields["staff"].widget.attrs.update({"dir": "ltr", "autocomplete": "off"})

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            raise forms.ValidationError(_("The start date must not be after the end date."))
        return data


class CitizenLookupForm(forms.Form):
    cpr = LatinDigitsCharField(label=_("Citizen's CPR number"), max_length=20, strip=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)
        self.fields["cpr"].widget.attrs.update({"dir": "ltr", "inputmode": "numeric", "autocomplete": "off"})


class AcknowledgeForm(forms.Form):
    note = FreeTextField(
        label=_("What you found"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required: say why the reading was or was not justified."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)
