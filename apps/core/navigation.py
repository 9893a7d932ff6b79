"""The staff navigation: each entry names the permission that shows it and the group it sits in.

Later apps append their entries with ``register``; the shell shows a person only the
entries whose permission they hold, grouped by work area (``Desk``, ``Management``,
``Administration`` …), each group one menu in the top bar so the bar keeps its width
however many modules arrive. An app may add a group of its own with ``register_group``
(e.g. ``NavGroup("branch", _("Branch"), 30)``); an entry naming no group lands in "More".
Entries that depend on the person (their saved views, with counts) come from providers
registered with ``register_provider``: ``(user) -> [{"key", "label", "url", "group", …}]``.
Where a permission is not enough (a deputy who holds a senior manager's queue for a
while), ``permission`` may be a callable ``(user) -> bool``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

TOP_LEVEL = ""  # an entry in this group is a link of its own in the bar (only "Home")


@dataclass(frozen=True)
class NavGroup:
    key: str
    label: str
    order: int = 100


@dataclass(frozen=True)
class NavEntry:
    key: str
    label: str
    url_name: str
    permission: str | Callable | None
    order: int = 100
    group: str = "more"


_ENTRIES: dict[str, NavEntry] = {}
_GROUPS: dict[str, NavGroup] = {}
_PROVIDERS: list[Callable] = []


def register(entry: NavEntry) -> None:
    _ENTRIES[entry.key] = entry


def register_group(group: NavGroup) -> None:
    _GROUPS[group.key] = group


def register_provider(provider: Callable) -> None:
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


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
        items.append({"key": entry.key, "label": entry.label, "url": url, "group": entry.group})
    for provider in _PROVIDERS:
        items.extend(provider(user))
    return items


def groups_for(entries: list[dict]) -> list[dict]:
    """The entries (from ``entries_for``) as the bar's menus, in the groups' order.

    An entry marked ``active`` marks its group active too, so the bar shows where one is.
    """
    grouped: dict[str, dict] = {}
    for item in entries:
        key = item["group"]
        if key == TOP_LEVEL:
            continue
        group = _GROUPS.get(key) or _GROUPS["more"]
        menu = grouped.setdefault(
            group.key, {"key": group.key, "label": group.label, "order": group.order, "entries": []}
        )
        menu["entries"].append(item)
        menu["active"] = menu.get("active", False) or bool(item.get("active"))
    return sorted(grouped.values(), key=lambda g: (g["order"], g["key"]))


register_group(NavGroup("desk", pgettext_lazy("navigation group", "Desk"), 10))
register_group(NavGroup("management", pgettext_lazy("navigation group", "Management"), 20))
register_group(NavGroup("committee", pgettext_lazy("navigation group", "Committee"), 40))
register_group(NavGroup("administration", pgettext_lazy("navigation group", "Administration"), 90))
register_group(NavGroup("more", pgettext_lazy("navigation group", "More"), 80))
# The data-protection officer's desk and staff administration (apps/privacy, apps/accounts).
register_group(NavGroup("privacy", pgettext_lazy("navigation group", "Data protection"), 85))

register(NavEntry("home", _("Home"), "core:home", None, order=0, group=TOP_LEVEL))
register(
    NavEntry(
        "admin",
        pgettext_lazy("navigation", "Settings (Django admin)"),
        "admin:index",
        "accounts.administer",
        order=900,
        group="administration",
    )
)
