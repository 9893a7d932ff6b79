"""Per-process copies of small configuration tables (SLA policies, message templates),
kept until any process changes them.

A hot path (a ticket's creation) reads the same few configuration rows on every request.
Here each process holds them in memory and checks one small version key in Redis per
read, so the rows themselves cost no query. A change:

1. drops this process's copy at once (``changed``, called from a ``post_save`` or
   ``post_delete`` receiver, inside the writing transaction);
2. until that transaction commits, reads on its connection go to the database and are not
   kept — they may see rows a rollback will take back. Whether a change is still pending
   is read from the connection's own list of on-commit callbacks, which Django empties
   on rollback, so a rolled-back change leaves nothing behind;
3. on commit bumps the version key, so every other process reloads on its next read.

Without Redis a copy is trusted for ``OFFLINE_TTL_SECONDS`` and then reloaded: a request
never fails because the cache is away, and a change reaches other processes that late.

Within one HTTP request the version keys are read once, all together (``shared_version``:
one ``MGET`` for every copy and the SLA calendar, instead of a ``GET`` each time one is
read); a change another process publishes meanwhile is seen from the next request on.
Outside a request (Celery, commands) each read asks Redis, as before.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from typing import Generic, TypeVar

from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import connection, transaction

logger = logging.getLogger(__name__)

OFFLINE_TTL_SECONDS = 60
T = TypeVar("T")


_ALL: list[ConfigCache] = []


# --- the version keys, read once per request -----------------------------------------------

_VERSION_KEYS: list[str] = []  # every key ``shared_version`` is asked for (ConfigCache, calendar)


class _RequestVersions(threading.local):
    active = False  # between request_started and request_finished on this thread
    values: dict[str, str] | None = None  # read at the first ``shared_version`` of the request


_request = _RequestVersions()


def _request_started(**_signal_kwargs) -> None:
    _request.active, _request.values = True, None


def _request_finished(**_signal_kwargs) -> None:
    _request.active, _request.values = False, None


request_started.connect(_request_started, dispatch_uid="core.config_cache.request_started")
request_finished.connect(_request_finished, dispatch_uid="core.config_cache.request_finished")


def register_version_key(key: str) -> None:
    if key not in _VERSION_KEYS:
        _VERSION_KEYS.append(key)


def shared_version(key: str, label: str) -> str | None:
    """The version every process agrees on under ``key`` (created when missing); None when
    Redis is away. In a request, every registered key is read with the first one."""
    if _request.active:
        values = _request.values
        if values is None:
            try:
                values = cache.get_many(_VERSION_KEYS)
            except Exception:  # Redis away: each key is asked for (and logged) below
                values = {}
            _request.values = values
        token = values.get(key)
        if token is not None:
            return token
    try:
        token = cache.get(key)
        if token is None:
            cache.add(key, uuid.uuid4().hex, timeout=None)
            token = cache.get(key)
    except Exception:  # Redis away: a short local lifetime, never a failed request
        logger.warning("%s: version unavailable; using a short-lived local copy", label, exc_info=True)
        return None
    if _request.active and _request.values is not None and token is not None:
        _request.values[key] = token
    return token


def request_versions_wanted() -> list[str]:
    """The version keys this request has not read yet: a caller about to ask Redis for
    something else asks for them in the same round trip (``request_versions_read``)."""
    return list(_VERSION_KEYS) if _request.active and _request.values is None else []


def request_versions_read(found: dict) -> None:
    """What such a caller got back (a key missing from ``found`` is read by itself)."""
    if _request.active and _request.values is None:
        _request.values = {key: found[key] for key in _VERSION_KEYS if found.get(key) is not None}


def publish_version(key: str, label: str) -> None:
    """A new version under ``key``: every process reloads on its next read (this request too)."""
    token = uuid.uuid4().hex
    try:
        cache.set(key, token, timeout=None)
    except Exception:
        logger.warning("%s: could not publish the new version", label, exc_info=True)
        token = None
    if _request.values is not None:
        if token is None:
            _request.values.pop(key, None)
        else:
            _request.values[key] = token


def reload_everywhere(**_signal_kwargs) -> None:
    """Every copy, in every process, is reloaded on its next read."""
    for config in _ALL:
        config.publish()


class ConfigCache(Generic[T]):
    def __init__(self, name: str, load: Callable[[], T]):
        _ALL.append(self)
        self.name = name
        self.key = f"config:{name}:version"
        register_version_key(self.key)
        self._load = load
        self._lock = threading.Lock()
        self._token: str | None = None
        self._value: T | None = None
        self._loaded_at = 0.0
        self._filled = False

    # --- reads ---------------------------------------------------------------------------

    def get(self) -> T:
        if self._pending_on_this_connection():
            return self._load()  # this transaction's own view; not kept (step 2)
        token = self._shared_token()
        if self._filled and self._token == token:
            if token is not None or time.monotonic() - self._loaded_at < OFFLINE_TTL_SECONDS:
                return self._value  # type: ignore[return-value]
        value = self._load()
        with self._lock:
            self._token, self._value, self._filled = token, value, True
            self._loaded_at = time.monotonic()
        return value

    def _shared_token(self) -> str | None:
        return shared_version(self.key, self.name)

    def _pending_on_this_connection(self) -> bool:
        return any(
            getattr(func, "__self__", None) is self for _ids, func, _robust in connection.run_on_commit
        )

    # --- changes -------------------------------------------------------------------------

    def forget(self) -> None:
        """Drop this process's copy (tests; and at once when a change is written)."""
        with self._lock:
            self._token, self._value, self._filled = None, None, False

    def changed(self, **_signal_kwargs) -> None:
        """A row was written: forget now, publish the new version once it commits."""
        self.forget()
        if connection.in_atomic_block and not self._pending_on_this_connection():
            transaction.on_commit(self.publish)
        elif not connection.in_atomic_block:
            self.publish()

    def watch(self, *models, ignore_fields: frozenset[str] | set[str] = frozenset()) -> None:
        """Every save or delete of a row of ``models`` (a service, the admin, ``loaddata``)
        is a change (``changed``). Called from ``AppConfig.ready``. A queryset ``update()``
        sends no signal: its caller calls ``changed`` itself.

        ``ignore_fields``: a save that writes only these fields (``save(update_fields=…)``)
        is not a change, e.g. the ``last_login`` stamp every sign-in writes on a user."""
        from django.db.models.signals import post_delete, post_save

        on_save = self.changed if not ignore_fields else _SaveUnlessOnly(self, frozenset(ignore_fields))
        for model in models:
            label = model._meta.label_lower
            post_save.connect(on_save, sender=model, dispatch_uid=f"{self.key}:save:{label}", weak=False)
            post_delete.connect(self.changed, sender=model, dispatch_uid=f"{self.key}:delete:{label}")

    def publish(self) -> None:
        self.forget()
        publish_version(self.key, self.name)


class _SaveUnlessOnly:
    """A ``post_save`` receiver: the save is a change unless it wrote only ``ignored``."""

    def __init__(self, config: ConfigCache, ignored: frozenset[str]):
        self.config, self.ignored = config, ignored

    def __call__(self, update_fields=None, **signal_kwargs) -> None:
        if update_fields is not None and set(update_fields) <= self.ignored:
            return
        self.config.changed(update_fields=update_fields, **signal_kwargs)
