"""The partner outbox: one row per delivery to a partner."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel


class Delivery(TimeStampedModel):
    """One signed JSON request to one partner: a row of the partner outbox.

    Written in the same transaction as the domain change that causes it (a rolled-back
    change sends nothing), handed to Celery after commit, handed over again by the sweep if
    the broker lost it. ``services.delivery_deliver_many`` claims a row before calling the
    partner, so a task delivered twice posts once. Partner deliveries are not citizen
    notifications: those live in ``apps.notifications``.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        DEAD = "dead", _("Dead letter")

    # Sent as X-HC-Delivery: a partner that has seen it already may drop the repeat.
    reference = models.UUIDField(_("reference"), default=uuid.uuid4, unique=True, editable=False)
    partner = models.CharField(_("partner"), max_length=40)
    event = models.CharField(_("event"), max_length=64)
    target_url = models.URLField(_("target address"), max_length=500)
    payload = models.JSONField(_("payload"), default=dict)
    # Which secret signs it: a partner name (``tawasul``) read through signing.partner_secrets,
    # or ``<prefix>:<id>`` resolved by the app that registered the prefix (``webhook:3``).
    secret_ref = models.CharField(_("signature secret"), max_length=80)
    # What caused it, in its own app (``tickets.ticket:42``), for the admin's search.
    source = models.CharField(_("source"), max_length=100, blank=True)
    # Queuing the same thing twice (a retried request, a repeated hook) writes one row.
    dedupe_key = models.CharField(_("de-duplication key"), max_length=150, null=True, blank=True, unique=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"))
    enqueued_at = models.DateTimeField(_("handed to the queue at"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    claim_token = models.UUIDField(_("claim token"), null=True, blank=True, editable=False)
    last_status_code = models.PositiveSmallIntegerField(_("last response code"), null=True, blank=True)
    last_response = models.TextField(_("last response (excerpt)"), blank=True)
    error_code = models.CharField(_("error code"), max_length=40, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    dead_at = models.DateTimeField(_("dead at"), null=True, blank=True)
    replay_of = models.ForeignKey(
        "self",
        verbose_name=_("replay of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replays",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("partner delivery")
        verbose_name_plural = _("partner deliveries")
        ordering = ["-created_at", "-id"]
        permissions = [("retry_delivery", _("Can retry or replay a partner delivery"))]
        indexes = [
            # The sweep's scans: only pending (or sending) rows are in them, so they stay
            # small however many sent rows the table holds.
            models.Index(
                fields=["next_attempt_at"], condition=Q(state="pending"), name="outbound_pending_due_idx"
            ),
            models.Index(fields=["claimed_at"], condition=Q(state="sending"), name="outbound_sending_idx"),
            models.Index(fields=["state", "-created_at"], name="outbound_state_created_idx"),
            models.Index(fields=["partner", "-created_at"], name="outbound_partner_created_idx"),
            models.Index(fields=["source"], name="outbound_source_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=["pending", "sending", "sent", "dead"]), name="outbound_state_valid"
            ),
        ]

    def __str__(self):
        return f"{self.partner} {self.event} ({self.get_state_display()})"

    @property
    def can_be_retried(self) -> bool:
        return self.state in (self.State.DEAD, self.State.SENT)
