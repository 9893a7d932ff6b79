"""Reads of the data-protection officer's desk: the read log, the alerts, the archives made.

The read log joins two logs kept by the apps that serve the reads: reads of a citizen's
file (``citizens.CitizenAccess``) and reads of an "Under Your Command" case
(``escalations.EscalationAccess``). The second only for a viewer who may read such cases:
``escalations.selectors.case_reads`` goes through ``apps.core.confidentiality``, the one
policy, and gives nothing to anyone else — on the page and in every export alike.

A page is one ``UNION ALL`` of the two, newest first, keyset-paged on (instant, kind, id),
then the people and citizens it names in one query each: three queries whatever the size.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import CharField, F, Q, QuerySet, Value
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.citizens import selectors as citizen_selectors
from apps.citizens.models import Citizen
from apps.core import confidentiality, cursors
from apps.core.errors import PermissionDenied, ValidationFailed
from apps.escalations import selectors as escalation_selectors
from apps.privacy.desk.models import ReadLogExport, SubjectAccessLog, UnusualReadingAlert

DESK = "privacy_desk.view_privacy_desk"
VIEW_READ_LOG = "privacy_desk.view_read_log"
EXPORT_READ_LOG = "privacy_desk.export_read_log"
VIEW_ALERTS = "privacy_desk.view_alerts"
ACKNOWLEDGE_ALERT = "privacy_desk.acknowledge_alert"
PRODUCE_ARCHIVE = "privacy_desk.produce_subject_access_archive"

FILE, CASE = "file", "case"  # "file" sorts after "case": at one instant, file reads come first
EXPORT_LIMIT = 100_000


def _has(user, permission: str) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.has_perm(permission))


def can_use_desk(user) -> bool:
    return _has(user, DESK)


def require(user, permission: str) -> None:
    if not _has(user, permission):
        raise PermissionDenied()


def sees_case_reads(user) -> bool:
    """Does the read log show this viewer the reads of "Under Your Command" cases?"""
    return confidentiality.can_read(user)


# --- the read log --------------------------------------------------------------------


@dataclass(frozen=True)
class ReadFilters:
    citizen: Citizen | None = None
    staff: User | None = None
    since: date | None = None
    until: date | None = None  # inclusive

    def bounds(self) -> tuple[datetime | None, datetime | None]:
        zone = timezone.get_current_timezone()
        since = datetime.combine(self.since, time.min, tzinfo=zone) if self.since else None
        until = (
            datetime.combine(self.until + timedelta(days=1), time.min, tzinfo=zone) if self.until else None
        )
        return since, until

    def as_dict(self) -> dict:
        """What the export log keeps of the filter (ids and ISO dates)."""
        return {
            "citizen_id": self.citizen.pk if self.citizen else None,
            "staff_id": self.staff.pk if self.staff else None,
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
        }


@dataclass
class ReadRow:
    kind: str  # FILE or CASE
    id: int
    at: datetime
    user: User | None
    citizen: Citizen | None
    detail: str  # a file read's purpose, or the door a case was read through

    @property
    def kind_label(self) -> str:
        return _("Citizen's file") if self.kind == FILE else _("“Under Your Command” case")


@dataclass(frozen=True)
class ReadPage:
    rows: list[ReadRow]
    next_cursor: str | None
    shows_case_reads: bool


def _encode(row: ReadRow) -> str:
    return cursors.encode(row.at, row.id) + ("" if row.kind == FILE else "~c")


def _decode(cursor: str) -> tuple[datetime, str, int]:
    kind = CASE if cursor.endswith("~c") else FILE
    at, pk = cursors.decode(cursor.removesuffix("~c"))
    return at, kind, pk


def _after(kind: str, cursor: tuple[datetime, str, int] | None) -> Q:
    """Rows of ``kind`` that come after the cursor in the order (at, kind, id), descending."""
    if cursor is None:
        return Q()
    at, cursor_kind, pk = cursor
    if kind < cursor_kind:
        return Q(at__lte=at)
    if kind == cursor_kind:
        return Q(at__lt=at) | Q(at=at, id__lt=pk)
    return Q(at__lt=at)


def _union(viewer, filters: ReadFilters, cursor=None) -> QuerySet:
    since, until = filters.bounds()
    common = {
        "citizen_id": filters.citizen.pk if filters.citizen else None,
        "user_id": filters.staff.pk if filters.staff else None,
        "since": since,
        "until": until,
    }
    columns = ("r_kind", "r_at", "r_id", "r_user", "r_citizen", "r_detail")
    files = (
        citizen_selectors.file_reads(**common)
        .filter(_after(FILE, cursor))
        .annotate(
            r_kind=Value(FILE, output_field=CharField()),
            r_at=F("at"),
            r_id=F("id"),
            r_user=F("user_id"),
            r_citizen=F("citizen_id"),
            r_detail=F("purpose"),
        )
        .values(*columns)
        .order_by()
    )
    if not sees_case_reads(viewer):
        return files
    cases = (
        escalation_selectors.case_reads(viewer=viewer, **common)
        .filter(_after(CASE, cursor))
        .annotate(
            r_kind=Value(CASE, output_field=CharField()),
            r_at=F("at"),
            r_id=F("id"),
            r_user=F("user_id"),
            r_citizen=F("escalation__citizen_id"),
            r_detail=F("via"),
        )
        .values(*columns)
        .order_by()
    )
    return files.union(cases, all=True)


def _rows(raw: list[dict]) -> list[ReadRow]:
    users = User.objects.in_bulk({r["r_user"] for r in raw if r["r_user"]})
    citizens = Citizen.objects.only("id", "cpr", "name_ar", "name_en").in_bulk(
        {r["r_citizen"] for r in raw if r["r_citizen"]}
    )
    via = {"page": _("Case page"), "api": _("API")}
    return [
        ReadRow(
            kind=r["r_kind"],
            id=r["r_id"],
            at=r["r_at"],
            user=users.get(r["r_user"]),
            citizen=citizens.get(r["r_citizen"]),
            detail=str(via.get(r["r_detail"], r["r_detail"])) if r["r_kind"] == CASE else r["r_detail"],
        )
        for r in raw
    ]


def read_log_page(
    *, viewer, filters: ReadFilters, cursor: str | None = None, page_size: int = 50
) -> ReadPage:
    """One page of the read log, newest first, keyset-paged: three queries."""
    require(viewer, VIEW_READ_LOG)
    position = _decode(cursor) if cursor else None
    raw = list(_union(viewer, filters, position).order_by("-r_at", "-r_kind", "-r_id")[: page_size + 1])
    rows = _rows(raw[:page_size])
    more = len(raw) > page_size
    return ReadPage(
        rows=rows,
        next_cursor=_encode(rows[-1]) if more and rows else None,
        shows_case_reads=sees_case_reads(viewer),
    )


def read_log_rows(*, viewer, filters: ReadFilters, batch: int = 2000) -> Iterator[ReadRow]:
    """Every row of the filtered log, newest first, read in keyset batches (an export never
    holds the whole log in memory); at most ``EXPORT_LIMIT`` rows."""
    require(viewer, EXPORT_READ_LOG)
    position, given = None, 0
    while given < EXPORT_LIMIT:
        raw = list(
            _union(viewer, filters, position).order_by("-r_at", "-r_kind", "-r_id")[
                : min(batch, EXPORT_LIMIT - given)
            ]
        )
        if not raw:
            return
        rows = _rows(raw)
        yield from rows
        given += len(rows)
        last = rows[-1]
        position = (last.at, last.kind, last.id)


def staff_by_username(username: str) -> User | None:
    username = (username or "").strip()
    if not username:
        return None
    return User.objects.filter(username__iexact=username).first()


def citizen_by_cpr_for_desk(*, cpr: str, viewer) -> Citizen | None:
    """The citizen with this CPR, for the officer (who holds the identity permission)."""
    try:
        found = citizen_selectors.citizen_search(query=cpr, viewer=viewer)
    except ValidationFailed:
        return None
    return found[0] if found else None


def exports_recent(*, viewer, limit: int = 20) -> list[ReadLogExport]:
    require(viewer, VIEW_READ_LOG)
    return list(ReadLogExport.objects.select_related("actor").order_by("-at", "-id")[:limit])


# --- alerts --------------------------------------------------------------------------


def alerts(*, viewer, open_only: bool = False, limit: int = 200) -> list[UnusualReadingAlert]:
    require(viewer, VIEW_ALERTS)
    rows = UnusualReadingAlert.objects.select_related("user", "acknowledged_by")
    if open_only:
        rows = rows.filter(acknowledged_at__isnull=True)
    return list(rows.order_by("-day", "-reads_outside_cases", "-id")[:limit])


def alert_get(*, viewer, pk: int) -> UnusualReadingAlert | None:
    require(viewer, VIEW_ALERTS)
    return UnusualReadingAlert.objects.select_related("user").filter(pk=pk).first()


# --- subject access ------------------------------------------------------------------


def archives_produced(*, viewer, citizen: Citizen | None = None, limit: int = 50) -> list[SubjectAccessLog]:
    require(viewer, PRODUCE_ARCHIVE)
    rows = SubjectAccessLog.objects.select_related("citizen", "actor")
    if citizen is not None:
        rows = rows.filter(citizen=citizen)
    return list(rows.order_by("-at", "-id")[:limit])


# --- the desk's home -----------------------------------------------------------------


def desk_counts(*, viewer, now: datetime | None = None) -> dict[str, int]:
    """The home's figures: reads today, open alerts, archives produced in the last 30 days."""
    require(viewer, DESK)
    now = now or timezone.now()
    start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    counts = {"reads_today": citizen_selectors.file_reads(since=start).count()}
    if _has(viewer, VIEW_ALERTS):
        counts["open_alerts"] = UnusualReadingAlert.objects.filter(acknowledged_at__isnull=True).count()
    if _has(viewer, PRODUCE_ARCHIVE):
        counts["archives_30_days"] = SubjectAccessLog.objects.filter(at__gte=now - timedelta(days=30)).count()
    return counts


def citizen_for_archive(*, citizen_id: int) -> Citizen | None:
    return citizen_selectors.citizen_for_subject_access(citizen_id=citizen_id)
