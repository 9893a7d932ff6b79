"""Reads of the webhooks app."""

from __future__ import annotations

import time

from django.db.models import QuerySet

from apps.integrations.outbound.models import Delivery
from apps.integrations.webhooks.models import Subscription

# The active subscriptions, kept in this process for a short while: every ticket reply,
# move and creation asks, and the answer almost never changes. A change made in this process
# clears it at once (``forget_subscriptions`` on save/delete); other processes see it within
# ``_TTL`` seconds.
_TTL = 30.0
_cache: dict[str, tuple[float, list[tuple[int, str, frozenset[str]]]]] = {}


def forget_subscriptions(*args, **kwargs) -> None:
    _cache.clear()


def subscribers_for(event: str) -> list[tuple[int, str]]:
    """(subscription id, url) of the active subscriptions that asked for ``event``."""
    now = time.monotonic()
    cached = _cache.get("active")
    if cached is None or now - cached[0] > _TTL:
        rows = [
            (pk, url, frozenset(events or []))
            for pk, url, events in Subscription.objects.filter(is_active=True).values_list(
                "pk", "url", "events"
            )
        ]
        cached = (now, rows)
        _cache["active"] = cached
    return [(pk, url) for pk, url, events in cached[1] if event in events]


def secret_for(secret_ref: str) -> str:
    _prefix, _sep, pk = secret_ref.partition(":")
    if not pk.isascii() or not pk.isdigit():
        return ""
    return (
        Subscription.objects.filter(pk=int(pk), is_active=True).values_list("secret", flat=True).first() or ""
    )


def deliveries(*, subscription_id: int | None = None) -> QuerySet[Delivery]:
    queryset = Delivery.objects.filter(partner="webhooks").order_by("-created_at", "-id")
    if subscription_id is not None:
        queryset = queryset.filter(source__startswith=f"webhooks.subscription:{subscription_id}/")
    return queryset
