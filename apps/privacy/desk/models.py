"""The data-protection officer's desk: what the officer produced and exported, and the alerts
about unusual reading of citizens' files.

The reads themselves are logged by the apps that serve them (``citizens.CitizenAccess``,
``escalations.EscalationAccess``); these tables record what the desk did with them.
"""

from django.conf import settings
from django.db import models
from django.db.models import F
from django.utils.translation import gettext_lazy as _


class SubjectAccessLog(models.Model):
    """One production of a citizen's subject-access archive: for whom, by whom, what it held
    (counts per category and the withheld categories) and the archive's SHA-256, so the file
    handed to the citizen can be proved to be the one produced."""

    citizen = models.ForeignKey(
        "citizens.Citizen", on_delete=models.PROTECT, related_name="+", verbose_name=_("citizen")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("produced by")
    )
    at = models.DateTimeField(_("at"))
    # The portal request the archive answers (apps.privacy.requests), when there is one.
    request_id = models.PositiveBigIntegerField(_("request"), null=True, blank=True)
    filename = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    categories = models.JSONField(_("categories"), default=dict)
    withheld = models.JSONField(_("withheld categories"), default=list)

    class Meta:
        verbose_name = _("subject-access archive")
        verbose_name_plural = _("subject-access archives")
        ordering = ["-at", "-id"]
        permissions = [
            ("produce_subject_access_archive", _("Can produce a citizen's subject-access archive")),
        ]
        indexes = [
            models.Index(F("at").desc(), F("id").desc(), name="privacy_sar_recent"),
            models.Index("citizen", F("at").desc(), name="privacy_sar_citizen"),
        ]

    def __str__(self):
        return f"{self.citizen_id} @ {self.at:%Y-%m-%d %H:%M}"


class ReadLogExport(models.Model):
    """One export of the read log: who, with which filter, how many rows, in what format."""

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "XLSX"

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("exported by")
    )
    at = models.DateTimeField(_("at"))
    format = models.CharField(_("format"), max_length=5, choices=Format.choices)
    filters = models.JSONField(_("filter"), default=dict)
    row_count = models.PositiveIntegerField(_("rows"))
    # Whether the export could carry "Under Your Command" reads (the exporter may read them).
    included_confidential = models.BooleanField(_("included case reads"), default=False)

    class Meta:
        verbose_name = _("read-log export")
        verbose_name_plural = _("read-log exports")
        ordering = ["-at", "-id"]
        permissions = [
            ("view_privacy_desk", _("Can open the data-protection desk")),
            ("view_read_log", _("Can read the log of reads of citizens' files")),
            ("export_read_log", _("Can export the log of reads of citizens' files")),
        ]

    def __str__(self):
        return f"{self.actor_id} {self.format} {self.row_count} @ {self.at:%Y-%m-%d %H:%M}"


class UnusualReadingAlert(models.Model):
    """A member of staff opened more citizens' files outside their cases in one day than the
    threshold allows (``HOUSING_PRIVACY_UNUSUAL_READS_PER_DAY``); one row per person and day,
    whatever how often the sweep runs (the unique constraint)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("staff member")
    )
    day = models.DateField(_("day"))
    reads_outside_cases = models.PositiveIntegerField(_("files read outside their cases"))
    threshold = models.PositiveIntegerField(_("threshold"))
    created_at = models.DateTimeField(_("raised at"))
    updated_at = models.DateTimeField(_("last counted at"))
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("acknowledged by"),
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("unusual-reading alert")
        verbose_name_plural = _("unusual-reading alerts")
        ordering = ["-day", "-reads_outside_cases", "-id"]
        permissions = [
            ("view_alerts", _("Can see the alerts about unusual reading")),
            ("acknowledge_alert", _("Can acknowledge an alert about unusual reading")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="privacy_alert_one_per_user_day"),
        ]
        indexes = [
            models.Index(
                fields=["day"], condition=models.Q(acknowledged_at__isnull=True), name="privacy_alert_open"
            ),
        ]

    def __str__(self):
        return f"{self.user_id} {self.day} ({self.reads_outside_cases})"

    @property
    def is_open(self) -> bool:
        return self.acknowledged_at is None
