"""Reads of "Under Your Command" cases, already narrowed to what the viewer may see.

Who sees what:
- senior management and administrators (``accounts.view_uyc_cases``) see every case;
- a deputy sees the cases owned by the senior managers who delegated their queue to them,
  while the delegation runs (``starts_at <= now < ends_at``, not ended early);
- nobody else sees any case: agents and department officers learn from the ticket only that
  it was escalated, and when. A department officer reads the questions senior management
  asks their department (``department_requests``), never the case behind them.

Acting on a case (``escalations.work_escalation``) is senior management's; a deputy acts on
the delegated cases. Every read of one case goes through ``escalation_get``, which logs it.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib.auth.models import Group
from django.db.models import BooleanField, Count, F, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.fields.json import KT
from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.accounts.roles import Role
from apps.committee.models import Committee
from apps.core import confidentiality, cursors
from apps.core.choices import choice_label
from apps.core.config_cache import ConfigCache
from apps.core.errors import ApplicationError, NotFound
from apps.escalations.models import (
    Delegation,
    Escalation,
    EscalationAccess,
    EscalationEvent,
    InformationRequest,
    Source,
)
from apps.escalations.workflow import OPEN_STATUSES, Status
from apps.tickets.selectors import PublicReply

VIEW_ALL = "accounts.view_uyc_cases"
WORK = "escalations.work_escalation"
ESCALATE = "escalations.add_escalation"
DELEGATE = "escalations.add_delegation"
REVIEW_ACCESS = "escalations.review_escalation_access"
DEPARTMENT_QUEUE = "accounts.work_department_queue"


def _is_staff(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


# --- delegation ----------------------------------------------------------------------


def active_delegations(*, deputy, now: datetime | None = None) -> QuerySet[Delegation]:
    now = now or timezone.now()
    return Delegation.objects.filter(
        deputy=deputy, revoked_at__isnull=True, starts_at__lte=now, ends_at__gt=now
    ).select_related("delegator")


def _open_delegations() -> tuple[tuple[int, int, datetime, datetime], ...]:
    """(deputy, delegator, from, until) of every delegation not revoked, newest first (a few a
    month: whether one is current is decided at each read, for the instant asked about)."""
    return tuple(
        Delegation.objects.filter(revoked_at__isnull=True).values_list(
            "deputy_id", "delegator_id", "starts_at", "ends_at"
        )
    )


# Every staff page asks whether its user holds a queue (the navigation's "Under Your Command"
# entry): the few open delegations are kept per process, reloaded when one is saved or deleted
# (``EscalationsConfig.ready`` watches the model); the period is checked against ``now`` at
# each read, so a delegation starts and ends on time without a reload.
delegations_cache = ConfigCache("escalations.delegations", _open_delegations)


def delegators_of(user, *, now: datetime | None = None) -> list[int]:
    """Ids of the senior managers whose queue ``user`` holds at ``now``."""
    if not _is_staff(user):
        return []
    now = now or timezone.now()
    return [
        delegator
        for deputy, delegator, starts_at, ends_at in delegations_cache.get()
        if deputy == user.pk and starts_at <= now < ends_at
    ]


def delegations_of(*, user) -> QuerySet[Delegation]:
    """The delegations a senior manager gave (administrators see everyone's)."""
    rows = Delegation.objects.select_related("delegator", "deputy", "created_by", "revoked_by")
    if user.has_perm("accounts.administer"):
        return rows
    return rows.filter(delegator=user)


def can_delegate(user) -> bool:
    return _is_staff(user) and user.has_perm(DELEGATE)


def deputy_candidates(*, delegator) -> QuerySet[User]:
    return User.objects.filter(is_active=True).exclude(pk=delegator.pk).order_by("username")


# --- who may do what -----------------------------------------------------------------


def sees_everything(viewer) -> bool:
    return _is_staff(viewer) and viewer.has_perm(VIEW_ALL)


def can_use_queue(viewer, *, now: datetime | None = None) -> bool:
    return sees_everything(viewer) or bool(delegators_of(viewer, now=now))


def visible_escalations(viewer, *, now: datetime | None = None) -> QuerySet[Escalation]:
    if not _is_staff(viewer):
        return Escalation.objects.none()
    if viewer.has_perm(VIEW_ALL):
        return Escalation.objects.all()
    delegators = delegators_of(viewer, now=now)
    if delegators:
        return Escalation.objects.filter(owner_id__in=delegators)
    return Escalation.objects.none()


def can_view(viewer, escalation: Escalation, *, now: datetime | None = None) -> bool:
    if not _is_staff(viewer):
        return False
    return viewer.has_perm(VIEW_ALL) or (
        escalation.owner_id is not None and escalation.owner_id in delegators_of(viewer, now=now)
    )


def can_work(viewer, escalation: Escalation, *, now: datetime | None = None) -> bool:
    """Senior management act on any case; a deputy on the delegated ones; administrators read."""
    if not _is_staff(viewer):
        return False
    if viewer.has_perm(WORK):
        return True
    return escalation.owner_id is not None and escalation.owner_id in delegators_of(viewer, now=now)


def can_work_any(viewer, *, now: datetime | None = None) -> bool:
    return _is_staff(viewer) and (viewer.has_perm(WORK) or bool(delegators_of(viewer, now=now)))


def can_escalate(viewer) -> bool:
    return _is_staff(viewer) and viewer.has_perm(ESCALATE)


def can_review_access(viewer) -> bool:
    return _is_staff(viewer) and viewer.has_perm(REVIEW_ACCESS)


def committees() -> QuerySet[Committee]:
    """The committees a case may be referred to."""
    return Committee.objects.filter(is_active=True).order_by("code")


def owners() -> QuerySet[User]:
    """Who may own a case: the members of the senior management office."""
    group = Group.objects.filter(name=Role.SENIOR_MANAGEMENT.value).first()
    if group is None:
        return User.objects.none()
    return User.objects.filter(is_active=True, groups=group).order_by("username")


# --- the one confidentiality policy (apps.core.confidentiality) ---------------------


def _hide_case(escalation: Escalation) -> None:
    escalation.reason = ""
    escalation.summary = ""
    escalation.decision_public = ""
    escalation.decision_internal = ""


def _hide_case_event(event: EscalationEvent) -> None:
    event.body = ""
    event.data = {}


def _hide_case_read(access: EscalationAccess) -> None:
    """A case read has no text of its own; the outputs that list reads drop the rows a viewer
    may not see (``confidentiality.visible_rows``) rather than blank them."""


def register_confidentiality() -> None:
    """Every case, its timeline and its reads are confidential; a deputy reads the delegated cases
    (``can_view``). Registered from ``EscalationsConfig.ready()``."""
    confidentiality.register(
        Escalation,
        is_confidential=lambda escalation: True,
        hide=_hide_case,
        rows=lambda: Q(pk__isnull=False),
        readable_by=lambda viewer, escalation: can_view(viewer, escalation),
    )
    # A read of a case says who looked at which citizen's confidential case: the read log
    # (apps.privacy.desk) shows such rows only to those who may read the cases themselves.
    confidentiality.register(
        EscalationAccess,
        is_confidential=lambda access: True,
        hide=_hide_case_read,
        rows=lambda: Q(pk__isnull=False),
    )
    confidentiality.register(
        EscalationEvent,
        is_confidential=lambda event: True,
        hide=_hide_case_event,
        rows=lambda: Q(pk__isnull=False),
        readable_by=lambda viewer, event: can_view(viewer, event.escalation),
    )


# --- one case ------------------------------------------------------------------------


def _with_relations(queryset: QuerySet[Escalation]) -> QuerySet[Escalation]:
    return queryset.select_related(
        "ticket__category__parent", "ticket__department", "citizen", "owner", "decided_by", "informed_by"
    )


def escalation_get(*, viewer, pk: int, via: str = EscalationAccess.Via.PAGE, log: bool = True) -> Escalation:
    """One case the viewer may see, else NotFound; the read is logged (who, when, which)."""
    escalation = _with_relations(visible_escalations(viewer)).filter(pk=pk).first()
    if escalation is None:
        raise NotFound(_("No such case, or it is not yours to see."), code="escalation_not_found")
    confidentiality.redact_one(viewer, escalation)
    if log:
        from apps.escalations.services import escalation_access_record

        escalation_access_record(escalation=escalation, viewer=viewer, via=via)
    return escalation


def escalation_for_action(*, viewer, pk: int) -> Escalation:
    """The case an action is about (not a read: the page that follows logs its own)."""
    return escalation_get(viewer=viewer, pk=pk, log=False)


def case_events(*, escalation: Escalation) -> list[EscalationEvent]:
    return list(escalation.events.select_related("actor").order_by("at", "id"))


def case_information_requests(*, escalation: Escalation) -> list[InformationRequest]:
    return list(
        escalation.information_requests.select_related("department", "requested_by", "answered_by").order_by(
            "requested_at", "id"
        )
    )


def open_case_for_ticket(*, ticket) -> Escalation | None:
    return Escalation.objects.filter(ticket=ticket).exclude(status=Status.CLOSED).first()


def ticket_escalation_facts(*, ticket) -> list[dict]:
    """What anyone who may see the ticket may know: it was escalated, and when. Nothing else."""
    return [
        {"at": received_at, "open": status != Status.CLOSED}
        for received_at, status in Escalation.objects.filter(ticket=ticket)
        .order_by("received_at")
        .values_list("received_at", "status")
    ]


# --- the management queue ------------------------------------------------------------


@dataclass
class QueueFilters:
    status: list[str] = field(default_factory=list)  # empty: the open cases
    owner: User | None = None
    unowned: bool = False
    source: str = ""
    overdue: bool = False


@dataclass
class QueuePage:
    items: list[Escalation]
    next_cursor: str | None
    page_size: int


def encode_cursor(escalation: Escalation) -> str:
    return cursors.encode(escalation.due_at, escalation.pk)


decode_cursor = cursors.decode


def queue(
    *,
    viewer,
    filters: QueueFilters,
    cursor: str | None = None,
    page_size: int = 25,
    now: datetime | None = None,
) -> QueuePage:
    """A page of cases, fewest days left first, paged by (due_at, id) — no COUNT, no OFFSET.

    Open cases unless a status is asked for; every filter is served by one of the model's
    ``escalation_*_due`` indexes, which end with the queue's order.
    """
    now = now or timezone.now()
    queryset = visible_escalations(viewer, now=now)
    if filters.status:
        queryset = queryset.filter(status__in=filters.status)
    else:
        queryset = queryset.filter(status__in=[s.value for s in OPEN_STATUSES])
    if filters.unowned:
        queryset = queryset.filter(owner__isnull=True)
    elif filters.owner is not None:
        queryset = queryset.filter(owner=filters.owner)
    if filters.source:
        queryset = queryset.filter(source=filters.source)
    if filters.overdue:
        queryset = queryset.filter(status__in=[s.value for s in OPEN_STATUSES], due_at__lt=now)
    if cursor:
        when, pk = decode_cursor(cursor)
        queryset = queryset.filter(
            RawSQL(
                '("escalations_escalation"."due_at", "escalations_escalation"."id") > (%s, %s)',
                (when, pk),
                BooleanField(),
            )
        )
    rows = list(
        queryset.select_related("ticket", "citizen", "owner")
        .only(
            "id",
            "status",
            "source",
            "priority",
            "received_at",
            "due_at",
            "owner__id",
            "owner__username",
            "owner__first_name",
            "owner__last_name",
            "owner__full_name_ar",
            "ticket__id",
            "ticket__review_number",
            "ticket__kind",
            "citizen__id",
            "citizen__name_ar",
            "citizen__name_en",
            "citizen__cpr",
        )
        .order_by("due_at", "id")[: page_size + 1]
    )
    more = len(rows) > page_size
    items = rows[:page_size]
    return QueuePage(items=items, next_cursor=encode_cursor(items[-1]) if more else None, page_size=page_size)


# --- the department's side -----------------------------------------------------------


def department_requests(
    *, viewer, status: str = InformationRequest.Status.OPEN
) -> QuerySet[InformationRequest]:
    """Questions asked of the viewer's department; the case behind them stays out of reach."""
    if not _is_staff(viewer) or not viewer.has_perm(DEPARTMENT_QUEUE) or not viewer.department_id:
        return InformationRequest.objects.none()
    rows = InformationRequest.objects.filter(department_id=viewer.department_id)
    if status:
        rows = rows.filter(status=status)
    return (
        rows.select_related("escalation__ticket", "requested_by", "answered_by")
        .only(
            "id",
            "question",
            "status",
            "due_at",
            "requested_at",
            "answer",
            "answered_at",
            "department_id",
            "escalation__id",
            "escalation__ticket__review_number",
            "requested_by__username",
            "requested_by__first_name",
            "requested_by__last_name",
            "requested_by__full_name_ar",
            "answered_by__username",
            "answered_by__first_name",
            "answered_by__last_name",
            "answered_by__full_name_ar",
        )
        .order_by("due_at", "id")
    )


def department_request_get(*, viewer, pk: int) -> InformationRequest:
    row = department_requests(viewer=viewer, status="").filter(pk=pk).first()
    if row is None:
        raise NotFound()
    return row


def can_answer(viewer, request: InformationRequest) -> bool:
    return (
        _is_staff(viewer)
        and viewer.has_perm(DEPARTMENT_QUEUE)
        and viewer.department_id is not None
        and viewer.department_id == request.department_id
    )


# --- the access log ------------------------------------------------------------------


def access_log(
    *, viewer, escalation_id: int | None = None, user_id: int | None = None, limit: int = 100
) -> list[EscalationAccess]:
    if not can_review_access(viewer):
        return []
    rows = EscalationAccess.objects.select_related("user", "escalation__ticket")
    if escalation_id:
        rows = rows.filter(escalation_id=escalation_id)
    if user_id:
        rows = rows.filter(user_id=user_id)
    return list(rows.order_by("-at", "-id")[:limit])


# --- figures for the monthly report --------------------------------------------------


@dataclass(frozen=True)
class SourceFigures:
    received: int
    decided: int
    informed: int
    informed_within_30_days: int
    informed_within_30_days_pct: float | None
    median_days_to_decision: float | None
    open_past_30_days: int


@dataclass(frozen=True)
class Figures:
    start: date
    end: date  # inclusive
    total: SourceFigures
    by_source: dict[str, SourceFigures]


WINDOW = timedelta(days=30)


def _period(start: date, end: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return datetime.combine(start, time.min, tz), datetime.combine(end + timedelta(days=1), time.min, tz)


def _source_figures(rows: list[dict], decided_rows: list[dict], informed_rows: list[dict], open_past: int):
    informed_within = sum(1 for r in informed_rows if r["informed_at"] - r["received_at"] <= WINDOW)
    days = [(r["decided_at"] - r["received_at"]).total_seconds() / 86400 for r in decided_rows]
    return SourceFigures(
        received=len(rows),
        decided=len(decided_rows),
        informed=len(informed_rows),
        informed_within_30_days=informed_within,
        informed_within_30_days_pct=round(100 * informed_within / len(informed_rows), 1)
        if informed_rows
        else None,
        median_days_to_decision=round(statistics.median(days), 1) if days else None,
        open_past_30_days=open_past,
    )


def figures(*, start: date, end: date, now: datetime | None = None) -> Figures:
    """The month's (or any period's) "Under Your Command" figures, overall and by source.

    Definitions (shown with the report):
    - received: cases opened in the period;
    - decided: cases whose decision was recorded in the period;
    - informed within 30 days (%): of the cases whose citizen was told the decision in the
      period, the share told within 30 calendar days of receipt (extensions do not change
      the 30 days: the ministry's commitment is measured as it stands);
    - median days to decision: over the cases decided in the period, from receipt to the
      decision, in days with one decimal;
    - open past 30 days: at the end of the period (or now, if earlier), cases received more
      than 30 days before and not yet told their decision.
    """
    now = now or timezone.now()
    begin, finish = _period(start, end)
    as_of = min(finish, now)
    fields = ("source", "received_at", "decided_at", "informed_at")
    received = list(Escalation.objects.filter(received_at__gte=begin, received_at__lt=finish).values(*fields))
    decided = list(Escalation.objects.filter(decided_at__gte=begin, decided_at__lt=finish).values(*fields))
    informed = list(Escalation.objects.filter(informed_at__gte=begin, informed_at__lt=finish).values(*fields))
    open_past = dict(
        Escalation.objects.filter(received_at__lt=as_of - WINDOW)
        .filter(Q(informed_at__isnull=True) | Q(informed_at__gte=as_of))
        .values("source")
        .annotate(n=Count("id"))
        .values_list("source", "n")
    )
    by_source = {
        source: _source_figures(
            [r for r in received if r["source"] == source],
            [r for r in decided if r["source"] == source],
            [r for r in informed if r["source"] == source],
            open_past.get(source, 0),
        )
        for source in Source.values
    }
    total = _source_figures(received, decided, informed, sum(open_past.values()))
    return Figures(start=start, end=end, total=total, by_source=by_source)


def month_figures(*, year: int, month: int, now: datetime | None = None) -> Figures:
    first = date(year, month, 1)
    last = (date(year + month // 12, month % 12 + 1, 1)) - timedelta(days=1)
    return figures(start=first, end=last, now=now)


# --- what the citizen may read -------------------------------------------------------


def public_extension_rows(ticket_id: int):
    """Each extension of the ticket's cases: its new date and reason, which the citizen is
    owed. Read in the tracking page's one query of replies (``PublicReplySource``)."""
    from apps.tickets.selectors import public_reply_columns

    return EscalationEvent.objects.filter(
        escalation__ticket_id=ticket_id, kind=EscalationEvent.Kind.EXTENSION
    ).annotate(
        **public_reply_columns(
            source="escalations", at=F("at"), id=F("id"), body=F("body"), extra=KT("data__new_due")
        )
    )


def public_extension_reply(row: dict) -> PublicReply:
    new_due = parse_datetime(row["r_extra"] or "")
    return PublicReply(
        at=row["r_at"],
        body=_("We need more time to decide on your request: we will answer by %(date)s. Reason: %(reason)s")
        % {
            "date": formats.date_format(timezone.localtime(new_due), "DATE_FORMAT") if new_due else "—",
            "reason": row["r_body"],
        },
    )


def public_decision_rows(ticket_id: int):
    """The decision's public text of each case, once the citizen has been told. Never a
    summary, a note or the decision's internal text."""
    from apps.tickets.selectors import public_reply_columns

    return Escalation.objects.filter(ticket_id=ticket_id, informed_at__isnull=False).annotate(
        **public_reply_columns(
            source="escalations_decision", at=F("informed_at"), id=F("id"), body=F("decision_public")
        )
    )


def public_decision_reply(row: dict) -> PublicReply:
    return PublicReply(at=row["r_at"], body=row["r_body"])


# --- the citizen's 360° history on the case page -------------------------------------


@dataclass
class HistoryEntry:
    at: datetime
    kind: str
    title: str
    body: str = ""
    url: str = ""
    actor: str = ""
    badge: str = ""
    restricted: bool = False


def citizen_history(*, escalation: Escalation, viewer, limit: int = 40) -> list[HistoryEntry]:
    """Everything the ministry did with this citizen, newest first: this ticket's timeline,
    their other tickets (another "Under Your Command" message's words only to those who may
    read them), their other cases, their committee referrals and the messages sent to them."""
    from django.urls import reverse

    from apps.committee.models import Referral
    from apps.notifications import selectors as notification_selectors
    from apps.notifications.events import UnknownEvent
    from apps.notifications.events import get as event_definition
    from apps.tickets import selectors as ticket_selectors
    from apps.tickets.models import Ticket, TicketEvent

    ticket = escalation.ticket
    citizen = escalation.citizen
    entries: list[HistoryEntry] = []
    for event in (
        TicketEvent.objects.filter(ticket_id=ticket.pk).select_related("actor").order_by("-at", "-id")[:limit]
    ):
        text = event.body
        if event.kind == TicketEvent.Kind.STATUS_CHANGE:
            text = _("from %(from)s to %(to)s") % {
                "from": Ticket.Status(event.from_status).label,
                "to": Ticket.Status(event.to_status).label,
            }
        entries.append(
            HistoryEntry(
                at=event.at,
                kind="ticket_event",
                title=f"{ticket.review_number} · {choice_label(event, 'kind')}",
                body=text,
                actor=event.actor.display_name() if event.actor_id else "",
            )
        )
    if citizen is not None:
        readable = sees_everything(viewer)
        # A deputy may open the cases of those who delegated to them (one query, not one a case).
        delegators = set() if readable else set(delegators_of(viewer))
        for other in (
            Ticket.objects.filter(citizen=citizen)
            .exclude(pk=ticket.pk)
            .only(
                "pk",
                "review_number",
                "kind",
                "channel",
                "confidential",
                "subject",
                "status",
                "received_at",
                "department_id",
            )
            .order_by("-received_at")[:limit]
        ):
            restricted = not confidentiality.may_read(viewer, other)
            entries.append(
                HistoryEntry(
                    at=other.received_at,
                    kind="ticket",
                    title=f"{other.review_number} · {choice_label(other, 'kind')} · {choice_label(other, 'channel')}",
                    body="" if restricted else other.subject,
                    url=reverse("tickets:detail", args=[other.pk])
                    if ticket_selectors.can_view(viewer, other)
                    else "",
                    badge=choice_label(other, "status"),
                    restricted=restricted,
                )
            )
        for case in (
            Escalation.objects.filter(citizen=citizen)
            .exclude(pk=escalation.pk)
            .select_related("ticket")
            .only("pk", "status", "received_at", "owner_id", "ticket__review_number")
        ).order_by("-received_at")[:limit]:
            entries.append(
                HistoryEntry(
                    at=case.received_at,
                    kind="escalation",
                    title=_("Under Your Command case on %(number)s") % {"number": case.ticket.review_number},
                    url=reverse("escalations:detail", args=[case.pk])
                    if readable or (case.owner_id is not None and case.owner_id in delegators)
                    else "",
                    badge=choice_label(case, "status"),
                )
            )
        for referral in Referral.objects.filter(citizen=citizen).order_by("-referred_at")[:limit]:
            entries.append(
                HistoryEntry(
                    at=referral.referred_at,
                    kind="committee",
                    title=_("Referred to the committee: %(reference)s") % {"reference": referral.reference},
                    body=referral.subject,
                    badge=choice_label(referral, "status"),
                )
            )
        try:
            messages = notification_selectors.messages_for(
                viewer=viewer, phone=ticket.contact_phone, ref=f"citizens.citizen:{citizen.pk}"
            )[:limit]
        except ApplicationError:
            messages = []
        for message in messages:
            try:
                label = str(event_definition(message.event).label)
            except UnknownEvent:
                label = message.event
            entries.append(
                HistoryEntry(
                    at=message.created_at,
                    kind="message",
                    title=f"{choice_label(message, 'channel')} · {label}",
                    body=message.subject or message.body,
                    badge=choice_label(message, "state"),
                )
            )
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries[:limit]


# --- subject access (apps.privacy.desk) ----------------------------------------------


def escalation_count_for_citizen(*, citizen_id: int) -> int:
    """How many "Under Your Command" cases concern the citizen: their internal routing,
    summaries and internal decisions are withheld from a subject-access archive, so they are
    counted, never read (what the citizen was told reaches them as a ticket's public reply)."""
    return Escalation.objects.filter(citizen_id=citizen_id).count()


def case_reads(
    *,
    viewer,
    citizen_id: int | None = None,
    user_id: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> QuerySet[EscalationAccess]:
    """Reads of cases, for the data-protection officer's read log: none at all for a viewer
    who may not read the cases (the one policy, ``confidentiality.visible_rows``)."""
    rows = confidentiality.visible_rows(viewer, EscalationAccess.objects.all())
    if citizen_id:
        rows = rows.filter(escalation__citizen_id=citizen_id)
    if user_id:
        rows = rows.filter(user_id=user_id)
    if since:
        rows = rows.filter(at__gte=since)
    if until:
        rows = rows.filter(at__lt=until)
    return rows
