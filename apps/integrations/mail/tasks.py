"""The beat reads the mailbox (``integrations_mail.fetch``); ``manage.py mail_fetch`` does it by hand."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError

from apps.integrations.mail import services

logger = logging.getLogger(__name__)


@shared_task(
    name="integrations_mail.fetch",
    acks_late=True,
    ignore_result=True,
    autoretry_for=(OperationalError, InterfaceError, services.MailboxUnavailable),
    retry_backoff=30,
    retry_backoff_max=600,
    max_retries=3,
)
def fetch() -> dict:
    result = services.mail_fetch().as_dict()
    logger.info("integrations_mail.fetch: %s", result)
    return result
