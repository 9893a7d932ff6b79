from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.forms import LatinDigitsCharField


class PhoneAddForm(forms.Form):
    number = LatinDigitsCharField(
        label=_("New number"),
        max_length=30,
        widget=forms.TextInput(attrs={"class": "form-control", "dir": "ltr", "inputmode": "tel"}),
    )
    make_primary = forms.BooleanField(label=_("Make it the primary number"), required=False)
