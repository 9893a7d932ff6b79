"""Celery tasks: thin wrappers over the services, with stable names."""

from __future__ import annotations

import logging

from celery import shared_task

from apps.notifications import services

logger = logging.getLogger(__name__)


@shared_task(name="notifications.deliver", bind=True, acks_late=True, ignore_result=True, max_retries=None)
def deliver(self, notification_id: int) -> str:
    """Send one outbox row. Retries only after a transient error, with the row's back-off.

    Celery's own retry count is unbounded here on purpose: the row's ``attempts`` column
    is the one bound (``HOUSING_NOTIFY_MAX_ATTEMPTS``), and it survives broker restarts.
    """
    outcome = services.notification_deliver(notification_id=notification_id)
    if outcome.status == "retry":
        raise self.retry(countdown=outcome.retry_in)
    return outcome.status


@shared_task(name="notifications.deliver_batch", acks_late=True, ignore_result=True)
def deliver_batch(notification_ids: list[int]) -> dict:
    """Send rows handed over together; those hit by a transient error travel again later,
    grouped by their back-off."""
    outcomes = services.notification_deliver_many(notification_ids=notification_ids)
    later: dict[int, list[int]] = {}
    for notification_id, outcome in outcomes.items():
        if outcome.status == "retry":
            later.setdefault(outcome.retry_in, []).append(notification_id)
    for delay, ids in later.items():
        deliver_batch.apply_async((ids,), countdown=delay)
    counts: dict[str, int] = {}
    for outcome in outcomes.values():
        counts[outcome.status] = counts.get(outcome.status, 0) + 1
    return counts


@shared_task(name="notifications.sweep", ignore_result=True)
def sweep() -> dict:
    result = services.notification_sweep()
    if result.reclaimed or result.abandoned or result.handed_over:
        logger.info(
            "notifications.sweep: reclaimed=%d abandoned=%d handed_over=%d",
            result.reclaimed,
            result.abandoned,
            result.handed_over,
        )
    return result.__dict__
