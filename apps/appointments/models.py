"""Appointments: branches, the services they offer and with how many counters, opening
hours and closures, the appointments themselves, the per-slot booking counters that keep
every slot within capacity, and the front desk's record (check-in, served, walk-ins)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.core.models import TimeStampedModel


class _Bilingual:
    def display_name(self) -> str:
        if translation.get_language() == "en" and self.name_en:
            return self.name_en
        return self.name_ar

    def __str__(self):
        return self.display_name()


class Branch(_Bilingual, TimeStampedModel):
    """A customer-service branch where citizens are seen."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_ar = models.CharField(_("name in Arabic"), max_length=150)
    name_en = models.CharField(_("name in English"), max_length=150)
    address_ar = models.CharField(_("address in Arabic"), max_length=300, blank=True)
    address_en = models.CharField(_("address in English"), max_length=300, blank=True)
    map_url = models.URLField(_("map link"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("branch")
        verbose_name_plural = _("branches")
        ordering = ["name_en"]

    def address(self) -> str:
        if translation.get_language() == "en" and self.address_en:
            return self.address_en
        return self.address_ar


class OpeningHours(models.Model):
    """When a branch receives citizens on one weekday (Python numbering: Monday 0 … Sunday 6).

    A weekday with no row is closed. Weekends and public holidays also come from the SLA
    business calendar, the one calendar of the product: a slot needs both to be open.
    """

    branch = models.ForeignKey(
        Branch, on_delete=models.CASCADE, related_name="hours", verbose_name=_("branch")
    )
    weekday = models.PositiveSmallIntegerField(
        _("weekday"),
        choices=[
            (6, _("Sunday")),
            (0, _("Monday")),
            (1, _("Tuesday")),
            (2, _("Wednesday")),
            (3, _("Thursday")),
            (4, _("Friday")),
            (5, _("Saturday")),
        ],
    )
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        ordering = ["branch", "weekday"]
        constraints = [
            models.UniqueConstraint(fields=["branch", "weekday"], name="appointments_hours_once_per_day"),
            models.CheckConstraint(condition=Q(opens__lt=F("closes")), name="appointments_hours_open_first"),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="appointments_hours_weekday"),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class Service(_Bilingual, TimeStampedModel):
    """What a citizen comes for (new housing application, Mazaya, …)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_ar = models.CharField(_("name in Arabic"), max_length=150)
    name_en = models.CharField(_("name in English"), max_length=150)
    slot_minutes = models.PositiveSmallIntegerField(_("slot length (minutes)"), default=15)
    min_notice_minutes = models.PositiveIntegerField(
        _("minimum notice (minutes)"),
        default=60,
        help_text=_("How long before a slot it can still be booked."),
    )
    horizon_days = models.PositiveSmallIntegerField(
        _("booking horizon (days)"), default=30, help_text=_("How many days ahead slots are offered.")
    )
    documents_ar = models.TextField(
        _("documents to bring, in Arabic"), blank=True, help_text=_("One per line.")
    )
    documents_en = models.TextField(
        _("documents to bring, in English"), blank=True, help_text=_("One per line.")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = pgettext_lazy("appointments", "service")
        verbose_name_plural = pgettext_lazy("appointments", "services")
        ordering = ["order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(slot_minutes__gte=5, slot_minutes__lte=240), name="appointments_slot_length"
            )
        ]

    def documents(self) -> list[str]:
        text = (
            self.documents_en
            if translation.get_language() == "en" and self.documents_en
            else self.documents_ar
        )
        return [line.strip() for line in text.splitlines() if line.strip()]


class Offering(TimeStampedModel):
    """A branch offers a service, with ``counters`` citizens seen at once (capacity per slot)."""

    branch = models.ForeignKey(
        Branch, on_delete=models.CASCADE, related_name="offerings", verbose_name=_("branch")
    )
    service = models.ForeignKey(
        Service,
        on_delete=models.CASCADE,
        related_name="offerings",
        verbose_name=pgettext_lazy("appointments", "service"),
    )
    counters = models.PositiveSmallIntegerField(_("counters (capacity per slot)"), default=1)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("service at a branch")
        verbose_name_plural = _("services at branches")
        ordering = ["branch__name_en", "service__order"]
        constraints = [
            models.UniqueConstraint(fields=["branch", "service"], name="appointments_offering_once")
        ]

    def __str__(self):
        return f"{self.branch} — {self.service}"


class CapacityChange(models.Model):
    """Other counters for an offering on a range of dates (more staff in a campaign, fewer in a
    holiday week). The latest-starting change covering a date wins."""

    offering = models.ForeignKey(
        Offering,
        on_delete=models.CASCADE,
        related_name="capacity_changes",
        verbose_name=_("service at a branch"),
    )
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("to (inclusive)"))
    counters = models.PositiveSmallIntegerField(_("counters (capacity per slot)"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("capacity change")
        verbose_name_plural = _("capacity changes")
        ordering = ["offering", "start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_date__lte=F("end_date")), name="appointments_capacity_dates"
            )
        ]

    def __str__(self):
        return f"{self.offering}: {self.counters} ({self.start_date}–{self.end_date})"


class BranchClosure(models.Model):
    """A branch closed on a range of dates (its own closure; the ministry-wide holidays and
    closures are the SLA calendar's)."""

    branch = models.ForeignKey(
        Branch, on_delete=models.CASCADE, related_name="closures", verbose_name=_("branch")
    )
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("to (inclusive)"))
    reason_ar = models.CharField(_("reason in Arabic"), max_length=200)
    reason_en = models.CharField(_("reason in English"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("branch closure")
        verbose_name_plural = _("branch closures")
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_date__lte=F("end_date")), name="appointments_closure_dates"
            )
        ]

    def __str__(self):
        return f"{self.branch}: {self.start_date}–{self.end_date}"

    def reason(self) -> str:
        if translation.get_language() == "en" and self.reason_en:
            return self.reason_en
        return self.reason_ar


class BranchStaff(models.Model):
    """Which branch a member of the front desk works at (their list and day sheet)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="branch_post", verbose_name=_("user")
    )
    branch = models.ForeignKey(
        Branch, on_delete=models.CASCADE, related_name="staff", verbose_name=_("branch")
    )

    class Meta:
        verbose_name = _("branch staff member")
        verbose_name_plural = _("branch staff")

    def __str__(self):
        return f"{self.user} @ {self.branch}"


class Status(models.TextChoices):
    BOOKED = "booked", _("Booked")
    CHECKED_IN = "checked_in", _("Checked in")
    SERVED = "served", _("Served")
    NO_SHOW = "no_show", _("Did not come")
    CANCELLED = "cancelled", _("Cancelled")


# The one mapping of allowed moves; ``services.appointment_transition`` checks it.
MOVES: dict[str, frozenset[str]] = {
    Status.BOOKED: frozenset({Status.CHECKED_IN, Status.NO_SHOW, Status.CANCELLED}),
    Status.CHECKED_IN: frozenset({Status.SERVED}),
    Status.NO_SHOW: frozenset({Status.CHECKED_IN}),  # late arrival the same day, within reason
    Status.SERVED: frozenset(),
    Status.CANCELLED: frozenset(),
}
# Statuses that hold a seat of their slot (the counter counts them).
HOLDS_SEAT = frozenset({Status.BOOKED, Status.CHECKED_IN, Status.SERVED, Status.NO_SHOW})
ATTENDED = frozenset({Status.CHECKED_IN, Status.SERVED})


class Channel(models.TextChoices):
    PHONE = "phone", _("Contact centre (phone)")
    PORTAL = "portal", _("Citizen portal")
    API = "api", _("API")
    CAMPAIGN = "campaign", _("Outbound campaign")
    FRONT_DESK = "front_desk", _("Front desk")
    WALK_IN = "walk_in", _("Walk-in")
    DEMO = "demo", _("Demo data")


class ServedOutcome(models.TextChoices):
    COMPLETED = "completed", _("Completed")
    DOCUMENTS_MISSING = "documents_missing", _("Documents missing")
    REFERRED = "referred", _("Referred to a department")
    OTHER = "other", _("Other")


class Appointment(TimeStampedModel):
    reference = models.CharField(_("reference"), max_length=20, unique=True)
    citizen = models.ForeignKey(
        "citizens.Citizen",
        on_delete=models.PROTECT,
        related_name="appointments",
        verbose_name=_("citizen"),
        db_index=False,
    )
    branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, related_name="appointments", verbose_name=_("branch")
    )
    service = models.ForeignKey(
        Service,
        on_delete=models.PROTECT,
        related_name="appointments",
        verbose_name=pgettext_lazy("appointments", "service"),
    )
    slot_start = models.DateTimeField(_("slot start"))
    slot_end = models.DateTimeField(_("slot end"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.BOOKED)
    channel = models.CharField(_("booked through"), max_length=20, choices=Channel.choices)
    booked_at = models.DateTimeField(_("booked at"))
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("booked by"),
    )
    contact = models.ForeignKey(
        "contacts.Contact",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="appointments",
        verbose_name=_("contact"),
    )
    mobile = models.CharField(_("mobile for messages"), max_length=20, blank=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    served_at = models.DateTimeField(_("served at"), null=True, blank=True)
    served_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("served by"),
    )
    served_outcome = models.CharField(_("outcome"), max_length=30, choices=ServedOutcome.choices, blank=True)
    served_note = models.CharField(_("note"), max_length=500, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=300, blank=True)
    no_show_at = models.DateTimeField(_("marked as no-show at"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)
    reschedule_count = models.PositiveSmallIntegerField(_("times rescheduled"), default=0)

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["slot_start", "id"]
        permissions = [
            ("book_appointment", _("Can book appointments for citizens")),
            ("use_front_desk", _("Can work the branch front desk")),
            ("view_appointment_figures", _("Can see the appointment figures")),
            ("manage_branch_closures", _("Can close a branch and move its appointments")),
        ]
        indexes = [
            models.Index(fields=["branch", "slot_start"], name="appt_branch_slot"),
            models.Index(fields=["citizen", "-slot_start"], name="appt_citizen_timeline"),
            models.Index(fields=["booked_at"], name="appt_booked_at"),
            # The sweeps: reminders and no-shows read only the booked ones.
            models.Index(fields=["slot_start"], condition=Q(status="booked"), name="appt_booked_slot"),
        ]
        constraints = [
            # One active appointment per citizen per service, also under concurrent bookings.
            models.UniqueConstraint(
                fields=["citizen", "service"],
                condition=Q(status="booked"),
                name="appointments_one_active_per_service",
            ),
            models.CheckConstraint(condition=Q(status__in=Status.values), name="appointments_status_known"),
            models.CheckConstraint(condition=Q(slot_start__lt=F("slot_end")), name="appointments_slot_order"),
        ]

    def __str__(self):
        return self.reference

    @property
    def is_walk_in(self) -> bool:
        return self.channel == Channel.WALK_IN

    @property
    def wait_minutes(self) -> int | None:
        if self.checked_in_at and self.served_at:
            return max(0, int((self.served_at - self.checked_in_at).total_seconds() // 60))
        return None


class SlotCounter(models.Model):
    """How many seats of one slot (branch × service × start) are taken.

    Every booking adds one with ``UPDATE … SET booked = booked + 1 WHERE booked < capacity``:
    the row lock serialises concurrent bookings of the slot and PostgreSQL re-checks the
    condition on the newest row, so a slot never goes over capacity; the check constraint is
    the last line of defence against a negative count.
    """

    branch = models.ForeignKey(Branch, on_delete=models.CASCADE, related_name="+")
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="+")
    slot_start = models.DateTimeField()
    booked = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["service", "branch", "slot_start"], name="appointments_slot_counter_once"
            ),
            models.CheckConstraint(condition=Q(booked__gte=0), name="appointments_slot_counter_not_negative"),
        ]

    def __str__(self):
        return f"{self.branch_id}/{self.service_id} {self.slot_start:%Y-%m-%d %H:%M}: {self.booked}"


class AppointmentEvent(models.Model):
    """Every change of an appointment: who, when, from, to, why."""

    class Kind(models.TextChoices):
        BOOKED = "booked", _("Booked")
        STATUS = "status", _("Status changed")
        RESCHEDULED = "rescheduled", _("Rescheduled")

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    from_slot = models.DateTimeField(null=True, blank=True)
    to_slot = models.DateTimeField(null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    channel = models.CharField(max_length=20, blank=True)
    reason = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField()

    class Meta:
        verbose_name = _("appointment event")
        verbose_name_plural = _("appointment events")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.appointment_id} {self.kind} {self.from_status}→{self.to_status}"
