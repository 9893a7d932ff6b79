"""Readiness checks: database reachable, migrations applied, Redis reachable."""

from __future__ import annotations

import functools

import redis
from django.conf import settings
from django.db import DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor


def check_database(alias: str = "default") -> str | None:
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as exc:
        return f"database unreachable: {exc.__class__.__name__}: {str(exc).strip().splitlines()[0][:200]}"
    return None


# Databases whose migrations this process has seen applied. Migrations are never unapplied
# under a running release, so once seen the check is skipped: loading the migration graph
# costs more than the rest of /readyz together, and probes call it every few seconds.
_MIGRATED: set[str] = set()


def check_migrations(alias: str = "default") -> str | None:
    if alias in _MIGRATED:
        return None
    executor = MigrationExecutor(connections[alias])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        return f"{len(plan)} migration(s) not applied"
    _MIGRATED.add(alias)
    return None


@functools.lru_cache(maxsize=4)
def _redis_client(url: str) -> redis.Redis:
    """One client (and connection pool) per URL, so a probe does not open a new connection."""
    if url.startswith(("redis+socket://", "unix://")):
        return redis.Redis(unix_socket_path=url.split("://", 1)[1], socket_timeout=2)
    return redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)


def check_redis() -> str | None:
    try:
        _redis_client(settings.REDIS_URL).ping()
    except redis.RedisError as exc:
        return f"redis unreachable: {exc.__class__.__name__}: {exc}"
    return None


def readiness() -> dict[str, str]:
    """Return a mapping of failed check → reason; empty when ready."""
    problems = {}
    database = check_database()
    if database:
        problems["database"] = database
    else:
        migrations = check_migrations()
        if migrations:
            problems["migrations"] = migrations
    cache = check_redis()
    if cache:
        problems["redis"] = cache
    return problems
