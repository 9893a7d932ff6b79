"""Short-lived values in the shared cache (Redis) that one version key drops everywhere at once.

A list's per-tag counts or a viewer's menu of saved views are cheap to keep and cheap to
throw away: each is stored under its key with the version it was computed at, and any change
bumps the version (now, and again once the change commits, so a value read in between is not
kept). Redis down is never an error: the value is computed directly and a warning logged; it
then expires by itself within ``ttl`` seconds.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from django.db import transaction

log = logging.getLogger(__name__)
T = TypeVar("T")


def _backend():
    from django.core.cache import cache

    return cache


class VersionedCache:
    def __init__(self, name: str, *, ttl: int):
        self.name, self.ttl = name, ttl
        self.version_key = f"{name}:version"

    def bump(self) -> None:
        try:
            cache = _backend()
            cache.add(self.version_key, 0, timeout=None)
            cache.incr(self.version_key)
        except Exception:  # Redis down: values expire by themselves within ttl
            log.warning("%s: could not bump the version", self.name, exc_info=True)

    def changed(self, **signal_kwargs) -> None:
        """A signal receiver: the values are stale now and once the change commits
        (``m2m_changed``'s ``pre_*`` actions are skipped: the rows are not written yet)."""
        if str(signal_kwargs.get("action", "")).startswith("pre_"):
            return
        self.bump()
        transaction.on_commit(self.bump)

    def get(self, key: str, compute: Callable[[], T]) -> T:
        """The value under ``key`` at the current version, computed (and kept) when missing."""
        key = f"{self.name}:{key}"
        version, cached = None, None
        try:
            found = _backend().get_many([self.version_key, key])
            version, cached = found.get(self.version_key, 0), found.get(key)
        except Exception:
            log.warning("%s: cache unavailable, computing without it", self.name, exc_info=True)
        if cached and cached.get("version") == version:
            return cached["value"]
        value = compute()
        if version is not None:
            try:
                _backend().set(key, {"version": version, "value": value}, timeout=self.ttl)
            except Exception:
                log.warning("%s: could not keep the value", self.name, exc_info=True)
        return value
