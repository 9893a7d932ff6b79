"""The staff navigation: each entry names the permission that shows it.

Later apps append their entries with ``register``; the shell shows a person only the
entries whose permission they hold. Where a permission is not enough (a deputy who holds a
senior manager's queue for a while), ``permission`` may be a callable ``(user) -> bool``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavEntry:
    key: str
    label: str
    url_name: str
    permission: str | Callable | None
    order: int = 100


_ENTRIES: dict[str, NavEntry] = {}


def register(entry: NavEntry) -> None:
    _ENTRIES[entry.key] = entry


def entries_for(user) -> list[dict]:
    if not user.is_authenticated:
        return []
    items = []
    for entry in sorted(_ENTRIES.values(), key=lambda e: (e.order, e.key)):
        if callable(entry.permission):
            if not entry.permission(user):
                continue
        elif entry.permission and not user.has_perm(entry.permission):
            continue
        try:
            url = reverse(entry.url_name)
        except NoReverseMatch:
            continue
        items.append({"key": entry.key, "label": entry.label, "url": url})
    return items


register(NavEntry("home", _("Home"), "core:home", None, order=0))
register(NavEntry("admin", _("Administration"), "admin:index", "accounts.administer", order=900))
