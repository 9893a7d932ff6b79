"""The citizen's forms: submit a request, track it, rate the answer."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.forms import FreeTextField, LatinDigitsCharField, LineField, ServiceErrorsMixin
from apps.tickets.models import Category, Ticket

_TEXT = {"class": "form-control form-control-lg"}

PUBLIC_KINDS = [
    (Ticket.Kind.COMPLAINT, _("Complaint")),
    (Ticket.Kind.INQUIRY, _("Inquiry")),
    (Ticket.Kind.SUGGESTION, _("Suggestion")),
    (Ticket.Kind.MAINTENANCE, _("Maintenance request")),
]


class SubmitForm(ServiceErrorsMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("What would you like to send?"), choices=PUBLIC_KINDS, widget=forms.RadioSelect
    )
    anonymous = forms.BooleanField(label=_("Send my suggestion without my name"), required=False)
    name = LineField(
        label=_("Full name"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={**_TEXT, "autocomplete": "name"}),
    )
    cpr = LatinDigitsCharField(
        label=_("CPR number"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={**_TEXT, "dir": "ltr", "inputmode": "numeric", "autocomplete": "off"}),
    )
    mobile = LatinDigitsCharField(
        label=_("Mobile number"),
        max_length=30,
        required=False,
        help_text=_("We send your review number and news of your request to this number by SMS."),
        widget=forms.TextInput(attrs={**_TEXT, "dir": "ltr", "inputmode": "tel", "autocomplete": "tel"}),
    )
    email = forms.EmailField(
        label=_("E-mail (optional)"), required=False, widget=forms.EmailInput(attrs={**_TEXT, "dir": "ltr"})
    )
    category = forms.ModelChoiceField(
        label=_("Topic (optional)"),
        required=False,
        queryset=Category.objects.filter(is_active=True, parent__isnull=True),
        widget=forms.Select(attrs={"class": "form-select form-select-lg"}),
    )
    urgency = forms.ChoiceField(
        label=_("How urgent is it?"),
        required=False,
        choices=Ticket.Urgency.choices,
        initial=Ticket.Urgency.ROUTINE,
        widget=forms.Select(attrs={"class": "form-select form-select-lg"}),
    )
    subject = LineField(label=_("Subject"), max_length=200, widget=forms.TextInput(attrs=_TEXT))
    description = FreeTextField(
        label=_("Details"), max_length=5000, widget=forms.Textarea(attrs={**_TEXT, "rows": 5})
    )
    attachment = forms.FileField(
        label=_("Attachment (optional)"),
        required=False,
        help_text=_("PDF, photo or Word document, up to 5 MB."),
        widget=forms.ClearableFileInput(attrs={"class": "form-control form-control-lg"}),
    )
    # Left empty by people; filled in by form-filling robots.
    website = LineField(
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].label_from_instance = lambda c: c.display_name()
        self.fields["category"].empty_label = "—"

    def clean(self):
        """Name, CPR and mobile are required unless a suggestion is sent anonymously: said in the
        first round, beside each field, in the same words as every other required field."""
        data = super().clean()
        anonymous = bool(data.get("anonymous")) and data.get("kind") == "suggestion"
        if not anonymous:
            for field in ("name", "cpr", "mobile"):
                if field not in self.errors and not str(data.get(field) or "").strip():
                    self.add_error(field, self.fields[field].error_messages["required"])
        return data


class TrackForm(forms.Form):
    review_number = LatinDigitsCharField(
        label=_("Review number"),
        max_length=40,
        widget=forms.TextInput(
            attrs={
                **_TEXT,
                "dir": "ltr",
                "inputmode": "numeric",
                "autocomplete": "off",
                "placeholder": "2026-004817-3",
            }
        ),
    )
    phone_last4 = LatinDigitsCharField(
        label=_("Last 4 digits of your mobile number"),
        max_length=8,
        widget=forms.TextInput(
            attrs={**_TEXT, "dir": "ltr", "inputmode": "numeric", "autocomplete": "off", "maxlength": "4"}
        ),
    )


class RateForm(forms.Form):
    token = LineField(widget=forms.HiddenInput())
    rating = forms.TypedChoiceField(
        label=_("How satisfied are you with the answer?"),
        coerce=int,
        choices=[(i, str(i)) for i in range(1, 6)],
        widget=forms.RadioSelect,
    )
    comment = FreeTextField(
        label=_("Comment (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}),
    )


class ReopenForm(forms.Form):
    token = LineField(widget=forms.HiddenInput())
    reason = FreeTextField(
        label=_("What is still not solved?"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}),
    )


# --- identity by CPR + the mobile on file, then a one-time code (appointments, data requests) ---


class CitizenStartForm(ServiceErrorsMixin, forms.Form):
    """The first step of the portal's one-time-code flows; ``testid_prefix`` names a flow's fields."""

    testid_prefix = ""

    cpr = LatinDigitsCharField(
        label=_("CPR number"),
        max_length=20,
        widget=forms.TextInput(attrs={**_TEXT, "dir": "ltr", "inputmode": "numeric", "autocomplete": "off"}),
    )
    mobile = LatinDigitsCharField(
        label=_("Mobile number on your file"),
        max_length=30,
        help_text=_("We send a one-time code to this number by SMS."),
        widget=forms.TextInput(attrs={**_TEXT, "dir": "ltr", "inputmode": "tel", "autocomplete": "tel"}),
    )
    # Left empty by people; filled in by form-filling robots.
    website = LineField(
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off", "class": "visually-hidden"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _name_fields(self, "cpr", "mobile")


class CitizenCodeForm(forms.Form):
    """The one-time code sent to the mobile of ``CitizenStartForm``."""

    testid_prefix = ""

    code = LatinDigitsCharField(
        label=_("The code from the SMS"),
        max_length=12,
        widget=forms.TextInput(
            attrs={**_TEXT, "dir": "ltr", "inputmode": "numeric", "autocomplete": "one-time-code"}
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _name_fields(self, "code")


def _name_fields(form, *names) -> None:
    if form.testid_prefix:
        for name in names:
            form.fields[name].widget.attrs["data-testid"] = f"{form.testid_prefix}-{name}"
