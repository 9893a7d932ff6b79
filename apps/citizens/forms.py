from django import forms
from django.utils.translation import gettext_lazy as _

from apps.citizens.models import Citizen
from apps.core.forms import LatinDigitsCharField, LineField


class PhoneAddForm(forms.Form):
    number = LatinDigitsCharField(
        label=_("New number"),
        max_length=30,
        widget=forms.TextInput(attrs={"class": "form-control", "dir": "ltr", "inputmode": "tel"}),
    )
    make_primary = forms.BooleanField(label=_("Make it the primary number"), required=False)


class CitizenEditForm(forms.Form):
    """A citizen's details as staff correct them, with the reason the change history keeps."""

    name_ar = LineField(label=_("Name in Arabic"), max_length=200)
    name_en = LineField(label=_("Name in English"), max_length=200, required=False)
    latin_names = LineField(
        label=_("Other Latin spellings"),
        max_length=300,
        required=False,
        help_text=_("Other spellings of the name in Latin letters, separated by / or commas."),
    )
    email = forms.EmailField(label=_("E-mail"), max_length=254, required=False)
    language = forms.ChoiceField(label=_("Preferred language"), choices=Citizen.Language.choices)
    block = LineField(label=_("Block"), max_length=10, required=False)
    road = LineField(label=_("Road"), max_length=10, required=False)
    building = LineField(label=_("Building"), max_length=10, required=False)
    flat = LineField(label=_("Flat"), max_length=10, required=False)
    area = LineField(label=_("Area"), max_length=100, required=False)
    reason = LineField(
        label=_("Reason for the change"),
        max_length=500,
        help_text=_("Kept in the change history with the old and new values."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            css = "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
            field.widget.attrs["class"] = css
            if name in {"email", "latin_names", "block", "road", "building", "flat"}:
                field.widget.attrs["dir"] = "ltr"
