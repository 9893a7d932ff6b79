"""Reads of the committee, already filtered to what the viewer may see."""

from __future__ import annotations

import base64
import json
import statistics
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from apps.committee.models import (
    AgendaItem,
    Attendance,
    Committee,
    Decision,
    Meeting,
    MeetingStatus,
    MemberRole,
    Membership,
    Outcome,
    Referral,
    ReferralEvent,
    ReferralStatus,
    SourceKind,
)
from apps.committee.services import MANAGE_PERMISSION, VIEW_PERMISSION, roles_held
from apps.core.errors import NotFound, PermissionDenied, ValidationFailed
from apps.core.parsers import json_loads

POOL_PAGE_SIZE = 50


def can_view(user) -> bool:
    return bool(
        user
        and user.is_authenticated
        and (user.has_perm(VIEW_PERMISSION) or user.has_perm(MANAGE_PERMISSION))
    )


def require_view(user) -> None:
    if not can_view(user):
        raise PermissionDenied()


def default_committee(user) -> Committee:
    """The committee a person works in: their own seat's first, else the first active one."""
    require_view(user)
    seat = (
        Membership.objects.filter(user=user, is_active=True, committee__is_active=True)
        .select_related("committee")
        .order_by("committee__code")
        .first()
    )
    if seat:
        return seat.committee
    committee = Committee.objects.filter(is_active=True).order_by("code").first()
    if committee is None:
        raise NotFound()
    return committee


@dataclass
class Viewer:
    """What the current person may do in one committee (for templates)."""

    is_secretary: bool
    is_chair: bool


def viewer_in(committee: Committee, user) -> Viewer:
    roles = roles_held(committee, user)
    return Viewer(is_secretary=MemberRole.SECRETARY in roles, is_chair=MemberRole.CHAIR in roles)


# ---------------------------------------------------------------------------- pending pool


@dataclass
class PoolPage:
    rows: list[Referral]
    next_cursor: str | None


def _encode_cursor(referral: Referral) -> str:
    raw = json.dumps([referral.deferral_count, referral.referred_at.isoformat(), referral.pk])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode_cursor(cursor: str) -> tuple[int, datetime, int]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        count, when, pk = json_loads(base64.urlsafe_b64decode(padded.encode()))
        return int(count), datetime.fromisoformat(when), int(pk)
    except (ValueError, TypeError, OverflowError):
        raise ValidationFailed(code="invalid_cursor") from None


def pending_pool(
    *,
    committee: Committee,
    viewer,
    cursor: str | None = None,
    source: str | None = None,
    deferred_only: bool = False,
    query: str = "",
    limit: int = POOL_PAGE_SIZE,
) -> PoolPage:
    """Referrals waiting for a meeting: deferred ones first (most deferrals first), then the
    oldest. Keyset-paginated on the partial index ``committee_referral_pool`` — no COUNT,
    no OFFSET — so the page costs the same at row 5,000 as at row 1."""
    require_view(viewer)
    rows = Referral.objects.filter(committee=committee, status=ReferralStatus.PENDING).select_related(
        "citizen"
    )
    if source in SourceKind.values:
        rows = rows.filter(source_kind=source)
    if deferred_only:
        rows = rows.filter(deferral_count__gt=0)
    query = (query or "").strip()
    if query:
        rows = rows.filter(
            Q(reference__iexact=query)
            | Q(housing_application_number=query)
            | Q(source_reference__iexact=query)
            | Q(subject__icontains=query)
        )
    order = ("-deferral_count", "referred_at", "pk")
    if cursor:
        # Two range scans on the index instead of one OR (which PostgreSQL can only
        # filter row by row from the start): the rest of the cursor's deferral group,
        # then the groups after it.
        count, when, pk = _decode_cursor(cursor)
        same_group = rows.filter(
            Q(deferral_count=count, referred_at__gte=when) & (Q(referred_at__gt=when) | Q(pk__gt=pk))
        )
        page = list(same_group.order_by(*order)[: limit + 1])
        if len(page) <= limit:
            page += list(rows.filter(deferral_count__lt=count).order_by(*order)[: limit + 1 - len(page)])
    else:
        page = list(rows.order_by(*order)[: limit + 1])
    next_cursor = _encode_cursor(page[limit - 1]) if len(page) > limit else None
    return PoolPage(rows=page[:limit], next_cursor=next_cursor)


def pending_counts(*, committee: Committee, viewer) -> dict:
    require_view(viewer)
    counts = Referral.objects.filter(committee=committee, status=ReferralStatus.PENDING).aggregate(
        pending=Count("pk"), deferred=Count("pk", filter=Q(deferral_count__gt=0))
    )
    return counts


def agenda_proposals(*, meeting: Meeting, viewer, limit: int = 30) -> list[Referral]:
    """What to propose for the next agenda: deferred referrals first, then the oldest."""
    return pending_pool(committee=meeting.committee, viewer=viewer, limit=limit).rows


# ---------------------------------------------------------------------------- referrals


def referral_get(*, referral_id: int, viewer) -> Referral:
    require_view(viewer)
    referral = (
        Referral.objects.select_related("citizen", "committee", "appeal_of", "created_by")
        .prefetch_related(
            "documents",
            Prefetch("events", queryset=ReferralEvent.objects.select_related("actor")),
            Prefetch(
                "decisions",
                queryset=Decision.objects.select_related(
                    "meeting", "rejection_reason", "recorded_by", "amends"
                ).order_by("meeting__date", "recorded_at", "pk"),
            ),
            Prefetch("agenda_items", queryset=AgendaItem.objects.select_related("meeting")),
        )
        .filter(pk=referral_id)
        .first()
    )
    if referral is None:
        raise NotFound()
    return referral


def referral_appeal(referral: Referral) -> Referral | None:
    return Referral.objects.filter(appeal_of=referral).first()


def document_get(*, document_id: int, viewer):
    from apps.committee.models import ReferralDocument

    require_view(viewer)
    document = ReferralDocument.objects.select_related("referral").filter(pk=document_id).first()
    if document is None:
        raise NotFound()
    return document


def decision_get(*, decision_id: int, viewer) -> Decision:
    require_view(viewer)
    decision = (
        Decision.objects.select_related(
            "meeting__committee", "referral__citizen", "rejection_reason", "recorded_by"
        )
        .filter(pk=decision_id)
        .first()
    )
    if decision is None:
        raise NotFound()
    return decision


# ---------------------------------------------------------------------------- meetings


def meetings_list(*, committee: Committee, viewer, limit: int = 100) -> list[Meeting]:
    require_view(viewer)
    return list(
        Meeting.objects.filter(committee=committee)
        .annotate(item_count=Count("agenda", distinct=True), decision_count=Count("decisions", distinct=True))
        .order_by("-date", "-number")[:limit]
    )


def meeting_get(*, meeting_id: int, viewer) -> Meeting:
    require_view(viewer)
    meeting = Meeting.objects.select_related("committee", "signed_by").filter(pk=meeting_id).first()
    if meeting is None:
        raise NotFound()
    return meeting


@dataclass
class MinutesItem:
    position: int
    referral: Referral
    decision: Decision | None
    amendments: list[Decision] = field(default_factory=list)
    not_reached: bool = False

    @property
    def current(self) -> Decision | None:
        return self.amendments[-1] if self.amendments else self.decision


@dataclass
class Minutes:
    meeting: Meeting
    attendance: list[Attendance]
    items: list[MinutesItem]
    secretary: object | None
    chair: object | None

    @property
    def present(self) -> list[Attendance]:
        return [a for a in self.attendance if a.present]

    @property
    def decided(self) -> list[MinutesItem]:
        return [i for i in self.items if i.decision is not None]

    @property
    def not_reached(self) -> list[MinutesItem]:
        return [i for i in self.items if i.decision is None]

    def count(self, outcome: str) -> int:
        return sum(1 for i in self.decided if i.current and i.current.outcome == outcome)


def meeting_minutes(*, meeting: Meeting) -> Minutes:
    """Everything the meeting screen and the minutes show, in three queries."""
    items = list(
        AgendaItem.objects.filter(meeting=meeting)
        .select_related("referral__citizen")
        .order_by("position", "pk")
    )
    decisions = list(
        Decision.objects.filter(meeting=meeting)
        .select_related("rejection_reason", "recorded_by")
        .order_by("recorded_at", "pk")
    )
    originals = {d.referral_id: d for d in decisions if d.amends_id is None}
    by_amended = {d.amends_id: d for d in decisions if d.amends_id is not None}
    rows = []
    for item in items:
        original = originals.get(item.referral_id)
        chain = []
        step = original
        while step is not None and step.pk in by_amended:
            step = by_amended[step.pk]
            chain.append(step)
        rows.append(
            MinutesItem(
                position=item.position,
                referral=item.referral,
                decision=original,
                amendments=chain,
                not_reached=item.not_reached,
            )
        )
    attendance = list(
        Attendance.objects.filter(meeting=meeting).select_related("user").order_by("role", "pk")
    )
    seats = {
        s.role: s.user
        for s in Membership.objects.filter(committee=meeting.committee, is_active=True).select_related("user")
        if s.role in ("chair", "secretary")
    }
    return Minutes(
        meeting=meeting,
        attendance=attendance,
        items=rows,
        secretary=seats.get("secretary"),
        chair=meeting.signed_by or seats.get("chair"),
    )


def open_meetings(*, committee: Committee, viewer) -> list[Meeting]:
    require_view(viewer)
    return list(
        Meeting.objects.filter(committee=committee, status=MeetingStatus.PLANNED).order_by("date", "number")
    )


# ---------------------------------------------------------------------------- figures


@dataclass(frozen=True)
class MonthFigures:
    year: int
    month: int
    referred: int
    meetings_held: int
    approved: int
    rejected: int
    deferred: int
    pending_at_month_end: int
    median_days_to_decision: float | None
    deferrals_per_referral: float | None

    @property
    def decided(self) -> int:
        return self.approved + self.rejected + self.deferred


def _month_bounds(year: int, month: int) -> tuple[date, date]:
    first = date(year, month, 1)
    last = (date(year + (month == 12), month % 12 + 1, 1)) - timedelta(days=1)
    return first, last


def month_figures(*, year: int, month: int, committee: Committee | None = None) -> MonthFigures:
    """The committee's figures for the monthly report.

    - referred: referrals whose referral date (Asia/Bahrain) falls in the month;
    - meetings held: meetings dated in the month that were closed or signed;
    - approved / rejected / deferred: decisions in force (final, not amended since) taken
      at meetings dated in the month;
    - pending at month end: referrals referred by the month's last day that had no final
      approval or rejection at a meeting dated by that day (deferred ones are pending);
    - median days to decision: meeting date − referral date over the month's approvals and
      rejections;
    - deferrals per referral: all deferrals (final, in force, at any meeting up to the
      month's end) of the referrals approved or rejected in the month, divided by how many
      such referrals there are — how many rounds a case takes before its ruling.
    """
    first, last = _month_bounds(year, month)
    tz = timezone.get_current_timezone()
    start = datetime.combine(first, datetime.min.time(), tzinfo=tz)
    end = datetime.combine(last + timedelta(days=1), datetime.min.time(), tzinfo=tz)
    referrals = Referral.objects.all()
    meetings = Meeting.objects.filter(date__range=(first, last))
    decisions = Decision.objects.filter(is_final=True, amended_by__isnull=True)
    if committee is not None:
        referrals = referrals.filter(committee=committee)
        meetings = meetings.filter(committee=committee)
        decisions = decisions.filter(meeting__committee=committee)
    in_month = decisions.filter(meeting__date__range=(first, last))
    by_outcome = dict(in_month.values_list("outcome").annotate(n=Count("pk")).values_list("outcome", "n"))
    ruled = list(
        in_month.filter(outcome__in=[Outcome.APPROVED, Outcome.REJECTED]).values_list(
            "referral_id", "meeting__date", "referral__referred_at"
        )
    )
    days = [
        (meeting_date - timezone.localtime(referred_at, tz).date()).days
        for _r, meeting_date, referred_at in ruled
    ]
    ruled_ids = {referral_id for referral_id, _d, _r in ruled}
    deferrals = decisions.filter(
        referral_id__in=ruled_ids, outcome=Outcome.DEFERRED, meeting__date__lte=last
    ).count()
    ruled_by_end = decisions.filter(
        outcome__in=[Outcome.APPROVED, Outcome.REJECTED], meeting__date__lte=last
    ).values("referral_id")
    pending = referrals.filter(referred_at__lt=end).exclude(pk__in=ruled_by_end).count()
    return MonthFigures(
        year=year,
        month=month,
        referred=referrals.filter(referred_at__gte=start, referred_at__lt=end).count(),
        meetings_held=meetings.filter(status__in=[MeetingStatus.CLOSED, MeetingStatus.SIGNED]).count(),
        approved=by_outcome.get(Outcome.APPROVED, 0),
        rejected=by_outcome.get(Outcome.REJECTED, 0),
        deferred=by_outcome.get(Outcome.DEFERRED, 0),
        pending_at_month_end=pending,
        median_days_to_decision=float(statistics.median(days)) if days else None,
        deferrals_per_referral=round(deferrals / len(ruled_ids), 2) if ruled_ids else None,
    )


def referred_without_decision(*, year: int, month: int) -> int:
    """The statement's remainder ``committee.pending``: referrals referred in the month that
    had no decision in force (approved, rejected or deferred, final, not amended) at a
    meeting dated by the month's last day. One query."""
    first, last = _month_bounds(year, month)
    tz = timezone.get_current_timezone()
    start = datetime.combine(first, datetime.min.time(), tzinfo=tz)
    end = datetime.combine(last + timedelta(days=1), datetime.min.time(), tzinfo=tz)
    decided = Decision.objects.filter(is_final=True, amended_by__isnull=True, meeting__date__lte=last).values(
        "referral_id"
    )
    return (
        Referral.objects.filter(referred_at__gte=start, referred_at__lt=end).exclude(pk__in=decided).count()
    )


# ---------------------------------------------------------------------------- subject access


def decisions_told_to_citizen(*, citizen_id: int) -> list[Decision]:
    """The final decisions on the citizen's cases (the ones their letter told them), oldest
    first, with the meeting, committee, case and reason the letter names. For the
    subject-access archive only: the case summaries, documents, minutes and deliberations
    behind them are staff's and are only counted (``internal_committee_counts``)."""
    return list(
        Decision.objects.filter(referral__citizen_id=citizen_id, is_final=True)
        .select_related("meeting__committee", "referral", "rejection_reason")
        .order_by("final_at", "id")
    )


def internal_committee_counts(*, citizen_id: int) -> dict[str, int]:
    """How many of the citizen's committee cases exist (their summaries and deliberations)
    and how many documents staff attached to them: counted, never read."""
    from apps.committee.models import ReferralDocument

    return {
        "committee_cases": Referral.objects.filter(citizen_id=citizen_id).count(),
        "committee_documents": ReferralDocument.objects.filter(referral__citizen_id=citizen_id).count(),
    }
