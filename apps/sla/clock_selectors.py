"""Reads of the ticket clocks: a ticket's clocks with their state now, the list badges, the
SLA-state filter, and the dashboard's figures. The caller has already narrowed the tickets
to what the viewer may see (``apps.tickets.selectors``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db.models import Aggregate, BooleanField, Count, DurationField, Exists, F, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from apps.core import confidentiality
from apps.core.prepared import PreparedQuery
from apps.core.text import isolate_ltr
from apps.sla import clock_services, selectors
from apps.sla.clocks import STATE_LABELS, TARGET_LABELS, ClockState, Target
from apps.sla.models import Clock, Extension, Pause


class Median(Aggregate):
    """PostgreSQL's ``percentile_cont(0.5)`` over an interval column."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = DurationField()


# The badge of a ticket, worst first.
SLA_STATES = ("breached", "at_risk", "on_time")


@dataclass(frozen=True)
class ClockView:
    clock: Clock
    target_label: str
    state: str  # running, paused, met, breached, stopped
    state_label: str
    due_at: datetime | None
    remaining: timedelta | None
    at_risk: bool
    extensions: tuple[Extension, ...] = ()

    @property
    def badge(self) -> str:
        if self.state == "breached" and self.clock.met_at is None:
            return "breached"
        if self.state in ("running", "paused"):
            return "at_risk" if self.at_risk else "on_time"
        return self.state


@dataclass(frozen=True)
class Badge:
    state: str  # breached, at_risk, on_time
    due_at: datetime | None
    remaining: timedelta | None
    paused: bool
    target: str


def _view(clock: Clock, *, calendar, pauses, now: datetime, extensions=()) -> ClockView:
    if clock.state == Clock.State.STOPPED:
        return ClockView(
            clock,
            str(TARGET_LABELS[Target(clock.target)]),
            "stopped",
            str(Clock.State.STOPPED.label),
            None,
            None,
            False,
            tuple(extensions),
        )
    status = clock_services.status_of(clock, calendar=calendar, pauses=pauses, now=now)
    state = status.state.value
    if clock.state in (Clock.State.MET, Clock.State.BREACHED):
        state = clock.state  # the verdict stored is the verdict
    remaining = status.remaining if clock.met_at is None else None
    at_risk = status.at_risk
    if clock.state == Clock.State.RUNNING and clock.at_risk_at is not None:
        # The stored instant, as the sweep, the filter and the dashboard judge it.
        at_risk = clock.at_risk_at <= now
    return ClockView(
        clock=clock,
        target_label=str(TARGET_LABELS[Target(clock.target)]),
        state=state,
        state_label=str(STATE_LABELS[ClockState(state)]),
        due_at=clock.due_at if clock.due_at is not None else status.due_at,
        remaining=remaining,
        at_risk=at_risk,
        extensions=tuple(extensions),
    )


def ticket_clocks(*, ticket, now: datetime | None = None) -> list[ClockView]:
    """Every clock of the ticket (each target's cycles in order) with its state now."""
    now = now or timezone.now()
    rows = list(Clock.objects.filter(ticket=ticket).order_by("cycle", "id"))
    if not rows:
        return []
    extensions: dict[int, list[Extension]] = {}
    for extension in Extension.objects.filter(clock__ticket=ticket).select_related("actor").order_by("at"):
        extensions.setdefault(extension.clock_id, []).append(extension)
    calendar = selectors.get_calendar()
    pauses = clock_services.pauses_of(ticket.pk)
    order = {t.value: i for i, t in enumerate(Target)}
    rows.sort(key=lambda c: (order[c.target], c.cycle))
    return [
        _view(c, calendar=calendar, pauses=pauses, now=now, extensions=extensions.get(c.pk, ())) for c in rows
    ]


def views_of_new_clocks(clocks: Iterable[Clock], *, now: datetime | None = None) -> list[ClockView]:
    """``ticket_clocks`` of clocks just started (``clocks_start``): no pause, no extension yet,
    nothing to read back."""
    now = now or timezone.now()
    calendar = selectors.get_calendar()
    order = {t.value: i for i, t in enumerate(Target)}
    rows = sorted(clocks, key=lambda c: (order[c.target], c.cycle))
    return [_view(c, calendar=calendar, pauses=(), now=now) for c in rows]


def badge_from_views(views: Iterable[ClockView]) -> Badge | None:
    pending = [v for v in views if v.badge in SLA_STATES]
    if not pending:
        return None
    worst = min(
        pending, key=lambda v: (SLA_STATES.index(v.badge), v.due_at or datetime.max.replace(tzinfo=UTC))
    )
    return Badge(
        state=worst.badge,
        due_at=worst.due_at,
        remaining=worst.remaining,
        paused=worst.state == "paused",
        target=worst.target_label,
    )


def _any_of(column: str, ids: str) -> RawSQL:
    """``column = ANY(ids)``, ``ids`` a PostgreSQL array literal (``"{3,1,2}"``): a list of ids
    as the one text parameter of a prepared query."""
    return RawSQL(f"{column} = ANY(%s::bigint[])", (ids,), output_field=BooleanField())


# What a badge reads of a clock (``_view`` and ``status_of``); the escalation and notice
# stamps stay in the database.
_BADGE_FIELDS = (
    "ticket",
    "target",
    "value",
    "unit",
    "started_at",
    "due_at",
    "at_risk_at",
    "met_at",
    "state",
    "extra_allowance",
)
# The two queries of every list page's badges, compiled once per thread: only the ids change.
_page_clocks = PreparedQuery(
    "sla.badge_clocks",
    lambda ids: Clock.objects.filter(
        Q(state__in=Clock.OPEN_STATES) | Q(state=Clock.State.BREACHED, met_at__isnull=True),
        _any_of('"sla_clock"."ticket_id"', ids),
    ).only(*_BADGE_FIELDS),
    ids=str,
)
_page_pauses = PreparedQuery(
    "sla.badge_pauses",
    lambda ids: (
        Pause.objects.filter(_any_of('"sla_pause"."ticket_id"', ids))
        .order_by("started_at")
        .values_list("ticket_id", "started_at", "ended_at")
    ),
    ids=str,
)


def badges_for(tickets: Iterable, *, now: datetime | None = None) -> dict[int, Badge]:
    """The badge of each ticket (its most pressing clock), in two queries for the whole page."""
    now = now or timezone.now()
    ids = [t.pk for t in tickets]
    if not ids:
        return {}
    clocks_by_ticket: dict[int, list[Clock]] = {}
    for clock in _page_clocks.run(ids=_id_array(ids)):
        clocks_by_ticket.setdefault(clock.ticket_id, []).append(clock)
    if not clocks_by_ticket:
        return {}
    pauses: dict[int, list] = {}
    for ticket_id, started_at, ended_at in _page_pauses.run(ids=_id_array(clocks_by_ticket)):
        pauses.setdefault(ticket_id, []).append((started_at, ended_at))  # Pause.as_interval()
    calendar = selectors.get_calendar()
    badges = {}
    for ticket_id, rows in clocks_by_ticket.items():
        views = [_view(c, calendar=calendar, pauses=pauses.get(ticket_id, ()), now=now) for c in rows]
        badge = badge_from_views(views)
        if badge is not None:
            badges[ticket_id] = badge
    return badges


def _id_array(ids: Iterable[int]) -> str:
    return "{" + ",".join(str(int(pk)) for pk in ids) + "}"


# --- the filter -----------------------------------------------------------------------------


def _on(prefix: str, **lookups) -> Q:
    return Q(**{prefix + name: value for name, value in lookups.items()})


def late_q(now: datetime, prefix: str = "") -> Q:
    """A clock late now (``prefix="sla_clocks__"`` to ask it from the tickets)."""
    return _on(prefix, state=Clock.State.BREACHED, met_at__isnull=True) | _on(
        prefix, state=Clock.State.RUNNING, due_at__lt=now
    )


def risky_q(now: datetime, prefix: str = "") -> Q:
    """A clock at risk now: running, past its at-risk instant, not yet late."""
    return _on(prefix, state=Clock.State.RUNNING, at_risk_at__lte=now, due_at__gte=now)


def open_ticket_counts(tickets: QuerySet, group: str, *, now: datetime) -> QuerySet:
    """Open tickets with clocks, per ``group`` (a ticket field): ``open``, ``breached`` (a late
    clock) and ``at_risk`` (a clock at risk and none late) — each ticket counted once, under
    the same rule as its badge and the list filter. One grouped query."""
    from apps.tickets.workflow import OPEN_STATUSES

    of_ticket = Clock.objects.filter(ticket_id=OuterRef("pk"))
    return (
        tickets.filter(status__in=OPEN_STATUSES)
        .annotate(
            has_clock=Exists(of_ticket),
            is_late=Exists(of_ticket.filter(late_q(now))),
            is_risky=Exists(of_ticket.filter(risky_q(now))),
        )
        .filter(has_clock=True)
        .values(group)
        .annotate(
            open=Count("id"),
            breached=Count("id", filter=Q(is_late=True)),
            at_risk=Count("id", filter=Q(is_risky=True, is_late=False)),
        )
        .order_by()
    )


def filter_by_sla_state(queryset: QuerySet, state: str, *, now: datetime | None = None) -> QuerySet:
    """Tickets whose badge is ``state``: breached, at_risk or on_time (EXISTS on the clocks)."""
    now = now or timezone.now()
    of_ticket = Clock.objects.filter(ticket_id=OuterRef("pk"))
    late = Exists(of_ticket.filter(late_q(now)))
    risky = Exists(of_ticket.filter(risky_q(now)))
    running = Exists(of_ticket.filter(state__in=Clock.OPEN_STATES))
    if state == "breached":
        return queryset.filter(late)
    if state == "at_risk":
        return queryset.filter(risky).exclude(late)
    if state == "on_time":
        return queryset.filter(running).exclude(late).exclude(risky)
    return queryset


# --- the dashboard --------------------------------------------------------------------------


@dataclass
class DashboardRow:
    key: object
    label: str
    open: int = 0
    at_risk: int = 0
    breached: int = 0
    met_month: int = 0
    closed_month: int = 0
    median_response: timedelta | None = None

    @property
    def met_percent(self) -> float | None:
        return round(100 * self.met_month / self.closed_month, 1) if self.closed_month else None


def _month_start(now: datetime) -> datetime:
    local = timezone.localtime(now)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def dashboard(
    *, tickets: QuerySet, group: str, now: datetime | None = None, total: DashboardRow | None = None
) -> list[DashboardRow]:
    """Per department (``group="department"``) or per kind: open, at risk and breached tickets
    now; this month's resolution clocks met on time (%); the median working time to the
    first response this month. Three grouped queries, and one more for the "All" row's
    median (a median of medians is not the median, so it is computed over every row).

    ``total``: the "All" row of the same tickets in the other grouping (it does not depend on
    the grouping), which spares that query when a page shows both."""

    now = now or timezone.now()
    month = _month_start(now)
    key = "ticket__department_id" if group == "department" else "ticket__kind"
    ticket_key = "department_id" if group == "department" else "kind"
    rows: dict[object, DashboardRow] = {}

    def row(value) -> DashboardRow:
        if value not in rows:
            rows[value] = DashboardRow(key=value, label="")
        return rows[value]

    for figures in open_ticket_counts(tickets, ticket_key, now=now):
        r = row(figures[ticket_key])
        r.open, r.breached, r.at_risk = figures["open"], figures["breached"], figures["at_risk"]
    closed = (
        Clock.objects.filter(ticket__in=tickets, target=Target.RESOLUTION.value)
        .annotate(ended=Coalesce(F("met_at"), F("breached_at")))
        .filter(ended__gte=month, ended__lte=now)
    )
    for figures in closed.values(key).annotate(
        total=Count("id"), met=Count("id", filter=Q(state=Clock.State.MET))
    ):
        r = row(figures[key])
        r.met_month, r.closed_month = figures["met"], figures["total"]
    responded = Clock.objects.filter(
        ticket__in=tickets,
        target__in=[Target.FIRST_RESPONSE.value, Target.RESOLUTION.value],
        cycle=1,
        met_at__gte=month,
        met_at__lte=now,
        elapsed__isnull=False,
    )
    # The first answer of each ticket: its first-response clock, or its resolution clock when
    # the policy sets no first response (an inquiry is answered once).
    first_answers = responded.filter(
        Q(target=Target.FIRST_RESPONSE.value)
        | ~Exists(Clock.objects.filter(ticket_id=OuterRef("ticket_id"), target=Target.FIRST_RESPONSE.value))
    )
    for figures in first_answers.values(key).annotate(median=Median("elapsed")):
        row(figures[key]).median_response = figures["median"]

    labels = _labels(group, [k for k in rows])
    for value, r in rows.items():
        # Tickets no department has taken yet get a row that says so, not a bare dash.
        r.label = labels.get(value) or (_("No department yet") if value is None else "—")
    ordered = sorted(rows.values(), key=lambda r: (r.key is None, r.label))
    if not ordered:
        return []
    if total is None:
        total = DashboardRow(key="total", label="")
        for r in ordered:
            total.open += r.open
            total.at_risk += r.at_risk
            total.breached += r.breached
            total.met_month += r.met_month
            total.closed_month += r.closed_month
        total.median_response = first_answers.aggregate(median=Median("elapsed"))["median"]
    return [*ordered, total]


def _labels(group: str, keys) -> dict:
    from apps.accounts.models import Department
    from apps.tickets.models import Ticket

    if group == "department":
        return {d.pk: str(d) for d in Department.objects.filter(pk__in=[k for k in keys if k is not None])}
    return {k: str(Ticket.Kind(k).label) for k in keys if k in Ticket.Kind.values}


# --- extensions in the timelines -----------------------------------------------------------


@dataclass(frozen=True)
class ExtensionEntry:
    """An extension as an entry of the ticket's staff timeline (beside its ``TicketEvent`` rows)."""

    at: datetime
    actor: object
    reason: str
    old_due_at: datetime
    new_due_at: datetime
    target_label: str
    kind: str = "deadline_extended"
    files: tuple = ()

    def get_kind_display(self) -> str:
        return _("Deadline extended")


def ticket_extension_entries(*, ticket, viewer) -> list[ExtensionEntry]:
    """Every extension of the ticket's clocks, oldest first, for its staff timeline (the
    reasons of a confidential ticket only for those who may read it)."""
    readable = confidentiality.may_read(viewer, ticket)
    return [
        ExtensionEntry(
            at=e.at,
            actor=e.actor,
            reason=e.reason if readable else "",
            old_due_at=e.old_due_at,
            new_due_at=e.new_due_at,
            target_label=str(TARGET_LABELS[Target(e.clock.target)]),
        )
        for e in Extension.objects.filter(clock__ticket=ticket)
        .select_related("actor", "clock")
        .order_by("at", "id")
    ]


def _local_date(instant: datetime, tz) -> str:
    return formats.date_format(timezone.localtime(instant, tz), "DATE_FORMAT")


def public_extension_rows(ticket_id: int):
    """What the tracking page shows of the ticket's extensions: the new date and the reason,
    which the citizen was told anyway (``sla.extended``). Nothing else of the row: not who
    granted it, not the previous deadline. Read in the tracking page's one query of replies
    (``tickets.selectors.PublicReplySource``)."""
    from django.db.models import F

    from apps.tickets.selectors import public_reply_columns

    return Extension.objects.filter(clock__ticket_id=ticket_id).annotate(
        **public_reply_columns(source="sla", at=F("at"), id=F("id"), body=F("reason"), extra=F("new_due_at"))
    )


def public_extension_reply(row: dict):
    from django.utils.dateparse import parse_datetime

    from apps.tickets.selectors import PublicReply

    new_due_at = parse_datetime(row["r_extra"])
    return PublicReply(
        at=row["r_at"],
        body=_("We need more time to answer your request: we will answer by %(date)s. Reason: %(reason)s")
        % {"date": _local_date(new_due_at, selectors.get_calendar().tz), "reason": row["r_body"]},
    )


def _extension_rows(*, citizen, viewer):
    from apps.tickets import selectors as ticket_selectors

    # The clocks as a subquery, not a join: the timeline's union is compiled once for rows
    # that are one table filtered (apps/citizens/timeline.py, ``_filter_of``).
    clocks = Clock.objects.filter(
        ticket__in=ticket_selectors.visible_tickets(viewer).filter(citizen_id=citizen.pk)
    )
    return Extension.objects.filter(clock__in=clocks)


def _extension_entry(e, viewer=None):
    from django.urls import reverse

    from apps.citizens import timeline

    tz = selectors.get_calendar().tz
    ticket = e.clock.ticket
    return timeline.TimelineEntry(
        at=e.at,
        kind="sla_extension",
        id=e.pk,
        kind_label=_("Deadline extended"),
        title=_("Deadline of %(number)s extended to %(date)s")
        % {"number": isolate_ltr(ticket.review_number), "date": _local_date(e.new_due_at, tz)},
        body=e.reason,
        url=reverse("tickets:detail", args=[ticket.pk]),
        actor="" if e.actor is None else e.actor.display_name(),
        details=[
            (_("Review number"), ticket.review_number),
            (_("Previous deadline"), _local_date(e.old_due_at, tz)),
        ],
        confidential=confidentiality.is_confidential(ticket),
    )


def extensions_timeline():
    """Timeline source (``apps.citizens.timeline``, read in its one query): the extensions of
    the citizen's tickets the viewer may see. Those of "Under Your Command" tickets keep their
    text from anyone without ``accounts.view_uyc_cases``, like the tickets themselves."""
    from apps.citizens import timeline

    return timeline.QuerySource(
        kind="sla_extension",
        rows=_extension_rows,
        at_field="at",
        related=("actor", "clock__ticket"),
        entry=_extension_entry,
    )
