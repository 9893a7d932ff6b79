from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.forms import FreeTextField, LatinDigitsDateField


class PressTextForm(forms.Form):
    text_ar = FreeTextField(
        label=_("Text in Arabic"),
        widget=forms.Textarea(attrs={"rows": 12, "dir": "rtl", "class": "form-control", "lang": "ar"}),
    )
    text_en = FreeTextField(
        label=_("Text in English"),
        widget=forms.Textarea(attrs={"rows": 12, "dir": "ltr", "class": "form-control", "lang": "en"}),
    )


class SatisfactionPeriodForm(forms.Form):
    """The satisfaction page's dates (Bahrain time; empty: this month up to today)."""

    start = LatinDigitsDateField(label=_("From"), required=False)
    end = LatinDigitsDateField(label=_("To"), required=False)
