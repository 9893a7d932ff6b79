"""The beat imports the CSV files the housing system drops (``integrations_housing_feed.import_drops``);
``manage.py housing_feed_import`` does it by hand."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError

from apps.integrations.housing_feed import services

logger = logging.getLogger(__name__)


@shared_task(
    name="integrations_housing_feed.import_drops",
    acks_late=True,
    ignore_result=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=30,
    max_retries=3,
)
def import_drops() -> dict:
    counts = services.housing_feed_import_drops()
    logger.info("integrations_housing_feed.import_drops: %s", counts)
    return counts
