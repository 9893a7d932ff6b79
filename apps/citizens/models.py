"""Citizens: identity (CPR), phones with confirmation, address, housing files, and the
log of who read a citizen's file."""

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Concat, Upper
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from phonenumber_field.modelfields import PhoneNumberField

from apps.core.arabic import name_key, name_key_sql
from apps.core.models import TimeStampedModel

cpr_validator = RegexValidator(r"^\d{9}$", _("A CPR number is exactly 9 digits."), code="invalid_cpr")


class Citizen(TimeStampedModel):
    class Language(models.TextChoices):
        ARABIC = "ar", _("Arabic")
        ENGLISH = "en", _("English")

    # No checksum is published for CPR numbers, so only the shape is checked.
    cpr = models.CharField(_("CPR number"), max_length=9, unique=True, validators=[cpr_validator])
    name_ar = models.CharField(_("name in Arabic"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    # Other ways the name is written in Latin letters ("Mohammed/Muhammad/Mohamed Ali"), so
    # a caller spelt any of them is found by name (apps/citizens/name_search.py).
    latin_names = models.CharField(
        _("other Latin spellings"),
        max_length=300,
        blank=True,
        # A database default too: loaders that COPY citizens without this column still work.
        db_default="",
        default="",
        help_text=_("Other spellings of the name in Latin letters, separated by / or commas."),
    )
    email = models.EmailField(_("e-mail"), blank=True)
    language = models.CharField(_("preferred language"), max_length=2, choices=Language.choices, default="ar")
    block = models.CharField(_("block"), max_length=10, blank=True)
    road = models.CharField(_("road"), max_length=10, blank=True)
    building = models.CharField(_("building"), max_length=10, blank=True)
    flat = models.CharField(_("flat"), max_length=10, blank=True)
    area = models.CharField(_("area"), max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The names folded for search (``search_key``, apps/core/arabic.py): PostgreSQL computes
    # it on every write, and the trigram index below serves ``LIKE '%word%'`` on it.
    search_names = models.GeneratedField(
        expression=Concat(
            name_key_sql(F("name_ar")),
            name_key_sql(Concat(F("name_en"), Value(" "), F("latin_names"), output_field=models.TextField())),
            output_field=models.TextField(),
        ),
        output_field=models.TextField(),
        db_persist=True,
    )

    class Meta:
        verbose_name = _("citizen")
        verbose_name_plural = _("citizens")
        indexes = [
            models.Index(fields=["name_ar"]),
            GinIndex(OpClass(F("search_names"), name="gin_trgm_ops"), name="citizen_search_names_trgm"),
            # Inbound e-mail finds the sender by address, in any case (``citizen_by_email``).
            models.Index(Upper("email"), name="citizen_email_upper"),
        ]

    def __str__(self):
        return f"{self.name_ar} ({self.masked_cpr})"

    @staticmethod
    def search_key(*, name_ar: str, name_en: str = "", latin_names: str = "") -> str:
        """What ``search_names`` holds for these names (the column, computed in Python)."""
        return name_key(name_ar) + name_key(f"{name_en} {latin_names}")

    @property
    def masked_cpr(self) -> str:
        return "*****" + self.cpr[-4:]

    def display_name(self) -> str:
        from django.utils import translation

        if translation.get_language() == "en" and self.name_en:
            return self.name_en
        return self.name_ar

    @property
    def notification_ref(self) -> str:
        """The key the notifications app files this citizen's messages and preference under."""
        return f"citizens.citizen:{self.pk}"

    def as_notification_recipient(self):
        """This citizen as ``apps.notifications`` addresses them (the ``Notifiable`` protocol).

        The phone is the primary one, or the first mobile when the primary is a landline
        (SMS reach mobiles only); with no mobile at all the primary is given anyway, so the
        outbox records why the SMS could not go. Whether they opted out is left to the
        preferences the notifications app keeps under ``notification_ref``.
        """
        from apps.citizens.validation import is_mobile
        from apps.notifications.services import Recipient

        numbers = [
            str(phone.number) for phone in sorted(self.phones.all(), key=lambda p: (not p.is_primary, p.pk))
        ]
        mobiles = [number for number in numbers if is_mobile(number)]
        phone = (mobiles or numbers or [""])[0]
        return Recipient(
            phone=phone, email=self.email or "", language=self.language, ref=self.notification_ref
        )


class CitizenPhone(TimeStampedModel):
    class Kind(models.TextChoices):
        MOBILE = "mobile", _("Mobile")
        HOME = "home", pgettext_lazy("phone kind", "Home")
        WORK = "work", _("Work")

    citizen = models.ForeignKey(
        Citizen, on_delete=models.CASCADE, related_name="phones", verbose_name=_("citizen")
    )
    number = PhoneNumberField(_("phone number"), region="BH", db_index=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.MOBILE)
    is_primary = models.BooleanField(_("primary"), default=False)
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
        verbose_name = _("phone number")
        verbose_name_plural = _("phone numbers")
        ordering = ["-is_primary", "id"]
        constraints = [
            models.UniqueConstraint(fields=["citizen", "number"], name="citizen_phone_unique_per_citizen"),
            models.UniqueConstraint(
                fields=["citizen"], condition=Q(is_primary=True), name="citizen_phone_one_primary"
            ),
        ]

    def __str__(self):
        return str(self.number)


class HousingFile(TimeStampedModel):
    """The citizen's housing application: the thing most callers ask about."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        UNDER_REVIEW = "under_review", _("Under review")
        ELIGIBLE = "eligible", _("Eligible, waiting for allocation")
        ALLOCATED = "allocated", _("Allocated")
        DELIVERED = "delivered", _("Delivered")
        REJECTED = "rejected", _("Not eligible")
        CANCELLED = "cancelled", _("Cancelled")

    citizen = models.ForeignKey(
        Citizen, on_delete=models.CASCADE, related_name="housing_files", verbose_name=_("citizen")
    )
    application_number = models.CharField(_("application number"), max_length=30, unique=True)
    service = models.CharField(_("housing service"), max_length=150)
    application_date = models.DateField(_("application date"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    # Kept up to date by the housing application system's feed (apps/integrations/housing_feed),
    # which also keeps every change with its date.
    project = models.CharField(_("housing project"), max_length=150, blank=True)
    queue_position = models.PositiveIntegerField(_("queue position"), null=True, blank=True)
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("housing file")
        verbose_name_plural = _("housing files")
        ordering = ["-application_date"]

    def __str__(self):
        return self.application_number


class CitizenAccess(models.Model):
    """Every read of a citizen's whole file by a member of staff: who, when, why."""

    citizen = models.ForeignKey(Citizen, on_delete=models.CASCADE, related_name="accesses")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    purpose = models.CharField(_("purpose"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("citizen file access")
        verbose_name_plural = _("citizen file accesses")
        ordering = ["-at"]

    def __str__(self):
        return f"{self.user_id} → {self.citizen_id} @ {self.at:%Y-%m-%d %H:%M}"


class CitizenPhoneEvent(models.Model):
    """One change to a citizen's phone numbers: who did it and when.

    ``CitizenPhone.confirmed_at`` holds only the latest confirmation; this is the history
    the 360° timeline and the data-update campaign figures read.
    """

    class Action(models.TextChoices):
        ADDED = "added", _("Added")
        CONFIRMED = "confirmed", _("Confirmed")
        MADE_PRIMARY = "made_primary", _("Made primary")
        REMOVED = "removed", _("Removed")

    citizen = models.ForeignKey(Citizen, on_delete=models.CASCADE, related_name="phone_events")
    number = models.CharField(_("phone number"), max_length=20)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("phone number change")
        verbose_name_plural = _("phone number changes")
        indexes = [models.Index(fields=["citizen", "-at", "-id"], name="citizen_phone_event_timeline")]

    def __str__(self):
        return f"{self.number} {self.action}"
