"""The business calendar's rows and the versioned SLA policies.

Every write goes through ``apps.sla.services``; the pure engine (``business_calendar``,
``clocks``) never sees these models, only the plain rows ``selectors.calendar_data`` makes.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateRangeField, RangeBoundary, RangeOperators
from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel
from apps.sla import keys
from apps.sla.clocks import ClockState, Target, TargetSpec, Unit


class DateRange(models.Func):
    """PostgreSQL ``daterange(start, end, '[]')``: both ends inclusive."""

    function = "DATERANGE"
    output_field = DateRangeField()


def _inclusive_range(start: str, end: str) -> DateRange:
    return DateRange(start, end, RangeBoundary(inclusive_lower=True, inclusive_upper=True))


class _Bilingual(models.Model):
    name_ar = models.CharField(_("name in Arabic"), max_length=150)
    name_en = models.CharField(_("name in English"), max_length=150)

    class Meta:
        abstract = True

    def __str__(self):
        return self.name_ar if translation.get_language() == "ar" else self.name_en


class Holiday(_Bilingual, TimeStampedModel):
    """An official holiday on one date; Islamic ones may be estimates until confirmed."""

    class Source(models.TextChoices):
        PACKAGE = "package", _("Official holiday list")
        MANUAL = "manual", _("Added by an administrator")

    date = models.DateField(_("date"))
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.MANUAL)
    # For imported rows: "<year>:<English name>:<n>", the nth day of that holiday in that year,
    # so a re-import finds the row again even after an administrator moved it.
    source_key = models.CharField(_("import key"), max_length=120, null=True, blank=True, unique=True)
    package_date = models.DateField(_("date in the official list"), null=True, blank=True)
    estimated = models.BooleanField(
        _("estimated"),
        default=False,
        help_text=_("The date is an estimate (Islamic holidays follow the moon): confirm or move it."),
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("official holiday")
        verbose_name_plural = _("official holidays")
        ordering = ["date"]
        constraints = [
            # Deferred so that shifting a three-day Eid by one day can pass through a moment
            # where two rows share a date inside the transaction.
            models.UniqueConstraint(
                fields=["date"], name="sla_holiday_one_per_date", deferrable=models.Deferrable.DEFERRED
            ),
        ]


class Closure(_Bilingual, TimeStampedModel):
    """Whole days the ministry is closed, both ends included."""

    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )

    class Meta:
        verbose_name = _("ministry closure")
        verbose_name_plural = _("ministry closures")
        ordering = ["start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="sla_closure_ordered"
            ),
            ExclusionConstraint(
                name="sla_closure_no_overlap",
                expressions=[(_inclusive_range("start_date", "end_date"), RangeOperators.OVERLAPS)],
            ),
        ]


class ShortenedHours(_Bilingual, TimeStampedModel):
    """Different working hours over a date range (Ramadan, for one)."""

    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    opens_at = models.TimeField(_("opens at"))
    closes_at = models.TimeField(_("closes at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )

    class Meta:
        verbose_name = _("shortened hours")
        verbose_name_plural = _("shortened hours")
        ordering = ["start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="sla_shortened_hours_ordered"
            ),
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="sla_shortened_hours_open_before_close"
            ),
            ExclusionConstraint(
                name="sla_shortened_hours_no_overlap",
                expressions=[(_inclusive_range("start_date", "end_date"), RangeOperators.OVERLAPS)],
            ),
        ]


class Policy(_Bilingual, TimeStampedModel):
    """Which tickets a policy covers; its targets live in immutable ``PolicyVersion`` rows.

    An empty kind, channel or priority means "any". The most specific policy wins
    (``selectors.policy_for``).
    """

    kind = models.CharField(_("ticket kind"), max_length=20, choices=keys.KINDS, null=True, blank=True)
    channel = models.CharField(_("channel"), max_length=20, choices=keys.CHANNELS, null=True, blank=True)
    priority = models.CharField(_("priority"), max_length=20, choices=keys.PRIORITIES, null=True, blank=True)

    class Meta:
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        ordering = ["kind", "channel", "priority"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "channel", "priority"], name="sla_policy_one_per_scope", nulls_distinct=False
            ),
        ]


class PolicyVersion(models.Model):
    """One version of a policy's targets. Never edited once written: a change is a new version,
    effective from its ``effective_from``; tickets keep the id of the version they started under.
    """

    class UnitChoices(models.TextChoices):
        WORKING_HOURS = Unit.WORKING_HOURS.value, _("working hours")
        WORKING_DAYS = Unit.WORKING_DAYS.value, _("working days")
        CALENDAR_DAYS = Unit.CALENDAR_DAYS.value, _("calendar days")

    policy = models.ForeignKey(
        Policy, verbose_name=_("policy"), on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    effective_from = models.DateTimeField(_("effective from"))
    retired = models.BooleanField(
        _("retired"), default=False, help_text=_("From this version on, the policy no longer applies.")
    )
    acknowledgement_value = models.IntegerField(_("acknowledgement target"), null=True, blank=True)
    acknowledgement_unit = models.CharField(
        _("acknowledgement unit"), max_length=20, choices=UnitChoices.choices, null=True, blank=True
    )
    first_response_value = models.IntegerField(_("first response target"), null=True, blank=True)
    first_response_unit = models.CharField(
        _("first response unit"), max_length=20, choices=UnitChoices.choices, null=True, blank=True
    )
    resolution_value = models.IntegerField(_("resolution target"), null=True, blank=True)
    resolution_unit = models.CharField(
        _("resolution unit"), max_length=20, choices=UnitChoices.choices, null=True, blank=True
    )
    note = models.TextField(_("reason for the change"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )

    class Meta:
        verbose_name = _("SLA policy version")
        verbose_name_plural = _("SLA policy versions")
        ordering = ["policy_id", "-number"]
        indexes = [models.Index(fields=["policy", "effective_from"], name="sla_policyversion_effective")]
        constraints = [
            models.UniqueConstraint(fields=["policy", "number"], name="sla_policyversion_number_unique"),
            # "At once" (0) is allowed for acknowledgement only; the service says why in words.
            models.CheckConstraint(
                condition=Q(acknowledgement_value__isnull=True) | Q(acknowledgement_value__gte=0),
                name="sla_policyversion_ack_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(first_response_value__isnull=True) | Q(first_response_value__gt=0),
                name="sla_policyversion_first_response_positive",
            ),
            models.CheckConstraint(
                condition=Q(resolution_value__isnull=True) | Q(resolution_value__gt=0),
                name="sla_policyversion_resolution_positive",
            ),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{t}_value__isnull": True, f"{t}_unit__isnull": True})
                    | Q(**{f"{t}_value__isnull": False, f"{t}_unit__isnull": False}),
                    name=f"sla_policyversion_{t}_value_has_unit",
                )
                for t in ("acknowledgement", "first_response", "resolution")
            ],
        ]

    def __str__(self):
        return f"{self.policy} v{self.number}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise ValueError("a policy version is never edited in place; create a new version")
        super().save(*args, **kwargs)

    def targets(self) -> dict[Target, TargetSpec]:
        """The targets this version sets, in the pure engine's terms."""
        found = {}
        for target in Target:
            value = getattr(self, f"{target.value}_value")
            if value is not None:
                found[target] = TargetSpec(value, Unit(getattr(self, f"{target.value}_unit")))
        return found


# --- the ticket clocks ----------------------------------------------------------------------


class Clock(models.Model):
    """One target of one ticket: when it started, when it falls due, and its verdict.

    Written only by ``apps.sla.clock_services`` (the ticket services call it) and by the
    sweep's set-based updates (``apps.sla.sweeps``). ``due_at``, ``at_risk_at`` and
    ``escalate_at`` are stored, recomputed in Python whenever pauses, extensions, the
    policy or the calendar change, so that the sweep is a plain ``UPDATE … WHERE due_at <
    now`` on an index. A reopened ticket starts a new resolution clock (``cycle`` 2, 3…);
    the earlier one keeps its verdict.
    """

    class State(models.TextChoices):
        RUNNING = ClockState.RUNNING.value, _("running")
        PAUSED = ClockState.PAUSED.value, _("paused")
        MET = ClockState.MET.value, _("met")
        BREACHED = ClockState.BREACHED.value, _("breached")
        STOPPED = "stopped", _("stopped")

    class TargetChoices(models.TextChoices):
        ACKNOWLEDGEMENT = Target.ACKNOWLEDGEMENT.value, _("acknowledgement")
        FIRST_RESPONSE = Target.FIRST_RESPONSE.value, _("first response")
        RESOLUTION = Target.RESOLUTION.value, _("resolution")

    OPEN_STATES = (State.RUNNING, State.PAUSED)

    ticket = models.ForeignKey(
        "tickets.Ticket", verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="sla_clocks"
    )
    target = models.CharField(_("target"), max_length=20, choices=TargetChoices.choices)
    cycle = models.PositiveSmallIntegerField(_("cycle"), default=1)
    value = models.IntegerField(_("target value"))
    unit = models.CharField(_("unit"), max_length=20, choices=PolicyVersion.UnitChoices.choices)
    started_at = models.DateTimeField(_("started at"))
    # None while paused with allowance left: the deadline is known again once the clock resumes.
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    at_risk_at = models.DateTimeField(_("at risk from"), null=True, blank=True)
    escalate_at = models.DateTimeField(_("second escalation from"), null=True, blank=True)
    met_at = models.DateTimeField(_("met at"), null=True, blank=True)
    breached_at = models.DateTimeField(_("breached at"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.RUNNING)
    extra_allowance = models.DurationField(_("time added by extensions"), default=timedelta(0))
    # Working (or real) time used when the target event happened: the dashboard's median.
    elapsed = models.DurationField(_("time taken"), null=True, blank=True)
    at_risk_notified_at = models.DateTimeField(_("at-risk warning sent at"), null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(_("escalation level"), default=0)
    escalated_at = models.DateTimeField(_("escalated to the supervisor at"), null=True, blank=True)
    escalated_2_at = models.DateTimeField(_("escalated to the head of department at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("SLA clock")
        verbose_name_plural = _("SLA clocks")
        permissions = [("view_sla_dashboard", _("Can view the deadlines dashboard"))]
        ordering = ["ticket_id", "target", "cycle"]
        constraints = [
            models.UniqueConstraint(fields=["ticket", "target", "cycle"], name="sla_clock_one_per_cycle"),
            models.CheckConstraint(
                condition=Q(state__in=["running", "paused", "met", "breached", "stopped"]),
                name="sla_clock_state_valid",
            ),
        ]
        indexes = [
            # The sweep's three scans; partial, so they hold only the clocks still in play
            # however many million closed ones the table keeps.
            models.Index(fields=["due_at"], condition=Q(state="running"), name="sla_clock_running_due"),
            models.Index(
                fields=["at_risk_at"],
                condition=Q(state="running", at_risk_notified_at__isnull=True),
                name="sla_clock_at_risk_pending",
            ),
            models.Index(
                fields=["escalate_at"],
                condition=Q(state="breached", escalation_level=1, met_at__isnull=True),
                name="sla_clock_second_level",
            ),
        ]

    def __str__(self):
        return f"{self.ticket_id} {self.target} #{self.cycle} ({self.state})"

    @property
    def spec(self) -> TargetSpec:
        return TargetSpec(self.value, Unit(self.unit))

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES


class Pause(models.Model):
    """A stretch while the ticket waited for the citizen; the clocks do not count it."""

    ticket = models.ForeignKey(
        "tickets.Ticket", verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="sla_pauses"
    )
    started_at = models.DateTimeField(_("paused at"))
    ended_at = models.DateTimeField(_("resumed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("clock pause")
        verbose_name_plural = _("clock pauses")
        ordering = ["ticket_id", "started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket"], condition=Q(ended_at__isnull=True), name="sla_pause_one_open_per_ticket"
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=models.F("started_at")),
                name="sla_pause_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.ticket_id} paused {self.started_at:%Y-%m-%d %H:%M}"

    def as_interval(self):
        return (self.started_at, self.ended_at)


class Extension(models.Model):
    """More time for one clock, with the reason the citizen was told."""

    clock = models.ForeignKey(
        Clock, verbose_name=_("clock"), on_delete=models.CASCADE, related_name="extensions"
    )
    reason = models.TextField(_("reason"))
    old_due_at = models.DateTimeField(_("previous deadline"))
    new_due_at = models.DateTimeField(_("new deadline"))
    added = models.DurationField(_("time added"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("granted by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("deadline extension")
        verbose_name_plural = _("deadline extensions")
        ordering = ["clock_id", "at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(new_due_at__gt=models.F("old_due_at")), name="sla_extension_later"
            )
        ]

    def __str__(self):
        return f"{self.clock_id} → {self.new_due_at:%Y-%m-%d %H:%M}"


class ClockNotice(models.Model):
    """A warning or escalation the sweep decided on, waiting to be sent (then kept as the record).

    The sweep writes these set-based in the same statement that claims the clocks, so
    deciding costs a fixed number of queries; ``sweeps.sla_notify_pending`` sends them in
    bounded batches. One per clock and kind: a second sweep can never decide one twice.
    """

    class Kind(models.TextChoices):
        AT_RISK = "at_risk", _("deadline at risk")
        BREACH = "breach", _("deadline missed: to the supervisor")
        SECOND_LEVEL = "second_level", _("still missed: to the head of department")

    clock = models.ForeignKey(
        Clock, verbose_name=_("clock"), on_delete=models.CASCADE, related_name="notices"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    created_at = models.DateTimeField(_("decided at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    recipients = models.JSONField(_("recipients"), default=list, blank=True)

    class Meta:
        verbose_name = _("SLA notice")
        verbose_name_plural = _("SLA notices")
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["clock", "kind"], name="sla_notice_once_per_kind")]
        indexes = [
            models.Index(fields=["created_at"], condition=Q(sent_at__isnull=True), name="sla_notice_pending")
        ]

    def __str__(self):
        return f"{self.clock_id} {self.kind}"


class DigestSent(models.Model):
    """The morning digest of one department on one date went out (idempotence)."""

    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("department"),
        null=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    date = models.DateField(_("date"))
    at = models.DateTimeField(_("sent at"))

    class Meta:
        verbose_name = _("SLA digest")
        verbose_name_plural = _("SLA digests")
        constraints = [
            models.UniqueConstraint(
                fields=["department", "date"], name="sla_digest_once_per_day", nulls_distinct=False
            )
        ]

    def __str__(self):
        return f"{self.department_id} {self.date}"
