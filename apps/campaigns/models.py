"""Outbound campaigns: the campaign and its lifecycle, its targets (the call list), every
attempt with its disposition, and the two exclusion lists (citizens who asked not to be
called for a kind of campaign; numbers known to be wrong)."""

from __future__ import annotations

from datetime import time

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.core.models import TimeStampedModel

# Python weekday numbers (Monday 0 … Sunday 6): Sunday to Thursday, the Bahraini week.
DEFAULT_CALLING_DAYS = [6, 0, 1, 2, 3]


def default_calling_days() -> list[int]:
    return list(DEFAULT_CALLING_DAYS)


class Kind(models.TextChoices):
    DATA_UPDATE = "data_update", _("Data update")
    DRAW_INVITATION = "draw_invitation", _("Electronic-draw invitation")
    HANDOVER = "handover", _("Certificate or contract hand-over")
    CUSTOM = "custom", pgettext_lazy("campaign kind", "Custom")


# The contact purpose a kind of campaign logs its calls under, unless the campaign says otherwise.
KIND_PURPOSES = {
    Kind.DATA_UPDATE: "data_update",
    Kind.DRAW_INVITATION: "electronic_draw",
    Kind.HANDOVER: "certificates_contracts",
    Kind.CUSTOM: "other",
}


class Campaign(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("campaign status", "Draft")
        RUNNING = "running", pgettext_lazy("campaign status", "Running")
        PAUSED = "paused", pgettext_lazy("campaign status", "Paused")
        FINISHED = "finished", pgettext_lazy("campaign status", "Finished")

    # The one place that says which status may follow which.
    ALLOWED_MOVES = {
        Status.DRAFT: frozenset({Status.RUNNING, Status.FINISHED}),
        Status.RUNNING: frozenset({Status.PAUSED, Status.FINISHED}),
        Status.PAUSED: frozenset({Status.RUNNING, Status.FINISHED}),
        Status.FINISHED: frozenset(),
    }

    name_ar = models.CharField(_("name in Arabic"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    purpose = models.ForeignKey(
        "contacts.Purpose", verbose_name=_("purpose"), on_delete=models.PROTECT, related_name="+"
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    calling_days = ArrayField(
        models.PositiveSmallIntegerField(), verbose_name=_("calling days"), default=default_calling_days
    )
    calling_opens = models.TimeField(_("calling from"), default=time(8, 0))
    calling_closes = models.TimeField(_("calling until"), default=time(20, 0))
    max_attempts = models.PositiveSmallIntegerField(_("maximum attempts"), default=3)
    min_gap_minutes = models.PositiveIntegerField(_("minimum gap between attempts (minutes)"), default=120)
    script_ar = models.TextField(_("call script in Arabic"), blank=True)
    script_en = models.TextField(_("call script in English"), blank=True)
    fallback_sms_ar = models.TextField(_("SMS when unreachable, in Arabic"), blank=True)
    fallback_sms_en = models.TextField(_("SMS when unreachable, in English"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-starts_on", "-id"]
        permissions = [
            ("work_campaign", _("Can work the call lists of campaigns")),
            ("manage_campaign", _("Can manage campaigns and see their figures")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="campaign_dates_order"
            ),
            models.CheckConstraint(
                condition=Q(calling_closes__gt=models.F("calling_opens")), name="campaign_hours_order"
            ),
            models.CheckConstraint(condition=Q(max_attempts__gte=1), name="campaign_max_attempts_positive"),
        ]

    def __str__(self):
        return self.name()

    def name(self) -> str:
        from django.utils import translation

        if translation.get_language() == "en" and self.name_en:
            return self.name_en
        return self.name_ar

    def script(self, language: str) -> str:
        return (self.script_en if language == "en" and self.script_en else self.script_ar) or ""

    def fallback_sms(self, language: str) -> str:
        return (
            self.fallback_sms_en if language == "en" and self.fallback_sms_en else self.fallback_sms_ar
        ) or ""


class CampaignEvent(models.Model):
    """One move of a campaign's status: who, when, from, to, why."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.campaign_id}: {self.from_status} → {self.to_status}"


class Disposition(models.TextChoices):
    DONE = "done", _("Reached — done")
    REFUSED = "refused", _("Reached — refused")
    CALLBACK = "callback", _("Reached — call back later")
    NO_ANSWER = "no_answer", _("No answer")
    BUSY = "busy", _("Busy")
    SWITCHED_OFF = "switched_off", _("Switched off")
    WRONG_NUMBER = "wrong_number", _("Wrong number")
    NOT_IN_SERVICE = "not_in_service", _("Number not in service")


REACHED = frozenset({Disposition.DONE, Disposition.REFUSED, Disposition.CALLBACK})
# Failed attempts that bring the target back after the minimum gap, until the last one.
RETRIED = frozenset({Disposition.NO_ANSWER, Disposition.BUSY, Disposition.SWITCHED_OFF})
BAD_NUMBER = frozenset({Disposition.WRONG_NUMBER, Disposition.NOT_IN_SERVICE})


class Target(models.Model):
    """One citizen on a campaign's call list."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be called")
        CLAIMED = "claimed", _("In a call")
        DONE = "done", pgettext_lazy("target status", "Done")
        REFUSED = "refused", pgettext_lazy("target status", "Refused")
        EXHAUSTED = "exhausted", _("Attempts used up")
        UNREACHABLE = "unreachable", _("No working number")
        EXCLUDED = "excluded", pgettext_lazy("target status", "Excluded")

    class Exclusion(models.TextChoices):
        OPTED_OUT = "opted_out", _("Asked not to be called for this kind of campaign")
        WRONG_NUMBERS = "wrong_numbers", _("Every number is known to be wrong")

    class Answer(models.TextChoices):
        WILL_ATTEND = "will_attend", _("Will attend")
        WILL_NOT_ATTEND = "will_not_attend", _("Will not attend")

    CLOSED = frozenset({Status.DONE, Status.REFUSED, Status.EXHAUSTED, Status.UNREACHABLE, Status.EXCLUDED})

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="targets")
    citizen = models.ForeignKey(
        "citizens.Citizen", null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    cpr = models.CharField(_("CPR number"), max_length=9)
    name = models.CharField(_("name"), max_length=200)
    phones = ArrayField(models.CharField(max_length=20), verbose_name=_("numbers to call"), default=list)
    fields = models.JSONField(_("campaign fields"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    exclusion = models.CharField(_("excluded because"), max_length=20, choices=Exclusion.choices, blank=True)
    exclusion_detail = models.CharField(_("exclusion detail"), max_length=200, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_due_at = models.DateTimeField(_("next call due"), null=True, blank=True)
    callback_for = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("call back by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("claimed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    last_disposition = models.CharField(
        _("last disposition"), max_length=20, choices=Disposition.choices, blank=True
    )
    last_attempt_at = models.DateTimeField(_("last attempt at"), null=True, blank=True)
    reached_at = models.DateTimeField(_("first reached at"), null=True, blank=True)
    answer = models.CharField(_("answer"), max_length=20, choices=Answer.choices, blank=True)
    fallback_sms_at = models.DateTimeField(_("fall-back SMS queued at"), null=True, blank=True)
    source_line = models.PositiveIntegerField(_("line in the imported file"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "cpr"], name="campaign_target_once"),
            models.CheckConstraint(
                condition=Q(
                    status__in=[
                        "pending",
                        "claimed",
                        "done",
                        "refused",
                        "exhausted",
                        "unreachable",
                        "excluded",
                    ]
                ),
                name="target_status_known",
            ),
            models.CheckConstraint(
                condition=~Q(status="claimed") | Q(claimed_by__isnull=False, claimed_at__isnull=False),
                name="target_claimed_has_agent",
            ),
            models.CheckConstraint(
                condition=~Q(status="excluded") | ~Q(exclusion=""), name="target_excluded_has_reason"
            ),
        ]
        indexes = [
            # "Next call": the oldest due target of a campaign; only pending rows are indexed,
            # so the list shrinks as it is worked and the claim stays one index probe.
            models.Index(
                fields=["campaign", "next_due_at", "id"],
                condition=Q(status="pending"),
                name="target_due_queue",
            ),
            models.Index(fields=["campaign", "status"], name="target_campaign_status"),
            models.Index(
                fields=["claimed_by", "campaign"], condition=Q(status="claimed"), name="target_claimed"
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.masked_cpr})"

    @property
    def masked_cpr(self) -> str:
        return "*****" + self.cpr[-4:]

    @property
    def is_closed(self) -> bool:
        return self.status in self.CLOSED


class Attempt(models.Model):
    """One call to a target, with its disposition; each is also a contact (``contact``)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="attempts")
    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="attempt_rows")
    number = models.PositiveSmallIntegerField(_("attempt"))
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    disposition = models.CharField(_("disposition"), max_length=20, choices=Disposition.choices)
    phone = models.CharField(_("number called"), max_length=20, blank=True)
    started_at = models.DateTimeField(_("started at"))
    at = models.DateTimeField(_("recorded at"))
    callback_at = models.DateTimeField(_("call back at"), null=True, blank=True)
    answer = models.CharField(_("answer"), max_length=20, choices=Target.Answer.choices, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    contact = models.ForeignKey(
        "contacts.Contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    appointment_ref = models.CharField(_("appointment booked"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")
        constraints = [
            models.UniqueConstraint(fields=["target", "number"], name="attempt_number_once"),
            models.CheckConstraint(
                condition=Q(disposition__in=[d.value for d in Disposition]), name="attempt_disposition_known"
            ),
        ]
        indexes = [
            models.Index(fields=["campaign", "at"], name="attempt_campaign_at"),
            models.Index(fields=["at"], name="attempt_at"),
        ]

    def __str__(self):
        return f"{self.target_id} #{self.number} {self.disposition}"

    @property
    def reached(self) -> bool:
        return self.disposition in REACHED


class OptOut(models.Model):
    """A citizen who asked not to be called for a kind of campaign (empty kind: any)."""

    cpr = models.CharField(_("CPR number"), max_length=9)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("do-not-call request")
        verbose_name_plural = _("do-not-call requests")
        constraints = [models.UniqueConstraint(fields=["cpr", "kind"], name="opt_out_once")]

    def __str__(self):
        return f"{self.cpr[-4:]} {self.kind or '*'}"


class WrongNumber(models.Model):
    """A number known not to reach the person it was filed for (wrong, or not in service)."""

    number = models.CharField(_("phone number"), max_length=20, unique=True)
    reason = models.CharField(_("reason"), max_length=20, choices=Disposition.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"))
    campaign = models.ForeignKey(Campaign, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("wrong number")
        verbose_name_plural = _("wrong numbers")

    def __str__(self):
        return self.number


class DataChange(models.Model):
    """What a data-update call confirmed or changed, with who and when."""

    class What(models.TextChoices):
        PHONE_CONFIRMED = "phone_confirmed", _("Phone number confirmed")
        PHONE_ADDED = "phone_added", _("Phone number added")
        PHONE_WRONG = "phone_wrong", _("Phone number flagged as wrong")
        ADDRESS_CONFIRMED = "address_confirmed", _("Address confirmed")
        ADDRESS_CHANGED = "address_changed", _("Address changed")

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="data_changes")
    citizen = models.ForeignKey("citizens.Citizen", on_delete=models.CASCADE, related_name="+")
    what = models.CharField(_("what"), max_length=20, choices=What.choices)
    before = models.CharField(_("before"), max_length=300, blank=True)
    after = models.CharField(_("after"), max_length=300, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("data-update change")
        verbose_name_plural = _("data-update changes")
        indexes = [models.Index(fields=["citizen", "-at", "-id"], name="data_change_timeline")]

    def __str__(self):
        return f"{self.what} {self.at:%Y-%m-%d %H:%M}"


# Module-level names for the OpenAPI enum overrides (settings.SPECTACULAR_SETTINGS).
CampaignStatus = Campaign.Status
TargetStatus = Target.Status
