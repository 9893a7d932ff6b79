"""Forms of the retention desk and admin."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.privacy.retention.models import RetentionPolicy, period_error
from apps.privacy.retention.services import REASON_MAX


class PolicyAdminForm(forms.ModelForm):
    class Meta:
        model = RetentionPolicy
        fields = ["kind", "months", "action", "is_active"]

    def clean(self):
        data = super().clean()
        kind = data.get("kind") or (self.instance.kind if self.instance.pk else None)
        if kind and data.get("months") is not None:
            for field, message in period_error(kind, data["months"], data.get("action")).items():
                if field not in self.errors:
                    self.add_error(field, message)
        return data


class HoldForm(forms.Form):
    TARGETS = [
        ("citizen", _("Citizen (CPR number)")),
        ("ticket", _("Ticket (review number)")),
        ("contact", _("Contact (number)")),
    ]
    target = forms.ChoiceField(
        label=_("Hold on"),
        choices=TARGETS,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    reference = forms.CharField(
        label=_("CPR, review number or contact number"),
        max_length=40,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm", "dir": "ltr"}),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control form-control-sm"}),
    )


class ReleaseForm(forms.Form):
    reason = forms.CharField(label=_("Reason for release"), max_length=REASON_MAX)


class PolicyForm(forms.Form):
    months = forms.IntegerField(label=_("Kept for (months)"), min_value=0, max_value=1200)
    is_active = forms.BooleanField(label=_("Active"), required=False)
