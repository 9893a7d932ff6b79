"""What the housing application system sent, and every change it made to a housing file.

The housing file itself is the citizens app's ``HousingFile`` (with its project, queue
position and the date its status last changed); this app keeps the history and the batches.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class FeedBatch(models.Model):
    """One push through the API or one CSV file: its counts and every refused row."""

    class Source(models.TextChoices):
        API = "api", _("API")
        CSV = "csv", _("CSV file")

    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    name = models.CharField(_("name"), max_length=255, blank=True)
    received_at = models.DateTimeField(_("received at"), db_index=True)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    rejected = models.PositiveIntegerField(_("rejected"), default=0)
    # [{"row": 3, "file_number": "…", "code": "…", "message": "…", "details": {…}}, …]
    errors = models.JSONField(_("refused rows"), default=list, blank=True)

    class Meta:
        verbose_name = _("housing feed batch")
        verbose_name_plural = _("housing feed batches")
        ordering = ["-received_at", "-id"]

    def __str__(self):
        return f"{self.get_source_display()} {self.name} {self.received_at:%Y-%m-%d %H:%M}"


class HousingFileChange(models.Model):
    """One change the feed made to one housing file, dated as the housing system dates it."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Housing file received")
        STATUS = "status", _("Status changed")
        DETAILS = "details", _("Details changed")

    housing_file = models.ForeignKey(
        "citizens.HousingFile", on_delete=models.CASCADE, related_name="+", verbose_name=_("housing file")
    )
    citizen = models.ForeignKey(
        "citizens.Citizen",
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        verbose_name=_("citizen"),
    )
    batch = models.ForeignKey(FeedBatch, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    at = models.DateTimeField(_("at"))
    from_status = models.CharField(_("from status"), max_length=20, blank=True)
    to_status = models.CharField(_("to status"), max_length=20, blank=True)
    # {"field": [old, new], …} for every field that changed (dates as ISO text).
    changes = models.JSONField(_("changes"), default=dict, blank=True)

    class Meta:
        verbose_name = _("housing file change")
        verbose_name_plural = _("housing file changes")
        indexes = [models.Index(fields=["citizen", "-at", "-id"], name="housing_change_timeline")]

    def __str__(self):
        return f"{self.housing_file_id} {self.kind} {self.at:%Y-%m-%d}"
