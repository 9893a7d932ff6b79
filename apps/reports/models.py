"""The month's statement as a record: the draft press statement, its approval, and the
published snapshot (frozen: figures and text with a checksum, never changed afterwards)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class StatementStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("statement status", "Draft")
    APPROVED = "approved", pgettext_lazy("statement status", "Approved")
    PUBLISHED = "published", pgettext_lazy("statement status", "Published")


class MonthlyStatement(models.Model):
    """One month's draft press statement: generated from the figures, edited by a manager,
    approved, then published (see ``Publication``)."""

    month = models.DateField(_("month"), unique=True)  # always the 1st
    status = models.CharField(
        _("status"), max_length=10, choices=StatementStatus.choices, default=StatementStatus.DRAFT
    )
    text_ar = models.TextField(_("text in Arabic"), blank=True)
    text_en = models.TextField(_("text in English"), blank=True)
    # The figures the text was generated from (code → value), to trace every number.
    draft_figures = models.JSONField(_("figures of the draft"), default=dict)
    generated_at = models.DateTimeField(_("generated at"))
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("monthly statement")
        verbose_name_plural = _("monthly statements")
        ordering = ["-month"]
        permissions = [
            ("view_statement", _("Can view the monthly statement")),
            ("approve_statement", _("Can edit, approve and publish the monthly statement")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(approved_at__isnull=False),
                name="statement_approved_has_time",
            )
        ]

    def __str__(self):
        return f"{self.month:%Y-%m} ({self.status})"


class Publication(models.Model):
    """The published statement of a month, frozen: written once, never updated or deleted.
    ``checksum`` is the SHA-256 of the canonical JSON of ``figures``, ``text_ar`` and ``text_en``."""

    statement = models.OneToOneField(MonthlyStatement, on_delete=models.PROTECT, related_name="publication")
    figures = models.JSONField(_("published figures"))
    text_ar = models.TextField(_("published text in Arabic"))
    text_en = models.TextField(_("published text in English"))
    checksum = models.CharField(_("checksum"), max_length=64)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(_("published at"))

    class Meta:
        verbose_name = _("published statement")
        verbose_name_plural = _("published statements")

    def __str__(self):
        return f"{self.statement.month:%Y-%m} {self.checksum[:12]}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("A published statement is frozen: it is never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("A published statement is frozen: it is never deleted.")
