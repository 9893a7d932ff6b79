"""The partner outbox's settings, with their defaults, read at call time (never at import)."""

from __future__ import annotations

from django.conf import settings

DEFAULTS = {
    # A pending row handed to the broker but not picked up this long after is handed over
    # again by the sweep (the broker lost it, or was down).
    "HOUSING_OUTBOUND_REQUEUE_AFTER_SECONDS": 60,
    # A row left "sending" this long belonged to a stopped worker: it is reclaimed. Above
    # the Celery hard time limit (300 s), so that worker has certainly gone.
    "HOUSING_OUTBOUND_CLAIM_TIMEOUT_SECONDS": 600,
    # Attempts before a failing delivery goes to the dead-letter list.
    "HOUSING_OUTBOUND_MAX_ATTEMPTS": 8,
    # Back-off after the n-th failed attempt: base * 2**(n-1), capped below the broker's
    # visibility timeout (3600 s) so a countdown task is never redelivered early.
    "HOUSING_OUTBOUND_RETRY_BASE_SECONDS": 30,
    "HOUSING_OUTBOUND_RETRY_MAX_SECONDS": 1800,
    # One partner request's time-out; a slow partner never holds a worker long.
    "HOUSING_OUTBOUND_TIMEOUT_SECONDS": 10.0,
    # Rows one sweep hands over; ids travelling together in one task.
    "HOUSING_OUTBOUND_SWEEP_BATCH": 1000,
    "HOUSING_OUTBOUND_TASK_BATCH": 50,
    # How much of a partner's answer is kept on the row (characters).
    "HOUSING_OUTBOUND_RESPONSE_EXCERPT": 500,
}


def get(name: str):
    return getattr(settings, name, DEFAULTS[name])
