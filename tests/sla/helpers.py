"""Helpers of the ticket-clock tests: instants in Bahrain time, tickets through the services."""

from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine

from apps.sla.models import Clock

BH = ZoneInfo("Asia/Bahrain")


def at(year, month, day, hour=0, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=BH)


def frozen(instant):
    return time_machine.travel(instant, tick=False)


def clock(ticket, target, cycle=None) -> Clock:
    rows = Clock.objects.filter(ticket=ticket, target=target).order_by("-cycle")
    if cycle is not None:
        rows = rows.filter(cycle=cycle)
    return rows.first()


def make_ticket(*, actor, when, **kwargs):
    from tests.tickets.factories import TicketFactory

    with frozen(when):
        return TicketFactory(actor=actor, **kwargs)
