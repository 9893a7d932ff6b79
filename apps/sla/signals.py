"""The calendar's hooks, for the ticket clocks (and anything else holding deadlines) to connect to.

Both are sent inside the transaction that changes the calendar, with the calendar as it
will be after the change (``calendar``) and the local dates whose working hours changed
(``dates``, a frozenset of ``datetime.date``):

``calendar_change_requested``: every receiver returns a list of the met or breached clocks
the change would move (any JSON-able description, e.g. review numbers); a non-empty list
from any receiver makes ``services.calendar_change_check`` refuse the change, and the whole
transaction rolls back.

``calendar_changed``: receivers recompute the due instants of OPEN clocks that the dates
touch, and nothing else (met and breached clocks keep their verdict).
"""

from django.dispatch import Signal

calendar_change_requested = Signal()  # kwargs: dates, calendar
calendar_changed = Signal()  # kwargs: dates, calendar, actor

# Sent (after the notices are written) when a clock reaches the second escalation level: late
# for as long again as it was allowed. kwargs: clock, ticket, now. The "Under Your Command"
# app may open a case from it (``HOUSING_SLA_BREACH_OPENS_UYC``).
clock_breach_escalated = Signal()

# Sent (after the notices are written, in their transaction) when a clock's breach notice is
# handled: its ticket has missed the deadline. kwargs: clock, ticket, now. Outbound webhooks
# (apps.integrations.webhooks) listen, so this floor imports nobody above it.
clock_breached = Signal()


# --- the ticket clocks' receivers (connected in ``SlaConfig.ready``) -------------------------


def refuse_moving_met_clocks(sender, *, dates, calendar, **kwargs):
    """The met or breached clocks a calendar change would move (their verdict is fixed)."""
    from apps.sla.clock_services import clocks_moved_by_dates

    return clocks_moved_by_dates(dates=dates, calendar=calendar)


def recompute_open_clocks(sender, *, dates, calendar, **kwargs):
    """Recompute the deadlines of open clocks the changed dates can move, with the new calendar."""
    from apps.sla.clock_services import clocks_recompute_for_dates

    return clocks_recompute_for_dates(dates=dates, calendar=calendar)


def connect() -> None:
    calendar_change_requested.connect(refuse_moving_met_clocks, dispatch_uid="sla.refuse_moving_met_clocks")
    calendar_changed.connect(recompute_open_clocks, dispatch_uid="sla.recompute_open_clocks")
