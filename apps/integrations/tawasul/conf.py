"""Tawasul's settings, with their defaults, read at call time (never at import)."""

from __future__ import annotations

from django.conf import settings

DEFAULTS = {
    # Where the acknowledgements, public replies and status changes are posted (empty: none
    # is queued, e.g. before the ministry's Tawasul account exists).
    "HOUSING_TAWASUL_OUTBOUND_URL": "",
    # Tawasul's endpoint listing new messages, polled by the beat when the interval is > 0
    # (off by default: Tawasul delivers by webhook).
    "HOUSING_TAWASUL_POLL_URL": "",
    "HOUSING_TAWASUL_POLL_SECONDS": 0,
    # The largest webhook body accepted (bytes); larger ones are refused with 413 unread.
    "HOUSING_TAWASUL_MAX_BODY_BYTES": 64 * 1024,
}


def get(name: str):
    return getattr(settings, name, DEFAULTS[name])
