"""Exports: every one logged as an ``ExportJob`` row; large ones written in the background."""

from __future__ import annotations

import logging
import os
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.core.errors import ApplicationError, ValidationFailed
from apps.exports import conf, registry, writers
from apps.exports.errors import ExportNotAllowed, ExportTooLarge, UnknownList
from apps.exports.models import ExportJob

logger = logging.getLogger(__name__)

PERSONAL_PERMISSION = "exports.export_personal_data"
LARGE_PERMISSION = "exports.export_large"


def may_export_personal_data(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.has_perm(PERSONAL_PERMISSION))


def filter_query(export_list: registry.ExportList, params: QueryDict) -> str:
    """The query string of the list's filter: paging and format parameters and empty fields
    dropped (an htmx form sends every field), so the log reads as the filter chosen."""
    kept = QueryDict(mutable=True)
    for key, values in params.lists():
        chosen = [value for value in values if value != ""]
        if key not in export_list.ignored_params and chosen:
            kept.setlist(key, chosen)
    return kept.urlencode()


@dataclass
class ExportPlan:
    export_list: registry.ExportList
    queryset: QuerySet
    format: str
    query: str
    personal: bool
    background: bool


def export_plan(*, actor, list_key: str, params: QueryDict, format: str) -> ExportPlan:
    """Check an export and decide how it runs; writes nothing.

    1. The list exists, the format is CSV or XLSX, the actor may read the list.
    2. The list's own form and selector build the queryset (a bad filter is refused here).
    3. The rows are counted up to the limit only (a bounded count, whatever the list's size):
       over ``HOUSING_EXPORT_MAX_ROWS`` needs ``exports.export_large``; over
       ``HOUSING_EXPORT_BACKGROUND_ROWS`` runs in the background.
    """
    export_list = registry.get(list_key)
    if export_list is None:
        raise UnknownList()
    if format not in ExportJob.Format.values:
        raise ValidationFailed(_("Choose CSV or XLSX."), code="export_format")
    if not export_list.allowed(actor):
        raise ExportNotAllowed()
    queryset = export_list.queryset(actor, params)
    limit = int(conf.get("HOUSING_EXPORT_MAX_ROWS"))
    threshold = int(conf.get("HOUSING_EXPORT_BACKGROUND_ROWS"))
    bound = max(limit, threshold) + 1
    size = queryset.order_by()[:bound].count()
    if size > limit and not actor.has_perm(LARGE_PERMISSION):
        raise ExportTooLarge(
            _(
                "This list has more than %(limit)s rows, more than you may export. "
                "Narrow the filter (dates, status, department), or ask a supervisor."
            )
            % {"limit": limit}
        )
    return ExportPlan(
        export_list=export_list,
        queryset=queryset,
        format=format,
        query=filter_query(export_list, params),
        personal=may_export_personal_data(actor),
        background=size > threshold,
    )


def export_log(*, plan: ExportPlan, actor, now: datetime | None = None) -> ExportJob:
    """The log row of an export written now, in the request (its rows counted at the end)."""
    now = now or timezone.now()
    return ExportJob.objects.create(
        owner=actor,
        list_key=plan.export_list.key,
        query=plan.query,
        format=plan.format,
        language=translation.get_language() or "ar",
        background=False,
        status=ExportJob.Status.RUNNING,
        personal_data=plan.personal,
        started_at=now,
    )


def export_finish(*, job_id: int, rows: int, now: datetime | None = None) -> None:
    """Record how many rows an export written in the request held."""
    ExportJob.objects.filter(pk=job_id).update(
        status=ExportJob.Status.DONE, rows=rows, finished_at=now or timezone.now()
    )


@transaction.atomic
def export_job_queue(*, plan: ExportPlan, actor) -> ExportJob:
    """A background export: the row is written in this transaction, the task handed over after it.

    If the broker is down the row stays waiting and ``export_sweep`` hands it over later.
    """
    job = ExportJob.objects.create(
        owner=actor,
        list_key=plan.export_list.key,
        query=plan.query,
        format=plan.format,
        language=translation.get_language() or "ar",
        background=True,
        status=ExportJob.Status.QUEUED,
        personal_data=plan.personal,
    )
    transaction.on_commit(lambda: _dispatch([job.pk]))
    return job


def _dispatch(ids: list[int]) -> int:
    """Hand jobs to Celery; a broker outage is logged and left to the sweep."""
    from apps.exports.tasks import export_run

    sent = 0
    try:
        with export_run.app.pool.acquire(block=True) as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0.2, timeout=2)
            for job_id in ids:
                export_run.apply_async((job_id,), connection=conn, retry=False)
                sent += 1
    except Exception as error:  # noqa: BLE001 - the rows are committed; the sweep retries
        logger.warning(
            "exports: broker unavailable (%s); %d job(s) left for the sweep", error, len(ids) - sent
        )
    return sent


def _file_path(job: ExportJob):
    return conf.root() / job.file_name


def export_job_run(*, job_id: int, now: datetime | None = None) -> ExportJob | None:
    """Write a background export's file.

    1. Claim the job (``queued → running`` by a conditional UPDATE): a job handed over twice
       is written once.
    2. Rebuild the list from its stored filter as its owner, with the owner's permissions
       now (a right withdrawn since is respected) and in the owner's language.
    3. Write the file to a temporary name and move it into place, then mark the job ready
       and tell the owner (the bell) in one transaction.
    """
    now = now or timezone.now()
    claimed = ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.QUEUED).update(
        status=ExportJob.Status.RUNNING, started_at=now
    )
    if not claimed:
        return None
    job = ExportJob.objects.select_related("owner").get(pk=job_id)
    owner = job.owner
    export_list = registry.get(job.list_key)
    path = None
    try:
        with translation.override(job.language):
            if export_list is None:
                raise UnknownList()
            if not owner.is_active or not export_list.allowed(owner):
                raise ExportNotAllowed()
            queryset = export_list.queryset(owner, QueryDict(job.query))
            personal = may_export_personal_data(owner)
            root = conf.root()
            root.mkdir(parents=True, exist_ok=True)
            name = f"{job.pk}-{secrets.token_hex(8)}.{job.format}"
            path = root / (name + ".part")
            if job.format == ExportJob.Format.CSV:
                count = writers.write_csv(path, export_list, queryset, viewer=owner, personal=personal)
            else:
                count = writers.write_xlsx(
                    path, export_list, queryset, viewer=owner, personal=personal, language=job.language
                )
            os.replace(path, root / name)
            path = root / name
            _job_done(job, name=name, rows=count, personal=personal)
    except ApplicationError as error:
        _job_failed(job, error.code, path)
        return job
    except Exception:
        _job_failed(job, "export_error", path)
        raise
    return job


@transaction.atomic
def _job_done(job: ExportJob, *, name: str, rows: int, personal: bool) -> None:
    from apps.exports import notify

    finished = timezone.now()
    job.status = ExportJob.Status.DONE
    job.file_name = name
    job.rows = rows
    job.personal_data = personal
    job.finished_at = finished
    job.expires_at = finished + timedelta(days=int(conf.get("HOUSING_EXPORT_KEEP_DAYS")))
    job.save(update_fields=["status", "file_name", "rows", "personal_data", "finished_at", "expires_at"])
    notify.export_ready(job)


def _job_failed(job: ExportJob, code: str, path) -> None:
    if path is not None:
        try:
            os.remove(path)
        except FileNotFoundError:
            pass
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportJob.Status.FAILED, error_code=code[:60], finished_at=timezone.now()
    )
    job.status = ExportJob.Status.FAILED
    job.error_code = code


@dataclass
class SweepResult:
    handed_over: int
    reclaimed: int
    expired: int


def export_sweep(*, now: datetime | None = None) -> SweepResult:
    """Hand over jobs left waiting, reclaim jobs whose worker died, remove expired files.

    Set-based and idempotent: each step is one conditional UPDATE (or a batch of them).
    """
    now = now or timezone.now()
    stale = now - timedelta(seconds=int(conf.get("HOUSING_EXPORT_STALE_SECONDS")))
    reclaimed = ExportJob.objects.filter(
        background=True, status=ExportJob.Status.RUNNING, started_at__lt=stale
    ).update(status=ExportJob.Status.QUEUED)
    waiting_since = now - timedelta(seconds=int(conf.get("HOUSING_EXPORT_REQUEUE_SECONDS")))
    waiting = list(
        ExportJob.objects.filter(status=ExportJob.Status.QUEUED, created_at__lt=waiting_since)
        .order_by("created_at")
        .values_list("pk", flat=True)[:500]
    )
    handed_over = _dispatch(waiting) if waiting else 0
    expired = 0
    for job_id, name in ExportJob.objects.filter(
        status=ExportJob.Status.DONE, expires_at__lt=now
    ).values_list("pk", "file_name")[:1000]:
        done = ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.DONE).update(
            status=ExportJob.Status.EXPIRED, file_name=""
        )
        if done and name:
            try:
                os.remove(conf.root() / name)
            except FileNotFoundError:
                pass
        expired += done
    return SweepResult(handed_over=handed_over, reclaimed=reclaimed, expired=expired)
