"""Role dashboards: the home page shows each person the panels of the work they do.

Each app registers its panels here (like the navigation); a panel's ``figures`` callable
returns live counts, each one a link to the list behind it. A panel answers in a fixed
number of queries (one grouped ``aggregate`` as a rule), so the home page costs the same
with ten tickets or ten million.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    value: int | None
    url: str
    tone: str = ""  # "danger", "warning" or "" (a neutral count)
    detail: str = ""  # a line under the count, e.g. the next meeting's date


@dataclass(frozen=True)
class Panel:
    key: str
    title: str
    permission: str | Callable | None
    figures: Callable[..., list[Figure]]  # figures(user=, now=)
    order: int = 100
    links: tuple = field(default_factory=tuple)  # (label, url_name) of the lists behind it


_PANELS: dict[str, Panel] = {}


def register(panel: Panel) -> None:
    _PANELS[panel.key] = panel


def _allowed(panel: Panel, user) -> bool:
    if callable(panel.permission):
        return bool(panel.permission(user))
    return not panel.permission or user.has_perm(panel.permission)


def panels_for(user, *, now: datetime | None = None) -> list[dict]:
    if not user.is_authenticated:
        return []
    now = now or timezone.now()
    shown = []
    for panel in sorted(_PANELS.values(), key=lambda p: (p.order, p.key)):
        if _allowed(panel, user):
            shown.append(
                {"key": panel.key, "title": panel.title, "figures": panel.figures(user=user, now=now)}
            )
    return shown
