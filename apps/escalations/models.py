""" "Under Your Command" (تحت أمرك): confidential cases for senior management.

A case (``Escalation``) is opened on a ticket — by the citizen through the portal form, by an
agent or supervisor with a written reason, or automatically when a deadline is missed — and
the ticket's review number stays the citizen's reference. The case has its own owner in the
senior management office, its own 30-calendar-day clock, its own timeline, requests for
information to departments, and a decision with a public text (the citizen reads it) and an
internal one (it never leaves senior management). Every read of a case is logged.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel
from apps.escalations.workflow import OPEN_STATUSES, Status

_OPEN = sorted(status.value for status in OPEN_STATUSES)


class Source(models.TextChoices):
    CITIZEN = "citizen", _("Citizen, through the form")
    STAFF = "staff", _("Escalated by staff")
    SLA_BREACH = "sla_breach", _("Missed deadline")


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


class Escalation(TimeStampedModel):
    Status = Status
    Source = Source
    Priority = Priority

    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        on_delete=models.PROTECT,
        related_name="escalations",
    )
    # Copied from the ticket: the citizen's 360° timeline and the figures read by it.
    citizen = models.ForeignKey(
        "citizens.Citizen",
        verbose_name=_("citizen"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="escalations",
        db_index=False,
    )
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    reason = models.TextField(_("reason for escalating"), blank=True)
    summary = models.TextField(_("summary for management"), blank=True)
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_escalations",
        db_index=False,
    )
    status = models.CharField(_("status"), max_length=30, choices=Status.choices, default=Status.RECEIVED)
    # The clock: it starts when the case is received and is met when the citizen is told the
    # decision. ``due_at`` is kept up to date (extensions included) so the queue sorts on it.
    received_at = models.DateTimeField(_("received at"))
    due_at = models.DateTimeField(_("decision due"))
    extra_allowance = models.DurationField(_("time added by extensions"), default=timedelta(0))
    policy_version = models.ForeignKey(
        "sla.PolicyVersion",
        verbose_name=_("SLA policy version"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    decision_public = models.TextField(_("decision (for the citizen)"), blank=True)
    decision_internal = models.TextField(_("decision (internal)"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    informed_at = models.DateTimeField(_("citizen informed at"), null=True, blank=True)
    informed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # The committee's referral, when the case went to the committee (apps.committee).
    committee_referral_id = models.PositiveBigIntegerField(_("committee referral"), null=True, blank=True)
    committee_reference = models.CharField(_("committee reference"), max_length=30, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("Under Your Command case")
        verbose_name_plural = _("Under Your Command cases")
        ordering = ["due_at", "id"]
        permissions = [
            ("work_escalation", _("Can study, decide and answer Under Your Command cases")),
            ("review_escalation_access", _("Can review who read Under Your Command cases")),
        ]
        # The queue is ordered by the clock (due_at, id) and pages by it: each index starts
        # with the filter it serves, so a first page is a range scan with no sort.
        indexes = [
            models.Index("due_at", "id", name="escalation_open_due", condition=Q(status__in=_OPEN)),
            models.Index("owner", "due_at", "id", name="escalation_owner_due", condition=Q(status__in=_OPEN)),
            models.Index(
                "source", "due_at", "id", name="escalation_source_due", condition=Q(status__in=_OPEN)
            ),
            models.Index("status", "due_at", "id", name="escalation_status_due"),
            models.Index("citizen", F("received_at").desc(), name="escalation_citizen_recent"),
            models.Index("received_at", name="escalation_received"),
            models.Index("committee_referral_id", name="escalation_referral"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket"], condition=~Q(status=Status.CLOSED), name="escalation_one_open_per_ticket"
            ),
            models.CheckConstraint(
                condition=Q(source=Source.CITIZEN) | ~Q(reason=""), name="escalation_reason_unless_citizen"
            ),
            models.CheckConstraint(
                condition=Q(decided_at__isnull=True) | ~Q(decision_public=""),
                name="escalation_decision_has_public_text",
            ),
            models.CheckConstraint(
                condition=Q(informed_at__isnull=True) | Q(decided_at__isnull=False),
                name="escalation_informed_after_decision",
            ),
        ]

    def __str__(self):
        return f"UYC #{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def is_overdue(self, now=None) -> bool:
        return self.is_open and (now or timezone.now()) > self.due_at

    def days_left(self, now=None) -> int:
        """Whole calendar days to the due instant (negative once overdue), on Bahrain dates."""
        now = now or timezone.now()
        return (timezone.localdate(self.due_at) - timezone.localdate(now)).days


class EscalationEvent(models.Model):
    """One entry of a case's own timeline: who did what, when. Staff of senior management only."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Case opened")
        STATUS_CHANGE = "status_change", _("Status change")
        ASSIGNMENT = "assignment", _("Owner changed")
        NOTE = "note", _("Note")
        SUMMARY = "summary", _("Summary updated")
        EXTENSION = "extension", _("Deadline extended")
        INFO_REQUESTED = "info_requested", _("Information requested")
        INFO_ANSWERED = "info_answered", _("Information received")
        COMMITTEE_REFERRAL = "committee_referral", _("Referred to the committee")
        COMMITTEE_DECISION = "committee_decision", _("Committee decision")
        DECISION = "decision", _("Decision recorded")
        INFORMED = "informed", _("Citizen informed")

    escalation = models.ForeignKey(
        Escalation, on_delete=models.CASCADE, related_name="events", db_index=False
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    at = models.DateTimeField(_("at"))
    from_status = models.CharField(_("from status"), max_length=30, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to status"), max_length=30, choices=Status.choices, blank=True)
    body = models.TextField(_("text"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["at", "id"]
        indexes = [models.Index("escalation", "at", name="escalation_event_timeline")]

    def __str__(self):
        return f"{self.escalation_id} {self.kind} @ {self.at:%Y-%m-%d %H:%M}"


class InformationRequest(TimeStampedModel):
    """A question from senior management to a department about a case, tracked to its answer.

    The department sees the question and nothing else of the case (not its summary, the
    citizen's message, notes or decision): senior management writes the question for them.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for the department")
        ANSWERED = "answered", _("Answered")

    ALLOWED_MOVES = {Status.OPEN: frozenset({Status.ANSWERED}), Status.ANSWERED: frozenset()}

    escalation = models.ForeignKey(
        Escalation, on_delete=models.CASCADE, related_name="information_requests", verbose_name=_("case")
    )
    department = models.ForeignKey(
        "accounts.Department", on_delete=models.PROTECT, related_name="+", verbose_name=_("department")
    )
    question = models.TextField(_("question"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("requested at"))
    due_at = models.DateTimeField(_("answer due"))
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("request for information")
        verbose_name_plural = _("requests for information")
        ordering = ["requested_at", "id"]
        indexes = [models.Index("department", "status", "due_at", name="info_request_queue")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open") | (Q(answered_at__isnull=False) & ~Q(answer="")),
                name="info_request_answered_has_answer",
            )
        ]

    def __str__(self):
        return f"{self.escalation_id} → {self.department_id}"

    def is_overdue(self, now=None) -> bool:
        return self.status == self.Status.OPEN and (now or timezone.now()) > self.due_at


class Delegation(models.Model):
    """A senior manager's queue handed to a named deputy for a period [starts_at, ends_at)."""

    delegator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("senior manager"),
        on_delete=models.PROTECT,
        related_name="delegations_given",
    )
    deputy = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("deputy"), on_delete=models.PROTECT, related_name="+"
    )
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"))
    revoked_at = models.DateTimeField(_("ended early at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("delegation")
        verbose_name_plural = _("delegations")
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index("deputy", "ends_at", name="delegation_deputy")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="delegation_ends_after_start"
            ),
            models.CheckConstraint(condition=~Q(deputy=F("delegator")), name="delegation_not_to_self"),
        ]

    def __str__(self):
        return f"{self.delegator_id} → {self.deputy_id}"

    def is_active(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.starts_at <= now < self.ends_at


class EscalationAccess(models.Model):
    """Every read of a case: who, when, which case, through what. Administrators review it."""

    class Via(models.TextChoices):
        PAGE = "page", _("Case page")
        API = "api", _("API")

    escalation = models.ForeignKey(
        Escalation, on_delete=models.CASCADE, related_name="accesses", verbose_name=_("case"), db_index=False
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("read by")
    )
    at = models.DateTimeField(_("at"))
    via = models.CharField(_("through"), max_length=10, choices=Via.choices)

    class Meta:
        verbose_name = _("case read")
        verbose_name_plural = _("case reads")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index("escalation", F("at").desc(), name="escalation_access_case"),
            models.Index(F("at").desc(), name="escalation_access_recent"),
        ]

    def __str__(self):
        return f"{self.user_id} → {self.escalation_id} @ {self.at:%Y-%m-%d %H:%M}"
