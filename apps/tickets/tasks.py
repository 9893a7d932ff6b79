"""Periodic work of the tickets app (scheduled in settings.CELERY_BEAT_SCHEDULE)."""

import logging

from celery import shared_task

from apps.tickets.services import attachment_sweep_orphans

logger = logging.getLogger(__name__)


@shared_task(name="tickets.sweep_orphan_files")
def sweep_orphan_files() -> int:
    removed, kept = attachment_sweep_orphans()
    logger.info("tickets.sweep_orphan_files: %d removed, %d kept", removed, kept)
    return removed
