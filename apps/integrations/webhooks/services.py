"""Writes of the webhooks app: one event fanned out to its subscribers through the partner
outbox, and a delivery replayed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from apps.integrations.outbound.models import Delivery
from apps.integrations.outbound.services import delivery_queue, delivery_retry
from apps.integrations.webhooks import events as known
from apps.integrations.webhooks import selectors

PARTNER = "webhooks"


@transaction.atomic
def webhook_emit(
    *, event: str, data: dict[str, Any], key: str, now: datetime | None = None
) -> list[Delivery]:
    """Queue ``event`` for every active subscriber that asked for it, in the caller's
    transaction (a rolled-back change notifies nobody).

    ``key`` names what happened once (``ticket_event:42``): the same event and key queued
    again for one subscriber writes nothing new. The payload is ``{"event", "occurred_at",
    "data"}``; the callers (``hooks``) put no internal note and no confidential text in ``data``.
    """
    if event not in known.EVENTS:
        raise ValueError(f"Unknown webhook event {event!r}")
    now = now or timezone.now()
    rows = []
    for subscription_id, url in selectors.subscribers_for(event):
        rows.append(
            delivery_queue(
                partner=PARTNER,
                event=event,
                target_url=url,
                payload={"event": event, "occurred_at": now.isoformat(), "data": data},
                secret_ref=f"webhook:{subscription_id}",
                source=f"webhooks.subscription:{subscription_id}/{key}"[:100],
                dedupe_key=f"webhook:{subscription_id}:{event}:{key}"[:150],
                now=now,
            )
        )
    return rows


def webhook_replay(*, delivery: Delivery, actor, now: datetime | None = None) -> Delivery:
    """Send a webhook delivery again (sent or dead): a new delivery, the old one kept."""
    return delivery_retry(delivery=delivery, actor=actor, now=now)
