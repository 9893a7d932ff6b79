"""Reads of exports: a person sees and downloads their own only."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from apps.exports import conf
from apps.exports.models import ExportJob


def jobs_for(*, owner, limit: int = 50) -> list[ExportJob]:
    return list(ExportJob.objects.filter(owner=owner).order_by("-created_at", "-id")[:limit])


def job_queryset() -> QuerySet[ExportJob]:
    return ExportJob.objects.select_related("owner")


def file_for_download(*, viewer, job_id: int):
    """The path of a ready background export of ``viewer``'s own, or ``None``.

    Anyone else's job, an expired or unfinished one, or a missing file: ``None`` alike, so a
    stranger learns nothing about other people's exports.
    """
    job = ExportJob.objects.filter(pk=job_id, owner=viewer).first()
    if job is None or not job.downloadable:
        return None, None
    if job.expires_at is not None and job.expires_at <= timezone.now():
        return None, None
    path = conf.root() / job.file_name
    if not path.is_file():
        return None, None
    return job, path
