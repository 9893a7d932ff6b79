"""Celery task: poll Tawasul (scheduled only when HOUSING_TAWASUL_POLL_SECONDS > 0)."""

from __future__ import annotations

import logging

from celery import shared_task

from apps.integrations.tawasul import services

logger = logging.getLogger(__name__)


@shared_task(name="integrations.tawasul.poll", ignore_result=True)
def poll() -> dict:
    result = services.tawasul_poll()
    if result.fetched:
        logger.info(
            "integrations.tawasul.poll: fetched=%d created=%d existing=%d refused=%d",
            result.fetched,
            result.created,
            result.existing,
            result.refused,
        )
    return result.__dict__
