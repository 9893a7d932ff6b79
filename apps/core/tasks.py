"""Periodic work of the shared pieces (scheduled in settings.CELERY_BEAT_SCHEDULE)."""

import logging

from celery import shared_task

from apps.core.idempotency import idempotency_purge

logger = logging.getLogger(__name__)


@shared_task(name="core.idempotency_purge")
def purge_idempotency_records() -> int:
    deleted = idempotency_purge()
    logger.info("core.idempotency_purge: %d record(s) deleted", deleted)
    return deleted


@shared_task(name="core.counters_purge")
def purge_counters() -> int:
    from apps.core.counters import counters_purge

    deleted = counters_purge()
    logger.info("core.counters_purge: %d counter(s) deleted", deleted)
    return deleted
