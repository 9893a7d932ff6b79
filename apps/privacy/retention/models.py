"""Retention: a policy per kind of record, legal holds that stop it, and a row per run."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.privacy.retention.kinds import ALLOWED_ACTIONS, Action, Kind, minimum_for


def period_error(kind: str, months: int | None, action: str | None = None) -> dict[str, str]:
    """What is wrong with ``months`` and ``action`` for ``kind`` (field → message), or {}."""
    errors: dict[str, str] = {}
    minimum = minimum_for(kind)
    if months is None or months < minimum:
        errors["months"] = _(
            "The legal minimum for this kind of record is %(minimum)s months: a shorter period cannot be set."
        ) % {"minimum": minimum}
    if action and action not in ALLOWED_ACTIONS.get(kind, ()):
        errors["action"] = _("This action is not allowed for this kind of record.")
    return errors


class RetentionPolicy(models.Model):
    """How long one kind of record is kept before the sweep applies the action to it."""

    kind = models.CharField(_("kind of record"), max_length=30, choices=Kind.choices, unique=True)
    months = models.PositiveIntegerField(
        _("kept for (months)"),
        help_text=_("Counted from when the record was closed or last dated; whole months."),
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    is_active = models.BooleanField(
        _("active"), default=False, help_text=_("Only active policies are applied by the sweep.")
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("retention policy")
        verbose_name_plural = _("retention policies")
        ordering = ["kind"]
        permissions = [("run_retention", _("Can run the retention sweep and its dry run"))]

    def __str__(self):
        return str(self.get_kind_display())

    @property
    def minimum_months(self) -> int:
        return minimum_for(self.kind)

    def clean(self):
        errors = period_error(self.kind, self.months, self.action)
        if errors:
            raise ValidationError(errors)


class LegalHold(models.Model):
    """A hold on a citizen, a ticket or a contact: retention touches nothing under it
    until it is released."""

    citizen = models.ForeignKey(
        "citizens.Citizen",
        verbose_name=_("citizen"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    contact = models.ForeignKey(
        "contacts.Contact",
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.TextField(_("reason"))
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("placed by"), on_delete=models.PROTECT, related_name="+"
    )
    placed_at = models.DateTimeField(_("placed at"))
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("released by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    release_reason = models.TextField(_("reason for release"), blank=True)

    class Meta:
        verbose_name = _("legal hold")
        verbose_name_plural = _("legal holds")
        ordering = ["-placed_at", "-id"]
        permissions = [("manage_legal_hold", _("Can place and release legal holds"))]
        constraints = [
            # Exactly one of citizen, ticket, contact.
            models.CheckConstraint(
                condition=Q(citizen__isnull=False, ticket__isnull=True, contact__isnull=True)
                | Q(citizen__isnull=True, ticket__isnull=False, contact__isnull=True)
                | Q(citizen__isnull=True, ticket__isnull=True, contact__isnull=False),
                name="legal_hold_one_target",
            ),
            models.CheckConstraint(
                condition=Q(released_at__isnull=True) | Q(released_by__isnull=False),
                name="legal_hold_release_has_actor",
            ),
        ]
        indexes = [
            models.Index(
                fields=["citizen"], condition=Q(released_at__isnull=True), name="hold_active_citizen"
            ),
            models.Index(fields=["ticket"], condition=Q(released_at__isnull=True), name="hold_active_ticket"),
            models.Index(
                fields=["contact"], condition=Q(released_at__isnull=True), name="hold_active_contact"
            ),
        ]

    def __str__(self):
        return f"{self.target_label} · {self.placed_at:%Y-%m-%d}"

    @property
    def is_active(self) -> bool:
        return self.released_at is None

    @property
    def target_label(self) -> str:
        """What is held, as the desk shows it: a masked CPR, a review number, a contact's number."""
        if self.citizen_id:
            return str(_("Citizen %(cpr)s") % {"cpr": self.citizen.masked_cpr})
        if self.ticket_id:
            return str(_("Ticket %(number)s") % {"number": self.ticket.review_number})
        return str(_("Contact #%(id)s") % {"id": self.contact_id})


class RetentionRun(models.Model):
    """One sweep, dry or real: when, by whom, and how many records of each kind."""

    class State(models.TextChoices):
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    dry_run = models.BooleanField(_("dry run"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.RUNNING)
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    batch_size = models.PositiveIntegerField(_("batch size"))
    # {kind: {"count": n, "months": m, "action": a, "cutoff": iso}} for each active policy.
    counts = models.JSONField(_("counts"), default=dict)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("retention run")
        verbose_name_plural = _("retention runs")
        ordering = ["-started_at", "-id"]

    def __str__(self):
        return f"{'dry' if self.dry_run else 'real'} {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def total(self) -> int:
        return sum(int(row.get("count", 0)) for row in self.counts.values())
