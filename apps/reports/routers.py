"""Reports read from a replica when ``DATABASE_REPLICA_URL`` is set.

The statement reads every app's tables, so the router cannot tell a report's read by the
model alone: ``for_reports()`` marks the reads of one computation (a context variable, so
each request and thread has its own), and inside it every read goes to
``settings.HOUSING_REPORTS_DATABASE`` ("replica" when configured, else the default).
Writes always go to the primary. Selectors that use raw SQL take their cursor from
``reports_cursor()`` so they follow the same rule.
"""

from __future__ import annotations

import contextlib
import contextvars

from django.conf import settings
from django.db import connections

_REPORTING = contextvars.ContextVar("housing_reporting", default=False)


def reports_alias() -> str:
    alias = getattr(settings, "HOUSING_REPORTS_DATABASE", "") or "default"
    return alias if _REPORTING.get() and alias in connections.databases else "default"


@contextlib.contextmanager
def for_reports():
    token = _REPORTING.set(True)
    try:
        yield
    finally:
        _REPORTING.reset(token)


def reports_cursor():
    return connections[reports_alias()].cursor()


class ReportsReplicaRouter:
    def db_for_read(self, model, **hints):
        alias = reports_alias()
        return alias if alias != "default" else None

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"
