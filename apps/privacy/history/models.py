"""The change history: one row per change to a tracked personal or configuration record.

The rows are written by PostgreSQL triggers (``triggers.py``), not by Python, so every door
(page, API, import, admin, a management command, a Celery task, a raw ``UPDATE``) leaves
one. Who and through which door come from the ``pghistory`` context the door opened
(``apps.core.history.history_door``), read by the trigger from the transaction's settings.

One table for every tracked model, so a search by citizen, staff member, date or model
is one indexed query.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Door(models.TextChoices):
    PAGE = "page", _("Staff page")
    API = "api", _("API")
    ADMIN = "admin", _("Django admin")
    PORTAL = "portal", _("Citizen portal")
    IMPORT = "import", _("Import")
    COMMAND = "command", _("Management command")
    TASK = "task", _("Background task")
    RETENTION = "retention", _("Retention job")


class Change(models.Model):
    class Action(models.TextChoices):
        INSERT = "insert", pgettext_lazy("history action", "Created")
        UPDATE = "update", pgettext_lazy("history action", "Changed")
        DELETE = "delete", pgettext_lazy("history action", "Deleted")

    at = models.DateTimeField(_("at"))
    # The tracked model's label ("citizens.citizen") and the row's primary key, as text.
    model = models.CharField(_("record type"), max_length=100)
    object_id = models.CharField(_("record"), max_length=64)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    # {"column": [old, new], ...}: only the columns that changed; secret columns (a
    # password hash) are recorded as changed with their values withheld.
    diff = models.JSONField(_("changes"), default=dict)
    # The citizen the row belongs to (the citizen themselves, their phone, housing file or
    # ticket), so the citizen's whole history is one indexed query.
    citizen_id = models.BigIntegerField(_("citizen"), null=True, blank=True)
    # No database constraint: the history outlives nothing it names, and a row is never
    # refused because of it.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    door = models.CharField(_("door"), max_length=20, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    context_id = models.UUIDField(_("change context"), null=True, blank=True)
    # A change to an "Under Your Command" ticket: shown through apps.core.confidentiality.
    confidential = models.BooleanField(_("confidential"), default=False)

    class Meta:
        verbose_name = _("change")
        verbose_name_plural = _("changes")
        ordering = ["-at", "-id"]
        permissions = [
            ("view_change_history", _("Can see the change history of a citizen's file")),
            ("search_change_history", _("Can search and export the change history")),
        ]
        indexes = [
            models.Index(fields=["-at", "-id"], name="history_change_at"),
            models.Index(fields=["citizen_id", "-at", "-id"], name="history_change_citizen"),
            models.Index(fields=["actor", "-at", "-id"], name="history_change_actor"),
            models.Index(fields=["model", "object_id", "-at", "-id"], name="history_change_object"),
        ]

    def __str__(self):
        return f"{self.model}:{self.object_id} {self.action} @ {self.at:%Y-%m-%d %H:%M}"


class ChangeExport(models.Model):
    """Every export of the change history: who, when, with which filter, how many rows."""

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "XLSX"

    at = models.DateTimeField(_("at"), auto_now_add=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("exported by"), on_delete=models.PROTECT, related_name="+"
    )
    format = models.CharField(_("format"), max_length=5, choices=Format.choices)
    filters = models.JSONField(_("filter"), default=dict)
    rows = models.PositiveIntegerField(_("rows"))

    class Meta:
        verbose_name = _("change history export")
        verbose_name_plural = _("change history exports")
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.user_id} {self.format} {self.rows} @ {self.at:%Y-%m-%d %H:%M}"
