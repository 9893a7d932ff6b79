"""Reads of tickets, already narrowed to what the viewer may see.

Who sees what: holders of ``tickets.view_all_tickets`` (agents, supervisors, senior
management, administrators) see every ticket; a department officer sees the tickets of
their own department only. A ticket that came in through "Under Your Command" is
confidential (``Ticket.confidential``, kept whatever its channel becomes): to anyone without
``accounts.view_uyc_cases`` it shows only that it exists, its status and its dates — its
subject, text, rating comment, timeline texts and file names are blanked by the one policy
(``apps.core.confidentiality``, rules registered by ``register_confidentiality``), its files
are not served, and text search never matches it. Citizens see nothing here: the portal and the public API read
``public_ticket``, which copies out the status, the dates and the public replies only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import (
    BigIntegerField,
    BooleanField,
    CharField,
    Count,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    Field,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.accounts.models import Department, User
from apps.citizens.models import CitizenPhone
from apps.core import confidentiality, cursors
from apps.core.config_cache import ConfigCache
from apps.core.errors import NotFound, ValidationFailed
from apps.core.prepared import PreparedQuery
from apps.core.versioned_cache import VersionedCache
from apps.sla import clock_selectors
from apps.sla.models import Clock
from apps.tickets import review_numbers, search
from apps.tickets.models import Category, Macro, Tag, Ticket, TicketAttachment, TicketEvent
from apps.tickets.workflow import OPEN_STATUSES, RATEABLE_STATUSES, REOPEN_WINDOW, Status

VIEW = "tickets.view_ticket"
VIEW_ALL = "tickets.view_all_tickets"
WORK = "tickets.work_ticket"
ASSIGN = "tickets.assign_ticket"
MERGE = "tickets.merge_ticket"
CREATE = "tickets.add_ticket"
CONFIDENTIAL = "accounts.view_uyc_cases"


# --- who may do what -----------------------------------------------------------------


def _is_staff(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def visibility_scope(viewer) -> int | None:
    """Whose tickets the viewer may see: 0 for every ticket, a department's id for its
    officers, None for nothing. The one rule (``visible_tickets``, and the unfiltered list's
    compiled query, which takes the department as its parameter)."""
    if not _is_staff(viewer) or not viewer.has_perm(VIEW):
        return None
    if viewer.has_perm(VIEW_ALL):
        return 0
    return viewer.department_id or None


def visible_tickets(viewer) -> QuerySet[Ticket]:
    """Every ticket the viewer may see (nothing for a viewer without the permission)."""
    scope = visibility_scope(viewer)
    if scope is None:
        return Ticket.objects.none()
    return Ticket.objects.all() if scope == 0 else Ticket.objects.filter(department_id=scope)


def can_read_confidential(viewer) -> bool:
    """May the viewer read what a citizen wrote to senior management ("Under Your Command")?"""
    return confidentiality.can_read(viewer)


def is_confidential(ticket: Ticket) -> bool:
    return bool(ticket.confidential)


def _redact(viewer, tickets):
    """The tickets, the confidential ones the viewer may not read blanked (the one policy)."""
    return confidentiality.redact(viewer, tickets)


def _hide_ticket(ticket: Ticket) -> None:
    ticket.subject = confidentiality.neutral_title()
    ticket.description = ""
    ticket.search_text = ""
    ticket.rating_comment = ""


def _hide_event(event: TicketEvent) -> None:
    event.body = ""
    event.reason = ""


def _hide_attachment(attachment: TicketAttachment) -> None:
    attachment.original_name = _("Confidential file")


def register_confidentiality() -> None:
    """The ticket's rows in the one confidentiality policy (from ``TicketsConfig.ready()``).

    A ticket's timeline entries, rating and files are as confidential as the ticket; the
    event and attachment rules read ``.ticket``, which the timeline's queries already hold.
    """
    confidentiality.register(
        Ticket, is_confidential=is_confidential, hide=_hide_ticket, rows=lambda: Q(confidential=True)
    )
    confidentiality.register(
        TicketEvent,
        is_confidential=lambda event: event.ticket.confidential,
        hide=_hide_event,
        rows=lambda: Q(ticket__confidential=True),
    )
    confidentiality.register(
        TicketAttachment,
        is_confidential=lambda attachment: attachment.ticket.confidential,
        hide=_hide_attachment,
        rows=lambda: Q(ticket__confidential=True),
    )


def can_view(viewer, ticket: Ticket) -> bool:
    if not _is_staff(viewer) or not viewer.has_perm(VIEW):
        return False
    return viewer.has_perm(VIEW_ALL) or (
        viewer.department_id is not None and ticket.department_id == viewer.department_id
    )


def can_work(viewer, ticket: Ticket) -> bool:
    return can_view(viewer, ticket) and viewer.has_perm(WORK)


def can_assign(viewer, ticket: Ticket) -> bool:
    return can_view(viewer, ticket) and viewer.has_perm(ASSIGN)


def can_merge(viewer, ticket: Ticket) -> bool:
    return can_work(viewer, ticket) and viewer.has_perm(MERGE)


def can_create(viewer) -> bool:
    return _is_staff(viewer) and viewer.has_perm(CREATE)


def _ticket_workers() -> QuerySet[User]:
    return User.objects.filter(is_active=True).filter(
        Q(groups__permissions__codename="work_ticket", groups__permissions__content_type__app_label="tickets")
        | Q(is_superuser=True)
    )


def assignable_users(viewer, *, department: Department | None = None) -> QuerySet[User]:
    """Staff a ticket may be given to: anyone who works tickets; an officer only within
    their own department."""
    users = _ticket_workers()
    if not viewer.has_perm(VIEW_ALL):
        users = users.filter(department_id=viewer.department_id)
    elif department is not None:
        users = users.filter(Q(department=department) | Q(department__isnull=True) | Q(groups__name="agent"))
    return users.distinct().order_by("username")


def assignable_departments(viewer) -> QuerySet[Department]:
    departments = Department.objects.filter(is_active=True)
    if not viewer.has_perm(VIEW_ALL):
        departments = departments.filter(pk=viewer.department_id)
    return departments


def _everyone_assignable() -> dict[str, list]:
    return {
        "users": list(_ticket_workers().distinct().order_by("username")),
        "departments": list(Department.objects.filter(is_active=True)),
    }


# The list filter's people and departments for those who see every ticket: the same for all
# of them, on every list page. The process keeps them until a user, a department, a group,
# a permission or a membership changes (``TicketsConfig._watch_categories``); the names are
# taken in the reader's language from the rows kept.
everyone_assignable_cache = ConfigCache("tickets.assignable", _everyone_assignable)


def assignable_user_choices(viewer) -> list[tuple[str, str]]:
    """``assignable_users(viewer)`` as a filter offers them: (id, name)."""
    if viewer.has_perm(VIEW_ALL):
        users = everyone_assignable_cache.get()["users"]
    else:
        users = assignable_users(viewer)
    return [(str(u.pk), u.display_name()) for u in users]


def assignable_department_choices(viewer) -> list[tuple[int, str]]:
    """``assignable_departments(viewer)`` as a filter offers them: (id, name)."""
    if viewer.has_perm(VIEW_ALL):
        departments = everyone_assignable_cache.get()["departments"]
    else:
        departments = list(assignable_departments(viewer))
    return [(d.pk, str(d)) for d in departments]


# --- one ticket ----------------------------------------------------------------------


def _with_relations(queryset: QuerySet[Ticket]) -> QuerySet[Ticket]:
    return queryset.select_related(
        "category__parent", "department", "assignee", "citizen", "duplicate_of", "created_by"
    )


def ticket_get(*, viewer, pk: int | None = None, review_number: str | None = None) -> Ticket:
    """One ticket the viewer may see, by id or by (typed) review number; else NotFound."""
    tickets = _with_relations(visible_tickets(viewer))
    if review_number is not None:
        ticket = tickets.filter(review_number=review_numbers.normalize(review_number)).first()
    else:
        ticket = tickets.filter(pk=pk).first()
    if ticket is None:
        raise NotFound(_("No such ticket, or it is not yours to see."), code="ticket_not_found")
    return _redact(viewer, [ticket])[0]


def ticket_timeline(
    *, ticket: Ticket, viewer, with_extensions: bool = False
) -> tuple[list[TicketEvent], list[TicketAttachment]]:
    """The whole timeline for staff and the ticket's files, in two queries; each event's
    own files are on ``event.files``. (The caller already checked the viewer sees it; the
    texts of a confidential ticket are blanked for a viewer who may not read them.)

    ``with_extensions`` (the ticket page) adds each deadline extension, kept in its own
    table by apps.sla, as an ``ExtensionEntry`` in time order (one more query); the API
    lists them with the clocks instead."""
    attachments = confidentiality.redact(viewer, ticket.attachments.select_related("uploaded_by"))
    by_event: dict[int, list[TicketAttachment]] = {}
    for attachment in attachments:
        by_event.setdefault(attachment.event_id, []).append(attachment)
    events = confidentiality.redact(
        viewer,
        ticket.events.select_related(
            "actor", "from_assignee", "to_assignee", "from_department", "to_department", "related_ticket"
        ),
    )
    for event in events:
        event.files = by_event.get(event.pk, [])
    if with_extensions:
        from apps.sla import clock_selectors

        # A stable sort: at the same instant the ticket's own event comes first.
        events = sorted(
            [*events, *clock_selectors.ticket_extension_entries(ticket=ticket, viewer=viewer)],
            key=lambda e: e.at,
        )
    return events, attachments


def written_timeline(*, written, viewer) -> tuple[list[TicketEvent], list[TicketAttachment]]:
    """``ticket_timeline`` of a ticket just created, from the rows its creation wrote
    (``services.Written``): the same lists, redacted the same way, without reading them back."""
    attachments = confidentiality.redact(viewer, written.attachments)
    events = confidentiality.redact(viewer, written.events)
    for event in events:
        event.files = [a for a in attachments if a.event_id == event.pk]
    return events, attachments


def attachment_for_download(*, viewer, attachment_id: int) -> TicketAttachment:
    """An attachment, for staff who may see its ticket only, and who may read it when the
    ticket is confidential. Citizens never download."""
    attachment = (
        confidentiality.visible_rows(viewer, TicketAttachment.objects.select_related("ticket"))
        .filter(pk=attachment_id, ticket__in=visible_tickets(viewer))
        .first()
    )
    if attachment is None:
        raise NotFound()
    return attachment


# --- lists ---------------------------------------------------------------------------


@dataclass
class TicketFilters:
    kind: str = ""
    status: list[str] = field(default_factory=list)
    channel: str = ""
    category: Category | None = None
    department: Department | None = None
    assignee: User | None = None
    unassigned: bool = False
    received_from: date | None = None
    received_to: date | None = None
    q: str = ""
    citizen_id: int | None = None
    open_only: bool = False
    sla_state: str = ""  # breached, at_risk or on_time (apps.sla.clock_selectors)
    tag: Tag | None = None
    priority: str = ""
    urgency: str = ""
    citizen_kind: str = ""  # "citizen": filed by a known citizen; "anonymous": without one
    rated: str = ""  # "yes" / "no"
    rating: int | None = None
    sort: str = ""  # a key of SORTS; empty: newest first


# The orders of the list: (column, descending). Each pages by keyset on (column, id); the
# cursor names the order. Newest/oldest read the ``*_recent`` indexes (forwards or backwards),
# "recently updated" the ``ticket_updated`` index.
SORTS = {
    "newest": ("received_at", True),
    "oldest": ("received_at", False),
    "updated": ("updated_at", True),
}
DEFAULT_SORT = "newest"


@dataclass
class Page:
    items: list[Ticket]
    next_cursor: str | None
    page_size: int


def encode_cursor(ticket: Ticket) -> str:
    return cursors.encode(ticket.received_at, ticket.pk)


decode_cursor = cursors.decode


def filter_tickets(
    queryset: QuerySet[Ticket], filters: TicketFilters, *, confidential_text: bool = True
) -> QuerySet[Ticket]:
    """``confidential_text=False``: the words of confidential tickets are not searched."""
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.status:
        queryset = queryset.filter(status__in=filters.status)
    elif filters.open_only:
        queryset = queryset.filter(status__in=OPEN_STATUSES)
    if filters.channel:
        queryset = queryset.filter(channel=filters.channel)
    if filters.category is not None:
        if filters.category.parent_id is None:
            queryset = queryset.filter(Q(category=filters.category) | Q(category__parent=filters.category))
        else:
            queryset = queryset.filter(category=filters.category)
    if filters.department is not None:
        queryset = queryset.filter(department=filters.department)
    if filters.unassigned:
        queryset = queryset.filter(assignee__isnull=True)
    elif filters.assignee is not None:
        queryset = queryset.filter(assignee=filters.assignee)
    tz = timezone.get_current_timezone()
    if filters.received_from:
        queryset = queryset.filter(received_at__gte=datetime.combine(filters.received_from, time.min, tz))
    if filters.received_to:
        end = datetime.combine(filters.received_to + timedelta(days=1), time.min, tz)
        queryset = queryset.filter(received_at__lt=end)
    if filters.citizen_id:
        queryset = queryset.filter(citizen_id=filters.citizen_id)
    if filters.sla_state:
        queryset = clock_selectors.filter_by_sla_state(queryset, filters.sla_state)
    if filters.tag is not None:
        queryset = queryset.filter(tags=filters.tag)
    if filters.priority:
        queryset = queryset.filter(priority=filters.priority)
    if filters.urgency:
        queryset = queryset.filter(urgency=filters.urgency)
    if filters.citizen_kind == "citizen":
        queryset = queryset.filter(citizen__isnull=False)
    elif filters.citizen_kind == "anonymous":
        queryset = queryset.filter(citizen__isnull=True)
    if filters.rating:
        queryset = queryset.filter(rating=filters.rating)
    elif filters.rated == "yes":
        queryset = queryset.filter(rating__isnull=False)
    elif filters.rated == "no":
        queryset = queryset.filter(rating__isnull=True)
    if filters.q:
        queryset = _text_search(queryset, filters.q, confidential_text=confidential_text)
    return queryset


def _text_search(queryset: QuerySet[Ticket], query: str, *, confidential_text: bool) -> QuerySet[Ticket]:
    # A review number or an external reference typed into the search box finds that ticket.
    try:
        return queryset.filter(review_number=review_numbers.normalize(query))
    except ValidationFailed:
        pass
    terms = search.search_terms(query)
    if not terms:
        return queryset.filter(external_reference=query.strip()) if query.strip() else queryset
    text = Q()
    for term in terms:
        text &= Q(search_text__contains=term)
    if not confidential_text:
        # A match would reveal what the citizen wrote to senior management.
        text &= ~confidentiality.confidential_rows(Ticket)
    return queryset.filter(text | Q(external_reference=query.strip()))


# The relations a list's rows carry: the API's summaries and the exports name the category; the
# staff page's rows do not, and without its two joins PostgreSQL plans the page's query in a
# third of the time (0.7 ms instead of 2.3 on the bench database).
LIST_RELATED = ("category__parent", "department", "assignee", "citizen")
ROW_RELATED = ("department", "assignee", "citizen")


def ticket_list_queryset(
    *, viewer, filters: TicketFilters, related: tuple[str, ...] = LIST_RELATED
) -> QuerySet[Ticket]:
    """The staff list's rows for ``filters``, in the list's order: what the page pages
    through and what an export writes (apps/tickets/exports.py), so both always agree."""
    sort = filters.sort if filters.sort in SORTS else DEFAULT_SORT
    column, descending = SORTS[sort]
    queryset = filter_tickets(
        visible_tickets(viewer), filters, confidential_text=can_read_confidential(viewer)
    )
    return _in_list_order(queryset, column, descending, related)


def _in_list_order(
    queryset: QuerySet[Ticket], column: str, descending: bool, related: tuple[str, ...] = LIST_RELATED
) -> QuerySet[Ticket]:
    order = (f"-{column}", "-id") if descending else (column, "id")
    return queryset.select_related(*related).order_by(*order)


def _after(queryset: QuerySet[Ticket], column: str, descending: bool, when, pk) -> QuerySet[Ticket]:
    """The rows after the cursor's (``when``, ``pk``): a row comparison, an index condition.
    ``when`` an aware datetime or its ISO text (cast, for ``_unfiltered_page``)."""
    return queryset.filter(
        RawSQL(
            f'("tickets_ticket"."{column}", "tickets_ticket"."id") {"<" if descending else ">"}'
            " (%s::timestamptz, %s)",
            (when, pk),
            BooleanField(),
        )
    )


# The list unfiltered — its first page, what everyone opens, and the pages after it — compiled
# once per thread for each order, page size, scope (every ticket, or a department's) and
# whether a cursor is given: only the cursor's instant and id and the department change.
_unfiltered_pages: dict[tuple, PreparedQuery] = {}


def _unfiltered_page(
    sort: str, limit: int, *, department: bool, cursor: bool, related: tuple[str, ...]
) -> PreparedQuery:
    key = (sort, limit, department, cursor, related)
    prepared = _unfiltered_pages.get(key)
    if prepared is None:
        column, descending = SORTS[sort]

        def build(**params) -> QuerySet[Ticket]:
            queryset = Ticket.objects.all()
            if department:
                queryset = queryset.filter(department_id=params["department"])
            if cursor:
                # The instant as its ISO text: a prepared parameter is an int or a str.
                queryset = _after(queryset, column, descending, params["when"], params["pk"])
            return _with_tag_ids(_in_list_order(queryset, column, descending, related))[:limit]

        types = {"department": int} if department else {}
        if cursor:
            types.update(when=str, pk=int)
        prepared = _unfiltered_pages[key] = PreparedQuery(
            f"tickets.list_page:{'/'.join(map(str, key))}", build, **types
        )
    return prepared


def _with_tag_ids(queryset: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """Each row's tag ids as an array in the row itself: no second query for the chips."""
    return queryset.annotate(
        tag_ids=ArraySubquery(
            Ticket.tags.through.objects.filter(ticket_id=OuterRef("pk")).values("tag_id"),
        )
    )


def _attach_tags(items: list[Ticket]) -> None:
    """``ticket.tag_list``: the row's tags (retired ones too) from the process's copy, in the
    chips' order (English name, then id, whatever the language)."""
    if not any(getattr(item, "tag_ids", None) for item in items):
        for item in items:
            item.tag_list = []
        return
    known = tags_by_id()
    for item in items:
        found = (known[pk] for pk in (getattr(item, "tag_ids", None) or ()) if pk in known)
        item.tag_list = sorted(found, key=lambda t: (t.name_en, t.pk))


def ticket_list(
    *,
    viewer,
    filters: TicketFilters,
    cursor: str | None = None,
    page_size: int = 25,
    related: tuple[str, ...] = LIST_RELATED,
) -> Page:
    """A page of tickets in the chosen order (newest first by default), paged by keyset on
    (sort column, id) — never COUNT, never OFFSET.

    The cursor names the order and the last row of the previous page; the row comparison
    ``(received_at, id) < (…)`` is an index condition on every ``*_recent`` index (``>`` for
    oldest first, the same indexes read backwards). ``related``: the relations each row
    carries (``ROW_RELATED`` for a page that shows no category).
    """
    sort = filters.sort if filters.sort in SORTS else DEFAULT_SORT
    column, descending = SORTS[sort]
    cursor_key = "" if sort == DEFAULT_SORT else sort  # the default's links keep their old form
    after = cursors.decode(cursor, cursor_key) if cursor else None
    if filters == TicketFilters(sort=filters.sort) and (scope := visibility_scope(viewer)) is not None:
        params = {"department": scope} if scope else {}
        if after:
            params.update(when=after[0].isoformat(), pk=after[1])
        page = _unfiltered_page(
            sort, page_size + 1, department=bool(scope), cursor=bool(after), related=related
        )
        rows = page.run(**params)
    else:
        queryset = _with_tag_ids(ticket_list_queryset(viewer=viewer, filters=filters, related=related))
        if after:
            queryset = _after(queryset, column, descending, *after)
        rows = list(queryset[: page_size + 1])
    more = len(rows) > page_size
    items = _redact(viewer, rows[:page_size])
    _attach_tags(items)
    # Each row's deadline badge (its most pressing SLA clock), two queries for the page.
    badges = clock_selectors.badges_for(items)
    for item in items:
        item.sla_badge = badges.get(item.pk)
    next_cursor = cursors.encode(getattr(items[-1], column), items[-1].pk, cursor_key) if more else None
    return Page(items=items, next_cursor=next_cursor, page_size=page_size)


# The list filter's per-tag counts, per visibility scope, for a minute at most; any change
# of a ticket's tags drops them (``TicketsConfig`` connects ``tag_counts_cache.changed``).
tag_counts_cache = VersionedCache("tickets:tag-counts", ttl=60)


def _tag_counts_scope(viewer) -> str | None:
    """Whose counts these are: everyone who sees every ticket shares one set, a department's
    officers another (``visible_tickets``); None for one who sees none."""
    if not _is_staff(viewer) or not viewer.has_perm(VIEW):
        return None
    if viewer.has_perm(VIEW_ALL):
        return "all"
    if viewer.department_id:
        return f"department:{viewer.department_id}"
    return None


def cached_tag_counts(*, viewer) -> dict[int, int]:
    """``tag_counts`` for the list's filter from ``tag_counts_cache``, so a warm page sends no
    query for them; Redis down: counted directly, the page still renders."""
    scope = _tag_counts_scope(viewer)
    if scope is None:
        return {}
    return tag_counts_cache.get(scope, lambda: tag_counts(viewer=viewer))


def tag_filter_choices(counts: dict[int, int] | None = None) -> list[tuple[int, str]]:
    """The active tags as a list filter offers them (from the process's copy: no query),
    each with how many rows carry it when ``counts`` are given."""
    return [
        (t.pk, f"{t.display_name()} ({counts.get(t.pk, 0)})" if counts is not None else t.display_name())
        for t in active_tags()
    ]


def tag_counts(*, viewer) -> dict[int, int]:
    """How many of the tickets the viewer may see carry each tag, in one query."""
    rows = (
        visible_tickets(viewer)
        .filter(tags__isnull=False)
        .values("tags")
        .annotate(n=Count("id", distinct=True))
        .order_by()
    )
    return {row["tags"]: row["n"] for row in rows}


def my_work(*, viewer, cursor: str | None = None, page_size: int = 25) -> Page:
    """What the viewer should work on: tickets assigned to them that are still open."""
    return ticket_list(
        viewer=viewer,
        filters=TicketFilters(assignee=viewer, open_only=True),
        cursor=cursor,
        page_size=page_size,
    )


def department_queue(*, viewer, cursor: str | None = None, page_size: int = 25) -> Page:
    """Open tickets of the viewer's department that nobody has taken yet."""
    if not viewer.department_id:
        return Page([], None, page_size)
    return ticket_list(
        viewer=viewer,
        filters=TicketFilters(department=viewer.department, unassigned=True, open_only=True),
        cursor=cursor,
        page_size=page_size,
    )


# --- categories ----------------------------------------------------------------------


def tags(*, include_inactive: bool = False) -> QuerySet[Tag]:
    """The managed tags, in the viewer's language's order."""
    queryset = Tag.objects.all() if include_inactive else Tag.objects.filter(is_active=True)
    return queryset.order_by("name_en" if translation.get_language() == "en" else "name_ar", "id")


def macros_for(ticket: Ticket) -> list[Macro]:
    """The active macros offered on this ticket: those of its category (or the category's
    parent) and those offered everywhere."""
    queryset = Macro.objects.filter(is_active=True)
    if ticket.category_id:
        scoped = [ticket.category_id]
        if ticket.category.parent_id:
            scoped.append(ticket.category.parent_id)
        queryset = queryset.filter(Q(categories__isnull=True) | Q(categories__in=scoped))
    else:
        queryset = queryset.filter(categories__isnull=True)
    return list(
        queryset.distinct()
        .select_related("department")
        .prefetch_related("add_tags")
        .order_by("position", "id")
    )


def macro_get(*, pk) -> Macro:
    """One macro, retired or not (applying a retired one is refused by the service)."""
    macro = (
        Macro.objects.select_related("department")
        .prefetch_related("add_tags", "categories")
        .filter(pk=pk)
        .first()
    )
    if macro is None:
        raise NotFound(_("No such macro."), code="macro_not_found")
    return macro


def macro_list() -> list[Macro]:
    """Every macro for the page that keeps them: the ones in use first, in offering order."""
    return list(
        Macro.objects.select_related("department")
        .prefetch_related("add_tags", "categories")
        .order_by("-is_active", "position", "id")
    )


def _tag_and_reply_names() -> tuple[tuple, tuple]:
    """Every tag, retired ones too (a ticket keeps a tag that was retired), as
    (id, name_ar, name_en, colour, is_active); and the active macros that carry a reply
    as (id, title_ar, title_en), in their display order."""
    tags = tuple(Tag.objects.order_by("id").values_list("pk", "name_ar", "name_en", "colour", "is_active"))
    replies = tuple(
        Macro.objects.filter(is_active=True)
        .exclude(body_ar="", body_en="")
        .order_by("position", "id")
        .values_list("pk", "title_ar", "title_en")
    )
    return tags, replies


# The tags (the filter's choices, the rows' chips, the bulk bar's) and the bulk bar's replies
# on every list page, held by each process until a tag or a macro changes
# (``TicketsConfig.ready`` watches both models).
tag_and_reply_names_cache = ConfigCache("tickets.tags_and_replies", _tag_and_reply_names)


def tags_by_id() -> dict[int, Tag]:
    """Every tag, retired ones too, by id, from the process's copy (no query while none
    changed). Unsaved ``Tag`` objects built from the copy: read them, never save them."""
    tags, _replies = tag_and_reply_names_cache.get()
    return {
        pk: Tag(pk=pk, name_ar=ar, name_en=en, colour=colour, is_active=active)
        for pk, ar, en, colour, active in tags
    }


def active_tags() -> list[Tag]:
    """The tags in use, in the viewer's language's order (``tags()``, from the process's copy)."""
    key = "name_en" if translation.get_language() == "en" else "name_ar"
    return sorted((t for t in tags_by_id().values() if t.is_active), key=lambda t: (getattr(t, key), t.pk))


def tag_and_reply_choices() -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """Choices for the bulk bar in the viewer's language: the active tags (by name) and the
    macros that carry a reply (no query while none changed)."""
    english = translation.get_language() == "en"
    tags, replies = tag_and_reply_names_cache.get()
    tag_choices = sorted(
        ((pk, en if english else ar) for pk, ar, en, _colour, active in tags if active),
        key=lambda c: (c[1], c[0]),
    )
    return tag_choices, [(pk, en if english else ar) for pk, ar, en in replies]


def categories_tree(*, include_inactive: bool = False) -> list[Category]:
    """Top-level categories with their children prefetched, in display order."""
    children = Category.objects.all() if include_inactive else Category.objects.filter(is_active=True)
    top = Category.objects.filter(parent__isnull=True)
    if not include_inactive:
        top = top.filter(is_active=True)
    return list(top.prefetch_related(Prefetch("children", queryset=children.order_by("position", "code"))))


def _active_category_names() -> tuple[tuple[int, str, str, tuple[tuple[int, str, str], ...]], ...]:
    """The active categories as ``categories_tree`` orders them: (id, name_ar, name_en,
    children as (id, name_ar, name_en))."""
    return tuple(
        (
            parent.pk,
            parent.name_ar,
            parent.name_en,
            tuple((child.pk, child.name_ar, child.name_en) for child in parent.children.all()),
        )
        for parent in categories_tree()
    )


# The category filter of every list page, held by each process until a category changes
# (apps.core.config_cache; ``TicketsConfig.ready`` watches the model).
category_names_cache = ConfigCache("tickets.categories", _active_category_names)


def category_choices() -> list[tuple[str, list[tuple[int, str]]]]:
    """Grouped choices for a select: each top-level category and its sub-categories (no query
    while no category changed)."""
    english = translation.get_language() == "en"
    groups = []
    for pk, name_ar, name_en, children in category_names_cache.get():
        name = name_en if english else name_ar
        options = [(pk, name)] + [(cpk, f"— {c_en if english else c_ar}") for cpk, c_ar, c_en in children]
        groups.append((name, options))
    return groups


# --- what a citizen may see ----------------------------------------------------------


def _track_lookup_query(number: str, sources: tuple[str, ...]) -> QuerySet[Ticket]:
    phones = CitizenPhone.objects.filter(citizen_id=OuterRef("citizen_id")).values("number")
    due = Clock.objects.filter(ticket_id=OuterRef("pk"), target="resolution", state__in=Clock.OPEN_STATES)
    return (
        Ticket.objects.filter(review_number=number)
        .annotate(
            citizen_phones=ArraySubquery(phones),
            # The answer's due date the page shows (``public_ticket``), in the same query.
            resolution_due_at=Subquery(due.order_by("ticket_id", "target", "cycle").values("due_at")[:1]),
            # And every reply the citizen may read, one array per source (``public_replies``).
            **_public_reply_arrays(OuterRef("pk"), sources),
        )
        .select_related("category__parent", "duplicate_of")
        # The tracking page never shows what the citizen wrote; leave the big columns behind.
        .defer("subject", "description", "search_text", "rating_comment")
        .order_by("pk")[:1]
    )


# Compiled once per thread (per set of reply sources, registered when the apps are ready):
# a citizen's tracking request is the busiest public path, and this is its one statement.
_track_lookups: dict[tuple[str, ...], PreparedQuery] = {}


def track_lookup(*, number: review_numbers.ReviewNumber) -> Ticket | None:
    """The ticket of a (parsed) review number with every phone that may open it and every
    reply its citizen may read, in one query."""
    sources = tuple(_PUBLIC_REPLY_SOURCES)
    prepared = _track_lookups.get(sources)
    if prepared is None:
        prepared = _track_lookups[sources] = PreparedQuery(
            "tickets.track_lookup", lambda number: _track_lookup_query(number, sources), number=str
        )
    found = prepared.run(number=str(number))
    if not found:
        return None
    ticket = found[0]
    ticket.public_reply_rows = [
        _reply_row(row) for i in range(len(sources) + 1) for row in getattr(ticket, f"_replies_{i}")
    ]
    return ticket


def citizen_open_ticket(*, number: review_numbers.ReviewNumber, citizen_id: int) -> Ticket | None:
    """The open ticket of this review number if it is this citizen's (a message that names
    it is added to it): the ticket alone, not what tracking reads with it."""
    return (
        Ticket.objects.filter(review_number=str(number), citizen_id=citizen_id, status__in=OPEN_STATUSES)
        .order_by("pk")
        .first()
    )


@dataclass(frozen=True)
class PublicReply:
    at: datetime
    body: str


# Other apps may keep citizen-visible answers in their own tables (the "Under Your Command"
# decision and its extensions). Each registers a ``PublicReplySource``: rows read in the same
# one query as the ticket's own replies.
@dataclass(frozen=True)
class PublicReplySource:
    """``rows(ticket_id)``: a queryset annotated with ``public_reply_columns`` and reduced to
    ``PUBLIC_REPLY_COLUMNS`` (unioned with the others); ``render(row)``: the ``PublicReply``
    of one such row (a dict of those columns), in the active language."""

    rows: Callable[[int], QuerySet]
    render: Callable[[dict], PublicReply]


_PUBLIC_REPLY_SOURCES: dict[str, PublicReplySource] = {}
PUBLIC_REPLY_COLUMNS = ("r_source", "r_at", "r_id", "r_body", "r_extra")


def public_reply_columns(*, source: str, at, id, body, extra=None) -> dict:
    """The columns every source gives, typed alike so that they can be unioned: the source's
    key, the instant, the row's id (order within an instant), the text, and one more text
    the source renders with (a date, say)."""
    return {
        # Typed in the SQL: sent with server-side binding, inside ``json_build_array`` (whose
        # arguments are of any type) an untyped parameter is refused.
        "r_source": Cast(Value(source), output_field=CharField()),
        "r_at": ExpressionWrapper(at, output_field=DateTimeField()),
        "r_id": ExpressionWrapper(id, output_field=BigIntegerField()),
        "r_body": Cast(body, output_field=TextField()),
        "r_extra": Cast(extra, output_field=TextField()) if extra is not None else Value(None, TextField()),
    }


def register_public_replies(key: str, source: PublicReplySource) -> None:
    _PUBLIC_REPLY_SOURCES[key] = source


def _public_reply_parts(ticket_id, sources: tuple[str, ...]) -> list[QuerySet]:
    """The ticket's own public replies and each source's rows, reduced to the same columns."""
    own = TicketEvent.objects.filter(ticket_id=ticket_id, kind=TicketEvent.Kind.PUBLIC_REPLY).annotate(
        **public_reply_columns(source="", at=F("at"), id=F("id"), body=F("body"))
    )
    return [own, *(_PUBLIC_REPLY_SOURCES[key].rows(ticket_id) for key in sources)]


def _public_replies_query(ticket_id: int, sources: tuple[str, ...]) -> QuerySet:
    queries = [part.values(*PUBLIC_REPLY_COLUMNS) for part in _public_reply_parts(ticket_id, sources)]
    return queries[0].union(*queries[1:], all=True) if len(queries) > 1 else queries[0]


def _public_reply_arrays(ticket_ref, sources: tuple[str, ...]) -> dict:
    """The same rows as annotations of the ticket's own query: one array per part,
    ``_replies_0`` (the ticket's own) to ``_replies_<n>``, each row a JSON array of
    ``PUBLIC_REPLY_COLUMNS`` (an array, not an object: its keys would be parameters)."""
    # A plain ``Field``: psycopg decodes the JSON already (a ``JSONField`` would decode again).
    row = Func(
        *(F(column) for column in PUBLIC_REPLY_COLUMNS), function="json_build_array", output_field=Field()
    )
    return {
        f"_replies_{i}": ArraySubquery(part.values(row=row))
        for i, part in enumerate(_public_reply_parts(ticket_ref, sources))
    }


def _reply_row(row: list) -> dict:
    """A row of ``_public_reply_arrays`` (psycopg decodes ``json``) as the union gives it, its
    instant a datetime again."""
    found = dict(zip(PUBLIC_REPLY_COLUMNS, row, strict=True))
    found["r_at"] = datetime.fromisoformat(found["r_at"])
    return found


# The union of every registered source, compiled once per thread (the sources are registered
# when the apps are ready; a new registration makes a new one).
_public_replies_prepared: dict[tuple[str, ...], PreparedQuery] = {}


def public_replies(ticket: Ticket) -> tuple[PublicReply, ...]:
    """Every reply the citizen may read, oldest first: the ticket's public replies and every
    registered source's, in one query (``UNION ALL``) — none when the ticket was read by
    ``track_lookup``, which brought them along; the ticket's own first at equal times."""
    sources = tuple(_PUBLIC_REPLY_SOURCES)
    rows = getattr(ticket, "public_reply_rows", None)
    if rows is None:
        prepared = _public_replies_prepared.get(sources)
        if prepared is None:
            prepared = _public_replies_prepared[sources] = PreparedQuery(
                "tickets.public_replies",
                lambda ticket_id: _public_replies_query(ticket_id, sources),
                ticket_id=int,
            )
        rows = prepared.run(ticket_id=ticket.pk)
    rank = {key: i for i, key in enumerate(["", *sources])}
    rows = sorted(rows, key=lambda r: (r["r_at"], rank[r["r_source"]], r["r_id"]))
    # Already in order: each source's reply is dated by its row's ``r_at``.
    return tuple(
        PublicReply(at=r["r_at"], body=r["r_body"])
        if r["r_source"] == ""
        else _PUBLIC_REPLY_SOURCES[r["r_source"]].render(r)
        for r in rows
    )


@dataclass(frozen=True)
class PublicTicket:
    """What a citizen may see of a ticket: nothing personal, no internal note, no staff name."""

    id: int
    review_number: str
    kind: str
    kind_label: str
    category: str
    status: str
    status_label: str
    received_at: datetime
    acknowledged_at: datetime | None
    responded_at: datetime | None
    closed_at: datetime | None
    replies: tuple[PublicReply, ...]
    rating: int | None
    can_rate: bool
    can_reopen: bool
    merged_into: str | None
    # What the citizen is told: "Answered" once a reply was sent while the case stays open;
    # until then, the date the answer is due (the resolution clock's, extensions included).
    answered: bool = False
    expected_by: datetime | None = None


def public_ticket(ticket: Ticket, *, now: datetime | None = None) -> PublicTicket:
    """Copy out the citizen-visible part of a ticket; replies are read by kind, a whitelist."""
    now = now or timezone.now()
    replies = public_replies(ticket)
    category = ""
    if ticket.category_id:
        category = str(ticket.category)
    return PublicTicket(
        id=ticket.pk,
        review_number=ticket.review_number,
        kind=ticket.kind,
        kind_label=str(Ticket.Kind(ticket.kind).label),
        category=category,
        status=ticket.status,
        status_label=str(Status(ticket.status).label),
        received_at=ticket.received_at,
        acknowledged_at=ticket.acknowledged_at,
        responded_at=ticket.responded_at,
        closed_at=ticket.closed_at,
        replies=replies,
        rating=ticket.rating,
        can_rate=ticket.rating is None and ticket.status in RATEABLE_STATUSES,
        can_reopen=citizen_may_reopen(ticket, now=now),
        merged_into=ticket.duplicate_of.review_number if ticket.duplicate_of_id else None,
        answered=bool(replies) and ticket.status in OPEN_STATUSES,
        expected_by=_expected_by(ticket) if ticket.status in OPEN_STATUSES and not replies else None,
    )


def _expected_by(ticket: Ticket) -> datetime | None:
    if hasattr(ticket, "resolution_due_at"):  # read with the ticket (``track_lookup``)
        return ticket.resolution_due_at
    return (
        Clock.objects.filter(ticket_id=ticket.pk, target="resolution", state__in=Clock.OPEN_STATES)
        .values_list("due_at", flat=True)
        .first()
    )


def citizen_may_reopen(ticket: Ticket, *, now: datetime | None = None) -> bool:
    """After a rating of 1 or 2, within the reopen window of the answer (or the closing)."""
    now = now or timezone.now()
    if ticket.rating is None or ticket.rating > 2 or ticket.status not in RATEABLE_STATUSES:
        return False
    since = ticket.closed_at if ticket.status == Status.CLOSED else ticket.responded_at
    return since is not None and now - since <= REOPEN_WINDOW


# --- the monthly statement ---------------------------------------------------------


def statement_figures(*, start: datetime, end: datetime, year_start: datetime | None) -> dict:
    """The ticket figures of the monthly statement for ``[start, end)``, in three queries.

    - ``received``: ``{(kind, channel): n}`` of the tickets received in the period;
    - ``tawasul_ytd``: ``{kind: n}`` of the Tawasul tickets received from ``year_start`` to ``end``
      (``None`` when ``year_start`` is: the caller derives it);
    - ``tawasul_complaints`` / ``tawasul_complaints_answered``: the period's Tawasul complaints,
      and those of them with a public reply sent to the citizen (``first_response_at``);
    - ``response_clocks_ended`` / ``response_clocks_met``: first-response clocks whose verdict
      fell in the period (met, or breached — a clock breached and met later counts as
      breached, at the breach), and those met in time.
    """
    from django.db.models import Count
    from django.db.models.functions import Coalesce

    received = {
        (row["kind"], row["channel"]): row["n"]
        for row in Ticket.objects.filter(received_at__gte=start, received_at__lt=end)
        .values("kind", "channel")
        .annotate(n=Count("id"))
        .order_by()
    }
    ytd = None
    if year_start is not None:
        tawasul = Ticket.objects.filter(
            channel=Ticket.Channel.TAWASUL, received_at__gte=year_start, received_at__lt=end
        )
        ytd = dict(tawasul.values("kind").annotate(n=Count("id")).order_by().values_list("kind", "n"))
    complaints = Ticket.objects.filter(
        channel=Ticket.Channel.TAWASUL,
        kind=Ticket.Kind.COMPLAINT,
        received_at__gte=start,
        received_at__lt=end,
    ).aggregate(n=Count("id"), answered=Count("id", filter=Q(first_response_at__isnull=False)))
    clocks = (
        Clock.objects.filter(target=Clock.TargetChoices.FIRST_RESPONSE)
        .exclude(state=Clock.State.STOPPED)
        .annotate(ended=Coalesce("breached_at", "met_at"))
        .filter(ended__gte=start, ended__lt=end)
        .aggregate(n=Count("id"), met=Count("id", filter=Q(breached_at__isnull=True)))
    )
    return {
        "received": received,
        "tawasul_ytd": ytd,
        "tawasul_complaints": complaints["n"],
        "tawasul_complaints_answered": complaints["answered"],
        "response_clocks_ended": clocks["n"],
        "response_clocks_met": clocks["met"],
    }


# --- subject access (apps.privacy.desk) ----------------------------------------------


def tickets_for_subject_access(*, citizen_id: int) -> list[Ticket]:
    """Every ticket filed under the citizen, oldest first, each with the number of its internal
    notes (``internal_notes``) counted in the same query. The caller (the subject-access
    archive) checks its own permission, redacts through ``apps.core.confidentiality`` and
    reads the public replies with ``public_replies``; internal notes are only counted."""
    notes = (
        TicketEvent.objects.filter(ticket_id=OuterRef("pk"), kind=TicketEvent.Kind.INTERNAL_NOTE)
        .order_by()
        .values("ticket_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    return list(
        Ticket.objects.filter(citizen_id=citizen_id)
        .select_related("category__parent", "duplicate_of")
        .defer("search_text")
        .annotate(internal_notes=Coalesce(Subquery(notes, output_field=IntegerField()), 0))
        .order_by("received_at", "id")
    )


def staff_case_exists(*, user: str, citizen: str, until: datetime) -> Exists:
    """Whether the member of staff in the outer query's ``user`` column had the citizen in its
    ``citizen`` column among their cases before ``until``: assigned or created a ticket of
    theirs, or wrote on one (apps.privacy.desk's unusual-reading alerts)."""
    mine = Q(assignee_id=OuterRef(user)) | Q(created_by_id=OuterRef(user))
    worked = TicketEvent.objects.filter(
        ticket_id=OuterRef("pk"), actor_id=OuterRef(OuterRef(user)), at__lt=until
    )
    return Exists(
        Ticket.objects.filter(citizen_id=OuterRef(citizen), received_at__lt=until).filter(
            mine | Exists(worked)
        )
    )
