"""Celery tasks of the partner outbox: thin wrappers over the services, with stable names."""

from __future__ import annotations

import logging

from celery import shared_task

from apps.integrations.outbound import services

logger = logging.getLogger(__name__)


@shared_task(name="integrations.outbound.deliver", acks_late=True, ignore_result=True)
def deliver(delivery_ids: list[int]) -> dict:
    """Post deliveries handed over together; those hit by a transient error travel again
    later, grouped by their back-off (the row's ``attempts`` is the one bound)."""
    outcomes = services.delivery_deliver_many(delivery_ids=delivery_ids)
    later: dict[int, list[int]] = {}
    counts: dict[str, int] = {}
    for delivery_id, outcome in outcomes.items():
        counts[outcome.status] = counts.get(outcome.status, 0) + 1
        if outcome.status == "retry":
            later.setdefault(outcome.retry_in, []).append(delivery_id)
    for delay, ids in later.items():
        try:
            deliver.apply_async((ids,), countdown=delay)
        except Exception as error:  # noqa: BLE001 - the sweep hands them over once the broker is back
            logger.warning("outbound: could not schedule the retry of %s: %s", ids, error)
    return counts


@shared_task(name="integrations.outbound.sweep", ignore_result=True)
def sweep() -> dict:
    result = services.delivery_sweep()
    if result.reclaimed or result.abandoned or result.handed_over:
        logger.info(
            "integrations.outbound.sweep: reclaimed=%d abandoned=%d handed_over=%d",
            result.reclaimed,
            result.abandoned,
            result.handed_over,
        )
    return result.__dict__
