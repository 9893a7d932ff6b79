"""Reads of data-subject requests: the officers' queue, one request, a citizen's own."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from apps.core.errors import NotFound, PermissionDenied
from apps.privacy.requests.models import DataSubjectRequest, DueFlag
from apps.privacy.requests.services import DECIDE_PERMISSION
from apps.privacy.requests.workflow import OPEN

VIEW_PERMISSION = "privacy_requests.view_datasubjectrequest"


def can_view(user) -> bool:
    return bool(user and user.is_authenticated and user.has_perm(VIEW_PERMISSION))


def can_decide(user) -> bool:
    return bool(user and user.is_authenticated and user.has_perm(DECIDE_PERMISSION))


def _rows() -> QuerySet[DataSubjectRequest]:
    # The archive (up to megabytes) is read only by the download.
    return DataSubjectRequest.objects.defer("archive").select_related("citizen", "filed_by", "answered_by")


def queue(
    *,
    viewer,
    status: str = "",
    kind: str = "",
    due: str = "",
    search: str = "",
    now: datetime | None = None,
) -> QuerySet[DataSubjectRequest]:
    """The officers' queue, earliest due first; ``status`` "open" (default: every status),
    ``due`` "overdue" / "near" / "flagged", ``search`` a reference or a CPR."""
    if not can_view(viewer):
        raise PermissionDenied()
    now = now or timezone.now()
    rows = _rows()
    if status == "open":
        rows = rows.filter(status__in=list(OPEN))
    elif status:
        rows = rows.filter(status=status)
    if kind:
        rows = rows.filter(kind=kind)
    if due == "overdue":
        rows = rows.filter(status__in=list(OPEN), due_at__lt=now)
    elif due == "near":
        rows = rows.filter(status__in=list(OPEN), due_flag=DueFlag.NEAR)
    elif due == "flagged":
        rows = rows.filter(status__in=list(OPEN)).filter(
            Q(due_flag__in=[DueFlag.NEAR, DueFlag.OVERDUE]) | Q(due_at__lt=now)
        )
    search = (search or "").strip()
    if search:
        rows = rows.filter(Q(reference__iexact=search) | Q(citizen__cpr=search))
    return rows.order_by("due_at", "id")


def request_get(*, pk: int, viewer) -> DataSubjectRequest:
    if not can_view(viewer):
        raise PermissionDenied()
    request = _rows().prefetch_related("events__actor").filter(pk=pk).first()
    if request is None:
        raise NotFound()
    return request


def citizen_requests(*, citizen) -> list[DataSubjectRequest]:
    """A citizen's own requests, newest first (the portal page, once the code is right)."""
    return list(
        DataSubjectRequest.objects.defer("archive").filter(citizen=citizen).order_by("-received_at", "-id")
    )


def citizen_archive(*, citizen, reference: str) -> DataSubjectRequest | None:
    """The citizen's own answered access request with its archive, or None."""
    return (
        DataSubjectRequest.objects.filter(
            citizen=citizen, reference=reference, kind="access", status="answered"
        )
        .exclude(archive_filename="")
        .first()
    )
