"""Tracking a ticket from outside: review number + the last 4 digits of the mobile on file.

1. The review number is parsed first: a malformed one, or one with a wrong check digit,
   is refused before anything else (it reveals nothing about the database).
2. Addresses and review numbers with too many recent failures are refused (429) before any
   look-up, so a locked-out caller learns nothing more.
3. One query fetches the ticket with every phone that may open it; the digits are compared
   in constant time against all of them, or against a dummy when there is no ticket.
4. Every mismatch — unknown number or wrong digits — counts a failure for the address and
   the number (Redis counters with a time window), is padded to the same least duration,
   and gets the same answer. Reaching a limit logs a lock-out.
"""

from __future__ import annotations

import hmac
import logging
import re
import time

from django.conf import settings
from django.core import signing
from django.utils.translation import gettext_lazy as _

from apps.core import counters
from apps.core.errors import ApplicationError, RateLimited, ValidationFailed
from apps.core.text import latin_digits
from apps.tickets import review_numbers, selectors
from apps.tickets.models import Ticket, TrackingLockout

logger = logging.getLogger(__name__)

_TOKEN_SALT = "tickets.track"
TOKEN_MAX_AGE = 30 * 60
_DUMMY = "\x00\x00\x00\x00"


class TrackMismatch(ApplicationError):
    code = "track_mismatch"
    status = 404
    default_message = _(
        "We could not find a request with this review number and these digits. Check both and try again."
    )


class TrackLocked(RateLimited):
    code = "track_locked"
    default_message = _(
        "Too many attempts. For your security, tracking is paused for a while; try again later."
    )


class TrackTokenInvalid(ApplicationError):
    code = "track_token_invalid"
    status = 403
    default_message = _("This page has expired. Please track your request again.")


def _window() -> int:
    return settings.HOUSING_TRACK_WINDOW_SECONDS


def _keys(ip: str, number: str) -> dict[str, str]:
    return {"ip": f"track:fail:ip:{ip}", "review_number": f"track:fail:rn:{number}"}


def _limits() -> dict[str, int]:
    return {
        "ip": settings.HOUSING_TRACK_MAX_FAILURES_PER_IP,
        "review_number": settings.HOUSING_TRACK_MAX_FAILURES_PER_NUMBER,
    }


def _parse_last4(value: str) -> str:
    digits = re.sub(r"\s", "", latin_digits(str(value or "")))
    if not re.fullmatch(r"\d{4}", digits):
        raise ValidationFailed(
            _("Enter the last 4 digits of your mobile number."),
            code="invalid_last4",
            details={"phone_last4": [_("Four digits.")]},
        )
    return digits


def _refuse_if_locked(ip: str, number: str) -> None:
    keys = _keys(ip, number)
    counts = counters.peek(list(keys.values()))
    limits = _limits()
    if any(counts[key] >= limits[scope] for scope, key in keys.items()):
        raise TrackLocked()


def _count_failure(ip: str, number: str) -> None:
    limits = _limits()
    for scope, key in _keys(ip, number).items():
        count = counters.hit(key, window=_window())
        if count == limits[scope]:
            value = ip if scope == "ip" else number
            TrackingLockout.objects.create(scope=scope, value=value[:64])
            logger.warning("tracking lock-out: %s %s after %d failures", scope, value, count)


def _pad(started: float) -> None:
    remaining = settings.HOUSING_TRACK_MISMATCH_SECONDS - (time.monotonic() - started)
    if remaining > 0:
        time.sleep(remaining)


def track_ticket(*, review_number: str, phone_last4: str, ip: str) -> Ticket:
    """The ticket, when the review number and the digits match; else ``TrackMismatch``."""
    started = time.monotonic()
    number = str(review_numbers.parse(review_number))
    digits = _parse_last4(phone_last4)
    _refuse_if_locked(ip, number)
    ticket = selectors.track_lookup(number=review_numbers.parse(number))
    phones = [ticket.contact_phone, *(str(p) for p in ticket.citizen_phones)] if ticket else [_DUMMY]
    matched = False
    for phone in phones:
        # No early exit: the same comparisons whichever phone would have matched.
        matched |= hmac.compare_digest((phone or _DUMMY)[-4:].encode(), digits.encode())
    if ticket is None or not matched:
        _count_failure(ip, number)
        _pad(started)
        raise TrackMismatch()
    return ticket


def track_token(ticket: Ticket) -> str:
    """A short-lived signed token that lets the citizen who just tracked the ticket rate it."""
    return signing.dumps({"t": ticket.pk}, salt=_TOKEN_SALT, compress=True)


def ticket_from_token(token: str) -> Ticket:
    try:
        payload = signing.loads(token or "", salt=_TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:
        raise TrackTokenInvalid() from None
    ticket = Ticket.objects.filter(pk=payload.get("t")).first()
    if ticket is None:
        raise TrackTokenInvalid()
    return ticket
