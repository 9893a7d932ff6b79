"""The form of the page that keeps the macros (``macro_views``); the service checks the rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Department
from apps.core.forms import FreeTextField, LineField
from apps.tickets import selectors
from apps.tickets.models import Category, Macro, Tag, Ticket
from apps.tickets.workflow import MOVES_NEEDING_A_SERVICE, Status

_TEXT = {"class": "form-control"}
_SELECT = {"class": "form-select"}


class MacroForm(forms.Form):
    title_ar = LineField(
        label=_("Title in Arabic"), max_length=150, widget=forms.TextInput(attrs={**_TEXT, "dir": "rtl"})
    )
    title_en = LineField(
        label=_("Title in English"), max_length=150, widget=forms.TextInput(attrs={**_TEXT, "dir": "ltr"})
    )
    body_ar = FreeTextField(
        label=_("Reply in Arabic"),
        required=False,
        widget=forms.Textarea(attrs={**_TEXT, "rows": 4, "dir": "rtl"}),
    )
    body_en = FreeTextField(
        label=_("Reply in English"),
        required=False,
        widget=forms.Textarea(attrs={**_TEXT, "rows": 4, "dir": "ltr"}),
    )
    to_status = forms.ChoiceField(
        label=_("Move to status"), required=False, widget=forms.Select(attrs=_SELECT)
    )
    priority = forms.ChoiceField(
        label=_("Priority"),
        required=False,
        choices=[("", _("Keep the priority")), *Ticket.Priority.choices],
        widget=forms.Select(attrs=_SELECT),
    )
    department = forms.ModelChoiceField(
        label=_("Send to department"),
        required=False,
        queryset=Department.objects.filter(is_active=True),
        empty_label=_("Keep the department"),
        widget=forms.Select(attrs=_SELECT),
    )
    add_tags = forms.ModelMultipleChoiceField(
        label=_("Add tags"),
        required=False,
        queryset=Tag.objects.none(),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    categories = forms.ModelMultipleChoiceField(
        label=_("Offered on these categories"),
        help_text=_("None chosen: offered on every ticket. A category includes its sub-categories."),
        required=False,
        queryset=Category.objects.filter(is_active=True).order_by("parent_id", "position", "code"),
        widget=forms.SelectMultiple(attrs={**_SELECT, "size": 6}),
    )
    position = forms.IntegerField(
        label=_("Position in the list"),
        min_value=0,
        max_value=32767,
        initial=100,
        widget=forms.NumberInput(attrs=_TEXT),
    )
    is_active = forms.BooleanField(
        label=_("In use"),
        required=False,
        initial=True,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args, macro: Macro | None = None, **kwargs):
        if macro is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "title_ar": macro.title_ar,
                "title_en": macro.title_en,
                "body_ar": macro.body_ar,
                "body_en": macro.body_en,
                "to_status": macro.to_status,
                "priority": macro.priority,
                "department": macro.department_id,
                "add_tags": [t.pk for t in macro.add_tags.all()],
                "categories": [c.pk for c in macro.categories.all()],
                "position": macro.position,
                "is_active": macro.is_active,
            }
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = [
            ("", _("Keep the status")),
            *[(s.value, s.label) for s in Status if s not in MOVES_NEEDING_A_SERVICE],
        ]
        self.fields["add_tags"].queryset = selectors.tags()
        self.fields["add_tags"].label_from_instance = lambda t: t.display_name()

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "title_ar": data["title_ar"],
            "title_en": data["title_en"],
            "body_ar": data.get("body_ar") or "",
            "body_en": data.get("body_en") or "",
            "to_status": data.get("to_status") or "",
            "priority": data.get("priority") or "",
            "department": data.get("department"),
            "add_tags": list(data.get("add_tags") or []),
            "categories": list(data.get("categories") or []),
            "position": data.get("position") if data.get("position") is not None else 100,
            "is_active": bool(data.get("is_active")),
        }

    def add_service_errors(self, error) -> None:
        """The service's refusal above the form, and under the fields it names."""
        self.add_error(None, str(error.message))
        for name, messages in (error.details or {}).items():
            for message in messages:
                if name in self.fields and str(message) != str(error.message):
                    self.add_error(name, message)
