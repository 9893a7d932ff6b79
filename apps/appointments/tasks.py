"""Celery: the reminder sweep and the no-show sweep, both set-based and idempotent."""

import logging

from celery import shared_task

from apps.appointments import services

logger = logging.getLogger(__name__)


@shared_task(name="appointments.remind")
def remind():
    sent = services.appointments_send_reminders()
    logger.info("appointments: %d reminder(s) queued", sent)
    return sent


@shared_task(name="appointments.mark_no_shows")
def mark_no_shows():
    marked = services.appointments_mark_no_shows()
    logger.info("appointments: %d no-show(s) marked", marked)
    return marked
