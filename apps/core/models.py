"""Shared model bases. Domain models live in their own apps."""

from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class IdempotencyRecord(models.Model):
    """The first answer to a POST sent with an ``Idempotency-Key`` header.

    Keyed by who sent it (the user, or the address of an anonymous caller), the key and
    the path; ``request_hash`` tells a true repeat from a different request reusing the key.
    See ``apps.core.idempotency``.
    """

    user = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    client = models.CharField(_("anonymous client"), max_length=64, blank=True)
    key = models.CharField(_("key"), max_length=255)
    path = models.CharField(_("path"), max_length=255)
    request_hash = models.CharField(_("request hash"), max_length=64)
    status_code = models.PositiveSmallIntegerField(_("status code"), null=True)
    response_body = models.JSONField(_("response body"), null=True)
    response_headers = models.JSONField(_("response headers"), default=dict)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("idempotency record")
        verbose_name_plural = _("idempotency records")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "client", "key", "path"], name="idempotency_once", nulls_distinct=False
            )
        ]

    def __str__(self):
        return f"{self.key} {self.path}"


class OneTimeCode(models.Model):
    """A one-time code sent by SMS to prove a person holds a mobile number (``apps.core.otp``).

    Only keyed hashes are stored: of the code, and of what it is for (the subject, e.g. a CPR
    and mobile pair), so a copy of this table reveals neither. A *decoy* is issued when the
    details given do not match the records: nothing is sent, it can never be verified, and it
    answers every attempt exactly like a real code — so a stranger learns nothing.
    """

    purpose = models.CharField(_("purpose"), max_length=40)
    subject_hash = models.CharField(_("subject (keyed hash)"), max_length=64)
    code_hash = models.CharField(_("code (keyed hash)"), max_length=64)
    salt = models.CharField(_("salt"), max_length=32)
    decoy = models.BooleanField(_("decoy"), default=False)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("created at"))
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    superseded_at = models.DateTimeField(_("superseded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("one-time code")
        verbose_name_plural = _("one-time codes")
        indexes = [
            # The one live code of a subject is looked up by this index, newest first.
            models.Index(
                "purpose",
                "subject_hash",
                F("created_at").desc(),
                name="otp_live",
                condition=Q(used_at__isnull=True, superseded_at__isnull=True),
            ),
            models.Index("expires_at", name="otp_expiry"),
        ]

    def __str__(self):
        return f"{self.purpose} #{self.pk}"


class OtpLockout(models.Model):
    """A lock-out of one-time codes: too many codes asked for a number or from an address,
    too many wrong codes from an address, or a code's tries used up."""

    class Scope(models.TextChoices):
        RECIPIENT = "recipient", _("Mobile number")
        IP = "ip", _("IP address")
        CODE = "code", _("Code")

    purpose = models.CharField(_("purpose"), max_length=40)
    scope = models.CharField(_("scope"), max_length=20, choices=Scope.choices)
    value = models.CharField(_("value"), max_length=64)
    at = models.DateTimeField(_("at"), db_index=True)

    class Meta:
        verbose_name = _("one-time code lock-out")
        verbose_name_plural = _("one-time code lock-outs")
        ordering = ["-at"]

    def __str__(self):
        return f"{self.purpose} {self.scope}:{self.value} @ {self.at:%Y-%m-%d %H:%M}"


class RateCounter(models.Model):
    """A rate-limit counter kept here only while Redis does not answer (``apps.core.counters``).

    One row per counter key, reset when its window has passed; ``core.counters_purge`` deletes
    the rows whose window is over.
    """

    key = models.CharField(_("key"), max_length=200, primary_key=True)
    count = models.PositiveIntegerField(_("count"), default=0)
    expires_at = models.DateTimeField(_("expires at"), db_index=True)

    class Meta:
        verbose_name = _("rate counter")
        verbose_name_plural = _("rate counters")

    def __str__(self):
        return f"{self.key}={self.count}"


class SavedView(models.Model):
    """A named set of filters and a sort on one staff list (``apps.core.saved_views``).

    Personal (no department) or shared with a department by one who may share; ``params``
    holds the list's GET parameters as ``{name: [values]}``, checked against the list's
    filter form each time the view opens (a field or value gone since is dropped and said).
    """

    owner = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="saved_views")
    name = models.CharField(_("name"), max_length=80)
    list_key = models.CharField(_("list"), max_length=40)
    params = models.JSONField(_("filters"), default=dict, blank=True)
    sort = models.CharField(_("sort"), max_length=40, blank=True)
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("shared with department"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        permissions = [("share_savedview", "Can share a saved view with a department")]
        constraints = [
            models.UniqueConstraint("owner", "list_key", Lower("name"), name="saved_view_unique_name")
        ]
        indexes = [
            # The navigation reads a viewer's views (their own, and their department's) on every page.
            models.Index(fields=["owner", "list_key"], name="saved_view_owner"),
            models.Index(fields=["department", "list_key"], name="saved_view_department"),
        ]

    def __str__(self):
        return self.name
