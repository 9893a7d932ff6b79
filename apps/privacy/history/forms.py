from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.forms import LineField

from .models import Door
from .selectors import model_choices


class ChangeSearchForm(forms.Form):
    citizen = LineField(
        label=_("Citizen (CPR or file number)"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control", "dir": "ltr", "inputmode": "numeric"}),
    )
    staff = LineField(
        label=_("Staff member (user name)"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control", "dir": "ltr"}),
    )
    since = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"class": "form-control", "type": "date"}),
    )
    until = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"class": "form-control", "type": "date"})
    )
    model = forms.ChoiceField(
        label=_("Record type"), required=False, widget=forms.Select(attrs={"class": "form-select"})
    )
    door = forms.ChoiceField(
        label=_("Door"),
        required=False,
        choices=[("", _("Any"))] + list(Door.choices),
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["model"].choices = [("", _("Any"))] + model_choices()
