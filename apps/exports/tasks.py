"""Thin tasks: a background export, and the sweep (scheduled in settings.CELERY_BEAT_SCHEDULE)."""

import logging

from celery import shared_task

from apps.exports.services import export_job_run, export_sweep

logger = logging.getLogger(__name__)


@shared_task(name="exports.run")
def export_run(job_id: int) -> str:
    job = export_job_run(job_id=job_id)
    return job.status if job is not None else "not-claimed"


@shared_task(name="exports.sweep")
def sweep() -> dict:
    result = export_sweep()
    logger.info(
        "exports.sweep: %d handed over, %d reclaimed, %d expired",
        result.handed_over,
        result.reclaimed,
        result.expired,
    )
    return result.__dict__
