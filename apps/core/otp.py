"""One-time codes by SMS: prove that a person holds a mobile number.

Generic: a *purpose* names the use ("uyc" for the "Under Your Command" form; tracking may
use it later), a *subject* is what the code is bound to (e.g. ``"<cpr>|<mobile>"``) and the
*recipient* is the number the code goes to (rate limits and lock-outs are counted on it).
The caller sends the code it gets from ``otp_issue`` (in the same transaction, through the
notifications outbox) — this module never sends anything and never stores a code in clear.

Rules (settings ``HOUSING_OTP_*``, read at call time):

- a code is ``HOUSING_OTP_DIGITS`` (6) digits, lives ``HOUSING_OTP_TTL_SECONDS`` (300) and
  allows ``HOUSING_OTP_MAX_ATTEMPTS`` (3) tries; a new code for the subject replaces the old;
- at most ``HOUSING_OTP_SENDS_PER_RECIPIENT`` codes per number and
  ``HOUSING_OTP_SENDS_PER_IP`` per address within ``HOUSING_OTP_WINDOW_SECONDS``, and at
  most ``HOUSING_OTP_FAILURES_PER_IP`` wrong codes per address in the same window;
- reaching a limit, or using up a code's tries, writes an ``OtpLockout`` row and a warning.

A *decoy* (``otp_issue(..., decoy=True)``) is for details that do not match the records: it
counts against the limits and answers every try like a real code, but nothing is sent and it
never verifies, so the page cannot tell a stranger whether a CPR and a mobile go together.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from apps.core import counters
from apps.core.errors import ApplicationError, RateLimited, ValidationFailed
from apps.core.models import OneTimeCode, OtpLockout
from apps.core.text import latin_digits

logger = logging.getLogger(__name__)

T = TypeVar("T")

_DEFAULTS = {
    "HOUSING_OTP_DIGITS": 6,
    "HOUSING_OTP_TTL_SECONDS": 300,
    "HOUSING_OTP_MAX_ATTEMPTS": 3,
    "HOUSING_OTP_WINDOW_SECONDS": 3600,
    "HOUSING_OTP_SENDS_PER_RECIPIENT": 3,
    "HOUSING_OTP_SENDS_PER_IP": 10,
    "HOUSING_OTP_FAILURES_PER_IP": 10,
}


def setting(name: str) -> int:
    return int(getattr(settings, name, _DEFAULTS[name]))


class OtpWrong(ApplicationError):
    code = "otp_wrong"
    default_message = _("This code is not right. Check the SMS and try again.")


class OtpExpired(ApplicationError):
    code = "otp_expired"
    default_message = _("This code has expired or was replaced by a newer one. Ask for a new code.")


class OtpSpent(ApplicationError):
    code = "otp_spent"
    default_message = _("The code was entered wrongly too many times. Ask for a new code.")


class OtpLocked(RateLimited):
    code = "otp_locked"
    default_message = _("Too many attempts. For your security, please wait an hour and try again.")


@dataclass(frozen=True)
class IssuedCode:
    code: str  # give it to the person by SMS; it is not kept anywhere
    expires_at: datetime
    ttl_minutes: int


def _key(value: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()


def _subject_hash(purpose: str, subject: str) -> str:
    return _key(f"otp-subject:{purpose}:{subject}")


def _code_hash(salt: str, code: str) -> str:
    return _key(f"otp-code:{salt}:{code}")


def _counter(name: str, purpose: str, value: str) -> str:
    return f"otp:{purpose}:{name}:{_key(value)[:32]}"


def _count(key: str) -> int:
    return counters.hit(key, window=setting("HOUSING_OTP_WINDOW_SECONDS"))


def _lockout(purpose: str, scope: str, value: str, now: datetime) -> None:
    OtpLockout.objects.create(purpose=purpose, scope=scope, value=value[:64], at=now)
    logger.warning("one-time code lock-out: %s %s %s", purpose, scope, value)


def _refuse_if_over(key: str, limit: int) -> None:
    if counters.peek([key])[key] >= limit:
        raise OtpLocked()


def _normalise(code: str) -> str:
    digits = re.sub(r"[\s\-]", "", latin_digits(str(code or "")))
    length = setting("HOUSING_OTP_DIGITS")
    if not re.fullmatch(rf"\d{{{length}}}", digits):
        raise ValidationFailed(
            _("Enter the code from the SMS."),
            code="otp_format",
            details={"code": [_("The code is %(digits)d digits.") % {"digits": length}]},
        )
    return digits


def otp_issue(
    *, purpose: str, subject: str, recipient: str, ip: str, decoy: bool = False, now: datetime | None = None
) -> IssuedCode:
    """Make a new code for ``subject`` (replacing any earlier one) and return it to be sent.

    1. Count the request for the recipient and the address; past either limit refuse it
       (``OtpLocked``, 429) — the first refusal of the window is logged as a lock-out.
    2. Mark the subject's live codes superseded, store the new one's keyed hash.
    Call it outside any transaction of your own, or your rollback of the refusal would take
    the lock-out row with it; queue the SMS right after (``on_commit`` then runs at once).
    """
    now = now or timezone.now()
    limits = (
        (OtpLockout.Scope.RECIPIENT, recipient, setting("HOUSING_OTP_SENDS_PER_RECIPIENT")),
        (OtpLockout.Scope.IP, ip, setting("HOUSING_OTP_SENDS_PER_IP")),
    )
    refused = False
    for scope, value, limit in limits:
        count = _count(_counter(f"send-{scope}", purpose, value))
        if count > limit:
            refused = True
            if count == limit + 1:  # the first refusal of the window is the lock-out
                _lockout(purpose, scope, value, now)
    if refused:
        raise OtpLocked()
    digits = setting("HOUSING_OTP_DIGITS")
    code = f"{secrets.randbelow(10**digits):0{digits}d}"
    salt = secrets.token_hex(16)
    ttl = setting("HOUSING_OTP_TTL_SECONDS")
    subject_hash = _subject_hash(purpose, subject)
    with transaction.atomic():
        OneTimeCode.objects.filter(
            purpose=purpose, subject_hash=subject_hash, used_at__isnull=True, superseded_at__isnull=True
        ).update(superseded_at=now)
        row = OneTimeCode.objects.create(
            purpose=purpose,
            subject_hash=subject_hash,
            code_hash=_code_hash(salt, code),
            salt=salt,
            decoy=decoy,
            created_at=now,
            expires_at=now + timedelta(seconds=ttl),
        )
    return IssuedCode(code=code, expires_at=row.expires_at, ttl_minutes=max(1, ttl // 60))


def otp_verify(
    *,
    purpose: str,
    subject: str,
    code: str,
    ip: str,
    then: Callable[[], T] | None = None,
    now: datetime | None = None,
) -> T | None:
    """Check ``code`` for ``subject``; on success consume it and run ``then()`` with it.

    1. A malformed code is a plain validation error (no try is counted).
    2. An address over its wrong-code limit is refused before anything is read.
    3. In one transaction: lock the subject's live code; a wrong code (or any code against a
       decoy) counts a try — the last try logs a lock-out; a right one is marked used and
       ``then()`` runs, so whatever it saves and the code's use commit or roll back together.
    4. The error for a wrong, expired or spent code is raised only after that transaction
       has committed, so the counted try stands. Call this outside any transaction of your
       own (a view does), or your rollback would give the try back.
    """
    now = now or timezone.now()
    digits = _normalise(code)
    ip_key = _counter("fail-ip", purpose, ip)
    _refuse_if_over(ip_key, setting("HOUSING_OTP_FAILURES_PER_IP"))
    error: ApplicationError | None = None
    result = None
    with transaction.atomic():
        row = (
            OneTimeCode.objects.select_for_update()
            .filter(
                purpose=purpose,
                subject_hash=_subject_hash(purpose, subject),
                used_at__isnull=True,
                superseded_at__isnull=True,
            )
            .order_by("-created_at")
            .first()
        )
        limit = setting("HOUSING_OTP_MAX_ATTEMPTS")
        if row is None or row.expires_at <= now:
            error = OtpExpired()
        elif row.attempts >= limit:
            error = OtpSpent()
        elif row.decoy or not hmac.compare_digest(row.code_hash, _code_hash(row.salt, digits)):
            row.attempts += 1
            row.save(update_fields=["attempts"])
            if row.attempts >= limit:
                _lockout(purpose, OtpLockout.Scope.CODE, f"otp#{row.pk}", now)
                error = OtpSpent()
            else:
                left = limit - row.attempts
                error = OtpWrong(
                    ngettext(
                        "This code is not right. You have %(left)d more try.",
                        "This code is not right. You have %(left)d more tries.",
                        left,
                    )
                    % {"left": left},
                    details={"code": [str(OtpWrong.default_message)], "tries_left": left},
                )
        else:
            row.used_at = now
            row.save(update_fields=["used_at"])
            result = then() if then is not None else None
    if error is not None:
        if _count(ip_key) == setting("HOUSING_OTP_FAILURES_PER_IP"):
            _lockout(purpose, OtpLockout.Scope.IP, ip, now)
        raise error
    return result


def otp_purge(*, now: datetime | None = None, keep: timedelta = timedelta(days=7)) -> int:
    """Delete codes that expired more than ``keep`` ago (their lock-outs stay)."""
    now = now or timezone.now()
    deleted, _rows = OneTimeCode.objects.filter(expires_at__lt=now - keep).delete()
    return deleted
