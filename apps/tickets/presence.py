"""Who else has a ticket open: a heartbeat per person per ticket, kept in Redis.

One Redis hash per ticket (``<cache prefix>:tickets:presence:<id>``): a field per member of
staff, holding their name, what they are doing ("viewing" or "writing") and when they last
said so. The ticket page sends a heartbeat every 15 seconds and when its reply is typed in;
a person whose last heartbeat is older than ``STALE_AFTER`` is gone (their field is dropped
at the next read), and the whole hash expires ``KEY_TTL`` after the last heartbeat.

Presence is a courtesy, never the only guard: a reply written over a newer change is refused
by the service (``services.ensure_unchanged``). So when Redis is down or slow, nobody is
shown and nothing fails (``RedisError`` is swallowed and logged).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.utils import timezone
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

STALE_AFTER = 45  # seconds: three missed heartbeats
KEY_TTL = 120
VIEWING, WRITING = "viewing", "writing"


@dataclass(frozen=True)
class Present:
    user_id: int
    name: str
    state: str

    @property
    def is_writing(self) -> bool:
        return self.state == WRITING


def _key(ticket_id: int) -> str:
    return cache.make_and_validate_key(f"tickets:presence:{int(ticket_id)}")


def _client():
    # The cache's own connection pool (same server, time-outs and retry as every other
    # Redis use); Django's RedisCache keeps it on ``_cache`` and exposes no hash commands.
    return cache._cache.get_client(write=True)


def heartbeat(*, ticket_id: int, user, state: str = VIEWING, now: datetime | None = None) -> list[Present]:
    """Record that ``user`` has the ticket open (and whether they are writing); the others who
    have it open, the person themself left out. Empty when Redis does not answer."""
    moment = (now or timezone.now()).timestamp()
    state = WRITING if state == WRITING else VIEWING
    entry = json.dumps({"name": user.display_name(), "state": state, "at": moment}, ensure_ascii=False)
    key = _key(ticket_id)
    try:
        client = _client()
        pipe = client.pipeline()
        pipe.hset(key, str(user.pk), entry)
        pipe.expire(key, KEY_TTL)
        pipe.hgetall(key)
        fields = pipe.execute()[-1]
        return _others(client, key, fields, exclude=user.pk, moment=moment)
    except RedisError as error:
        logger.warning("presence: Redis unavailable (%s: %s)", type(error).__name__, error)
        return []


def leave(*, ticket_id: int, user) -> None:
    """The person closed the ticket (best effort: otherwise they fade out after STALE_AFTER)."""
    try:
        _client().hdel(_key(ticket_id), str(user.pk))
    except RedisError as error:
        logger.warning("presence: Redis unavailable (%s: %s)", type(error).__name__, error)


def others(*, ticket_id: int, user, now: datetime | None = None) -> list[Present]:
    """Who else has the ticket open, without recording anything."""
    key = _key(ticket_id)
    try:
        client = _client()
        return _others(
            client, key, client.hgetall(key), exclude=user.pk, moment=(now or timezone.now()).timestamp()
        )
    except RedisError as error:
        logger.warning("presence: Redis unavailable (%s: %s)", type(error).__name__, error)
        return []


def _others(client, key: str, fields: dict, *, exclude: int, moment: float) -> list[Present]:
    present, stale = [], []
    for raw_id, raw in fields.items():
        user_id = int(raw_id)
        try:
            entry = json.loads(raw)
            at = float(entry["at"])
        except (ValueError, KeyError, TypeError):
            stale.append(raw_id)
            continue
        if moment - at > STALE_AFTER:
            stale.append(raw_id)
        elif user_id != exclude:
            present.append(
                Present(user_id=user_id, name=str(entry.get("name", "")), state=entry.get("state", VIEWING))
            )
    if stale:
        client.hdel(key, *stale)
    return sorted(present, key=lambda p: (p.state != WRITING, p.name))
