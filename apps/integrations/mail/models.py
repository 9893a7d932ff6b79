"""Every message read from the mailbox, whatever became of it: the record that nothing is lost."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class InboundEmail(models.Model):
    class Outcome(models.TextChoices):
        FILED = "filed", _("Filed as a new ticket")
        THREADED = "threaded", _("Added to the sender's open ticket")
        AUTO_REPLY = "auto_reply", _("Automatic reply: not answered")
        BOUNCE = "bounce", _("Delivery report: not answered")
        MAILING_LIST = "mailing_list", _("Mailing list: not answered")
        THROTTLED = "throttled", _("Too many messages from this sender: kept, not filed")
        TOO_LARGE = "too_large", _("Too large: refused politely")
        UNKNOWN_SENDER = "unknown_sender", _("Sender not on file: asked for the CPR number")
        FAILED = "failed", _("Could not be filed: kept for staff")

    # The Message-ID (folded to lower case), or "sha256:<hex>" of the raw message when it has
    # none: one row per message however often it is fetched.
    key = models.CharField(_("message key"), max_length=255, unique=True)
    message_id = models.CharField(_("Message-ID"), max_length=255, blank=True)
    folder = models.CharField(_("folder"), max_length=100, blank=True)
    uidvalidity = models.BigIntegerField(_("UIDVALIDITY"), null=True, blank=True)
    uid = models.BigIntegerField(_("UID"), null=True, blank=True)
    sender = models.CharField(_("sender"), max_length=254, blank=True)
    sender_name = models.CharField(_("sender's name"), max_length=200, blank=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), db_index=True)
    size = models.PositiveIntegerField(_("size in bytes"), default=0)
    # The message as it arrived (headers only when it was refused for its size).
    raw = models.BinaryField(_("raw message"), editable=False)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("inbound e-mail")
        verbose_name_plural = _("inbound e-mails")
        ordering = ["-received_at", "-id"]
        indexes = [
            # The flood check counts one sender's recent messages.
            models.Index(fields=["sender", "received_at"], name="inbound_email_sender_recent"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["folder", "uidvalidity", "uid"],
                name="inbound_email_one_row_per_uid",
                condition=Q(uid__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.sender} — {self.subject}"


class MailboxState(models.Model):
    """How far the mailbox has been read: the next fetch asks only for newer UIDs."""

    folder = models.CharField(_("folder"), max_length=100, unique=True)
    uidvalidity = models.BigIntegerField(_("UIDVALIDITY"), default=0)
    last_uid = models.BigIntegerField(_("last UID read"), default=0)
    fetched_at = models.DateTimeField(_("last fetched at"), null=True, blank=True)

    class Meta:
        verbose_name = _("mailbox state")
        verbose_name_plural = _("mailbox states")

    def __str__(self):
        return self.folder
