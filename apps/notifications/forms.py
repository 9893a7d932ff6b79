from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.forms import FreeTextField, LatinDigitsDateField, LineField
from apps.notifications import events
from apps.notifications.choices import Channel, State
from apps.notifications.models import MessageTemplate


class OutboxFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("State"), required=False)
    channel = forms.ChoiceField(label=_("Channel"), required=False)
    event = forms.ChoiceField(label=_("Event"), required=False)
    search = LineField(label=_("Phone, e-mail or reference"), required=False, max_length=254, strip=True)
    since = LatinDigitsDateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = LatinDigitsDateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("All"))]
        self.fields["state"].choices = everything + list(State.choices)
        self.fields["channel"].choices = everything + list(Channel.choices)
        self.fields["event"].choices = everything + [(e.key, e.label) for e in events.all_events()]
        for field in self.fields.values():
            field.widget.attrs["class"] = (
                "form-select form-select-sm"
                if isinstance(field, forms.ChoiceField)
                else "form-control form-control-sm"
            )

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            raise forms.ValidationError(_("The start date must not be after the end date."))
        return data


class ResendForm(forms.Form):
    to_phone = LineField(
        label=_("Send to another mobile number"),
        required=False,
        max_length=32,
        help_text=_("Leave empty to send to the same number."),
    )
    to_email = forms.EmailField(
        label=_("Send to another e-mail address"),
        required=False,
        help_text=_("Leave empty to send to the same address."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.update({"class": "form-control", "dir": "ltr"})


class MessageTemplateForm(forms.ModelForm):
    """The admin's form: the event is chosen from the registry; placeholders are checked on save."""

    event = forms.ChoiceField(label=_("Event"))

    class Meta:
        model = MessageTemplate
        fields = ["event", "channel", "language", "subject", "body"]
        field_classes = {"subject": LineField, "body": FreeTextField}
        widgets = {
            "body": forms.Textarea(attrs={"rows": 8, "dir": "auto"}),
            "subject": forms.TextInput(attrs={"dir": "auto", "size": 80}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event"].choices = events.choices()
