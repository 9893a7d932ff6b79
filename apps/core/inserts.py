"""Rows of several models inserted in one statement: one writable CTE per model.

Creating a record with the rows that belong to it (a ticket, its deadline clocks, its
"created" event) costs one round trip per ``INSERT`` when each is saved on its own. Here they
go together::

    insert_together([ticket], clocks, [event], signals_for=(Ticket, TicketEvent))

Each group is inserted with what ``bulk_create`` would write (each field's ``pre_save`` and
``get_db_prep_save``: the same columns, ``auto_now`` stamps, database defaults), and each
object gets back what the database fills on insert (its primary key, a generated column), as
``save()`` gives it.

A row that points at another of the same statement needs that row's id before the statement
is sent: draw it first (``id_sequence_sql``, selected with a value the caller draws anyway,
as the review number does for a ticket) and set it on the object. The statement's parts see
the same snapshot, not each other's rows; the project's foreign keys are checked at commit
(``DEFERRABLE INITIALLY DEFERRED``), so that is enough.

Each group's rows travel as one JSON parameter, read back into the table's own row type
(``json_populate_recordset``), so the statement's text depends only on which models and
columns it writes: PostgreSQL and psycopg keep it prepared and parsed, where ``VALUES`` with
a parameter per value (about 70 for a ticket's creation) was compiled by Django, parsed by
psycopg and planned anew every time (bench/PROFILE-issue20.md). A value JSON cannot carry
as its column's text (an expression, a database default on some rows only, a type other
than text, numbers, times, UUIDs, arrays and JSON) sends the statement the first way:
Django's insert compiler, a parameter per value.

``signals_for``: the models whose ``pre_save`` and ``post_save`` are sent for each object, as
``save()`` sends them (a receiver that must see every new row of such a model — a webhook, the
confidentiality guard — still sees these); ``bulk_create`` sends none, and neither does this
for the other models.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import date, time, timedelta
from decimal import Decimal
from uuid import UUID

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model, signals
from django.db.models.expressions import DatabaseDefault
from django.db.models.sql import InsertQuery
from psycopg.types.json import Json, Jsonb

from apps.core import history
from apps.core.prepared import preparing_cursor


def insert_together(
    *groups: Sequence[Model], signals_for: Iterable[type[Model]] = (), using: str = DEFAULT_DB_ALIAS
) -> None:
    """Insert every object of ``groups`` (each a list of objects of one model) in one statement."""
    groups = [list(group) for group in groups if group]
    if not groups:
        return
    announced = set(signals_for)
    connection = connections[using]
    shapes, returned = [], []
    for objs in groups:
        model = type(objs[0])
        opts = model._meta
        if any(type(obj) is not model for obj in objs) or opts.parents:
            raise TypeError(f"insert_together: one concrete model per group, without parents ({opts.label})")
        for obj in objs:  # in save()'s order: the related ids first, then pre_save
            obj._prepare_related_fields_for_save(operation_name="insert_together")
        if model in announced:
            for obj in objs:
                signals.pre_save.send(sender=model, instance=obj, raw=False, using=using, update_fields=None)
        with_pk = objs[0].pk is not None
        if any((obj.pk is not None) != with_pk for obj in objs):
            raise TypeError(f"insert_together: every {opts.label} with its id, or none")
        fields = [f for f in opts.concrete_fields if not f.generated and (with_pk or f is not opts.pk)]
        shapes.append(fields)
        returned.append(list(opts.db_returning_fields))
    sql, params = _as_json(groups, shapes, returned, connection) or _as_values(
        groups, shapes, returned, connection
    )
    tables = {type(objs[0])._meta.db_table for objs in groups}
    if tables & _tables_with_insert_triggers(connection):
        # A trigger may record history: pghistory's context goes with the statement.
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchone()  # ``json_agg``: decoded by psycopg
    else:
        # No trigger to read the context: the statement goes alone, prepared (PostgreSQL
        # stops planning it: 0.5 ms of a ticket's creation, bench/PROFILE-issue20.md).
        with history.statements_without_history(), preparing_cursor(connection) as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchone()
    for objs, back, values in zip(groups, returned, rows, strict=True):
        _fill(objs, back, values or [], using)
    for objs in groups:
        model = type(objs[0])
        if model in announced:
            for obj in objs:
                signals.post_save.send(
                    sender=model, instance=obj, created=True, update_fields=None, raw=False, using=using
                )


def _returning(n: int, opts, back: list, connection) -> tuple[str, str]:
    """The CTE's name and the outer ``SELECT``'s part for it: its rows' ``back`` columns."""
    name = connection.ops.quote_name(f"inserted_{n}")
    columns = ", ".join(connection.ops.quote_name(f.column) for f in back)
    pk = connection.ops.quote_name(opts.pk.column)
    return name, f"(SELECT json_agg(json_build_array({columns}) ORDER BY {pk}) FROM {name})"


def _as_values(groups, shapes, returned, connection) -> tuple[str, list]:
    """The statement with a parameter per value, from Django's insert compiler (anything
    ``bulk_create`` can write)."""
    parts, params, selects = [], [], []
    for n, (objs, fields, back) in enumerate(zip(groups, shapes, returned, strict=True)):
        query = InsertQuery(type(objs[0]))
        query.insert_values(fields, objs, raw=False)
        compiler = query.get_compiler(connection=connection)
        compiler.returning_fields = back
        [(sql, part_params)] = compiler.as_sql()
        name, select = _returning(n, objs[0]._meta, back, connection)
        parts.append(f"{name} AS ({sql})")
        params.extend(part_params)
        selects.append(select)
    return f"WITH {', '.join(parts)} SELECT {', '.join(selects)}", params


class _NotJson(Exception):
    """A value JSON does not carry as its column's text input: the statement goes as VALUES."""


_SCALARS = (str, int, float, Decimal, date, time, timedelta, UUID, Json, Jsonb)  # date: datetime too


def _json_value(value):
    """``json.dumps``'s ``default``: the text PostgreSQL reads back as the column's value."""
    if isinstance(value, (date, time)):  # a datetime too: ISO 8601, with its offset
        return value.isoformat()
    if isinstance(value, (Decimal, UUID)):
        return str(value)  # numeric's and uuid's text input, exact
    if isinstance(value, timedelta):  # interval's ISO 8601 input
        return f"P{value.days}DT{value.seconds}.{value.microseconds:06d}S"
    if isinstance(value, (Json, Jsonb)):  # the JSON the adapter would send, nested as it is
        return json.loads((value.dumps or json.dumps)(value.obj))
    raise _NotJson(type(value).__name__)


def _check(value) -> None:
    """Refuse what ``json.dumps`` would write in a shape its column would not read back: a
    dict (hstore), bytes, a tuple, a range... (a float that is not finite: ``allow_nan``)."""
    if value is None or isinstance(value, _SCALARS):
        return
    if type(value) is not list:
        raise _NotJson(type(value).__name__)
    for item in value:
        _check(item)


def _as_json(groups, shapes, returned, connection) -> tuple[str, list] | None:
    """The statement with a JSON parameter per group, or None when a value needs ``VALUES``."""
    try:
        dumped = [
            _group_as_json(objs, fields, connection) for objs, fields in zip(groups, shapes, strict=True)
        ]
    except (_NotJson, ValueError):  # ValueError: a float that is not finite
        return None
    params = [rows for rows, _defaulted in dumped]
    left_out = [defaulted for _rows, defaulted in dumped]
    key = tuple(
        (type(objs[0]), objs[0].pk is not None, tuple(f.column for f in defaulted))
        for objs, defaulted in zip(groups, left_out, strict=True)
    )
    sql = _JSON_SQL.get(key)
    if sql is None:
        sql = _JSON_SQL[key] = _json_sql(groups, shapes, returned, left_out, connection)
    return sql, params


def _group_as_json(objs, fields, connection) -> tuple[str, tuple]:
    """One group's rows as a JSON array of objects (column → value), and the fields every
    row leaves to the column's database default (left out of the statement)."""
    if any(hasattr(field, "get_placeholder") for field in fields):
        raise _NotJson("a field with a placeholder of its own")  # e.g. a geometry
    rows, defaulted = [], None
    for obj in objs:
        row, defaults = {}, []
        for field in fields:
            value = field.pre_save(obj, add=True)
            if isinstance(value, DatabaseDefault):
                defaults.append(field)
                continue
            if hasattr(value, "resolve_expression"):
                raise _NotJson("an expression")
            value = field.get_db_prep_save(value, connection=connection)
            _check(value)
            row[field.column] = value
        if defaulted is not None and defaults != defaulted:
            raise _NotJson("a default on some rows only")  # VALUES: DEFAULT row by row
        defaulted = defaults
        rows.append(row)
    dumped = json.dumps(rows, default=_json_value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return dumped, tuple(defaulted)


_JSON_SQL: dict[tuple, str] = {}  # the statement of each shape, built once per process


def _json_sql(groups, shapes, returned, left_out, connection) -> str:
    quote = connection.ops.quote_name
    parts, selects = [], []
    for n, (objs, fields, back, defaulted) in enumerate(zip(groups, shapes, returned, left_out, strict=True)):
        opts = objs[0]._meta
        columns = ", ".join(quote(f.column) for f in fields if f not in defaulted)
        table = quote(opts.db_table)
        returning = ", ".join(quote(f.column) for f in back)
        name, select = _returning(n, opts, back, connection)
        parts.append(
            f"{name} AS (INSERT INTO {table} ({columns}) SELECT {columns} FROM "
            f"json_populate_recordset(NULL::{table}, %s) WITH ORDINALITY ORDER BY ordinality "
            f"RETURNING {returning})"
        )
        selects.append(select)
    return f"WITH {', '.join(parts)} SELECT {', '.join(selects)}"


def _fill(objs: list[Model], back: list, values: list, using: str) -> None:
    """Give each object what the database filled in: by id for objects that came with one,
    else in the order they were given (ids drawn in that order, returned ordered by id)."""
    if len(values) != len(objs):
        raise RuntimeError(f"insert_together: {len(objs)} rows sent, {len(values)} returned")
    pk_index = [f.primary_key for f in back].index(True)
    if objs[0].pk is not None:
        by_pk = {row[pk_index]: row for row in values}
        values = [by_pk[obj.pk] for obj in objs]
    for obj, row in zip(objs, values, strict=True):
        for field, value in zip(back, row, strict=True):
            kind = field.output_field if field.generated else field  # a generated column's own type
            setattr(obj, field.attname, kind.to_python(value))
        obj._state.adding = False
        obj._state.db = using


_INSERT_TRIGGERS: dict[tuple[str, str], frozenset[str]] = {}


def _tables_with_insert_triggers(connection) -> frozenset[str]:
    """The tables of this database with an enabled trigger of their own on ``INSERT``, read
    from the catalogue once per process (a migration that adds one comes with a restart)."""
    key = (connection.alias, connection.settings_dict["NAME"])
    found = _INSERT_TRIGGERS.get(key)
    if found is None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE NOT t.tgisinternal AND t.tgenabled <> 'D' AND t.tgtype & 4 <> 0"  # 4: INSERT
            )
            found = _INSERT_TRIGGERS[key] = frozenset(name for (name,) in cursor.fetchall())
    return found


def id_sequence_sql(model: type[Model]) -> str:
    """``nextval`` of the sequence behind ``model``'s id, as an expression to select."""
    opts = model._meta
    return f"nextval(pg_get_serial_sequence('{opts.db_table}', '{opts.pk.column}'))"
