"""One row per export: the log of who exported which list with which filter, and for a
large list the background job that writes the file."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ExportJob(models.Model):
    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "XLSX"

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Being written")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Expired")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("exported by")
    )
    list_key = models.CharField(_("list"), max_length=40)
    query = models.TextField(_("filter"), blank=True)
    format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    language = models.CharField(_("language"), max_length=2, default="ar")
    background = models.BooleanField(_("in the background"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    rows = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    personal_data = models.BooleanField(_("with personal data"), default=False)
    file_name = models.CharField(_("file"), max_length=200, blank=True)
    error_code = models.CharField(_("error"), max_length=60, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        permissions = [
            (
                "export_personal_data",
                _("Can export citizens' names, CPR numbers, phones and e-mail addresses"),
            ),
            ("export_large", _("Can export lists longer than the export limit")),
        ]
        indexes = [
            models.Index(fields=["owner", "-created_at"], name="export_owner_recent"),
            # The sweep's two scans: jobs left waiting, files past their time.
            models.Index(fields=["created_at"], name="export_waiting", condition=Q(status="queued")),
            models.Index(fields=["expires_at"], name="export_expiring", condition=Q(status="done")),
        ]

    def __str__(self):
        return f"{self.list_key} {self.format} #{self.pk}"

    @property
    def downloadable(self) -> bool:
        return self.background and self.status == self.Status.DONE and bool(self.file_name)
