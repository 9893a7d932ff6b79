"""Data-subject requests (access, rectification, objection) and their status changes."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.privacy.requests.workflow import CLOSED, Channel, Kind, ObjectionKind, Status


class DueFlag(models.TextChoices):
    NONE = "", _("On time")
    NEAR = "near", _("Due soon")
    OVERDUE = "overdue", _("Overdue")


class DataSubjectRequest(models.Model):
    """One request of a citizen under the Personal Data Protection Law.

    The reference (``PDP-2026-000123``) comes from a PostgreSQL sequence per year; the due
    date is ``HOUSING_PRIVACY_REQUEST_WORKING_DAYS`` working days of the business calendar
    after receipt. The access archive is kept here (the citizen downloads it after a fresh
    one-time code), read only by the download and never by the queue.
    """

    Kind = Kind
    Channel = Channel
    Status = Status

    reference = models.CharField(_("reference"), max_length=20, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    citizen = models.ForeignKey(
        "citizens.Citizen",
        verbose_name=_("citizen"),
        on_delete=models.PROTECT,
        related_name="data_subject_requests",
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("filed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.RECEIVED)
    received_at = models.DateTimeField(_("received at"))
    due_at = models.DateTimeField(_("due at"))
    details = models.TextField(_("details"), blank=True)
    # Rectification: field name → the new value the citizen asks for; what it replaced is
    # kept in ``applied_changes`` once approved ({"field": {"old": …, "new": …}}).
    requested_changes = models.JSONField(_("requested changes"), default=dict, blank=True)
    applied_changes = models.JSONField(_("applied changes"), default=dict, blank=True)
    objection_kind = models.CharField(
        _("messages to stop"), max_length=30, choices=ObjectionKind.choices, blank=True
    )
    decision_reason = models.TextField(_("reason of the decision"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    archive_filename = models.CharField(_("archive file name"), max_length=200, blank=True)
    archive = models.BinaryField(_("archive"), null=True, blank=True, editable=False)
    archive_categories = models.JSONField(_("categories in the archive"), default=list, blank=True)
    archive_withheld = models.JSONField(_("withheld categories"), default=list, blank=True)
    due_flag = models.CharField(_("deadline"), max_length=8, choices=DueFlag.choices, blank=True, default="")
    flagged_at = models.DateTimeField(_("flagged at"), null=True, blank=True)

    class Meta:
        verbose_name = _("data-subject request")
        verbose_name_plural = _("data-subject requests")
        ordering = ["due_at", "id"]
        permissions = [
            ("decide_datasubjectrequest", _("Can answer and decide data-subject requests")),
            ("file_datasubjectrequest_on_behalf", _("Can file a data-subject request for a citizen")),
        ]
        indexes = [
            models.Index(
                fields=["due_at"], condition=Q(status__in=["received", "in_review"]), name="dsr_open_due_idx"
            ),
            models.Index(fields=["citizen", "-received_at"], name="dsr_citizen_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="dsr_kind_valid"),
            models.CheckConstraint(condition=Q(status__in=Status.values), name="dsr_status_valid"),
            models.CheckConstraint(
                condition=~Q(kind="objection") | ~Q(objection_kind=""), name="dsr_objection_has_kind"
            ),
        ]

    def __str__(self):
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status not in CLOSED

    def is_overdue(self, now: datetime | None = None) -> bool:
        return self.is_open and self.due_at < (now or timezone.now())

    @property
    def has_archive(self) -> bool:
        return bool(self.archive_filename)


class DataSubjectRequestEvent(models.Model):
    """One status change of a request: from, to, who, why, when."""

    request = models.ForeignKey(DataSubjectRequest, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(_("from"), max_length=12, blank=True)
    to_status = models.CharField(_("to"), max_length=12)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reason"), blank=True)
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("data-subject request event")
        verbose_name_plural = _("data-subject request events")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.from_status or '—'} → {self.to_status}"

    @property
    def to_status_label(self) -> str:
        return Status(self.to_status).label
