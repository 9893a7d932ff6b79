"""What a ticket tells the citizen, and when.

Services call ``queue_ticket_notice`` inside their transaction; the message is composed and
handed over only after commit (``transaction.on_commit``), so a rolled-back change never
messages anyone. Messages never carry the ticket's text, its replies or its notes: they
give the review number and where to read the answer (the tracking page, behind the
second factor). Until the notifications outbox is on main, ``ticket_notify`` records the
message as a ``TicketNotice``; pointing it at the outbox is the last line of
``ticket_notify``.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from apps.core.text import isolate_ltr
from apps.tickets.models import Ticket, TicketNotice

logger = logging.getLogger(__name__)

EVENTS = ("created", "replied", "awaiting_citizen", "responded", "closed", "reopened", "merged")


def queue_ticket_notice(event: str, ticket: Ticket) -> None:
    if event not in EVENTS:
        raise ValueError(f"unknown ticket event {event!r}")
    ticket_id = ticket.pk
    transaction.on_commit(lambda: ticket_notify(event, ticket_id))


def _compose(event: str, ticket: Ticket) -> str:
    number = isolate_ltr(ticket.review_number)
    link = settings.HOUSING_PUBLIC_BASE_URL.rstrip("/") + "/portal/track/"
    messages = {
        "created": _(
            "Ministry of Housing: we have received your request (%(kind)s). Your review number is %(number)s. "
            "Follow it at %(link)s with the last 4 digits of your mobile."
        ),
        "replied": _(
            "Ministry of Housing: there is a reply to your request %(number)s. Read it at %(link)s."
        ),
        "awaiting_citizen": _(
            "Ministry of Housing: we need more information about your request %(number)s. "
            "Please see %(link)s or call 80008001."
        ),
        "responded": _(
            "Ministry of Housing: your request %(number)s has been answered. Read the answer at %(link)s."
        ),
        "closed": _("Ministry of Housing: your request %(number)s is closed. Thank you."),
        "reopened": _(
            "Ministry of Housing: your request %(number)s has been reopened and is being worked on again."
        ),
        "merged": _(
            "Ministry of Housing: your request %(number)s is being handled together with request %(original)s."
        ),
    }
    original = isolate_ltr(ticket.duplicate_of.review_number) if ticket.duplicate_of_id else ""
    kind = Ticket.Kind(ticket.kind).label
    return messages[event] % {"kind": kind, "number": number, "link": link, "original": original}


def ticket_notify(event: str, ticket_id: int) -> TicketNotice | None:
    """Compose the citizen's message for ``event`` in their language and hand it over."""
    ticket = Ticket.objects.select_related("citizen", "duplicate_of").filter(pk=ticket_id).first()
    if ticket is None:
        return None
    if ticket.contact_phone:
        channel, recipient = TicketNotice.Channel.SMS, ticket.contact_phone
    elif ticket.citizen_id and ticket.citizen.email:
        channel, recipient = TicketNotice.Channel.EMAIL, ticket.citizen.email
    else:
        logger.debug("ticket %s: no phone or e-mail for the %s message", ticket.review_number, event)
        return None
    language = ticket.citizen.language if ticket.citizen_id else ticket.language
    with translation.override(language):
        body = _compose(event, ticket)
    return TicketNotice.objects.create(
        ticket=ticket, event=event, channel=channel, recipient=recipient, language=language, body=body
    )
