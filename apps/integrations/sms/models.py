"""Citizens' text messages received from the SMS gateway, and where each one went."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class InboundSms(models.Model):
    """One text message. The gateway's id is unique: the same message delivered twice is
    filed once, and the second delivery is answered with the first one's outcome."""

    class Outcome(models.TextChoices):
        THREADED = "threaded", _("Added to the citizen's ticket")
        LOGGED = "logged", _("Logged as a contact")

    message_id = models.CharField(_("gateway message id"), max_length=100, unique=True)
    from_number = models.CharField(_("from"), max_length=20)
    text = models.TextField(_("text"))
    received_at = models.DateTimeField(_("received at"))
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    contact = models.ForeignKey(
        "contacts.Contact",
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("citizen's text message")
        verbose_name_plural = _("citizens' text messages")
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["from_number", "-received_at"], name="inbound_sms_from_idx")]

    def __str__(self):
        return f"{self.from_number} {self.received_at:%Y-%m-%d %H:%M}"
