"""Signed requests between the product and its partners, both ways.

A signed request carries two headers::

    X-HC-Timestamp: 1796284800                      (seconds since the epoch, UTC)
    X-HC-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>." + body>

The receiver accepts the request when the timestamp lies within the replay window (five
minutes either way by default) and the signature matches one of the partner's active
secrets: during a rotation both the old and the new secret are active, so neither side has
to switch at the same instant. Comparisons are constant-time. The same function signs what
the product sends (outbound webhooks, replies to Tawasul), so both sides are tested by one
definition.

Secrets come from settings, never from code: ``HOUSING_INTEGRATION_SECRETS`` maps a partner
to its active secrets (set from the environment, e.g. ``HOUSING_TAWASUL_SECRETS="new,old"``).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from apps.core.errors import ApplicationError

TIMESTAMP_HEADER = "X-HC-Timestamp"
SIGNATURE_HEADER = "X-HC-Signature"
SCHEME = "sha256="
DEFAULT_WINDOW_SECONDS = 300


class SignatureRejected(ApplicationError):
    """A partner's request whose signature cannot be trusted: 401, nothing is read from it."""

    code = "signature_invalid"
    status = 401
    default_message = _("The request signature is not valid.")


def partner_secrets(partner: str) -> list[str]:
    """The active secrets of one partner, newest first; empty when none is configured."""
    configured = getattr(settings, "HOUSING_INTEGRATION_SECRETS", {}) or {}
    value = configured.get(partner) or []
    if isinstance(value, str):
        value = value.split(",")
    return [secret.strip() for secret in value if secret and secret.strip()]


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """The signature header's value for ``body`` sent at ``timestamp`` with ``secret``."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return SCHEME + digest.hexdigest()


def sign(secret: str, body: bytes, *, now: datetime | None = None) -> dict[str, str]:
    """The two headers to send with ``body``."""
    timestamp = str(int((now or datetime.now(UTC)).timestamp()))
    return {TIMESTAMP_HEADER: timestamp, SIGNATURE_HEADER: signature(secret, timestamp, body)}


def verify(
    *,
    secrets: Sequence[str],
    headers: Mapping[str, str],
    body: bytes,
    now: datetime | None = None,
    window_seconds: int = DEFAULT_WINDOW_SECONDS,
) -> str:
    """Check a received request; returns the secret that matched, raises ``SignatureRejected``.

    ``headers`` is any case-insensitive mapping (``request.headers``). The codes tell the
    partner what to fix: ``signature_missing``, ``signature_expired`` (outside the window,
    which also refuses a replay of an old delivery) or ``signature_invalid``.
    """
    timestamp = (headers.get(TIMESTAMP_HEADER) or "").strip()
    given = (headers.get(SIGNATURE_HEADER) or "").strip()
    if not timestamp or not given:
        raise SignatureRejected(
            _("The request must carry the %(timestamp)s and %(signature)s headers.")
            % {"timestamp": TIMESTAMP_HEADER, "signature": SIGNATURE_HEADER},
            code="signature_missing",
        )
    if not timestamp.isascii() or not timestamp.isdigit():
        raise SignatureRejected(_("The request timestamp is not valid."), code="signature_invalid")
    current = int((now or datetime.now(UTC)).timestamp())
    if abs(current - int(timestamp)) > window_seconds:
        raise SignatureRejected(
            _("The request timestamp is outside the allowed window; sign it again and resend."),
            code="signature_expired",
        )
    for secret in secrets:
        if hmac.compare_digest(signature(secret, timestamp, body), given):
            return secret
    raise SignatureRejected()
