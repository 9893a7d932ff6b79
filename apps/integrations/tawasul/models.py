"""Tawasul's messages as received: Tawasul's reference, and the ticket it became."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class TawasulMessage(models.Model):
    """One message from Tawasul. The unique reference makes receiving idempotent: the same
    reference twice (a retry, a poll after a webhook) finds this row and its ticket."""

    class Via(models.TextChoices):
        WEBHOOK = "webhook", _("Webhook")
        POLL = "poll", _("Polling")

    reference = models.CharField(_("Tawasul reference"), max_length=60, unique=True)
    ticket = models.OneToOneField(
        "tickets.Ticket", verbose_name=_("ticket"), on_delete=models.PROTECT, related_name="tawasul_message"
    )
    via = models.CharField(_("received by"), max_length=10, choices=Via.choices)
    received_at = models.DateTimeField(_("received at"))
    # When Tawasul says the citizen submitted it (may be earlier than received_at).
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("Tawasul message")
        verbose_name_plural = _("Tawasul messages")
        ordering = ["-received_at", "-id"]

    def __str__(self):
        return self.reference
