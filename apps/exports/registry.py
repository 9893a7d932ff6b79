"""The lists that can be exported, each registered once by the app that owns it.

An app describes its list (``ExportList``): who may export it, how the list's own filter
form and selector turn a query string into the list's queryset (the very function the list
page uses, so a filter the page gains the export gains), and its columns. This module knows
no app: tickets, contacts and appointments register from their ``AppConfig.ready()``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.http import QueryDict

# What a cell holds, so that each format writes it right: text stays text (a review
# number is never turned into a number), numbers are numbers, moments are local times.
TEXT = "text"
NUMBER = "number"
DATETIME = "datetime"
DATE = "date"


@dataclass(frozen=True)
class Column:
    key: str
    header: Any  # a lazy translation: read in the exporter's language
    value: Callable[[Any], Any]
    kind: str = TEXT
    # Citizen name, CPR, phone, e-mail: only for holders of exports.export_personal_data.
    personal: bool = False
    width: int = 18


@dataclass(frozen=True)
class ExportList:
    key: str
    title: Any
    # May this viewer export the list at all (the list page's own permission)?
    allowed: Callable[[Any], bool]
    # The list's queryset for this viewer and query string (raises ApplicationError on a
    # bad filter), already ordered as the page shows it.
    queryset: Callable[[Any, QueryDict], QuerySet]
    columns: tuple[Column, ...]
    # Called with each batch of rows, after redaction, to fetch what the columns need
    # in one query per batch (never per row).
    prepare: Callable[[Any, list], None] | None = None
    # The query-string keys that belong to the list's filter (others, like a cursor, are dropped).
    ignored_params: tuple[str, ...] = field(default=("cursor", "after", "format", "page_size"))


_LISTS: dict[str, ExportList] = {}


def register(export_list: ExportList) -> ExportList:
    _LISTS[export_list.key] = export_list
    return export_list


def get(key: str) -> ExportList | None:
    return _LISTS.get(key)


def all_lists() -> Iterable[ExportList]:
    return list(_LISTS.values())
