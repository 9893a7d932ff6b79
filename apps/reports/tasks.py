"""The statement's scheduled work (``reports.monthly_draft``, on the 1st at 07:00 Bahrain
time; also ``manage.py reports_monthly_draft``)."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError

from apps.reports import services

logger = logging.getLogger(__name__)


@shared_task(
    name="reports.monthly_draft",
    acks_late=True,
    ignore_result=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=30,
    max_retries=5,
)
def monthly_draft() -> dict:
    record, told = services.statement_schedule()
    logger.info("reports.monthly_draft: %s told=%d", record.month, told)
    return {"month": f"{record.month:%Y-%m}", "told": told}
