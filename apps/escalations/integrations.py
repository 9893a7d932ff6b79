"""Where "Under Your Command" plugs into the other apps, connected from ``AppConfig.ready()``.

- Tickets: the tracking page shows a case's public texts (``selectors.public_replies``).
- Notifications: the one-time code and the decision letter events (``letters``).
- Committee: a decision listener brings the committee's rulings back to the case.
"""

from __future__ import annotations

from django.apps import apps


def connect() -> None:
    from apps.escalations import letters, selectors, services
    from apps.tickets import selectors as ticket_selectors

    ticket_selectors.register_public_replies("escalations", selectors.public_replies)
    letters.register_events()
    if apps.is_installed("apps.committee"):
        from apps.committee import listeners

        listeners.register("escalations", services.committee_decision_received)
