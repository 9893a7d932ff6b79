"""Contacts: every interaction on every channel, its purpose and outcome; the managed
purpose taxonomy and its approved quick answers; follow-ups referred to departments;
callbacks promised to citizens."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel


class Channel(models.TextChoices):
    INBOUND_CALL = "inbound_call", _("Inbound call")
    OUTBOUND_CALL = "outbound_call", _("Outbound call")
    CHAT = "chat", _("Live chat")
    VIDEO = "video", _("Video call")
    WALK_IN = "walk_in", _("Walk-in")
    EMAIL = "email", _("E-mail")
    WEB_FORM = "web_form", _("Web form")
    TAWASUL = "tawasul", _("Tawasul")
    UYC = "uyc", _("Under Your Command")
    # A citizen's text message that could not be threaded to a ticket (apps.integrations.sms).
    SMS = "sms", _("SMS")


# Channels whose contact content is confidential to senior management (accounts.view_uyc_cases).
CONFIDENTIAL_CHANNELS = frozenset({Channel.UYC})


class Outcome(models.TextChoices):
    RESOLVED = "resolved_first_contact", _("Resolved on first contact")
    REFERRED = "referred", _("Referred to a department for follow-up")
    TICKET_OPENED = "ticket_opened", _("Ticket opened")
    APPOINTMENT_BOOKED = "appointment_booked", _("Appointment booked")
    CALLBACK_SCHEDULED = "callback_scheduled", _("Callback scheduled")
    ABANDONED = "abandoned", _("Abandoned")


class Purpose(TimeStampedModel):
    """Why the citizen got in touch: a managed list (Django admin), seeded from DESIGN.md."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_ar = models.CharField(_("name in Arabic"), max_length=150)
    name_en = models.CharField(_("name in English"), max_length=150)
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("contact purpose")
        verbose_name_plural = _("contact purposes")
        ordering = ["order", "code"]

    def __str__(self):
        from django.utils import translation

        return self.name_ar if translation.get_language() == "ar" else self.name_en


class QuickAnswer(TimeStampedModel):
    """An approved answer an agent may read out or send by SMS, per purpose."""

    purpose = models.ForeignKey(
        Purpose, on_delete=models.CASCADE, related_name="quick_answers", verbose_name=_("purpose")
    )
    title_ar = models.CharField(_("title in Arabic"), max_length=150)
    title_en = models.CharField(_("title in English"), max_length=150)
    body_ar = models.TextField(_("answer in Arabic"))
    body_en = models.TextField(_("answer in English"))
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("quick answer")
        verbose_name_plural = _("quick answers")
        ordering = ["purpose__order", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["purpose", "title_en"], name="quick_answer_unique_title"),
        ]

    def __str__(self):
        return self.title()

    def title(self) -> str:
        from django.utils import translation

        return self.title_ar if translation.get_language() == "ar" else self.title_en

    def body(self) -> str:
        from django.utils import translation

        return self.body_ar if translation.get_language() == "ar" else self.body_en


class Contact(TimeStampedModel):
    """One interaction on one channel. ``answered_at`` empty means the citizen was not
    answered (an abandoned call); ``outcome`` empty means the agent has not wrapped up yet."""

    class RecordedVia(models.TextChoices):
        CONSOLE = "console", _("Agent console")
        API = "api", _("Telephony API")
        CSV = "csv", _("CSV import")
        DEMO = "demo", _("Demo data")

    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    # Indexes are chosen for a table of tens of millions of rows written in bulk: the
    # citizen is served by the timeline index below; purpose, department and creator are
    # only ever filtered together with a date range (the offered_at index).
    citizen = models.ForeignKey(
        "citizens.Citizen",
        verbose_name=_("citizen"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contacts",
        db_index=False,
    )
    caller_number = models.CharField(_("caller's number"), max_length=20, blank=True)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contacts",
    )
    purpose = models.ForeignKey(
        Purpose,
        verbose_name=_("purpose"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    outcome = models.CharField(_("outcome"), max_length=30, choices=Outcome.choices, blank=True)
    offered_at = models.DateTimeField(_("offered at"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    call_id = models.CharField(_("telephony call id"), max_length=100, null=True, blank=True, unique=True)
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("referred to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contacts",
        db_index=False,  # the partial index below: only the few contacts that opened a ticket
    )
    tags = models.ManyToManyField("tickets.Tag", verbose_name=_("tags"), blank=True, related_name="contacts")
    recorded_via = models.CharField(
        _("recorded via"), max_length=10, choices=RecordedVia.choices, default=RecordedVia.CONSOLE
    )
    telephony_received_at = models.DateTimeField(_("telephony record received at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)  # no index: reports use offered_at
    # The citizen's latest earlier contact on the same purpose within
    # ``HOUSING_REPEAT_CONTACT_DAYS`` calendar days, any channel (see ``repeats.py``);
    # set when the contact is recorded, in the same transaction. Empty: not a repeat.
    repeat_of = models.ForeignKey(
        "self",
        verbose_name=_("repeat of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,  # the partial index below: only the repeats
    )

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        permissions = [("import_contacts", _("Can post contact records through the telephony API"))]
        indexes = [
            # The console's timeline: one citizen's contacts, newest first.
            models.Index(fields=["citizen", "-offered_at", "-id"], name="contact_citizen_timeline"),
            # Every report and list is a date range first.
            models.Index(fields=["offered_at"], name="contact_offered_at"),
            # A screen-pop for an unknown number shows earlier contacts from that number.
            models.Index(fields=["caller_number", "-offered_at"], name="contact_caller_number"),
            models.Index(fields=["ticket"], condition=Q(ticket__isnull=False), name="contact_ticket"),
            models.Index(
                fields=["repeat_of"], condition=Q(repeat_of__isnull=False), name="contact_repeat_of"
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(channel__in=Channel.values), name="contact_channel_known"),
            models.CheckConstraint(
                condition=Q(outcome="") | Q(outcome__in=Outcome.values), name="contact_outcome_known"
            ),
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True) | Q(answered_at__gte=F("offered_at")),
                name="contact_answered_after_offered",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=F("offered_at")),
                name="contact_ended_after_offered",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True)
                | Q(answered_at__isnull=True)
                | Q(ended_at__gte=F("answered_at")),
                name="contact_ended_after_answered",
            ),
            # Null answered_at means abandoned, and only then.
            models.CheckConstraint(
                condition=(Q(answered_at__isnull=True) & Q(outcome=Outcome.ABANDONED))
                | (Q(answered_at__isnull=False) & ~Q(outcome=Outcome.ABANDONED)),
                name="contact_abandoned_iff_unanswered",
            ),
            models.CheckConstraint(
                condition=~Q(outcome=Outcome.REFERRED) | Q(department__isnull=False),
                name="contact_referred_has_department",
            ),
            models.CheckConstraint(
                condition=~Q(outcome=Outcome.TICKET_OPENED) | Q(ticket__isnull=False),
                name="contact_ticket_opened_has_ticket",
            ),
        ]

    def __str__(self):
        return f"{self.get_channel_display()} {self.offered_at:%Y-%m-%d %H:%M}"

    @property
    def is_confidential(self) -> bool:
        return self.channel in CONFIDENTIAL_CHANNELS

    @property
    def is_repeat(self) -> bool:
        return self.repeat_of_id is not None

    @property
    def wait_seconds(self) -> float | None:
        if self.answered_at is None:
            return None
        return (self.answered_at - self.offered_at).total_seconds()

    @property
    def handling_seconds(self) -> float | None:
        if self.answered_at is None or self.ended_at is None:
            return None
        return (self.ended_at - self.answered_at).total_seconds()


class QuickAnswerUse(models.Model):
    """A quick answer given during a contact; ``send_by_sms`` asks for it to be texted later."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="quick_answer_uses")
    quick_answer = models.ForeignKey(QuickAnswer, on_delete=models.PROTECT, related_name="+")
    send_by_sms = models.BooleanField(_("send by SMS later"), default=False)
    # When the SMS was written to the notifications outbox (empty: no number to text).
    sms_queued_at = models.DateTimeField(_("SMS queued at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("quick answer given")
        verbose_name_plural = _("quick answers given")
        constraints = [
            models.UniqueConstraint(fields=["contact", "quick_answer"], name="quick_answer_once_per_contact")
        ]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=Q(send_by_sms=True, sms_queued_at__isnull=True),
                name="sms_pending",
            )
        ]

    def __str__(self):
        return f"{self.contact_id} · {self.quick_answer_id}"


class FollowUp(TimeStampedModel):
    """A contact referred to a department, waiting for the department's answer."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Answered")

    # The one place that says which status may follow which.
    ALLOWED_MOVES = {Status.OPEN: frozenset({Status.CLOSED}), Status.CLOSED: frozenset()}

    contact = models.OneToOneField(
        Contact, on_delete=models.PROTECT, related_name="follow_up", verbose_name=_("contact")
    )
    citizen = models.ForeignKey(
        "citizens.Citizen",
        verbose_name=_("citizen"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="follow_ups",
    )
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="follow_ups",
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    due_at = models.DateTimeField(_("due"))
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        indexes = [
            models.Index(fields=["department", "status", "due_at"], name="follow_up_queue"),
            models.Index(fields=["citizen", "-created_at", "-id"], name="follow_up_citizen_timeline"),
            models.Index(fields=["status", "due_at"], name="follow_up_status_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open") | Q(answered_at__isnull=False), name="follow_up_closed_has_answer"
            )
        ]

    def __str__(self):
        return f"{self.department} · {self.contact_id}"

    def is_overdue(self, now=None) -> bool:
        return self.status == self.Status.OPEN and (now or timezone.now()) > self.due_at


class FollowUpEvent(models.Model):
    follow_up = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.follow_up_id}: {self.from_status} → {self.to_status}"


class Callback(TimeStampedModel):
    """A promise to call the citizen back at a given time."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    ALLOWED_MOVES = {
        Status.SCHEDULED: frozenset({Status.DONE, Status.CANCELLED}),
        Status.DONE: frozenset(),
        Status.CANCELLED: frozenset(),
    }

    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="callbacks")
    citizen = models.ForeignKey(
        "citizens.Citizen", null=True, blank=True, on_delete=models.PROTECT, related_name="callbacks"
    )
    number = models.CharField(_("number to call"), max_length=20)
    due_at = models.DateTimeField(_("call back at"))
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        on_delete=models.PROTECT,
        related_name="callbacks",
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("callback")
        verbose_name_plural = _("callbacks")
        indexes = [models.Index(fields=["assigned_to", "status", "due_at"], name="callback_agent_queue")]

    def __str__(self):
        return f"{self.number} @ {self.due_at:%Y-%m-%d %H:%M}"
