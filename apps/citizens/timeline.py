"""The citizen's 360° timeline: one list, newest first, merged from every app.

Each app registers a *source* in its ``AppConfig.ready()``::

    timeline.register("contact", CONTACTS_TIMELINE)

A source is a ``QuerySource`` (its rows, the instant they are ordered by, the related
rows it reads, and how one row becomes an entry): every such source is read in one query
for the whole page (``_queried``). A plain function
``(citizen, viewer, before=None, limit=20) -> list[TimelineEntry]`` is accepted too (at
most ``limit`` entries of its own kind, newest first, strictly older than the cursor
``before``; use ``before_q`` to filter) and costs a query of its own. A source marks the entries of a confidential
record (``confidential=True``, from ``apps.core.confidentiality.is_confidential``);
``citizen_timeline`` blanks them for a viewer who may not read them, through the one
policy, so no source has its own redaction to forget. ``citizen_timeline`` asks every source for one page and merges them; the merge is
exact because every source returns its own newest ``limit`` entries below the cursor.

Entries are ordered by ``(at, kind, id)`` descending, so equal timestamps still give one
stable order and the cursor ``"<iso time>|<kind>|<id>"`` is unambiguous.
"""

from __future__ import annotations

import heapq
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import connections
from django.db.models import (
    BigIntegerField,
    BooleanField,
    CharField,
    DateTimeField,
    ExpressionWrapper,
    F,
    JSONField,
    Model,
    Q,
    QuerySet,
    Value,
)
from django.db.models.expressions import RawSQL
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from apps.core import confidentiality
from apps.core.errors import ValidationFailed
from apps.core.prepared import iterate_compiled

PAGE_SIZE = 20


@dataclass(frozen=True, order=True)
class Cursor:
    at: datetime
    kind: str
    id: int

    def encode(self) -> str:
        return f"{self.at.isoformat()}|{self.kind}|{self.id}"

    @classmethod
    def decode(cls, value: str | None) -> Cursor | None:
        if not value:
            return None
        try:
            at_text, kind, id_text = value.rsplit("|", 2)
            at = parse_datetime(at_text)
            if at is None or at.tzinfo is None:
                raise ValueError(at_text)
            return cls(at=at, kind=kind, id=int(id_text))
        except ValueError:
            raise ValidationFailed(
                _("This page of the timeline does not exist."), code="invalid_cursor"
            ) from None


@dataclass
class TimelineEntry:
    """One thing that happened to a citizen, ready to show.

    ``confidential`` entries belong to a confidential record: for a viewer who may not read
    it they become ``restricted`` and show only that something happened and when, plus the
    ``restricted_badges`` and ``restricted_details`` the source chose as harmless.
    """

    at: datetime
    kind: str
    id: int
    kind_label: str
    title: str
    body: str = ""
    url: str = ""
    actor: str = ""
    badges: list[tuple[str, str]] = field(default_factory=list)  # (label, bootstrap colour)
    details: list[tuple[str, str]] = field(default_factory=list)  # (label, value)
    restricted: bool = False
    confidential: bool = False
    restricted_badges: list[tuple[str, str]] = field(default_factory=list)
    restricted_details: list[tuple[str, str]] = field(default_factory=list)
    # Machine-readable facts a page may act on (never shown as such; blanked when restricted).
    facts: dict = field(default_factory=dict)

    @property
    def cursor(self) -> Cursor:
        return Cursor(at=self.at, kind=self.kind, id=self.id)


@dataclass
class TimelinePage:
    entries: list[TimelineEntry]
    next_cursor: str | None


@dataclass(frozen=True)
class QuerySource:
    """A source read in the timeline's one query (``UNION ALL`` of every such source).

    ``rows(citizen=, viewer=)``: the citizen's rows the viewer may see, as a queryset of one
    model (None: nothing for this viewer); ``at_field``: the instant it is ordered by;
    ``related``: the foreign keys ``entry`` reads (like ``select_related``, paths with
    ``__``), fetched in the same query; ``entry(row, viewer)``: the ``TimelineEntry`` of one row.
    The rows come back whole (every column, as JSON beside the key), so ``entry`` may read
    any field of the row or of the related rows without a query.
    """

    kind: str
    rows: Callable[..., QuerySet | None]
    at_field: str
    entry: Callable[[Model, object], TimelineEntry]
    related: tuple[str, ...] = ()

    def page(
        self, *, citizen, viewer, before: Cursor | None = None, limit: int = PAGE_SIZE
    ) -> list[TimelineEntry]:
        """This source alone (its own query): ``limit`` entries strictly older than ``before``."""
        rows = self.rows(citizen=citizen, viewer=viewer)
        if rows is None:
            return []
        rows = rows.filter(before_q(before, kind=self.kind, at_field=self.at_field))
        if self.related:
            rows = rows.select_related(*self.related)
        return [self.entry(row, viewer) for row in rows.order_by(f"-{self.at_field}", "-pk")[:limit]]


Source = Callable[..., list[TimelineEntry]] | QuerySource

_SOURCES: dict[str, Source] = {}


def _hide(entry: TimelineEntry) -> None:
    entry.title = confidentiality.neutral_title()
    entry.body = ""
    entry.url = ""
    entry.actor = ""
    entry.badges = list(entry.restricted_badges)
    entry.details = list(entry.restricted_details)
    entry.facts = {}
    entry.restricted = True


confidentiality.register(TimelineEntry, is_confidential=lambda entry: entry.confidential, hide=_hide)


def register(kind: str, source: Source) -> None:
    """Add (or replace) the source of entries of ``kind``."""
    _SOURCES[kind] = source


def registered_kinds() -> list[str]:
    return sorted(_SOURCES)


def before_q(before: Cursor | None, *, kind: str, at_field: str, id_field: str = "pk") -> Q:
    """The filter "strictly older than the cursor" for a source whose entries are ``kind``."""
    if before is None:
        return Q()
    older = Q(**{f"{at_field}__lt": before.at})
    if kind < before.kind:
        return older | Q(**{at_field: before.at})
    if kind == before.kind:
        return older | Q(**{at_field: before.at, f"{id_field}__lt": before.id})
    return older


def citizen_timeline(*, citizen, viewer, before: str | None = None, limit: int = PAGE_SIZE) -> TimelinePage:
    """One page of the citizen's timeline for ``viewer``, newest first, from every source:
    the ``QuerySource`` ones in one query, any other each with its own."""
    cursor = Cursor.decode(before)
    limit = max(1, min(int(limit), 100))
    streams = [_queried(citizen=citizen, viewer=viewer, before=cursor, limit=limit + 1)]
    for source in _SOURCES.values():
        if isinstance(source, QuerySource):
            continue
        entries = source(citizen=citizen, viewer=viewer, before=cursor, limit=limit + 1)
        streams.append(sorted(entries, key=_order_key, reverse=True))
    merged = list(heapq.merge(*streams, key=_order_key, reverse=True))
    page = confidentiality.redact(viewer, merged[:limit])
    more = len(merged) > limit
    return TimelinePage(entries=page, next_cursor=page[-1].cursor.encode() if more and page else None)


def _order_key(entry: TimelineEntry):
    return (entry.at, entry.kind, entry.id)


# --- the one query -----------------------------------------------------------------------


def _queried(*, citizen, viewer, before: Cursor | None, limit: int) -> list[TimelineEntry]:
    """The newest ``limit`` entries of every ``QuerySource`` below the cursor, in one query:
    each source's own newest ``limit`` keys with its row (and related rows) as JSON, unioned
    and cut to ``limit`` in the database, then rebuilt into model instances for ``entry``.
    The first page's query is compiled once per shape (``_first_page``); another page's, or
    one whose sources cannot be taken apart that way, is built by the ORM each time."""
    parts = []
    for kind, source in _SOURCES.items():
        if not isinstance(source, QuerySource):
            continue
        rows = source.rows(citizen=citizen, viewer=viewer)
        if rows is not None:
            parts.append((kind, source, rows))
    if not parts:
        return []
    found = _first_page(parts, limit) if before is None else None
    if found is None:
        branches = [_branch(kind, source, rows, before, limit) for kind, source, rows in parts]
        found = list(_union(branches, limit))
    sources = {kind: (source, rows.model, rows.db) for kind, source, rows in parts}
    entries = []
    for row in found:
        source, model, db = sources[row["t_kind"]]
        instance = _instance(model, row["t_row"], db)
        _attach(instance, source.related, row["t_related"] or {}, db)
        entries.append(source.entry(instance, viewer))
    return entries


def _branch(kind: str, source: QuerySource, rows: QuerySet, before: Cursor | None, limit: int) -> QuerySet:
    """One source's part of the union: its newest ``limit`` rows below the cursor, each as
    its instant, kind, key, the whole row and its related rows as JSON."""
    table = rows.model._meta.db_table
    columns = {
        "t_at": ExpressionWrapper(F(source.at_field), output_field=DateTimeField()),
        "t_kind": Value(kind, output_field=CharField()),
        "t_id": ExpressionWrapper(F("pk"), output_field=BigIntegerField()),
        "t_row": RawSQL(f'to_jsonb("{table}".*)', (), output_field=JSONField()),
        "t_related": _related_json(rows.model, table, source.related),
    }
    return (
        rows.filter(before_q(before, kind=kind, at_field=source.at_field))
        .annotate(**columns)
        .order_by(f"-{source.at_field}", "-pk")
        .values(*columns)[:limit]
    )


def _union(branches: list[QuerySet], limit: int) -> QuerySet:
    combined = branches[0].union(*branches[1:], all=True) if len(branches) > 1 else branches[0]
    return combined.order_by("-t_at", "-t_kind", "-t_id")[:limit]


# --- the first page, compiled once per shape ----------------------------------------------
#
# Building the union of ten branches with the ORM and compiling it took about 6.5 ms of the
# console's look-up (of about 19 ms; the query itself 2.3 ms), the same work on every
# request for the same SQL. What changes from one look-up to the next is only what each
# source's ``rows`` filter on (the citizen, the viewer's scope): each source's rows are still
# built on every request (cheap, about 0.05 ms), and the SQL and parameters of their filter
# compiled (``_filter_of``). The filters' SQL texts and the page size are the shape; the union
# around them is built and compiled once per shape and thread, with a stand-in (``_Slot``)
# for each of the filters' parameters, which are put in its place on each run. Nothing the
# viewer may or may not see is kept: the filters, and so the rows, are this request's own.

MAX_SHAPES = 64  # per thread; past it the compiled shapes are dropped and built again

_compiled = threading.local()


class _Slot:
    """Stands for parameter ``index`` of branch ``branch``'s filter in the union compiled once."""

    __slots__ = ("branch", "index")

    def __init__(self, branch: int, index: int):
        self.branch, self.index = branch, index


class _Shape:
    __slots__ = ("queryset", "compiler", "sql", "params", "slots")


_UNSUPPORTED = object()


def _filter_of(rows: QuerySet):
    """The SQL and parameters of the filter of ``rows`` (None: they are empty), when rows
    are one table filtered and nothing more; else ``_UNSUPPORTED`` (a join, a slice,
    DISTINCT, an aggregate, ``extra``): their branch cannot be rebuilt from the filter alone."""
    query = rows.query
    if (
        sum(1 for alias in query.alias_map if query.alias_refcount[alias]) > 1  # a join Django kept
        or query.distinct
        or query.group_by is not None
        or query.extra
        or query.extra_tables
        or query.combinator
        or query.is_sliced
        or query.select_for_update
        or query.values_select
        or query.annotations
        or query.where.contains_aggregate
    ):
        return _UNSUPPORTED
    compiler = query.get_compiler(using=rows.db)
    try:
        sql, params = compiler.compile(query.where)
    except EmptyResultSet:
        return None
    except FullResultSet:
        return "", ()
    return sql, tuple(params)


def _first_page(parts: list[tuple[str, QuerySource, QuerySet]], limit: int) -> list[dict] | None:
    """The union's rows for the first page (as ``_union`` gives them), through the SQL
    compiled once for this shape; None when a source's rows cannot be taken apart."""
    db = parts[0][2].db
    live = []
    for kind, source, rows in parts:
        found = _filter_of(rows)
        if found is _UNSUPPORTED or rows.db != db:
            return None
        if found is not None:
            live.append((kind, source, rows.model, found))
    if not live:
        return []
    # The source itself (its instant, related rows, entry), not only its kind: a source
    # registered again under the same kind is another shape.
    key = (limit, tuple((source, model, found[0]) for _kind, source, model, found in live))
    connection = connections[db]
    if getattr(_compiled, "connection", None) is not connection:
        _compiled.connection, _compiled.shapes = connection, {}
    shape = _compiled.shapes.get(key)
    if shape is None:
        if len(_compiled.shapes) >= MAX_SHAPES:
            _compiled.shapes.clear()
        shape = _compiled.shapes[key] = _compile(live, limit, db)
    filter_params = [params for *_source, (_sql, params) in live]
    params = list(shape.params)
    for position, branch, index in shape.slots:
        params[position] = filter_params[branch][index]
    # Django's own iterable and converters over the compiler kept with the shape.
    return iterate_compiled(shape.queryset, shape.compiler, shape.sql, tuple(params))


def _compile(live: list, limit: int, db: str) -> _Shape:
    branches = []
    for number, (kind, source, model, (sql, params)) in enumerate(live):
        rows = model._base_manager.db_manager(db).all()
        if sql:
            slots = [_Slot(number, index) for index in range(len(params))]
            rows = rows.filter(RawSQL(sql, slots, output_field=BooleanField()))
        branches.append(_branch(kind, source, rows, None, limit))
    shape = _Shape()
    shape.queryset = _union(branches, limit)
    shape.compiler = shape.queryset.query.get_compiler(using=db)
    shape.sql, params = shape.compiler.as_sql()
    shape.params = tuple(params)
    shape.slots = tuple(
        (position, value.branch, value.index)
        for position, value in enumerate(params)
        if isinstance(value, _Slot)
    )
    if len(shape.slots) != sum(len(found[1]) for *_rest, found in live):
        raise RuntimeError("the timeline's union lost or repeated a parameter of a source's filter")
    return shape


def _paths(related: tuple[str, ...]) -> list[str]:
    """Every prefix of the related paths, shortest first: ``contact__ticket`` needs ``contact``."""
    found = dict.fromkeys(
        "__".join(path.split("__")[: depth + 1]) for path in related for depth in range(len(path.split("__")))
    )
    return sorted(found, key=lambda p: p.count("__"))


def _related_json(model: type[Model], table: str, related: tuple[str, ...]) -> RawSQL:
    """One JSON object beside the row: each related path's row (``to_jsonb``), found through
    the foreign keys by correlated sub-selects, so the branch itself joins nothing."""
    if not related:
        return RawSQL("'{}'::jsonb", (), output_field=JSONField())
    pairs = []
    for n, path in enumerate(_paths(related)):
        current, key = model, f'"{table}"'
        value = None
        for depth, name in enumerate(path.split("__")):
            model_field = current._meta.get_field(name)
            target = model_field.related_model
            alias = f"t_r{n}_{depth}"
            column = f'{key}."{model_field.column}"' if value is None else value
            pk = f'{alias}."{model_field.target_field.column}"'
            if depth == path.count("__"):
                value = f'(SELECT to_jsonb({alias}.*) FROM "{target._meta.db_table}" {alias} WHERE {pk} = {column})'
            else:
                following = target._meta.get_field(path.split("__")[depth + 1])
                value = (
                    f'(SELECT {alias}."{following.column}" FROM "{target._meta.db_table}" {alias}'
                    f" WHERE {pk} = {column})"
                )
            current = target
        pairs.append(f"'{path}', {value}")
    return RawSQL(f"jsonb_build_object({', '.join(pairs)})", (), output_field=JSONField())


def _instance(model: type[Model], data: dict, db: str) -> Model:
    """The model instance of a row given as ``to_jsonb`` (every column), as a query gives it."""
    fields = model._meta.concrete_fields
    values = []
    for model_field in fields:
        value = data.get(model_field.column)
        if value is not None and not isinstance(model_field, JSONField):
            value = model_field.to_python(value)
        values.append(value)
    return model.from_db(db, [f.attname for f in fields], values)


def _attach(instance: Model, related: tuple[str, ...], data: dict, db: str) -> None:
    """Set the related rows on the instance, as ``select_related`` would have."""
    for path in _paths(related):
        owner = instance
        names = path.split("__")
        for name in names[:-1]:
            owner = owner._state.fields_cache.get(name) if owner is not None else None
        if owner is None:
            continue
        model_field = type(owner)._meta.get_field(names[-1])
        row = data.get(path)
        owner._state.fields_cache[names[-1]] = (
            None if row is None else _instance(model_field.related_model, row, db)
        )
