"""Where "Under Your Command" plugs into the other apps, connected from ``AppConfig.ready()``.

- Tickets: the tracking page shows a case's public texts (``selectors.public_replies``).
"""

from __future__ import annotations


def connect() -> None:
    from apps.escalations import selectors
    from apps.tickets import selectors as ticket_selectors

    ticket_selectors.register_public_replies("escalations", selectors.public_replies)
