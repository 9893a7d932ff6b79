"""Where "Under Your Command" plugs into the other apps, connected from ``AppConfig.ready()``.

- Tickets: the tracking page shows a case's public texts (``selectors.public_replies``).
- Notifications: the one-time code and the decision letter events (``letters``).
- Committee: a decision listener brings the committee's rulings back to the case.
"""

from __future__ import annotations


def connect() -> None:
    from apps.committee import listeners as committee_listeners
    from apps.escalations import letters, selectors, services
    from apps.tickets import selectors as ticket_selectors

    ticket_selectors.register_public_replies("escalations", selectors.public_replies)
    letters.register_events()
    committee_listeners.register("escalations", services.committee_decision_received)
