"""Where Tawasul listens to the tickets app, without the tickets app knowing it exists.

The tickets app (floor 5) writes a ``TicketEvent`` row for every reply, note and move;
Django's ``post_save`` for that model is the signal it already offers. The receiver runs
inside the transaction that wrote the row, so the outbox row it queues commits or rolls
back with the reply itself.
"""

from __future__ import annotations


def ticket_event_saved(sender, instance, created, raw=False, **kwargs):
    if not created or raw:
        return
    # Cheap filter first: only Tawasul tickets cost a query.
    if instance.kind not in ("public_reply", "status_change") or instance.ticket.channel != "tawasul":
        return
    from apps.integrations.tawasul.services import ticket_event_forward

    ticket_event_forward(event=instance)


def connect() -> None:
    from django.db.models.signals import post_save

    from apps.tickets.models import TicketEvent

    post_save.connect(
        ticket_event_saved, sender=TicketEvent, dispatch_uid="integrations_tawasul.ticket_event"
    )
