"""Where the webhooks listen to the rest of the product, which does not know they exist.

- tickets (floor 5): Django's ``post_save`` of ``TicketEvent`` — created, status change,
  public reply; never an internal note, an assignment or a status change's reason;
- sla (floor 4): ``sla.signals.clock_breached``;
- appointments (floor 6): ``post_save`` of ``AppointmentEvent`` of kind ``booked``.

Each receiver runs inside the transaction of the change. Nothing at all is sent about a
ticket the one confidentiality policy (``apps.core.confidentiality``) marks confidential
("Under Your Command"), nor the move of a ticket into an escalation.
"""

from __future__ import annotations

from apps.core import confidentiality
from apps.integrations.webhooks import events


def _ticket_data(ticket) -> dict:
    return {
        "review_number": ticket.review_number,
        "kind": ticket.kind,
        "channel": ticket.channel,
        "status": ticket.status,
        "received_at": ticket.received_at.isoformat(),
    }


def ticket_event_saved(sender, instance, created, raw=False, **kwargs):
    if not created or raw or instance.kind not in ("created", "status_change", "public_reply"):
        return
    from apps.integrations.webhooks import selectors, services
    from apps.tickets.workflow import HELD_BY_A_SERVICE

    name = {
        "created": events.TICKET_CREATED,
        "status_change": events.TICKET_STATUS_CHANGED,
        "public_reply": events.TICKET_REPLIED,
    }[instance.kind]
    if not selectors.subscribers_for(name):
        return
    ticket = instance.ticket
    if confidentiality.is_confidential(ticket) or confidentiality.is_confidential(instance):
        return
    data = _ticket_data(ticket)
    if instance.kind == "status_change":
        if instance.to_status in HELD_BY_A_SERVICE:
            return
        data.update(
            from_status=instance.from_status, to_status=instance.to_status, changed_at=instance.at.isoformat()
        )
    elif instance.kind == "public_reply":
        data.update(reply_id=instance.pk, text=instance.body, replied_at=instance.at.isoformat())
    services.webhook_emit(event=name, data=data, key=f"ticket_event:{instance.pk}", now=instance.at)


def clock_breached(sender, *, clock, ticket, now, **kwargs):
    from apps.integrations.webhooks import selectors, services

    if not selectors.subscribers_for(events.SLA_BREACHED) or confidentiality.is_confidential(ticket):
        return
    data = {
        **_ticket_data(ticket),
        "target": clock.target,
        "due_at": clock.due_at.isoformat() if clock.due_at else None,
    }
    services.webhook_emit(
        event=events.SLA_BREACHED, data=data, key=f"clock:{clock.pk}:{clock.cycle}", now=now
    )


def appointment_event_saved(sender, instance, created, raw=False, **kwargs):
    if not created or raw or instance.kind != "booked":
        return
    from apps.integrations.webhooks import selectors, services

    if not selectors.subscribers_for(events.APPOINTMENT_BOOKED):
        return
    appointment = instance.appointment
    data = {
        "reference": appointment.reference,
        "service": appointment.service.code,
        "branch": appointment.branch.code,
        "slot_start": appointment.slot_start.isoformat(),
        "slot_end": appointment.slot_end.isoformat(),
        "channel": appointment.channel,
        "status": appointment.status,
    }
    services.webhook_emit(
        event=events.APPOINTMENT_BOOKED, data=data, key=f"appointment_event:{instance.pk}", now=instance.at
    )


def connect() -> None:
    from django.db.models.signals import post_delete, post_save

    from apps.appointments.models import AppointmentEvent
    from apps.integrations.outbound.services import register_secret_resolver
    from apps.integrations.webhooks import selectors
    from apps.integrations.webhooks.models import Subscription
    from apps.sla import signals as sla_signals
    from apps.tickets.models import TicketEvent

    register_secret_resolver("webhook", selectors.secret_for)
    post_save.connect(
        ticket_event_saved, sender=TicketEvent, dispatch_uid="integrations_webhooks.ticket_event"
    )
    post_save.connect(
        appointment_event_saved,
        sender=AppointmentEvent,
        dispatch_uid="integrations_webhooks.appointment_event",
    )
    sla_signals.clock_breached.connect(clock_breached, dispatch_uid="integrations_webhooks.clock_breached")
    post_save.connect(
        selectors.subscriptions_cache.changed,
        sender=Subscription,
        dispatch_uid="integrations_webhooks.forget",
    )
    post_delete.connect(
        selectors.subscriptions_cache.changed,
        sender=Subscription,
        dispatch_uid="integrations_webhooks.forget_delete",
    )
