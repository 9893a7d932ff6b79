"""Counters for rate limits and lock-outs: in Redis, in PostgreSQL while Redis does not answer.

Every limit of the product that counts attempts in a window (portal submissions, tracking
failures, one-time codes, committee appeals) counts here. The counters normally live in
Redis (one ``INCR``); when Redis refuses the connection or does not answer within the
cache's socket time-out (``REDIS_SOCKET_TIMEOUT``), the same counter is kept in the
``core.RateCounter`` table instead (one upsert), so the limits still hold — a Redis outage
neither stops citizens nor opens the door to guessing.

What an outage costs: counts made in PostgreSQL stay there and Redis starts again from
what it had, so for one window after Redis returns an address may get up to twice its
allowance. A count is written in the caller's transaction when Redis is away; the callers
count outside any transaction of their own or commit on refusal (tracking, OTP, the portal).
"""

from __future__ import annotations

import hashlib
import logging
from datetime import timedelta

from django.core.cache import cache
from django.db import connection
from django.utils import timezone
from redis.exceptions import RedisError

from apps.core.models import RateCounter

logger = logging.getLogger(__name__)

_UPSERT = """
INSERT INTO core_ratecounter (key, count, expires_at) VALUES (%s, 1, %s)
ON CONFLICT (key) DO UPDATE SET
    count = CASE WHEN core_ratecounter.expires_at <= %s THEN 1 ELSE core_ratecounter.count + 1 END,
    expires_at = CASE WHEN core_ratecounter.expires_at <= %s
        THEN EXCLUDED.expires_at ELSE core_ratecounter.expires_at END
RETURNING count
"""


def _row_key(key: str) -> str:
    return key if len(key) <= 200 else "sha256:" + hashlib.sha256(key.encode()).hexdigest()


def _warn(error: Exception) -> None:
    logger.warning(
        "counters: Redis unavailable (%s: %s); counting in PostgreSQL", type(error).__name__, error
    )


def hit(key: str, *, window: int) -> int:
    """Count one attempt under ``key`` in a window of ``window`` seconds; the count so far."""
    try:
        cache.add(key, 0, timeout=window)
        try:
            return cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=window)
            return 1
    except RedisError as error:
        _warn(error)
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(_UPSERT, [_row_key(key), now + timedelta(seconds=window), now, now])
        return cursor.fetchone()[0]


def peek(keys: list[str]) -> dict[str, int]:
    """The current counts of ``keys`` (0 for none), without counting."""
    try:
        found = cache.get_many(keys)
        return {key: int(found.get(key) or 0) for key in keys}
    except RedisError as error:
        _warn(error)
    rows = dict(
        RateCounter.objects.filter(
            key__in=[_row_key(key) for key in keys], expires_at__gt=timezone.now()
        ).values_list("key", "count")
    )
    return {key: rows.get(_row_key(key), 0) for key in keys}


def counters_purge(*, now=None) -> int:
    """Delete the fallback rows whose window is over; returns how many."""
    deleted, _rows = RateCounter.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted
