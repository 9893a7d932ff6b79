"""The nightly retention sweep (a real run; the desk's "dry run now" is synchronous)."""

import logging

from celery import shared_task

from apps.privacy.retention.services import retention_sweep

logger = logging.getLogger(__name__)


@shared_task(name="privacy.retention_sweep", time_limit=3600, soft_time_limit=3300)
def retention_sweep_task(dry_run: bool = False) -> dict:
    run = retention_sweep(dry_run=dry_run)
    logger.info("retention run %s: %s", run.pk, run.counts)
    return {kind: row["count"] for kind, row in run.counts.items()}
