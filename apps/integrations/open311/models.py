"""Requests received from Open311 clients: the ticket each one filed and the token that finds it."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class Open311Request(models.Model):
    ticket = models.OneToOneField(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="+", verbose_name=_("ticket")
    )
    service_code = models.CharField(_("service code"), max_length=50)
    token = models.UUIDField(_("token"), default=uuid.uuid4, unique=True, editable=False)
    # Which client sent it: the last four characters of its API key, never the key.
    client_key_hint = models.CharField(_("client"), max_length=8, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("Open311 request")
        verbose_name_plural = _("Open311 requests")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.service_code} {self.ticket_id}"
