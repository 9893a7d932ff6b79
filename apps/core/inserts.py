"""Rows of several models inserted in one statement: one writable CTE per model.

Creating a record with the rows that belong to it (a ticket, its deadline clocks, its
"created" event) costs one round trip per ``INSERT`` when each is saved on its own. Here they
go together::

    insert_together([ticket], clocks, [event], signals_for=(Ticket, TicketEvent))

Each group is inserted as ``bulk_create`` would insert it (Django's own insert compiler: the
same columns, ``auto_now`` stamps, database defaults), and each object gets back what the
database fills on insert (its primary key, a generated column), as ``save()`` gives it.

A row that points at another of the same statement needs that row's id before the statement
is sent: draw it first (``id_sequence_sql``, selected with a value the caller draws anyway,
as the review number does for a ticket) and set it on the object. The statement's parts see
the same snapshot, not each other's rows; the project's foreign keys are checked at commit
(``DEFERRABLE INITIALLY DEFERRED``), so that is enough.

``signals_for``: the models whose ``pre_save`` and ``post_save`` are sent for each object, as
``save()`` sends them (a receiver that must see every new row of such a model — a webhook, the
confidentiality guard — still sees these); ``bulk_create`` sends none, and neither does this
for the other models.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model, signals
from django.db.models.sql import InsertQuery

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
    parts, params, selects, returned = [], [], [], []
    for n, objs in enumerate(groups):
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
        back = list(opts.db_returning_fields)
        query = InsertQuery(model)
        query.insert_values(fields, objs, raw=False)
        compiler = query.get_compiler(using=using, connection=connection)
        compiler.returning_fields = back
        [(sql, part_params)] = compiler.as_sql()
        name = connection.ops.quote_name(f"inserted_{n}")
        parts.append(f"{name} AS ({sql})")
        params.extend(part_params)
        columns = ", ".join(connection.ops.quote_name(f.column) for f in back)
        pk = connection.ops.quote_name(opts.pk.column)
        selects.append(f"(SELECT json_agg(json_build_array({columns}) ORDER BY {pk}) FROM {name})")
        returned.append(back)
    sql = f"WITH {', '.join(parts)} SELECT {', '.join(selects)}"
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
