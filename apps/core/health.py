"""Readiness checks: database reachable, migrations applied, Redis reachable."""

from __future__ import annotations

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


def check_migrations(alias: str = "default") -> str | None:
    executor = MigrationExecutor(connections[alias])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        return f"{len(plan)} migration(s) not applied"
    return None


def check_redis() -> str | None:
    url = settings.REDIS_URL
    try:
        if url.startswith(("redis+socket://", "unix://")):
            client = redis.Redis(unix_socket_path=url.split("://", 1)[1], socket_timeout=2)
        else:
            client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        client.ping()
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
