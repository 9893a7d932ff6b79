"""The nightly retention sweep (a real run; the desk's "dry run now" is synchronous).

Its time limit stays under the broker's visibility timeout (an hour), so a late-acked sweep
is never handed to a second worker while it runs; a sweep stopped by the limit keeps the
batches it committed, and the next night's carries on from there.
"""

import logging

from celery import shared_task

from apps.privacy.retention.services import retention_sweep

logger = logging.getLogger(__name__)


@shared_task(name="privacy.retention_sweep", time_limit=3000, soft_time_limit=2700)
def retention_sweep_task(dry_run: bool = False) -> dict:
    run = retention_sweep(dry_run=dry_run)
    logger.info("retention run %s: %s", run.pk, run.counts)
    return {kind: row["count"] for kind, row in run.counts.items()}
