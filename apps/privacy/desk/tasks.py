"""Celery: the unusual-reading sweep (set-based and idempotent; see ``alerts``)."""

import logging

from celery import shared_task

from apps.privacy.desk import alerts

logger = logging.getLogger(__name__)


@shared_task(name="privacy_desk.unusual_reading_sweep")
def unusual_reading_sweep():
    result = alerts.unusual_reading_sweep()
    logger.info("privacy_desk: %d unusual-reading alert(s) counted, %d new", result.alerts, result.raised)
    return result.alerts
