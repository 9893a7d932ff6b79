"""Periodic work of campaigns (scheduled in settings.CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError

from apps.campaigns import services

logger = logging.getLogger(__name__)


@shared_task(
    name="campaigns.release_stale",
    acks_late=True,
    ignore_result=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=10,
    max_retries=5,
)
def release_stale() -> int:
    released = services.targets_release_stale()
    if released:
        logger.info("campaigns.release_stale: %s target(s) back on the call list", released)
    return released
