"""The SLA engine's periodic work: the sweep, sending what it decided, the morning digest.

The sweep decides in a fixed number of statements whatever the number of tickets:
``UPDATE … WHERE state = 'running' AND due_at < now … RETURNING`` claims the newly late
clocks and, in the same statement, writes one ``ClockNotice`` per clock and kind
(``ON CONFLICT DO NOTHING`` on the unique (clock, kind)). A clock claimed once is no longer
``running`` (or no longer un-notified), so a second sweep finds nothing: running it twice
sends nothing twice. Two sweeps at once are serialised by a PostgreSQL advisory lock (the
second one returns at once, ``skipped``); even without it the conditional updates could
not claim one row twice.

Sending is separate and bounded (``sla_notify_pending``): it claims pending notices with
``FOR UPDATE SKIP LOCKED``, queues the staff messages in the notifications outbox and marks
the notices sent, all in one transaction — two senders never send one notice twice.

Who hears what:
- at risk → the ticket's assignee (nobody assigned: the supervisors);
- breached (level 1) → the assignee and the supervisors of the ticket's department (a
  department with no supervisor of its own: every supervisor — the contact centre's
  supervisors watch every department's deadlines);
- still breached once late for as long again as the target allowed (level 2) → the head
  of the ticket's department (no head: the supervisors), and ``signals.clock_breach_escalated``.
"""

from __future__ import annotations

import logging
import time as _time
from dataclasses import asdict, dataclass, field
from datetime import datetime

from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import Department, User
from apps.accounts.roles import Role
from apps.sla import signals
from apps.sla.clock_selectors import open_ticket_counts
from apps.sla.models import Clock, ClockNotice, DigestSent

logger = logging.getLogger(__name__)

SWEEP_LOCK_KEY = 0x534C4153  # "SLAS"
DIGEST_LOCK_KEY = 0x534C4144  # "SLAD"


@dataclass
class SweepResult:
    skipped: bool = False
    breached: int = 0
    at_risk: int = 0
    second_level: int = 0


_CLAIM = """
WITH claimed AS (
    UPDATE sla_clock SET {assignments}, updated_at = %(now)s
    WHERE {condition}
    RETURNING id
), noticed AS (
    INSERT INTO sla_clocknotice (clock_id, kind, created_at, recipients)
    SELECT id, %(kind)s, %(now)s, '[]'::jsonb FROM claimed
    ON CONFLICT (clock_id, kind) DO NOTHING
    RETURNING 1
)
SELECT (SELECT count(*) FROM claimed), (SELECT count(*) FROM noticed)
"""

# Each uses one of the partial indexes on ``Clock``.
_BREACH = _CLAIM.format(
    assignments="state = 'breached', breached_at = due_at, escalation_level = 1, escalated_at = %(now)s",
    condition="state = 'running' AND due_at < %(now)s",
)
_AT_RISK = _CLAIM.format(
    assignments="at_risk_notified_at = %(now)s",
    condition="state = 'running' AND at_risk_notified_at IS NULL AND at_risk_at <= %(now)s",
)
_SECOND_LEVEL = _CLAIM.format(
    assignments="escalation_level = 2, escalated_2_at = %(now)s",
    condition="state = 'breached' AND escalation_level = 1 AND met_at IS NULL AND escalate_at <= %(now)s",
)


def sla_sweep(*, now: datetime | None = None) -> SweepResult:
    """Mark newly breached, at-risk and second-level clocks; write their notices. Set-based.

    1. Take the sweep lock (transaction-scoped); another sweep holding it → ``skipped``.
    2. Breaches first (a clock late now is not also "at risk"), then at risk, then the
       second level — three statements, each claiming and writing its notices at once.
    """
    now = now or timezone.now()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [SWEEP_LOCK_KEY])
        if not cursor.fetchone()[0]:
            return SweepResult(skipped=True)
        counts = []
        for statement, kind in (
            (_BREACH, ClockNotice.Kind.BREACH),
            (_AT_RISK, ClockNotice.Kind.AT_RISK),
            (_SECOND_LEVEL, ClockNotice.Kind.SECOND_LEVEL),
        ):
            cursor.execute(statement, {"now": now, "kind": kind.value})
            counts.append(cursor.fetchone()[0])
    return SweepResult(breached=counts[0], at_risk=counts[1], second_level=counts[2])


# --- who hears ------------------------------------------------------------------------------


@dataclass
class _Staff:
    """The supervisors, loaded once per batch (a few dozen people at most)."""

    by_department: dict[int | None, list[User]] = field(default_factory=dict)
    everyone: list[User] = field(default_factory=list)

    @classmethod
    def load(cls) -> _Staff:
        staff = cls()
        for user in User.objects.filter(is_active=True, groups__name=Role.SUPERVISOR.value).order_by("pk"):
            staff.everyone.append(user)
            staff.by_department.setdefault(user.department_id, []).append(user)
        return staff

    def supervisors_for(self, ticket) -> list[User]:
        return self.supervisors_of(ticket.department_id)

    def supervisors_of(self, department_id: int | None) -> list[User]:
        return self.by_department.get(department_id) or self.everyone

    def head_or_supervisors(self, department: Department | None) -> list[User]:
        """The department's head (the second level and the digest); no active head: the supervisors."""
        head = department.head if department is not None else None
        if head is not None and head.is_active:
            return [head]
        return self.supervisors_of(department.pk if department is not None else None)


def recipients_for(notice_kind: str, ticket, staff: _Staff | None = None) -> list[User]:
    """The people one notice goes to (see the module docstring)."""
    staff = staff or _Staff.load()
    if notice_kind == ClockNotice.Kind.AT_RISK:
        people = [ticket.assignee] if ticket.assignee_id else staff.supervisors_for(ticket)
    elif notice_kind == ClockNotice.Kind.BREACH:
        people = ([ticket.assignee] if ticket.assignee_id else []) + staff.supervisors_for(ticket)
    else:
        people = staff.head_or_supervisors(ticket.department if ticket.department_id else None)
    unique = {}
    for person in people:
        unique.setdefault(person.pk, person)
    return list(unique.values())


_EVENTS = {
    ClockNotice.Kind.AT_RISK: "sla.at_risk",
    ClockNotice.Kind.BREACH: "sla.breached",
    ClockNotice.Kind.SECOND_LEVEL: "sla.escalated",
}


def sla_notify_pending(*, limit: int = 200, now: datetime | None = None) -> int:
    """Send up to ``limit`` pending notices; returns how many were handled.

    Claimed with ``SKIP LOCKED`` inside one transaction with the outbox rows they write, so
    a crash sends nothing and leaves them pending, and two senders never share one. A
    notice whose clock was met meanwhile is closed without a message.
    """
    from apps.notifications.services import notification_queue
    from apps.tickets.notify import ticket_url

    now = now or timezone.now()
    with transaction.atomic():
        notices = list(
            ClockNotice.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(sent_at__isnull=True)
            .select_related("clock__ticket__department__head", "clock__ticket__assignee")
            .order_by("id")[:limit]
        )
        if not notices:
            return 0
        staff = _Staff.load()
        escalated, breached = [], []
        for notice in notices:
            clock, ticket = notice.clock, notice.clock.ticket
            people = []
            if clock.met_at is None and clock.state != Clock.State.STOPPED:
                people = recipients_for(notice.kind, ticket, staff)
                context = {
                    "review_number": ticket.review_number,
                    "ticket_url": ticket_url(ticket),
                    "due_at": clock.due_at or now,
                }
                for person in people:
                    notification_queue(
                        event=_EVENTS[notice.kind],
                        recipient_user=person,
                        context=context,
                        confidential=ticket.confidential,
                        now=now,
                    )
                if notice.kind == ClockNotice.Kind.SECOND_LEVEL:
                    escalated.append(clock)
                elif notice.kind == ClockNotice.Kind.BREACH:
                    breached.append(clock)
            notice.sent_at = now
            notice.recipients = [p.pk for p in people]
        ClockNotice.objects.bulk_update(notices, ["sent_at", "recipients"])
        for clock in breached:
            signals.clock_breached.send(sender=Clock, clock=clock, ticket=clock.ticket, now=now)
        for clock in escalated:
            signals.clock_breach_escalated.send(sender=Clock, clock=clock, ticket=clock.ticket, now=now)
    return len(notices)


def sla_notify_drain(*, budget_seconds: float = 180.0, batch: int = 200, now: datetime | None = None) -> int:
    """Send pending notices batch by batch until none is left or the time budget is spent
    (the task's soft time limit is above the budget; what is left goes on the next run)."""
    started, sent = _time.monotonic(), 0
    while _time.monotonic() - started < budget_seconds:
        handled = sla_notify_pending(limit=batch, now=now)
        sent += handled
        if handled < batch:
            break
    return sent


# --- the morning digest ---------------------------------------------------------------------


def digest_figures(*, now: datetime) -> dict[int | None, dict[str, int]]:
    """Open, at-risk and breached tickets per department, in one grouped query."""
    from apps.tickets.models import Ticket

    rows = open_ticket_counts(Ticket.objects.all(), "department_id", now=now)
    return {
        row["department_id"]: {"open": row["open"], "at_risk": row["at_risk"], "breached": row["breached"]}
        for row in rows
    }


def sla_digest(*, now: datetime | None = None) -> int:
    """Send each department's morning figures once a day to its head (or its supervisors).

    Idempotent: one ``DigestSent`` row per department and date, written in the transaction
    that queues the messages; a second run that day finds it and sends nothing.
    """
    from apps.notifications.services import notification_queue

    now = now or timezone.now()
    today = timezone.localdate(now)
    sent = 0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [DIGEST_LOCK_KEY])
        if not cursor.fetchone()[0]:
            return 0
        figures = digest_figures(now=now)
        done = set(DigestSent.objects.filter(date=today).values_list("department_id", flat=True))
        departments = {
            d.pk: d for d in Department.objects.select_related("head").filter(pk__in=list(figures))
        }
        staff = _Staff.load()
        for department_id, numbers in sorted(figures.items(), key=lambda item: item[0] or 0):
            if department_id in done:
                continue
            department = departments.get(department_id)
            for person in staff.head_or_supervisors(department):
                notification_queue(
                    event="sla.digest",
                    recipient_user=person,
                    context={
                        "department": str(department) if department else "—",
                        "date": today,
                        "open_count": numbers["open"],
                        "at_risk_count": numbers["at_risk"],
                        "breached_count": numbers["breached"],
                        "dashboard_url": _absolute(reverse("sla:dashboard")),
                    },
                    now=now,
                )
            DigestSent.objects.create(department_id=department_id, date=today, at=now)
            sent += 1
    return sent


def _absolute(path: str) -> str:
    from django.conf import settings

    return settings.HOUSING_PUBLIC_BASE_URL.rstrip("/") + path


def as_dict(result: SweepResult) -> dict:
    return asdict(result)
