"""Subscribers to the product's events: an administrator registers a URL and the events."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel
from apps.integrations.webhooks import events


def new_secret() -> str:
    return secrets.token_urlsafe(32)


class Subscription(TimeStampedModel):
    """One subscriber URL. Its deliveries are signed with its own secret (shown in the admin
    so it can be given to the subscriber) and go through the partner outbox."""

    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(_("address"), max_length=500)
    events = models.JSONField(_("events"), default=list, help_text=_("The events this subscriber receives."))
    secret = models.CharField(_("signing secret"), max_length=100, default=new_secret)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")
        ordering = ["name", "id"]

    def __str__(self):
        return self.name

    def clean(self):
        unknown = [e for e in self.events or [] if e not in events.EVENTS]
        if unknown or not isinstance(self.events, list):
            raise ValidationError(
                {"events": _("Unknown event: %(events)s") % {"events": ", ".join(map(str, unknown))}}
            )

    @property
    def secret_ref(self) -> str:
        return f"webhook:{self.pk}"
