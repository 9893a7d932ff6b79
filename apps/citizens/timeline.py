"""The citizen's 360° timeline: one list, newest first, merged from every app.

Each app registers a *source* in its ``AppConfig.ready()``::

    timeline.register("contact", contacts_for_timeline)

A source is ``(citizen, viewer, before=None, limit=20) -> list[TimelineEntry]``: at most
``limit`` entries of its own kind, newest first, strictly older than the cursor
``before`` (use ``before_q`` to filter). A source marks the entries of a confidential
record (``confidential=True``, from ``apps.core.confidentiality.is_confidential``);
``citizen_timeline`` blanks them for a viewer who may not read them, through the one
policy, so no source has its own redaction to forget. ``citizen_timeline`` asks every source for one page and merges them; the merge is
exact because every source returns its own newest ``limit`` entries below the cursor.

Entries are ordered by ``(at, kind, id)`` descending, so equal timestamps still give one
stable order and the cursor ``"<iso time>|<kind>|<id>"`` is unambiguous.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Q
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from apps.core import confidentiality
from apps.core.errors import ValidationFailed

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

    @property
    def cursor(self) -> Cursor:
        return Cursor(at=self.at, kind=self.kind, id=self.id)


@dataclass
class TimelinePage:
    entries: list[TimelineEntry]
    next_cursor: str | None


Source = Callable[..., list[TimelineEntry]]

_SOURCES: dict[str, Source] = {}


def _hide(entry: TimelineEntry) -> None:
    entry.title = confidentiality.neutral_title()
    entry.body = ""
    entry.url = ""
    entry.actor = ""
    entry.badges = list(entry.restricted_badges)
    entry.details = list(entry.restricted_details)
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
    """One page of the citizen's timeline for ``viewer``, newest first, from every source."""
    cursor = Cursor.decode(before)
    limit = max(1, min(int(limit), 100))
    streams = []
    for source in _SOURCES.values():
        entries = source(citizen=citizen, viewer=viewer, before=cursor, limit=limit + 1)
        streams.append(sorted(entries, key=_order_key, reverse=True))
    merged = list(heapq.merge(*streams, key=_order_key, reverse=True))
    page = confidentiality.redact(viewer, merged[:limit])
    more = len(merged) > limit
    return TimelinePage(entries=page, next_cursor=page[-1].cursor.encode() if more and page else None)


def _order_key(entry: TimelineEntry):
    return (entry.at, entry.kind, entry.id)
