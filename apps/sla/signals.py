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
