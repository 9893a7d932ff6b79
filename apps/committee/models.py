"""The housing committee: committees and their members, referrals waiting for a ruling,
meetings with their agendas and attendance, decisions, and the letters they cause."""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.core.models import TimeStampedModel


def documents_storage() -> FileSystemStorage:
    """Referral documents live outside the web root; only a permission-checked view serves them."""
    root = getattr(settings, "HOUSING_PRIVATE_FILES_ROOT", Path(settings.BASE_DIR) / "var" / "private")
    return FileSystemStorage(location=Path(root) / "committee", base_url=None)


def _document_path(instance, filename: str) -> str:
    # A random name: the citizen's file name is kept in the row, never on disk.
    return f"referrals/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


def _minutes_path(instance, filename: str) -> str:
    return f"minutes/{instance.year}/{instance.committee_id}-{instance.number}-{uuid.uuid4().hex[:8]}.pdf"


class Committee(TimeStampedModel):
    """A committee that rules on referred housing cases (the Housing Committee first)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_ar = models.CharField(_("name in Arabic"), max_length=150)
    name_en = models.CharField(_("name in English"), max_length=150)
    quorum_minimum = models.PositiveSmallIntegerField(
        _("quorum (voting members present)"),
        null=True,
        blank=True,
        help_text=_("Leave empty for a majority of the active voting members (chair and members)."),
    )
    quorum_requires_chair = models.BooleanField(_("the chair must be present"), default=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("committee")
        verbose_name_plural = _("committees")
        ordering = ["code"]

    def __str__(self):
        return self.name_ar if translation.get_language() == "ar" else self.name_en

    def name_in(self, language: str) -> str:
        return self.name_ar if language == "ar" else self.name_en


class MemberRole(models.TextChoices):
    CHAIR = "chair", _("Chair")
    MEMBER = "member", _("Member")
    SECRETARY = "secretary", _("Secretary")


VOTING_ROLES = (MemberRole.CHAIR, MemberRole.MEMBER)


class Membership(TimeStampedModel):
    committee = models.ForeignKey(
        Committee, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("committee")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="committee_memberships",
        verbose_name=_("staff member"),
    )
    role = models.CharField(_("role"), max_length=10, choices=MemberRole.choices)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("committee membership")
        verbose_name_plural = _("committee memberships")
        ordering = ["committee", "role", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "user"], condition=Q(is_active=True), name="committee_one_active_seat"
            ),
            models.UniqueConstraint(
                fields=["committee"],
                condition=Q(is_active=True, role="chair"),
                name="committee_one_active_chair",
            ),
        ]

    def __str__(self):
        return f"{self.user} ({self.get_role_display()})"


class RejectionReason(TimeStampedModel):
    """The managed list of reasons a rejection (اعتذار) must cite."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    text_ar = models.CharField(_("text in Arabic"), max_length=300)
    text_en = models.CharField(_("text in English"), max_length=300)
    is_active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        verbose_name = _("rejection reason")
        verbose_name_plural = _("rejection reasons")
        ordering = ["order", "code"]

    def __str__(self):
        return self.text_in(translation.get_language() or "ar")

    def text_in(self, language: str) -> str:
        return self.text_ar if language == "ar" else self.text_en


class SourceKind(models.TextChoices):
    SECRETARY = "secretary", _("Entered by the secretary")
    TICKET = "ticket", _("Ticket")
    ESCALATION = "escalation", _("Under Your Command")
    APPEAL = "appeal", _("Appeal")


class ReferralStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SCHEDULED = "scheduled", _("On an agenda")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class Referral(TimeStampedModel):
    """A case referred to a committee for a ruling."""

    committee = models.ForeignKey(
        Committee, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("committee")
    )
    reference = models.CharField(_("reference"), max_length=20, unique=True)
    citizen = models.ForeignKey(
        "citizens.Citizen",
        on_delete=models.PROTECT,
        related_name="committee_referrals",
        verbose_name=_("citizen"),
    )
    subject = models.CharField(_("subject"), max_length=300)
    housing_application_number = models.CharField(_("housing application number"), max_length=30, blank=True)
    summary = models.TextField(_("summary"))
    source_kind = models.CharField(
        _("source"), max_length=12, choices=SourceKind.choices, default=SourceKind.SECRETARY
    )
    # The source's own public reference (a ticket's review number, an escalation's number)
    # as given at referral time; the ticket itself when the case came from one. The
    # escalation link comes with the escalations app (see listeners.py).
    source_reference = models.CharField(_("source reference"), max_length=30, blank=True, db_index=True)
    ticket = models.ForeignKey(
        "tickets.Ticket",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="committee_referrals",
        verbose_name=_("ticket"),
    )
    appeal_of = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appeal",
        verbose_name=_("appeal of"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.PENDING
    )
    referred_at = models.DateTimeField(_("referred at"), default=timezone.now, db_index=True)
    deferral_count = models.PositiveSmallIntegerField(_("deferrals"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-referred_at", "-id"]
        indexes = [
            # The pending pool's order (deferred ones first, then the oldest) and its keyset.
            models.Index(
                F("committee"),
                F("deferral_count").desc(),
                F("referred_at"),
                F("id"),
                condition=Q(status="pending"),
                name="committee_referral_pool",
            ),
            models.Index(fields=["committee", "status"], name="committee_referral_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(source_kind="appeal") | Q(appeal_of__isnull=False),
                name="committee_referral_appeal_has_original",
            ),
        ]

    def __str__(self):
        return f"{self.reference} · {self.subject}"

    @property
    def review_number(self) -> str:
        """The citizen's reference from the ticket the case came from, if any."""
        if self.ticket_id:
            return self.ticket.review_number
        if self.source_kind == SourceKind.TICKET:
            return self.source_reference
        if self.appeal_of_id and self.source_reference:
            return self.source_reference
        return ""

    def age_days(self, now=None) -> int:
        now = now or timezone.now()
        return (timezone.localdate(now) - timezone.localdate(self.referred_at)).days


class ReferralEvent(models.Model):
    """Every status change of a referral: from, to, who, when, why."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=10, choices=ReferralStatus.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=ReferralStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("referral event")
        verbose_name_plural = _("referral events")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.referral_id}: {self.from_status or '-'} → {self.to_status}"


class ReferralDocument(models.Model):
    referral = models.ForeignKey(
        Referral, on_delete=models.CASCADE, related_name="documents", verbose_name=_("referral")
    )
    file = models.FileField(_("file"), storage=documents_storage, upload_to=_document_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("referral document")
        verbose_name_plural = _("referral documents")
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.original_name


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("Planned / in session")
    CLOSED = "closed", _("Closed, awaiting the chair's sign-off")
    SIGNED = "signed", _("Signed by the chair")


# The one map of allowed meeting moves; services.meeting_transition checks it.
MEETING_MOVES: dict[str, frozenset[str]] = {
    MeetingStatus.PLANNED: frozenset({MeetingStatus.CLOSED}),
    MeetingStatus.CLOSED: frozenset({MeetingStatus.SIGNED, MeetingStatus.PLANNED}),
    MeetingStatus.SIGNED: frozenset(),
}


class Meeting(TimeStampedModel):
    committee = models.ForeignKey(
        Committee, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("committee")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveSmallIntegerField(_("meeting number"))
    date = models.DateField(_("date"), db_index=True)
    starts_at = models.TimeField(_("time"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    # None until the secretary records attendance; then whether the quorum rule was met.
    quorum_reached = models.BooleanField(_("quorum reached"), null=True, blank=True)
    attendance_recorded_at = models.DateTimeField(null=True, blank=True)
    attendance_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The minutes as last generated (a draft at closing, the signed copy at sign-off).
    minutes_file = models.FileField(
        storage=documents_storage, upload_to=_minutes_path, blank=True, max_length=200
    )
    minutes_sha256 = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-date", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "year", "number"], name="committee_meeting_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="committee_meeting_number_positive"),
        ]

    def __str__(self):
        return f"{self.number}/{self.year}"

    @property
    def label(self) -> str:
        return f"{self.number}/{self.year}"

    @property
    def is_open(self) -> bool:
        return self.status != MeetingStatus.SIGNED


class MeetingEvent(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=10, choices=MeetingStatus.choices)
    to_status = models.CharField(max_length=10, choices=MeetingStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.meeting_id}: {self.from_status} → {self.to_status}"


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("role"), max_length=10, choices=MemberRole.choices)
    present = models.BooleanField(_("present"))

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["role", "id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "user"], name="committee_attendance_once")]

    def __str__(self):
        return f"{self.user_id} @ {self.meeting_id}: {self.present}"


class AgendaItem(models.Model):
    """A referral put on a meeting's agenda.

    ``is_open`` is true while the item waits on a meeting whose minutes are not signed; the
    partial unique index keeps a referral off two open agendas even under concurrent adds.
    """

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="agenda_items")
    position = models.PositiveSmallIntegerField(_("position"))
    is_open = models.BooleanField(default=True)
    not_reached = models.BooleanField(_("not reached"), default=False)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "referral"], name="committee_agenda_once_per_meeting"),
            models.UniqueConstraint(
                fields=["referral"], condition=Q(is_open=True), name="committee_agenda_one_open"
            ),
        ]

    def __str__(self):
        return f"{self.meeting_id} #{self.position}: {self.referral_id}"


class Outcome(models.TextChoices):
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    DEFERRED = "deferred", _("Deferred for more study")


class Decision(models.Model):
    """The committee's ruling on one referral at one meeting.

    Editable while the meeting is not signed; ``is_final`` is set at the chair's sign-off,
    after which a database trigger refuses any change to the row. A correction is a new
    Decision that ``amends`` the old one, with who and why.
    """

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="decisions")
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="decisions")
    outcome = models.CharField(
        pgettext_lazy("committee decision", "outcome"), max_length=10, choices=Outcome.choices
    )
    conditions = models.TextField(_("conditions"), blank=True)
    rejection_reason = models.ForeignKey(
        RejectionReason, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("reason")
    )
    reason_note = models.TextField(_("further explanation"), blank=True)
    needs = models.TextField(_("what is needed"), blank=True)
    amends = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="amended_by"
    )
    amendment_reason = models.TextField(_("reason for the amendment"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    is_final = models.BooleanField(default=False)
    final_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["meeting", "recorded_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "referral"],
                condition=Q(amends__isnull=True),
                name="committee_one_decision_per_meeting",
            ),
            models.CheckConstraint(
                condition=~Q(outcome="rejected") | Q(rejection_reason__isnull=False),
                name="committee_rejection_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(outcome="deferred") | ~Q(needs=""), name="committee_deferral_says_what_is_needed"
            ),
            models.CheckConstraint(
                condition=Q(amends__isnull=True) | ~Q(amendment_reason=""),
                name="committee_amendment_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["referral", "recorded_at"], name="committee_decision_referral")]

    def __str__(self):
        return f"{self.referral.reference} · {self.get_outcome_display()}"
