"""Citizen satisfaction: the ratings citizens give tickets and chats, read for supervisors.

Definitions (shown on the page):

- A ticket's rating counts in the period in which it was given (``rated_at``, Bahrain
  time); a chat's in the period in which the chat was asked for, leaving out messages left
  out of hours — the statement's definition of ``chat.csat_pct``
  (``shared/domain/statement-figures.md``).
- *Satisfied* (the statement's ``chat.csat_pct``, used for tickets alike): ratings of 4 or
  5 out of 5 ÷ ratings, with the number rated beside it; empty, never 0, with no rating.
- *Average*: the mean rating, out of 5.
- *Agent* of a ticket: whoever it was assigned to when it was rated (its assignment events
  say; with none, the assignee it has).
- *Poor rating that reopened*: a rating of 1 or 2 after which the ticket was reopened
  (``reopened_at`` at or after ``rated_at``; the citizen's own reopen after a poor rating
  is ``tickets.services.ticket_reopen_by_citizen``).

Every figure comes from one ``GROUPING SETS`` query per record kind, whatever the number of
rows; the tickets behind a figure are one keyset query over the same rows (so a list holds
exactly the tickets its figure counts), then the page's tickets in one more, redacted for
the viewer through ``apps.core.confidentiality``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import Department, User
from apps.chat.models import Chat
from apps.core import confidentiality, cursors
from apps.core.errors import ValidationFailed
from apps.reports.routers import for_reports, reports_cursor
from apps.tickets.models import Ticket, TicketEvent

PAGE_SIZE = 50
SCALE = (1, 2, 3, 4, 5)
# The drill-down's rating bands, as the figures count them ("satisfied": 4 or 5).
BANDS = {"satisfied": "rating >= 4", "poor": "rating <= 2"}


@dataclass
class Ratings:
    rated: int = 0
    total: int = 0
    satisfied: int = 0
    poor: int = 0
    poor_reopened: int = 0
    by_score: dict[int, int] = field(default_factory=lambda: dict.fromkeys(SCALE, 0))

    @property
    def average(self) -> float | None:
        return round(self.total / self.rated, 2) if self.rated else None

    @property
    def satisfied_pct(self) -> float | None:
        return round(100 * self.satisfied / self.rated, 2) if self.rated else None

    @property
    def distribution(self) -> list[tuple[int, int]]:
        return [(score, self.by_score[score]) for score in SCALE]


@dataclass
class Row:
    key: str  # the drill-down value ("2026-07", a department id or "none", a kind …)
    label: str
    ratings: Ratings


@dataclass
class Satisfaction:
    start: date
    end: date  # inclusive
    tickets: Ratings
    by_month: list[Row]
    by_department: list[Row]
    by_kind: list[Row]
    by_agent: list[Row]
    chats: Ratings
    chats_by_month: list[Row]
    chats_by_agent: list[Row]


def period(start: date | None, end: date | None, *, now: datetime | None = None) -> tuple[date, date]:
    """The dates asked for (default: this month up to today), checked."""
    today = timezone.localdate(now)
    start = start or today.replace(day=1)
    end = end or (today if start <= today else start)
    if end < start:
        raise ValidationFailed(
            _("The end comes before the start."),
            code="end_before_start",
            details={"end": [_("The end comes before the start.")]},
        )
    return start, end


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    zone = timezone.get_current_timezone()
    return datetime.combine(start, time.min, zone), datetime.combine(end + timedelta(days=1), time.min, zone)


def _month_label(value: date) -> str:
    from django.utils import formats

    return formats.date_format(value, "YEAR_MONTH_FORMAT")


# The period's rated tickets with what a figure groups or filters them by. The agent is the
# assignee at the rating: the last assignment event up to it, else the first one after it
# (its "from"), else the ticket's assignee (both read from the (ticket, at) index).
_RATED_TICKETS = f"""
WITH rated AS (
    SELECT t.id, t.rated_at, t.rating, t.kind, t.department_id,
           to_char(date_trunc('month', t.rated_at AT TIME ZONE %(tz)s), 'YYYY-MM') AS month,
           CASE WHEN before.found THEN before.to_assignee_id
                WHEN after.found THEN after.from_assignee_id
                ELSE t.assignee_id END AS agent_id,
           (t.rating <= 2 AND t.reopened_at IS NOT NULL AND t.reopened_at >= t.rated_at) AS poor_reopened
      FROM {Ticket._meta.db_table} AS t
      LEFT JOIN LATERAL (
            SELECT true AS found, e.to_assignee_id
              FROM {TicketEvent._meta.db_table} AS e
             WHERE e.ticket_id = t.id AND e.kind = 'assignment_change' AND e.at <= t.rated_at
             ORDER BY e.at DESC, e.id DESC LIMIT 1) AS before ON true
      LEFT JOIN LATERAL (
            SELECT true AS found, e.from_assignee_id
              FROM {TicketEvent._meta.db_table} AS e
             WHERE e.ticket_id = t.id AND e.kind = 'assignment_change' AND e.at > t.rated_at
             ORDER BY e.at, e.id LIMIT 1) AS after ON true
     WHERE t.rated_at >= %(start)s AND t.rated_at < %(end)s AND t.rating IS NOT NULL
)
"""

_SCORES = ",\n".join(f"count(*) FILTER (WHERE rating = {n}) AS r{n}" for n in SCALE)

_TICKET_FIGURES = (
    _RATED_TICKETS
    + f"""
SELECT GROUPING(month) AS g_month, GROUPING(department_id) AS g_department,
       GROUPING(kind) AS g_kind, GROUPING(agent_id) AS g_agent,
       month, department_id, kind, agent_id,
       count(*) AS rated, sum(rating) AS total,
       count(*) FILTER (WHERE rating >= 4) AS satisfied,
       count(*) FILTER (WHERE rating <= 2) AS poor,
       count(*) FILTER (WHERE poor_reopened) AS poor_reopened,
       {_SCORES}
  FROM rated
 GROUP BY GROUPING SETS ((), (month), (department_id), (kind), (agent_id))
"""
)

_CHAT_FIGURES = f"""
SELECT GROUPING(month) AS g_month, GROUPING(agent_id) AS g_agent, month, agent_id,
       count(*) AS rated, sum(rating) AS total,
       count(*) FILTER (WHERE rating >= 4) AS satisfied,
       count(*) FILTER (WHERE rating <= 2) AS poor,
       0 AS poor_reopened,
       {_SCORES}
  FROM (SELECT to_char(date_trunc('month', requested_at AT TIME ZONE %(tz)s), 'YYYY-MM') AS month,
               agent_id, rating
          FROM {Chat._meta.db_table}
         WHERE requested_at >= %(start)s AND requested_at < %(end)s
           AND status <> 'message' AND rating IS NOT NULL) AS c
 GROUP BY GROUPING SETS ((), (month), (agent_id))
"""


def _ratings(row: dict) -> Ratings:
    return Ratings(
        rated=row["rated"],
        total=int(row["total"] or 0),
        satisfied=row["satisfied"],
        poor=row["poor"],
        poor_reopened=row["poor_reopened"],
        by_score={n: row[f"r{n}"] for n in SCALE},
    )


def _fetch(sql: str, params: dict) -> list[dict]:
    with reports_cursor() as cursor:
        cursor.execute(sql, params)
        columns = [c.name for c in cursor.description]
        return [dict(zip(columns, r, strict=True)) for r in cursor.fetchall()]


def _params(start: date, end: date) -> dict:
    low, high = _bounds(start, end)
    return {"start": low, "end": high, "tz": timezone.get_current_timezone_name()}


def satisfaction(*, start: date, end: date) -> Satisfaction:
    """Every figure of the page for the days ``start`` to ``end`` (inclusive), in four queries."""
    with for_reports():
        params = _params(start, end)
        ticket_rows = _fetch(_TICKET_FIGURES, params)
        chat_rows = _fetch(_CHAT_FIGURES, params)
        department_ids = {
            r["department_id"] for r in ticket_rows if r["g_department"] == 0 and r["department_id"]
        }
        agent_ids = {r["agent_id"] for r in ticket_rows if r["g_agent"] == 0 and r["agent_id"]} | {
            r["agent_id"] for r in chat_rows if r["g_agent"] == 0 and r["agent_id"]
        }
        departments = {d.pk: str(d) for d in Department.objects.filter(pk__in=department_ids)}
        agents = {u.pk: u.display_name() for u in User.objects.filter(pk__in=agent_ids)}

    kinds = dict(Ticket.Kind.choices)
    overall, chats = Ratings(), Ratings()
    months, by_department, by_kind, by_agent, chat_months, chat_agents = [], [], [], [], [], []
    for row in ticket_rows:
        flags = (row["g_month"], row["g_department"], row["g_kind"], row["g_agent"])
        ratings = _ratings(row)
        if flags == (1, 1, 1, 1):
            overall = ratings
        elif flags[0] == 0:
            months.append(Row(row["month"], _month_label(date.fromisoformat(row["month"] + "-01")), ratings))
        elif flags[1] == 0:
            key = row["department_id"]
            by_department.append(
                Row(str(key) if key else "none", departments.get(key, _("No department")), ratings)
            )
        elif flags[2] == 0:
            by_kind.append(Row(row["kind"], str(kinds.get(row["kind"], row["kind"])), ratings))
        else:
            key = row["agent_id"]
            by_agent.append(Row(str(key) if key else "none", agents.get(key, _("Not assigned")), ratings))
    for row in chat_rows:
        ratings = _ratings(row)
        if (row["g_month"], row["g_agent"]) == (1, 1):
            chats = ratings
        elif row["g_month"] == 0:
            chat_months.append(
                Row(row["month"], _month_label(date.fromisoformat(row["month"] + "-01")), ratings)
            )
        else:
            key = row["agent_id"]
            chat_agents.append(Row(str(key) if key else "none", agents.get(key, _("No agent")), ratings))

    def by_count(rows):
        return sorted(rows, key=lambda r: (r.key == "none", -r.ratings.rated, r.label))

    return Satisfaction(
        start=start,
        end=end,
        tickets=overall,
        by_month=sorted(months, key=lambda r: r.key),
        by_department=by_count(by_department),
        by_kind=by_count(by_kind),
        by_agent=by_count(by_agent),
        chats=chats,
        chats_by_month=sorted(chat_months, key=lambda r: r.key),
        chats_by_agent=by_count(chat_agents),
    )


# ---------------------------------------------------------------- the tickets behind a figure


@dataclass(frozen=True)
class Drill:
    """Which figure's tickets: any of month, department, kind, agent, score, poor-reopened."""

    month: str = ""
    department: str = ""  # an id, or "none"
    kind: str = ""
    agent: str = ""  # an id, or "none"
    rating: int | None = None
    poor_reopened: bool = False
    band: str = ""  # "satisfied" (rated 4 or 5) or "poor" (rated 1 or 2)
    everything: bool = False  # every rated ticket of the period

    @property
    def active(self) -> bool:
        return bool(
            self.everything
            or self.month
            or self.department
            or self.kind
            or self.agent
            or self.rating
            or self.poor_reopened
            or self.band
        )

    def as_query(self) -> dict:
        values = {
            "month": self.month,
            "department": self.department,
            "kind": self.kind,
            "agent": self.agent,
            "rating": self.rating or "",
            "poor_reopened": "1" if self.poor_reopened else "",
            "band": self.band,
            "all": "1" if self.everything else "",
        }
        return {k: v for k, v in values.items() if v not in ("", None)}


def _id_or_none(value: str, name: str) -> str:
    if value in ("", "none") or value.isascii() and value.isdecimal() and len(value) < 19:
        return value
    raise ValidationFailed(
        _("This link to the tickets behind a figure is not valid."),
        code="invalid_drill",
        details={name: [_("Not valid.")]},
    )


def parse_drill(data) -> Drill:
    """The drill-down filters of a request's query string, checked (bad input: refused)."""
    month = (data.get("month") or "").strip()
    if month and (len(month) != 7 or month[4] != "-" or not (month[:4] + month[5:]).isdecimal()):
        raise ValidationFailed(
            _("This link to the tickets behind a figure is not valid."),
            code="invalid_drill",
            details={"month": [_("Not a valid month.")]},
        )
    kind = (data.get("kind") or "").strip()
    if kind and kind not in Ticket.Kind.values:
        raise ValidationFailed(
            _("This link to the tickets behind a figure is not valid."),
            code="invalid_drill",
            details={"kind": [_("Not valid.")]},
        )
    rating = (data.get("rating") or "").strip()
    if rating and rating not in {str(n) for n in SCALE}:
        raise ValidationFailed(
            _("This link to the tickets behind a figure is not valid."),
            code="invalid_drill",
            details={"rating": [_("From 1 to 5.")]},
        )
    band = (data.get("band") or "").strip()
    if band and band not in BANDS:
        raise ValidationFailed(
            _("This link to the tickets behind a figure is not valid."),
            code="invalid_drill",
            details={"band": [_("Not valid.")]},
        )
    return Drill(
        band=band,
        month=month,
        department=_id_or_none((data.get("department") or "").strip(), "department"),
        kind=kind,
        agent=_id_or_none((data.get("agent") or "").strip(), "agent"),
        rating=int(rating) if rating else None,
        poor_reopened=(data.get("poor_reopened") or "") == "1",
        everything=(data.get("all") or "") == "1",
    )


@dataclass
class RatedTicket:
    ticket: Ticket
    agent: str
    rating: int
    rated_at: datetime
    hidden: bool = False  # confidential text the viewer may not read


def _drill_where(drill: Drill, params: dict) -> str:
    where = ["true"]
    if drill.month:
        where.append("month = %(month)s")
        params["month"] = drill.month
    for name, column in (("department", "department_id"), ("agent", "agent_id")):
        value = getattr(drill, name)
        if value == "none":
            where.append(f"{column} IS NULL")
        elif value:
            where.append(f"{column} = %({name})s")
            params[name] = int(value)
    if drill.kind:
        where.append("kind = %(kind)s")
        params["kind"] = drill.kind
    if drill.rating:
        where.append("rating = %(rating)s")
        params["rating"] = drill.rating
    if drill.poor_reopened:
        where.append("poor_reopened")
    if drill.band:
        where.append(BANDS[drill.band])
    return " AND ".join(where)


def drill_page(
    *, viewer, start: date, end: date, drill: Drill, after: str | None = None, limit: int = PAGE_SIZE
) -> tuple[list[RatedTicket], str | None]:
    """The rated tickets behind a figure, last rated first, a keyset page (three queries)."""
    params = _params(start, end)
    where = _drill_where(drill, params)
    if after:
        params["after_at"], params["after_id"] = cursors.decode(after)
        where += " AND (rated_at, id) < (%(after_at)s, %(after_id)s)"
    params["limit"] = limit + 1
    sql = (
        _RATED_TICKETS
        + f"SELECT id, agent_id, rating, rated_at FROM rated WHERE {where} ORDER BY rated_at DESC, id DESC LIMIT %(limit)s"
    )
    with for_reports():
        rows = _fetch(sql, params)
        page = rows[:limit]
        tickets = {
            t.pk: t
            for t in confidentiality.redacting(
                viewer,
                Ticket.objects.select_related("department").filter(pk__in=[r["id"] for r in page]),
            )
        }
        agents = {
            u.pk: u.display_name()
            for u in User.objects.filter(pk__in={r["agent_id"] for r in page if r["agent_id"]})
        }
    result = [
        RatedTicket(
            tickets[r["id"]],
            agents.get(r["agent_id"], ""),
            r["rating"],
            r["rated_at"],
            hidden=confidentiality.is_redacted(tickets[r["id"]]),
        )
        for r in page
        if r["id"] in tickets
    ]
    more = len(rows) > limit
    return result, cursors.encode(page[-1]["rated_at"], page[-1]["id"]) if more and page else None


# ---------------------------------------------------------------- the comments


@dataclass
class Comment:
    source: str  # "ticket" or "chat"
    id: int
    at: datetime
    rating: int
    text: str
    ticket: Ticket | None = None
    agent: str = ""
    hidden: bool = False  # confidential text the viewer may not read


def _comment_cursor(comment: Comment) -> str:
    return f"{comment.source[0]}{cursors.encode(comment.at, comment.id)}"


def comments_page(
    *, viewer, start: date, end: date, after: str | None = None, limit: int = PAGE_SIZE
) -> tuple[list[Comment], str | None]:
    """The period's rating comments of tickets and chats, newest first, a keyset page.

    Ordered by (rated at, source, id) descending; two queries for the keys, one for each
    kind's rows, whatever the page holds.
    """
    params = _params(start, end)
    keyset = ""
    if after:
        source = {"t": "ticket", "c": "chat"}.get(after[:1])
        if source is None:
            raise ValidationFailed(_("This page link is not valid."), code="invalid_cursor")
        params["after_at"], params["after_id"] = cursors.decode(after[1:])
        params["after_source"] = source
        keyset = "WHERE (at, source, id) < (%(after_at)s, %(after_source)s, %(after_id)s)"
    params["limit"] = limit + 1
    sql = f"""
    SELECT * FROM (
        SELECT 'ticket' AS source, id, rated_at AS at FROM {Ticket._meta.db_table}
         WHERE rated_at >= %(start)s AND rated_at < %(end)s AND rating IS NOT NULL AND rating_comment <> ''
        UNION ALL
        SELECT 'chat' AS source, id, coalesce(rated_at, requested_at) AS at FROM {Chat._meta.db_table}
         WHERE requested_at >= %(start)s AND requested_at < %(end)s AND status <> 'message'
           AND rating IS NOT NULL AND rating_comment <> ''
    ) AS c {keyset}
    ORDER BY at DESC, source DESC, id DESC LIMIT %(limit)s
    """
    with for_reports():
        keys = _fetch(sql, params)
        page = keys[:limit]
        ticket_ids = [k["id"] for k in page if k["source"] == "ticket"]
        chat_ids = [k["id"] for k in page if k["source"] == "chat"]
        tickets = {
            t.pk: t
            for t in confidentiality.redacting(
                viewer, Ticket.objects.select_related("assignee").filter(pk__in=ticket_ids)
            )
        }
        chats = {c.pk: c for c in Chat.objects.select_related("agent").filter(pk__in=chat_ids)}
    comments = []
    for key in page:
        if key["source"] == "ticket" and key["id"] in tickets:
            ticket = tickets[key["id"]]
            comments.append(
                Comment(
                    "ticket",
                    ticket.pk,
                    key["at"],
                    ticket.rating,
                    ticket.rating_comment,
                    ticket=ticket,
                    agent=ticket.assignee.display_name() if ticket.assignee else "",
                    hidden=confidentiality.is_redacted(ticket),
                )
            )
        elif key["source"] == "chat" and key["id"] in chats:
            chat = chats[key["id"]]
            comments.append(
                Comment(
                    "chat",
                    chat.pk,
                    key["at"],
                    chat.rating,
                    chat.rating_comment,
                    agent=chat.agent.display_name() if chat.agent else "",
                )
            )
    more = len(keys) > limit
    return comments, _comment_cursor(comments[-1]) if more and comments else None
