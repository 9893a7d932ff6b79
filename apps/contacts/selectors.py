"""Reads of contacts, follow-ups and callbacks, already cut to what the viewer may see."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection, connections, router
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.citizens import timeline
from apps.citizens.validation import normalize_cpr
from apps.contacts import repeats
from apps.contacts.models import (
    CONFIDENTIAL_CHANNELS,
    Callback,
    Channel,
    Contact,
    FollowUp,
    Outcome,
    Purpose,
    QuickAnswer,
)
from apps.core import confidentiality
from apps.core.choices import choice_label
from apps.core.errors import ValidationFailed
from apps.core.templatetags.dates import format_day, format_moment
from apps.core.text import latin_digits
from apps.core.versioned_cache import VersionedCache

CONSOLE_PERMISSION = "accounts.use_agent_console"
SUPERVISOR_PERMISSION = "accounts.view_supervisor_dashboard"
DEPARTMENT_PERMISSION = "accounts.work_department_queue"
CONFIDENTIAL_PERMISSION = "accounts.view_uyc_cases"

IMPORT_PERMISSION = "contacts.import_contacts"


def _has(user, permission: str) -> bool:
    return bool(user and user.is_authenticated and user.has_perm(permission))


def can_supervise(user) -> bool:
    return _has(user, SUPERVISOR_PERMISSION)


def can_read_confidential(user) -> bool:
    """ "Under Your Command" content is for senior management and administrators only."""
    return confidentiality.can_read(user)


def is_confidential(contact: Contact) -> bool:
    """A contact on the UYC channel, or one that opened a confidential ticket."""
    if contact.channel in CONFIDENTIAL_CHANNELS:
        return True
    return bool(contact.ticket_id and getattr(contact.ticket, "confidential", False))


def _hide_contact(contact: Contact) -> None:
    contact.notes = ""
    contact.caller_number = ""


def _hide_follow_up(follow_up: FollowUp) -> None:
    follow_up.answer = ""


def register_confidentiality() -> None:
    """The contacts' rows in the one confidentiality policy (from ``ContactsConfig.ready()``)."""
    confidentiality.register(
        Contact,
        is_confidential=is_confidential,
        hide=_hide_contact,
        rows=lambda: Q(channel__in=CONFIDENTIAL_CHANNELS) | Q(ticket__confidential=True),
    )
    confidentiality.register(
        FollowUp,
        is_confidential=lambda follow_up: is_confidential(follow_up.contact),
        hide=_hide_follow_up,
        rows=lambda: Q(contact__channel__in=CONFIDENTIAL_CHANNELS) | Q(contact__ticket__confidential=True),
    )


def can_answer_follow_up(user, follow_up: FollowUp) -> bool:
    if _has(user, "accounts.administer"):
        return True
    return (
        _has(user, DEPARTMENT_PERMISSION)
        and user.department_id is not None
        and user.department_id == follow_up.department_id
    )


def visible_notes(contact: Contact, viewer) -> str | None:
    """The contact's notes, or ``None`` when the viewer may not read them."""
    if not confidentiality.may_read(viewer, contact):
        return None
    return contact.notes


# ---------------------------------------------------------------- taxonomy


def quick_answers_by_purpose() -> dict[int, list[QuickAnswer]]:
    grouped: dict[int, list[QuickAnswer]] = {}
    for answer in QuickAnswer.objects.filter(is_active=True, purpose__is_active=True).order_by("order", "id"):
        grouped.setdefault(answer.purpose_id, []).append(answer)
    return grouped


def lookups_for_records(raws: Iterable) -> object:
    """The natural keys of a batch resolved to ids, one query per table."""
    from apps.accounts.models import Department, User
    from apps.citizens.models import Citizen, CitizenPhone  # noqa: F401 (CitizenPhone for its table)
    from apps.contacts.validation import Lookups, _phone, review_number_or_none
    from apps.tickets.models import Ticket

    usernames, cprs, numbers, reviews = set(), set(), set(), set()
    for raw in raws:
        if not isinstance(raw, dict):
            continue
        if isinstance(raw.get("ticket"), str) and raw["ticket"].strip():
            number = review_number_or_none(raw["ticket"])
            if number:
                reviews.add(number)
        if isinstance(raw.get("agent"), str) and raw["agent"].strip():
            usernames.add(raw["agent"].strip())
        if raw.get("citizen_cpr"):
            try:
                cprs.add(normalize_cpr(str(raw["citizen_cpr"])))
            except ValidationFailed:
                pass
        elif raw.get("caller_number"):
            try:
                number = str(raw["caller_number"]).strip()
                numbers.add(_phone(number if number.isascii() else latin_digits(number)))
            except ValidationFailed:
                pass
    by_phone: dict[str, set[int]] = {}
    if numbers:
        # Plain SQL: the phone field would parse every (already normalised) number again.
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT number, citizen_id FROM {CitizenPhone._meta.db_table} WHERE number = ANY(%s)",
                [list(numbers)],
            )
            for number, citizen_id in cursor.fetchall():
                by_phone.setdefault(number, set()).add(citizen_id)
    return Lookups(
        purposes=dict(Purpose.objects.values_list("code", "id")),
        agents=dict(User.objects.filter(username__in=usernames).values_list("username", "id"))
        if usernames
        else {},
        departments=dict(Department.objects.values_list("code", "id")),
        citizens_by_cpr=dict(Citizen.objects.filter(cpr__in=cprs).values_list("cpr", "id")) if cprs else {},
        citizens_by_phone=by_phone,
        tickets=dict(Ticket.objects.filter(review_number__in=reviews).values_list("review_number", "id"))
        if reviews
        else {},
    )


# ---------------------------------------------------------------- lists and filters


@dataclass
class ContactFilters:
    start: datetime | None = None  # inclusive
    end: datetime | None = None  # exclusive
    channel: str = ""
    purpose: str = ""  # a purpose code, or "none"
    outcome: str = ""  # an outcome, or "none" for not recorded yet
    agent: int | None = None  # a user id, or 0 for "no agent"
    answered: str = ""  # "yes" / "no"
    follow_up: str = ""  # "open" / "overdue" / "closed"
    citizen: int | None = None
    repeat: str = ""  # "yes": repeat contacts only (``repeats.py``)
    tag: int | None = None
    department: int | None = None
    sort: str = ""  # "" newest first, "oldest" oldest first (keyset on offered_at, id either way)


def day_range(first: date, last: date) -> tuple[datetime, datetime]:
    """From the start of ``first`` to the start of the day after ``last``, in Bahrain time."""
    zone = timezone.get_current_timezone()
    return (
        datetime.combine(first, time.min, tzinfo=zone),
        datetime.combine(last + timedelta(days=1), time.min, tzinfo=zone),
    )


def filter_contacts(filters: ContactFilters, *, now: datetime | None = None) -> QuerySet[Contact]:
    qs = Contact.objects.all()
    if filters.start:
        qs = qs.filter(offered_at__gte=filters.start)
    if filters.end:
        qs = qs.filter(offered_at__lt=filters.end)
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    if filters.purpose == "none":
        qs = qs.filter(purpose__isnull=True)
    elif filters.purpose:
        qs = qs.filter(purpose__code=filters.purpose)
    if filters.outcome == "none":
        qs = qs.filter(outcome="")
    elif filters.outcome:
        qs = qs.filter(outcome=filters.outcome)
    if filters.agent == 0:
        qs = qs.filter(agent__isnull=True)
    elif filters.agent:
        qs = qs.filter(agent_id=filters.agent)
    if filters.answered == "yes":
        qs = qs.filter(answered_at__isnull=False)
    elif filters.answered == "no":
        qs = qs.filter(answered_at__isnull=True)
    if filters.follow_up == "open":
        qs = qs.filter(follow_up__status=FollowUp.Status.OPEN)
    elif filters.follow_up == "overdue":
        qs = qs.filter(follow_up__status=FollowUp.Status.OPEN, follow_up__due_at__lt=now or timezone.now())
    elif filters.follow_up == "closed":
        qs = qs.filter(follow_up__status=FollowUp.Status.CLOSED)
    if filters.citizen:
        qs = qs.filter(citizen_id=filters.citizen)
    if filters.repeat == "yes":
        qs = qs.filter(repeat_of__isnull=False)
    if filters.tag:
        qs = qs.filter(tags=filters.tag)
    if filters.department:
        qs = qs.filter(department_id=filters.department)
    return qs


def contact_list_queryset(*, filters: ContactFilters) -> QuerySet[Contact]:
    """The supervisor's contact list for ``filters``, newest (or oldest) first: what the page
    pages through and what an export writes (apps/contacts/exports.py)."""
    order = ("offered_at", "id") if filters.sort == "oldest" else ("-offered_at", "-id")
    return (
        filter_contacts(filters)
        .select_related("purpose", "agent", "citizen", "department", "ticket")
        .order_by(*order)
    )


def contact_page(
    *, filters: ContactFilters, viewer, after: str | None = None, limit: int = 50
) -> tuple[list[Contact], str | None]:
    """A keyset page of contacts, newest (or oldest) first (no COUNT, fast at any depth).

    The cursor carries the order it was made for ("oldest:" in front), so a link from one
    order is refused in the other rather than skipping rows."""
    oldest = filters.sort == "oldest"
    # Each row's tag ids in the row itself; the chips from the process's copy of the tags.
    qs = contact_list_queryset(filters=filters).annotate(
        tag_ids=ArraySubquery(Contact.tags.through.objects.filter(contact_id=OuterRef("pk")).values("tag_id"))
    )
    if after:
        try:
            named, oldest_cursor = (after[7:], True) if after.startswith("oldest:") else (after, False)
            if oldest_cursor != oldest:
                raise ValueError(after)
            at_text, id_text = named.rsplit("|", 1)
            at, pk = datetime.fromisoformat(at_text), int(id_text)
        except ValueError:
            raise ValidationFailed(_("This page does not exist."), code="invalid_cursor") from None
        if oldest:
            qs = qs.filter(Q(offered_at__gt=at) | Q(offered_at=at, pk__gt=pk))
        else:
            qs = qs.filter(Q(offered_at__lt=at) | Q(offered_at=at, pk__lt=pk))
    rows = list(qs[: limit + 1])
    page = rows[:limit]
    from apps.tickets import selectors as ticket_selectors

    known = ticket_selectors.tags_by_id() if any(c.tag_ids for c in page) else {}
    for contact in page:
        found = (known[pk] for pk in (contact.tag_ids or ()) if pk in known)
        contact.tag_list = sorted(found, key=lambda t: (t.name_en, t.pk))
    for contact in page:
        contact.visible_notes = visible_notes(contact, viewer)
    next_cursor = None
    if len(rows) > limit:
        next_cursor = f"{'oldest:' if oldest else ''}{page[-1].offered_at.isoformat()}|{page[-1].pk}"
    return page, next_cursor


# The contact list filter's per-tag counts (over every contact: the list is the
# supervisors'), for a minute at most; any change of a contact's tags drops them
# (``ContactsConfig`` connects ``tag_counts_cache.changed``).
tag_counts_cache = VersionedCache("contacts:tag-counts", ttl=60)


def cached_tag_counts() -> dict[int, int]:
    """``tag_counts()`` from ``tag_counts_cache``; counted directly when Redis is down."""
    return tag_counts_cache.get("all", tag_counts)


def tag_counts(*, filters: ContactFilters | None = None) -> dict[int, int]:
    """How many contacts carry each tag (within the filters), in one query."""
    from django.db.models import Count

    rows = (
        filter_contacts(filters or ContactFilters())
        .filter(tags__isnull=False)
        .values("tags")
        .annotate(n=Count("id", distinct=True))
        .order_by()
    )
    return {row["tags"]: row["n"] for row in rows}


GROUPABLE = {
    "channel": "channel",
    "purpose": "purpose__code",
    "outcome": "outcome",
    "agent": "agent__username",
}


def contact_counts(*, filters: ContactFilters, group_by: list[str]) -> list[dict]:
    """Counts of contacts grouped by any of channel, purpose, outcome and agent (one GROUP BY)."""
    from django.db.models import Count

    unknown = [g for g in group_by if g not in GROUPABLE]
    if unknown or not group_by:
        raise ValidationFailed(
            _("Group by one or more of: channel, purpose, outcome, agent."),
            code="invalid_group_by",
            details={"group_by": unknown or [_("Required.")]},
        )
    columns = [GROUPABLE[g] for g in dict.fromkeys(group_by)]
    rows = filter_contacts(filters).values(*columns).annotate(count=Count("id")).order_by(*columns)
    names = {v: k for k, v in GROUPABLE.items()}
    return [{**{names[c]: row[c] for c in columns}, "count": row["count"]} for row in rows]


# ---------------------------------------------------------------- the supervisor's figures


@dataclass
class Figures:
    total: int = 0
    answered: int = 0
    abandoned: int = 0
    resolved: int = 0
    referred: int = 0
    not_recorded: int = 0
    avg_wait: float | None = None
    avg_handling: float | None = None
    with_citizen: int = 0
    repeats: int = 0

    @property
    def first_contact_resolution(self) -> float | None:
        """Resolved on first contact ÷ answered contacts, in %."""
        return 100.0 * self.resolved / self.answered if self.answered else None

    @property
    def follow_up_rate(self) -> float | None:
        return 100.0 * self.referred / self.answered if self.answered else None

    @property
    def abandoned_rate(self) -> float | None:
        return 100.0 * self.abandoned / self.total if self.total else None

    @property
    def repeat_rate(self) -> float | None:
        """Repeat contacts ÷ contacts with a citizen, in % (empty with no such contact)."""
        return 100.0 * self.repeats / self.with_citizen if self.with_citizen else None


@dataclass
class SupervisorReport:
    start: datetime
    end: datetime
    overall: Figures
    by_channel: list[tuple[str, str, Figures]]
    by_purpose: list[tuple[str, str, Figures]]
    by_outcome: list[tuple[str, str, Figures]]
    by_agent: list[tuple[str, str, Figures]]  # (user name or "none", label, figures)
    follow_ups: dict[str, int]


# First one hash aggregate of the period's rows by every breakdown key together (a few
# thousand groups), then the grouping sets over those: far cheaper than grouping the raw
# rows five times. date_part gives float8 seconds (EXTRACT would give slow numerics).
_FIGURES_SQL = """
WITH base AS (
    SELECT c.channel, c.purpose_id, c.outcome, c.agent_id,
           COUNT(*) AS total,
           COUNT(c.answered_at) AS answered,
           SUM(date_part('epoch', c.answered_at - c.offered_at)) AS wait_sum,
           SUM(date_part('epoch', c.ended_at - c.answered_at)) AS handling_sum,
           COUNT(c.ended_at - c.answered_at) AS handling_n,
           COUNT(c.citizen_id) AS with_citizen,
           COUNT(c.repeat_of_id) AS repeats
    FROM contacts_contact c
    WHERE c.offered_at >= %s AND c.offered_at < %s
    GROUP BY c.channel, c.purpose_id, c.outcome, c.agent_id
)
SELECT GROUPING(channel) AS g_channel, GROUPING(purpose_id) AS g_purpose,
       GROUPING(outcome) AS g_outcome, GROUPING(agent_id) AS g_agent,
       channel, purpose_id, outcome, agent_id,
       COALESCE(SUM(total), 0)::bigint AS total,
       COALESCE(SUM(answered), 0)::bigint AS answered,
       COALESCE(SUM(total) - SUM(answered), 0)::bigint AS abandoned,
       COALESCE(SUM(total) FILTER (WHERE outcome = 'resolved_first_contact'), 0)::bigint AS resolved,
       COALESCE(SUM(total) FILTER (WHERE outcome = 'referred'), 0)::bigint AS referred,
       COALESCE(SUM(total) FILTER (WHERE outcome = ''), 0)::bigint AS not_recorded,
       SUM(wait_sum) / NULLIF(SUM(answered), 0) AS avg_wait,
       SUM(handling_sum) / NULLIF(SUM(handling_n), 0) AS avg_handling,
       COALESCE(SUM(with_citizen), 0)::bigint AS with_citizen,
       COALESCE(SUM(repeats), 0)::bigint AS repeats
FROM base
GROUP BY GROUPING SETS ((), (channel), (purpose_id), (outcome), (agent_id))
"""
# A period without contacts still gives the row of the empty grouping set: its sums are NULL,
# hence the COALESCEs (the page showed "None" for a new day's figures).

# The follow-up backlog as it stands now, whatever the period: open, and open past due
# (served by the (status, due_at) index).
_FOLLOW_UPS_SQL = """
SELECT COUNT(*) AS open,
       COUNT(*) FILTER (WHERE f.due_at < %s) AS overdue
FROM contacts_followup f
WHERE f.status = 'open'
"""


def supervisor_report(*, start: datetime, end: datetime, now: datetime | None = None) -> SupervisorReport:
    """Every figure of the supervisor's view for ``[start, end)`` in two queries.

    One scan of the period's contacts (grouped once by all four keys, then by GROUPING
    SETS) gives the totals and the breakdowns by channel, purpose, outcome and agent
    together; a second gives the follow-up backlog now (open, and overdue). Nothing is
    counted in Python.
    """
    from apps.accounts.models import User

    now = now or timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(_FIGURES_SQL, [start, end])
        columns = [c.name for c in cursor.description]
        rows = [dict(zip(columns, r, strict=True)) for r in cursor.fetchall()]
        cursor.execute(_FOLLOW_UPS_SQL, [now])
        open_, overdue = cursor.fetchone()

    def figures(row) -> Figures:
        return Figures(
            total=row["total"],
            answered=row["answered"],
            abandoned=row["abandoned"],
            resolved=row["resolved"],
            referred=row["referred"],
            not_recorded=row["not_recorded"],
            avg_wait=float(row["avg_wait"]) if row["avg_wait"] is not None else None,
            avg_handling=float(row["avg_handling"]) if row["avg_handling"] is not None else None,
            with_citizen=row["with_citizen"],
            repeats=row["repeats"],
        )

    overall = Figures()
    by = {"channel": {}, "purpose": {}, "outcome": {}, "agent": {}}
    for row in rows:
        flags = (row["g_channel"], row["g_purpose"], row["g_outcome"], row["g_agent"])
        if flags == (1, 1, 1, 1):
            overall = figures(row)
        elif flags[0] == 0:
            by["channel"][row["channel"]] = figures(row)
        elif flags[1] == 0:
            by["purpose"][row["purpose_id"]] = figures(row)
        elif flags[2] == 0:
            by["outcome"][row["outcome"]] = figures(row)
        else:
            by["agent"][row["agent_id"]] = figures(row)

    channels = [
        (value, label, by["channel"][value]) for value, label in Channel.choices if value in by["channel"]
    ]
    purposes = {p.pk: p for p in Purpose.objects.filter(pk__in=[k for k in by["purpose"] if k])}
    by_purpose = sorted(
        (
            (purposes[k].code if k else "none", str(purposes[k]) if k else _("No purpose recorded"), f)
            for k, f in by["purpose"].items()
        ),
        key=lambda item: -item[2].total,
    )
    outcome_labels = dict(Outcome.choices)
    by_outcome = [
        (value, label, by["outcome"][value])
        for value, label in outcome_labels.items()
        if value in by["outcome"]
    ]
    if "" in by["outcome"]:
        by_outcome.append(("none", _("Not recorded yet"), by["outcome"][""]))
    agents = {u.pk: u for u in User.objects.filter(pk__in=[k for k in by["agent"] if k])}
    by_agent = sorted(
        (
            (
                agents[k].username if k else "none",
                agents[k].display_name() if k else _("No agent (unanswered)"),
                f,
            )
            for k, f in by["agent"].items()
        ),
        key=lambda item: (item[0] == "none", -item[2].total),
    )
    return SupervisorReport(
        start=start,
        end=end,
        overall=overall,
        by_channel=channels,
        by_purpose=by_purpose,
        by_outcome=by_outcome,
        by_agent=by_agent,
        follow_ups={"open": open_, "overdue": overdue},
    )


# ---------------------------------------------------------------- follow-ups and callbacks


def follow_up_queue(*, viewer, department_id: int | None = None, status: str = "open") -> QuerySet[FollowUp]:
    """A department's follow-ups: an officer sees their own department's only; a supervisor
    may look at any department's."""
    qs = FollowUp.objects.select_related(
        "contact__purpose", "contact__agent", "contact__ticket", "citizen", "department"
    )
    if can_supervise(viewer) or _has(viewer, "accounts.administer"):
        if department_id:
            qs = qs.filter(department_id=department_id)
    elif _has(viewer, DEPARTMENT_PERMISSION) and viewer.department_id:
        qs = qs.filter(department_id=viewer.department_id)
    else:
        return FollowUp.objects.none()
    if status in FollowUp.Status.values:
        qs = qs.filter(status=status)
    return (
        qs.order_by("due_at", "id") if status == FollowUp.Status.OPEN else qs.order_by("-answered_at", "-id")
    )


def follow_ups_referred_by(*, agent, status: str = "open") -> QuerySet[FollowUp]:
    """The follow-ups an agent referred from their own contacts (the agent's home page links here)."""
    if not _has(agent, CONSOLE_PERMISSION):
        return FollowUp.objects.none()
    qs = FollowUp.objects.select_related(
        "contact__purpose", "contact__agent", "contact__ticket", "citizen", "department"
    ).filter(contact__agent=agent)
    if status in FollowUp.Status.values:
        qs = qs.filter(status=status)
    return (
        qs.order_by("due_at", "id") if status == FollowUp.Status.OPEN else qs.order_by("-answered_at", "-id")
    )


def follow_up_list(
    *, viewer, status: str = "open", department_id: int | None = None, referred_by_me: bool = False
) -> QuerySet[FollowUp]:
    """The follow-ups page's rows (a department's queue, or those the agent referred): what
    the page shows and what an export writes (apps/contacts/exports.py)."""
    if referred_by_me:
        return follow_ups_referred_by(agent=viewer, status=status)
    return follow_up_queue(viewer=viewer, department_id=department_id, status=status)


def follow_up_for(*, viewer, follow_up_id: int) -> FollowUp | None:
    return follow_up_queue(viewer=viewer, status="").filter(pk=follow_up_id).first()


def callbacks_due(
    *, agent, now: datetime | None = None, within: timedelta = timedelta(days=1)
) -> list[Callback]:
    now = now or timezone.now()
    return list(
        Callback.objects.filter(assigned_to=agent, status=Callback.Status.SCHEDULED, due_at__lt=now + within)
        .select_related("citizen")
        .order_by("due_at")[:20]
    )


def callback_for(*, agent, callback_id) -> Callback | None:
    if not callback_id:
        return None
    return Callback.objects.filter(
        pk=callback_id, assigned_to=agent, status=Callback.Status.SCHEDULED
    ).first()


def earlier_contacts_from_number(*, number: str, viewer, limit: int = 10) -> list[Contact]:
    """For a caller we cannot identify: what came from this number before."""
    rows = list(
        Contact.objects.filter(caller_number=number)
        .select_related("purpose", "agent", "ticket")
        .order_by("-offered_at")[:limit]
    )
    for contact in rows:
        contact.visible_notes = visible_notes(contact, viewer)
    return rows


# ---------------------------------------------------------------- timeline sources


def _contact_entry(contact: Contact, viewer=None) -> timeline.TimelineEntry:
    badges = []
    if contact.outcome:
        colour = "danger" if contact.outcome == Outcome.ABANDONED else "secondary"
        badges.append((choice_label(contact, "outcome"), colour))
    if contact.repeat_of_id:
        badges.append((_("Repeat contact"), "warning"))
    details = []
    if contact.caller_number:
        details.append((_("Number"), contact.caller_number))
    if contact.department_id:
        details.append((_("Referred to"), str(contact.department)))
    if contact.ticket_id:
        details.append((_("Ticket"), contact.ticket.review_number))
    return timeline.TimelineEntry(
        at=contact.offered_at,
        kind="contact",
        id=contact.pk,
        kind_label=choice_label(contact, "channel"),
        title=str(contact.purpose) if contact.purpose else _("Contact"),
        body=contact.notes,
        actor=contact.agent.display_name() if contact.agent else "",
        badges=badges,
        details=details,
        confidential=confidentiality.is_confidential(contact),
        facts={"purpose_id": contact.purpose_id, "repeat_of": contact.repeat_of_id},
    )


def recent_purposes(page, *, now: datetime | None = None) -> list[dict]:
    """What the caller got in touch about within the repeat window, read off the first
    page of their timeline (no query of its own: the console's budget is fixed).

    One warning per purpose, the latest contact's: ``{"purpose", "days", "at"}``, newest
    first. A contact the viewer may not read (restricted) says nothing.
    """
    if page is None:
        return []
    now = now or timezone.now()
    start = repeats.window_start(now)
    seen: dict[int, dict] = {}
    for entry in page.entries:
        purpose_id = entry.facts.get("purpose_id") if entry.kind == "contact" else None
        if purpose_id is None or entry.restricted or not (start <= entry.at <= now) or purpose_id in seen:
            continue
        seen[purpose_id] = {
            "purpose": entry.title,
            "days": repeats.days_between(entry.at, now),
            "at": entry.at,
        }
    return list(seen.values())


def repeat_notice(contact: Contact) -> str:
    """The console's word on a contact just logged that repeats an earlier one ("" if not)."""
    if not contact.repeat_of_id:
        return ""
    earlier = Contact.objects.filter(pk=contact.repeat_of_id).values_list("offered_at", flat=True).first()
    if earlier is None:
        return ""
    days = repeats.days_between(earlier, contact.offered_at)
    purpose = str(contact.purpose) if contact.purpose_id else ""
    if days == 0:
        return _("Repeat contact: this citizen already got in touch about %(purpose)s earlier today.") % {
            "purpose": purpose
        }
    return ngettext(
        "Repeat contact: this citizen got in touch about %(purpose)s %(days)d day ago.",
        "Repeat contact: this citizen got in touch about %(purpose)s %(days)d days ago.",
        days,
    ) % {"purpose": purpose, "days": days}


CONTACTS_TIMELINE = timeline.QuerySource(
    kind="contact",
    rows=lambda *, citizen, viewer: Contact.objects.filter(citizen_id=citizen.pk),
    at_field="offered_at",
    related=("purpose", "agent", "department", "ticket"),
    entry=_contact_entry,
)


def _follow_up_entry(follow_up: FollowUp, viewer=None) -> timeline.TimelineEntry:
    if follow_up.status == FollowUp.Status.CLOSED:
        badge = (_("Answered"), "success")
    elif follow_up.is_overdue(timezone.now()):
        badge = (_("Overdue"), "danger")
    else:
        badge = (_("Open"), "warning")
    due = (_("Due"), format_day(follow_up.due_at))
    details = [due]
    if follow_up.answered_by:  # who handled a UYC message is its content too: not restricted_details
        details.append((_("Answered by"), follow_up.answered_by.display_name()))
    title = _("Referred to %(department)s") % {"department": follow_up.department}
    return timeline.TimelineEntry(
        at=follow_up.created_at,
        kind="follow_up",
        id=follow_up.pk,
        kind_label=_("Follow-up"),
        title=title,
        body=follow_up.answer,
        badges=[badge],
        details=details,
        confidential=confidentiality.is_confidential(follow_up),
        restricted_badges=[badge],
        restricted_details=[due],
    )


FOLLOW_UPS_TIMELINE = timeline.QuerySource(
    kind="follow_up",
    rows=lambda *, citizen, viewer: FollowUp.objects.filter(citizen_id=citizen.pk),
    at_field="created_at",
    related=("department", "contact__ticket", "answered_by"),
    entry=_follow_up_entry,
)


_CALLBACK_COLOURS = {
    Callback.Status.SCHEDULED: "warning",
    Callback.Status.DONE: "success",
    Callback.Status.CANCELLED: "secondary",
}


def _callback_entry(callback: Callback, viewer=None) -> timeline.TimelineEntry:
    return timeline.TimelineEntry(
        at=callback.created_at,
        kind="callback",
        id=callback.pk,
        kind_label=_("Callback"),
        title=_("Callback at %(time)s") % {"time": format_moment(callback.due_at)},
        actor=callback.assigned_to.display_name(),
        badges=[(choice_label(callback, "status"), _CALLBACK_COLOURS.get(callback.status, "secondary"))],
        details=[(_("Number"), callback.number)],
    )


CALLBACKS_TIMELINE = timeline.QuerySource(
    kind="callback",
    rows=lambda *, citizen, viewer: Callback.objects.filter(citizen_id=citizen.pk),
    at_field="created_at",
    related=("assigned_to",),
    entry=_callback_entry,
)


def _ticket_rows(*, citizen, viewer):
    from apps.tickets import selectors as ticket_selectors

    return ticket_selectors.visible_tickets(viewer).filter(citizen_id=citizen.pk)


def _ticket_entry(ticket, viewer=None) -> timeline.TimelineEntry:
    from django.urls import reverse

    badges = [(choice_label(ticket, "status"), "info")]
    details = [
        (_("Review number"), ticket.review_number),
        (_("Channel"), choice_label(ticket, "channel")),
    ]
    return timeline.TimelineEntry(
        at=ticket.received_at,
        kind="ticket",
        id=ticket.pk,
        kind_label=choice_label(ticket, "kind"),
        title=ticket.subject,
        url=reverse("tickets:detail", args=[ticket.pk]),
        badges=badges,
        details=details,
        confidential=confidentiality.is_confidential(ticket),
        restricted_badges=badges,
        restricted_details=details,
    )


# Timeline source for apps.tickets: the citizen's tickets the viewer may see, by the time
# they were received (a confidential one's text only for those who may read it).
TICKETS_TIMELINE = timeline.QuerySource(
    kind="ticket", rows=_ticket_rows, at_field="received_at", entry=_ticket_entry
)


def _message_rows(*, citizen, viewer):
    """The SMS and e-mails sent (or tried) to the citizen, for staff who may see a citizen's
    messages (None for the others)."""
    from apps.citizens.selectors import primary_phone
    from apps.core.errors import PermissionDenied
    from apps.notifications import selectors as notification_selectors

    try:
        return notification_selectors.messages_for(
            viewer=viewer, phone=primary_phone(citizen) or "", ref=f"citizens.citizen:{citizen.pk}"
        )
    except PermissionDenied:
        return None


_MESSAGE_COLOURS = {"sent": "success", "failed": "danger"}


def _message_entry(row, viewer=None) -> timeline.TimelineEntry:
    state = (choice_label(row, "state"), _MESSAGE_COLOURS.get(row.state, "secondary"))
    return timeline.TimelineEntry(
        at=row.created_at,
        kind="message",
        id=row.pk,
        kind_label=choice_label(row, "channel"),
        title=row.subject or _("Message to the citizen"),
        body=row.body,
        badges=[state],
        details=[(_("To"), row.to_phone or row.to_email)] if (row.to_phone or row.to_email) else [],
        confidential=confidentiality.is_confidential(row),
        restricted_badges=[state],
    )


MESSAGES_TIMELINE = timeline.QuerySource(
    kind="message", rows=_message_rows, at_field="created_at", entry=_message_entry
)


def messages_for_timeline(*, citizen, viewer, before=None, limit: int = 20) -> list[timeline.TimelineEntry]:
    """Timeline source for apps.notifications (see ``_message_rows``)."""
    return MESSAGES_TIMELINE.page(citizen=citizen, viewer=viewer, before=before, limit=limit)


def active_purposes() -> QuerySet[Purpose]:
    """The purposes a form offers (the live chat's topics among them), in their order."""
    return Purpose.objects.filter(is_active=True).order_by("order", "code")


def purpose_by_code(*, code: str) -> Purpose | None:
    return Purpose.objects.filter(code=str(code or "")[:40], is_active=True).first()


def quick_answers_for(*, purpose_id: int | None) -> list[QuickAnswer]:
    if not purpose_id:
        return []
    return list(QuickAnswer.objects.filter(purpose_id=purpose_id, is_active=True).order_by("order", "id"))


def ticket_quick_answers(ticket) -> list:
    """The approved quick answers of the purposes of the contacts linked to a ticket (those that
    opened it or were attached to it), for the reply picker on the ticket page: registered with
    ``apps.tickets.quick_answers`` from ``ContactsConfig.ready``. Texts in the ticket's language,
    titles in the viewer's; one query."""
    from apps.tickets.quick_answers import QuickAnswer as Offered

    purposes = Contact.objects.filter(ticket_id=ticket.pk, purpose__isnull=False).values("purpose_id")
    answers = QuickAnswer.objects.filter(
        is_active=True, purpose__is_active=True, purpose_id__in=purposes
    ).select_related("purpose")
    return [
        Offered(
            key=f"contacts-{answer.pk}",
            title=answer.title(),
            body=answer.body_en if ticket.language == "en" else answer.body_ar,
            source=_("Quick answers: %(purpose)s") % {"purpose": answer.purpose},
        )
        for answer in answers.order_by("purpose__order", "order", "id")
    ]


# ---------------------------------------------------------------- the monthly statement

# The channels the statement's ``contacts.total`` counts (statement-figures.md).
STATEMENT_CHANNELS = (Channel.INBOUND_CALL, Channel.OUTBOUND_CALL, Channel.CHAT, Channel.VIDEO)

_STATEMENT_SQL = """
SELECT c.channel,
       p.code AS purpose,
       c.outcome,
       (c.answered_at IS NOT NULL) AS answered,
       COUNT(*) AS n
  FROM contacts_contact c
  LEFT JOIN contacts_purpose p ON p.id = c.purpose_id
 WHERE c.offered_at >= %s AND c.offered_at < %s
   AND c.channel = ANY(%s)
 GROUP BY 1, 2, 3, 4
"""


def statement_figures(*, start: datetime, end: datetime) -> dict:
    """The contact-centre counts of the monthly statement for ``[start, end)`` in one query
    (a range scan of the ``offered_at`` index, grouped once).

    Answer: ``{"total": n (contacts of the four statement channels), "inbound": {"offered",
    "answered", "abandoned", "by_purpose": {code or "": n}, "by_outcome": {outcome or "": n}}}``
    where the breakdowns count *answered* inbound calls only.
    """
    # The router sends a report's reads to the replica when there is one (apps.reports.routers).
    with connections[router.db_for_read(Contact)].cursor() as cursor:
        cursor.execute(_STATEMENT_SQL, [start, end, [str(c) for c in STATEMENT_CHANNELS]])
        rows = cursor.fetchall()
    inbound = {"offered": 0, "answered": 0, "abandoned": 0, "by_purpose": {}, "by_outcome": {}}
    total = 0
    for channel, purpose, outcome, answered, n in rows:
        total += n
        if channel != Channel.INBOUND_CALL:
            continue
        inbound["offered"] += n
        if not answered:
            inbound["abandoned"] += n
            continue
        inbound["answered"] += n
        inbound["by_purpose"][purpose or ""] = inbound["by_purpose"].get(purpose or "", 0) + n
        inbound["by_outcome"][outcome or ""] = inbound["by_outcome"].get(outcome or "", 0) + n
    return {"total": total, "inbound": inbound}


def inbound_calls_by_day(*, start: datetime, end: datetime) -> dict[date, int]:
    """Inbound calls offered per day (Bahrain time) of ``[start, end)``, one grouped query."""
    zone = timezone.get_current_timezone_name()
    # The router sends a report's reads to the replica when there is one (apps.reports.routers).
    with connections[router.db_for_read(Contact)].cursor() as cursor:
        cursor.execute(
            """
            SELECT (offered_at AT TIME ZONE %s)::date AS day, COUNT(*)
              FROM contacts_contact
             WHERE offered_at >= %s AND offered_at < %s AND channel = %s
             GROUP BY 1
            """,
            [zone, start, end, str(Channel.INBOUND_CALL)],
        )
        return dict(cursor.fetchall())


# --- subject access (apps.privacy.desk) ----------------------------------------------


def contacts_for_subject_access(*, citizen_id: int) -> list[Contact]:
    """The citizen's contacts on every channel, oldest first, without the agents' notes
    (``notes`` is deferred and must not be read: call notes are internal; the archive
    counts them with ``internal_contact_counts``). For the subject-access archive only."""
    return list(
        Contact.objects.filter(citizen_id=citizen_id)
        .select_related("purpose", "department")
        .defer("notes")
        .annotate(ticket_review_number=F("ticket__review_number"))
        .order_by("offered_at", "id")
    )


def internal_contact_counts(*, citizen_id: int) -> dict[str, int]:
    """How many internal records about the citizen's contacts exist (agents' call notes and
    follow-ups between departments), counted, never read."""
    return {
        "call_notes": Contact.objects.filter(citizen_id=citizen_id).exclude(notes="").count(),
        "follow_ups": FollowUp.objects.filter(citizen_id=citizen_id).count(),
    }


def staff_case_exists(*, user: str, citizen: str, until: datetime) -> Exists:
    """Whether the member of staff in the outer query's ``user`` column handled a contact with
    the citizen in its ``citizen`` column before ``until`` (apps.privacy.desk's alerts)."""
    return Exists(
        Contact.objects.filter(citizen_id=OuterRef(citizen), agent_id=OuterRef(user), offered_at__lt=until)
    )
