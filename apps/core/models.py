"""Shared model bases. Domain models live in their own apps."""

from django.db import models
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
