"""Celery tasks of the SLA engine: thin wrappers over ``apps.sla.sweeps`` with stable names.

Scheduled in ``settings.CELERY_BEAT_SCHEDULE``; each also runs by hand as a management
command (``sla_sweep``, ``sla_digest``). Late acknowledgement, a bounded number of retries
with exponential back-off on database or broker hiccups only; the services are idempotent,
so a redelivered task does no harm.
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError

from apps.sla import sweeps

logger = logging.getLogger(__name__)

RELIABLE = {
    "acks_late": True,
    "ignore_result": True,
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": 10,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 5,
}


@shared_task(name="sla.sweep", **RELIABLE)
def sweep() -> dict:
    """Mark at-risk, breached and second-level clocks, then send what was decided."""
    result = sweeps.sla_sweep()
    sent = sweeps.sla_notify_drain()
    logger.info("sla.sweep: %s sent=%d", sweeps.as_dict(result), sent)
    return {**sweeps.as_dict(result), "sent": sent}


@shared_task(name="sla.notify", **RELIABLE)
def notify() -> int:
    return sweeps.sla_notify_drain()


@shared_task(name="sla.digest", **RELIABLE)
def digest() -> int:
    sent = sweeps.sla_digest()
    logger.info("sla.digest: %d department(s)", sent)
    return sent
