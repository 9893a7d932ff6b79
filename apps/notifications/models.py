"""The outbox, the editable message templates and the recipients' preferences."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel
from apps.notifications.choices import Audience, Channel, Language, State


class Notification(TimeStampedModel):
    """One message to one recipient on one channel: a row of the transactional outbox.

    Written in the same transaction as the event that causes it, so a rolled-back event
    leaves nothing to send; handed to Celery after commit; a sweep hands over again any
    row the broker lost. See ``services.notification_deliver`` for the claim that makes
    delivery at-most-once per row.
    """

    State = State
    Channel = Channel

    # Sent to the provider as the message reference, so a gateway that de-duplicates by
    # reference never delivers one row twice even across a reclaim.
    reference = models.UUIDField(_("reference"), default=uuid.uuid4, unique=True, editable=False)
    event = models.CharField(_("event"), max_length=64)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    audience = models.CharField(_("audience"), max_length=10, choices=Audience.choices)
    essential = models.BooleanField(_("essential"), default=False)
    urgent = models.BooleanField(_("urgent"), default=False)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)

    recipient_ref = models.CharField(
        _("recipient reference"),
        max_length=100,
        blank=True,
        help_text=_("Who the message is for in another app, such as citizens.citizen:42."),
    )
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff recipient"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="notifications",
    )
    to_phone = models.CharField(_("phone"), max_length=32, blank=True)
    to_email = models.CharField(_("e-mail address"), max_length=254, blank=True)

    subject = models.CharField(_("subject"), max_length=300, blank=True)
    body = models.TextField(_("text"))
    link_url = models.CharField(_("link"), max_length=500, blank=True)
    context = models.JSONField(_("context"), default=dict, blank=True)
    # About a confidential record ("Under Your Command"): staff rows were written with a
    # neutral title only; a citizen's row (a decision letter) is read back only by those who
    # may read the record (apps.core.confidentiality, rule in ``selectors``).
    confidential = models.BooleanField(_("confidential"), default=False)

    send_after = models.DateTimeField(_("send after"))
    enqueued_at = models.DateTimeField(_("handed to the queue at"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    claim_token = models.UUIDField(_("claim token"), null=True, blank=True, editable=False)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    failed_at = models.DateTimeField(_("failed at"), null=True, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    error_code = models.CharField(_("error code"), max_length=40, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    provider_message_id = models.CharField(_("provider message id"), max_length=200, blank=True)

    resent_from = models.ForeignKey(
        "self",
        verbose_name=_("resent from"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="resends",
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
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        permissions = [
            ("view_outbox", _("Can view the notifications outbox")),
            ("resend_notification", _("Can resend a failed notification")),
            ("view_citizen_messages", _("Can view the messages sent to a citizen")),
        ]
        indexes = [
            # The sweep's scan: only queued rows are in it, so it stays small however many
            # millions of sent rows the table holds.
            models.Index(fields=["send_after"], condition=Q(state="queued"), name="notif_queued_due_idx"),
            models.Index(fields=["claimed_at"], condition=Q(state="sending"), name="notif_sending_idx"),
            models.Index(
                fields=["recipient_user", "-created_at"],
                condition=Q(channel="in_app"),
                name="notif_inbox_idx",
            ),
            models.Index(
                fields=["recipient_user"],
                condition=Q(channel="in_app", read_at__isnull=True),
                name="notif_unread_idx",
            ),
            models.Index(fields=["state", "-created_at"], name="notif_state_created_idx"),
            models.Index(fields=["to_phone", "-created_at"], name="notif_phone_idx"),
            models.Index(fields=["to_email", "-created_at"], name="notif_email_idx"),
            models.Index(fields=["recipient_ref", "-created_at"], name="notif_ref_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(state__in=State.values), name="notif_state_valid"),
            models.CheckConstraint(condition=Q(channel__in=Channel.values), name="notif_channel_valid"),
            models.CheckConstraint(
                condition=~Q(channel="in_app") | Q(recipient_user__isnull=False),
                name="notif_in_app_has_user",
            ),
        ]

    def __str__(self):
        return f"{self.event} → {self.recipient_display} ({self.get_state_display()})"

    @property
    def recipient_display(self) -> str:
        if self.channel == Channel.SMS:
            return self.to_phone
        if self.channel == Channel.EMAIL:
            return self.to_email
        return str(self.recipient_user) if self.recipient_user_id else ""

    @property
    def can_be_resent(self) -> bool:
        return self.state == State.FAILED and self.channel != Channel.IN_APP

    @property
    def is_unread(self) -> bool:
        return self.channel == Channel.IN_APP and self.read_at is None


class MessageTemplate(TimeStampedModel):
    """An administrator's wording of one event on one channel in one language.

    Without a row the event's default wording (from the registry) is used; the seed
    copies those defaults here so administrators can edit them.
    """

    event = models.CharField(_("event"), max_length=64)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    subject = models.CharField(
        _("subject"),
        max_length=300,
        blank=True,
        help_text=_("E-mail subject or in-app title; empty for SMS."),
    )
    body = models.TextField(_("text"), help_text=_("Use placeholders such as {{ review_number }}."))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last edited by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")
        ordering = ["event", "channel", "language"]
        constraints = [
            models.UniqueConstraint(fields=["event", "channel", "language"], name="notif_template_unique"),
        ]

    def __str__(self):
        return f"{self.event} · {self.get_channel_display()} · {self.get_language_display()}"

    def clean(self):
        from django.core.exceptions import ValidationError

        from apps.notifications import events
        from apps.notifications.rendering import template_problems

        try:
            event = events.get(self.event)
        except events.UnknownEvent:
            raise ValidationError({"event": _("Unknown event.")}) from None
        problems = template_problems(event, self.channel, subject=self.subject, body=self.body)
        if problems:
            raise ValidationError(problems)


class NotificationPreference(TimeStampedModel):
    """What one recipient wants, keyed so any app can find it.

    The key is ``phone:+9733…``, ``email:name@example.bh`` or another app's reference
    such as ``citizens.citizen:42``; a citizen is opted out when any of their keys is.
    """

    key = models.CharField(_("key"), max_length=300, unique=True)
    opted_out = models.BooleanField(
        _("opted out of non-essential messages"),
        default=False,
        help_text=_("Essential messages (review numbers, decisions) are always sent."),
    )
    # Events the person objected to (data-protection law): skipped even when essential,
    # unless secret or legally required (``events.can_be_stopped``).
    stopped_events = ArrayField(
        models.CharField(max_length=64), verbose_name=_("stopped messages"), default=list, blank=True
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        ordering = ["key"]

    def __str__(self):
        return self.key
