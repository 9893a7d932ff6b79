"""Panels on a staff member's page, added by other apps (the change history, say).

An app registers a panel from its ``AppConfig.ready()``::

    from apps.accounts.staff_panels import StaffPanel, register

    register(StaffPanel("history", _("Change history"), render_history, order=50))

``render(request, member)`` returns the panel's HTML (already escaped: render a template),
or ``None`` to show nothing (the viewer may not see it, or there is nothing to show). The
page shows the panels in ``order``; a panel's queries count against the page's budget, so a
panel reads a bounded number of rows.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class StaffPanel:
    key: str
    title: Any
    render: Callable[[Any, Any], str | None]
    order: int = 100


_PANELS: dict[str, StaffPanel] = {}


def register(panel: StaffPanel) -> StaffPanel:
    _PANELS[panel.key] = panel
    return panel


def unregister(key: str) -> None:
    _PANELS.pop(key, None)


def panels() -> list[StaffPanel]:
    return sorted(_PANELS.values(), key=lambda p: (p.order, p.key))


def rendered_panels(request, member) -> list[dict]:
    """The panels that have something to show, as ``{"key", "title", "html"}``."""
    shown = []
    for panel in panels():
        html = panel.render(request, member)
        if html:
            shown.append({"key": panel.key, "title": panel.title, "html": html})
    return shown
