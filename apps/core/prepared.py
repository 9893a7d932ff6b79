"""Querysets compiled to SQL once, run many times: the ORM's shape without its cost per request.

Building and compiling a queryset with subqueries, annotations and ``select_related`` costs
more Python than the round trip it sends: the tracking look-up spent two thirds of its time
there (bench/PROFILE-issue20.md). A hot path whose query has the same shape every time — only
a number or a text changes — describes it once::

    lookup = PreparedQuery(
        "tickets.track_lookup",
        lambda number: Ticket.objects.filter(review_number=number).select_related("category")[:1],
        number=str,
    )
    tickets = lookup.run(number="2026123456")   # a list of model instances, as iterating gave

The builder is called once per thread with a marker in place of each parameter; Django
compiles it (its SQL and the positions of the markers in the parameters), and every
``run`` sends that SQL with the values put where the markers were, then turns the rows into
what the queryset would have given (model instances with their ``select_related`` objects
and annotations, or the dicts and tuples of ``values``/``values_list``), through Django's own
iterable and compiler. The ORM stays the one description of the query: change the builder
and the SQL follows.

What a parameter may be: an int or a str compared as it is stored (an id, a text), used
where the ORM passes it to the database unchanged — not a list for ``__in``, not a value a
field converts (a date through a transform, a case-folded text). ``run`` checks each value's
type against the one declared. A queryset with ``prefetch_related`` is refused (its extra
queries would not run).

Per thread, because a compiler belongs to the thread's database connection.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import psycopg
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet

# Distinct values that no real call passes: big negative numbers, texts with a NUL.
_INT_MARKER_BASE = -(2**62) + 7_919
_MARKER_OF = {
    int: lambda n: _INT_MARKER_BASE + n,
    str: lambda n: f"\x00prepared-parameter-{n}\x00",
}


# Sent twice on a connection: prepared (a statement sent once is not worth a server-side copy).
PREPARE_THRESHOLD = 1


class _State:
    __slots__ = ("connection", "queryset", "compiler", "sql", "params", "slots")


class PreparedQuery:
    def __init__(
        self, name: str, build: Callable[..., QuerySet], using: str = DEFAULT_DB_ALIAS, **types: type
    ):
        unknown = {p: t for p, t in types.items() if t not in _MARKER_OF}
        if unknown:
            raise TypeError(f"{name}: parameters must be int or str, not {unknown}")
        self.name = name
        self.build = build
        self.using = using
        self.types = types
        self._local = threading.local()

    def _markers(self) -> dict[str, Any]:
        return {param: _MARKER_OF[kind](n) for n, (param, kind) in enumerate(self.types.items())}

    def _compile(self) -> _State:
        connection = connections[self.using]
        state = getattr(self._local, "state", None)
        if state is not None and state.connection is connection:
            return state
        markers = self._markers()
        queryset = self.build(**markers)
        if queryset._prefetch_related_lookups:
            raise TypeError(f"{self.name}: a prepared query cannot prefetch (its queries would not run)")
        compiler = queryset.query.get_compiler(using=self.using)
        sql, params = compiler.as_sql()
        slots = []
        for index, value in enumerate(params):
            for param, marker in markers.items():
                if type(value) is type(marker) and value == marker:
                    slots.append((index, param))
        missing = set(markers) - {param for _index, param in slots}
        if missing:
            raise TypeError(
                f"{self.name}: {', '.join(sorted(missing))} did not reach the SQL as given "
                "(a field converted it): it cannot be a prepared parameter"
            )
        state = _State()
        state.connection, state.queryset, state.compiler = connection, queryset, compiler
        state.sql, state.params, state.slots = sql, tuple(params), tuple(slots)
        self._local.state = state
        return state

    def run(self, **values: Any) -> list:
        """What iterating the built queryset would give, for these parameter values."""
        if values.keys() != self.types.keys():
            raise TypeError(f"{self.name}: give exactly {', '.join(self.types)}")
        for param, kind in self.types.items():
            if type(values[param]) is not kind:
                raise TypeError(
                    f"{self.name}: {param} must be {kind.__name__}, not {type(values[param]).__name__}"
                )
        state = self._compile()
        params = list(state.params)
        for index, param in state.slots:
            params[index] = values[param]
        sql, bound = state.sql, tuple(params)
        return iterate_compiled(
            state.queryset,
            state.compiler,
            sql,
            bound,
            fetch=lambda: _fetch_prepared(state.connection, state.compiler, sql, bound),
        )


def iterate_compiled(queryset: QuerySet, compiler, sql: str, params: tuple, *, fetch=None) -> list:
    """What iterating ``queryset`` gives (model instances, ``values`` dicts, ``values_list``
    tuples: its own iterable, with Django's converters), through ``compiler``, the one it was
    compiled with once, sending ``sql`` with ``params`` instead of compiling it again.
    ``fetch()``, when given, returns every row in place of Django's own execution (the
    prepared statement's). For this thread's compiler only: it is patched for the call."""
    compiler.as_sql = lambda *args, **kwargs: (sql, params)
    if fetch is not None:
        compiler.execute_sql = lambda *args, **kwargs: [fetch()]
    query = queryset.query
    query.get_compiler = lambda using=None, connection=None, elide_empty=True: compiler
    try:
        return list(queryset._iterable_class(queryset))
    finally:
        del compiler.as_sql, query.get_compiler
        if fetch is not None:
            del compiler.execute_sql


class _PreparingCursor(psycopg.Cursor):
    """psycopg's server-side cursor, which also remembers a statement it ran prepared:
    Django's query log (tests' query counts, DEBUG) reads the statement from there and would
    otherwise record ``None``."""

    def _send_query_prepared(self, name, pgq, *args, **kwargs):
        self._query = pgq
        return super()._send_query_prepared(name, pgq, *args, **kwargs)


def preparing_cursor(connection):
    """A Django cursor over psycopg's server-side cursor, which prepares what it sends (see
    ``_fetch_prepared``): for one statement with no other in the same call (pghistory's
    context is one: ``apps.core.history.statements_without_history``)."""
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    raw = connection.connection
    if raw.prepare_threshold is None:
        raw.prepare_threshold = PREPARE_THRESHOLD
    factory = raw.cursor_factory
    raw.cursor_factory = _PreparingCursor
    try:
        return connection.cursor()
    finally:
        raw.cursor_factory = factory


def _fetch_prepared(connection, compiler, sql: str, params: tuple) -> list:
    """Every row of the statement, sent with server-side binding and prepared: psycopg
    prepares a statement the second time it is sent on a connection, and PostgreSQL then
    skips planning it once its generic plan proves as good (the tracking look-up: 0.63 ms of
    planning for 0.17 ms of execution). Only here: the project's other statements keep
    Django's client-side binding. Through Django's cursor wrapper all the same (its execute
    wrappers, its query log, its error translation).

    Django opens its connections with ``prepare_threshold=None`` (never prepare); a
    client-side cursor never prepares whatever the threshold, so setting it on the
    connection reaches the server-side cursors only (these, and the campaign claim's)."""
    with preparing_cursor(connection) as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if compiler.has_extra_select:
        rows = [row[: compiler.col_count] for row in rows]
    return rows
