from django import forms
from django.utils.translation import gettext_lazy as _

from apps.integrations.webhooks import events
from apps.integrations.webhooks.models import Subscription


class SubscriptionForm(forms.ModelForm):
    url = forms.URLField(label=_("address"), max_length=500, assume_scheme="https")
    events = forms.MultipleChoiceField(
        label=_("Events"), choices=events.choices, widget=forms.CheckboxSelectMultiple, required=True
    )

    class Meta:
        model = Subscription
        fields = ["name", "url", "events", "is_active", "secret"]
