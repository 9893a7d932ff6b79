"""Forms of the data-subject requests: the portal's identity and filing, the officer's decision."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.forms import FreeTextField, LineField
from apps.portal.forms import CitizenCodeForm, CitizenStartForm
from apps.privacy.requests.workflow import RECTIFIABLE_FIELDS, Kind, ObjectionKind, Status


class StartForm(CitizenStartForm):
    testid_prefix = "pdp"


class CodeForm(CitizenCodeForm):
    testid_prefix = "pdp"


class FileForm(forms.Form):
    """One form for the three kinds; the service checks the kind's own part."""

    kind = forms.ChoiceField(
        label=_("What would you like to ask?"), choices=Kind.choices, widget=forms.RadioSelect
    )
    details = FreeTextField(
        label=_("Details (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 3}),
    )
    objection_kind = forms.ChoiceField(
        label=_("Which messages should we stop?"),
        required=False,
        choices=[("", "—"), *ObjectionKind.choices],
        widget=forms.Select(attrs={"class": "form-select form-select-lg"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in RECTIFIABLE_FIELDS.items():
            widget_attrs = {"class": "form-control", "autocomplete": "off"}
            if name == "email":
                widget_attrs["dir"] = "ltr"
            self.fields[f"new_{name}"] = LineField(
                label=label, max_length=200, required=False, widget=forms.TextInput(attrs=widget_attrs)
            )

    @property
    def change_fields(self):
        return [self[f"new_{name}"] for name in RECTIFIABLE_FIELDS]

    def requested_changes(self) -> dict[str, str]:
        return {
            name: self.cleaned_data[f"new_{name}"]
            for name in RECTIFIABLE_FIELDS
            if (self.cleaned_data.get(f"new_{name}") or "").strip()
        }

    def add_service_errors(self, error) -> None:
        placed = False
        for field, messages in (error.details or {}).items():
            name = field if field in self.fields else f"new_{field}"
            if name in self.fields and isinstance(messages, list | tuple):
                for message in messages or [error.message]:
                    self.add_error(name, str(message))
                placed = True
        self.add_error(None, str(error.message))
        return placed


class DecideForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("refuse", _("Refuse"))],
        widget=forms.RadioSelect,
    )
    reason = FreeTextField(
        label=_("Reason (the citizen is told it)"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 3}),
    )


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any")), ("open", _("Open")), *Status.choices],
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("Any")), *Kind.choices],
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    due = forms.ChoiceField(
        label=_("Deadline"),
        required=False,
        choices=[
            ("", _("Any")),
            ("flagged", _("Due soon or overdue")),
            ("near", _("Due soon")),
            ("overdue", _("Overdue")),
        ],
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    q = LineField(
        label=_("Reference or CPR"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm", "dir": "ltr"}),
    )
