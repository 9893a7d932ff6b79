"""Celery tasks of the data-subject requests: thin, by stable names."""

from __future__ import annotations

import logging

from celery import shared_task

from apps.privacy.requests import services

logger = logging.getLogger(__name__)


@shared_task(name="privacy.requests_due_sweep")
def requests_due_sweep() -> dict:
    counts = services.requests_due_sweep()
    logger.info("privacy requests due sweep: %s", counts)
    return counts
