"""Reads of the webhooks app."""

from __future__ import annotations

from django.db.models import QuerySet

from apps.core.config_cache import ConfigCache
from apps.integrations.outbound.models import Delivery
from apps.integrations.webhooks.models import Subscription


def _active_subscriptions() -> list[tuple[int, str, frozenset[str]]]:
    return [
        (pk, url, frozenset(events or []))
        for pk, url, events in Subscription.objects.filter(is_active=True).values_list("pk", "url", "events")
    ]


# Every ticket reply, move and creation asks, and the answer almost never changes: each
# process keeps a copy, reloaded everywhere once a subscription change commits.
subscriptions_cache = ConfigCache("integrations_webhooks.subscriptions", _active_subscriptions)


def subscribers_for(event: str) -> list[tuple[int, str]]:
    """(subscription id, url) of the active subscriptions that asked for ``event``."""
    return [(pk, url) for pk, url, events in subscriptions_cache.get() if event in events]


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
