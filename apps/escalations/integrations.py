"""Where "Under Your Command" plugs into the other apps, connected from ``AppConfig.ready()``.

- Tickets: the tracking page shows a case's public texts, its extensions and its decision
  (``selectors.public_extension_rows`` and ``public_decision_rows``, in the page's one query
  of replies).
- Notifications: the one-time code and the decision letter events (``letters``).
- Committee: a decision listener brings the committee's rulings back to the case.
- SLA: a ticket still late at the second escalation level opens a case by itself
  (``sla.signals.clock_breach_escalated``), when ``HOUSING_SLA_BREACH_OPENS_UYC`` is on.
"""

from __future__ import annotations


def connect() -> None:
    from apps.committee import listeners as committee_listeners
    from apps.escalations import letters, selectors, services
    from apps.sla import signals as sla_signals
    from apps.tickets import selectors as ticket_selectors

    for key, rows, render in (
        ("escalations", selectors.public_extension_rows, selectors.public_extension_reply),
        ("escalations_decision", selectors.public_decision_rows, selectors.public_decision_reply),
    ):
        ticket_selectors.register_public_replies(
            key, ticket_selectors.PublicReplySource(rows=rows, render=render)
        )
    letters.register_events()
    committee_listeners.register("escalations", services.committee_decision_received)
    sla_signals.clock_breach_escalated.connect(open_case_after_breach, dispatch_uid="escalations.breach")


def open_case_after_breach(sender, *, ticket, now, **kwargs):
    """The SLA engine's second level: send the ticket to senior management (once), if enabled."""
    from django.conf import settings

    from apps.escalations import services

    if getattr(settings, "HOUSING_SLA_BREACH_OPENS_UYC", False):
        services.escalation_open_from_breach(ticket=ticket, now=now)
