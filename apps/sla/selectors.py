"""Reads of the SLA engine: the cached calendar, working days over a range, the policy in force."""

from __future__ import annotations

import logging
import threading
import time as _time
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.config_cache import ConfigCache, publish_version, register_version_key, shared_version
from apps.core.parsing import to_date
from apps.sla import conf
from apps.sla.business_calendar import (
    Calendar,
    CalendarData,
    ClosureRow,
    Day,
    HolidayRow,
    ShortenedHoursRow,
)
from apps.sla.errors import CalendarInputInvalid, PolicyNotFound
from apps.sla.models import Closure, Holiday, Policy, PolicyVersion, ShortenedHours

logger = logging.getLogger(__name__)

MAX_RANGE_DAYS = 366
VERSION_KEY = "sla:calendar:version"
register_version_key(VERSION_KEY)
# Without Redis, a process trusts its calendar this long before reloading it from the database.
OFFLINE_TTL_SECONDS = 60


def calendar_data() -> CalendarData:
    """Every holiday, closure and shortened-hours row as plain immutable rows."""
    return CalendarData(
        holidays=tuple(
            HolidayRow(h.date, h.name_ar, h.name_en, h.estimated, h.pk)
            for h in Holiday.objects.order_by("date").only("date", "name_ar", "name_en", "estimated")
        ),
        closures=tuple(
            ClosureRow(c.start_date, c.end_date, c.name_ar, c.name_en, c.pk)
            for c in Closure.objects.order_by("start_date")
        ),
        shortened=tuple(
            ShortenedHoursRow(s.start_date, s.end_date, s.opens_at, s.closes_at, s.name_ar, s.name_en, s.pk)
            for s in ShortenedHours.objects.order_by("start_date")
        ),
    )


def build_calendar() -> Calendar:
    """A fresh calendar from the database (inside a transaction: as that transaction sees it)."""
    return Calendar(calendar_data(), conf.calendar_config())


@dataclass
class _Cached:
    token: str | None = None
    config: object = None
    calendar: Calendar | None = None
    loaded_at: float = 0.0


_cached = _Cached()
_lock = threading.Lock()


def _shared_token() -> str | None:
    """The calendar version every process agrees on (in Redis); None when Redis is away."""
    return shared_version(VERSION_KEY, "sla: calendar")


def get_calendar() -> Calendar:
    """The current calendar, built once per process and rebuilt when any process changes it.

    A change bumps a version token in Redis after its transaction commits
    (``invalidate_calendar``); each call compares one small key, so the hot path — the
    pure functions on the returned object — never touches the database.
    """
    config = conf.calendar_config()
    token = _shared_token()
    cached = _cached
    fresh = token is not None or (_time.monotonic() - cached.loaded_at) < OFFLINE_TTL_SECONDS
    if cached.calendar is not None and cached.token == token and cached.config == config and fresh:
        return cached.calendar
    with _lock:
        calendar = build_calendar()
        _cached.token, _cached.config, _cached.calendar = token, config, calendar
        _cached.loaded_at = _time.monotonic()
        return calendar


def forget_local_calendar() -> None:
    """Drop this process's cached calendar (tests, and after a change commits)."""
    with _lock:
        _cached.token, _cached.config, _cached.calendar = None, None, None


def invalidate_calendar() -> None:
    """Make every process rebuild its calendar on its next ``get_calendar`` call."""
    forget_local_calendar()
    publish_version(VERSION_KEY, "sla: calendar")


# --- working days over a range ------------------------------------------------------------


def _parse_date(value: str | None, name: str) -> date:
    if not value:
        raise CalendarInputInvalid(
            _("The parameter “%(name)s” is required, as a date YYYY-MM-DD.") % {"name": name},
            code="sla_date_missing",
            details={name: "required"},
        )
    parsed = to_date(value)
    if parsed is None:
        raise CalendarInputInvalid(
            _("“%(value)s” is not a date; write it as YYYY-MM-DD.") % {"value": value},
            code="sla_date_malformed",
            details={name: "malformed"},
        )
    return parsed


def working_days(*, start: str | date | None, end: str | date | None) -> tuple[date, date, list[Day]]:
    """Each date from ``start`` to ``end`` (both included) with its status and hours.

    Refuses a missing or malformed date, an end before the start, a range longer than
    ``MAX_RANGE_DAYS`` and dates outside the years the calendar covers.
    """
    first = start if isinstance(start, date) else _parse_date(start, "from")
    last = end if isinstance(end, date) else _parse_date(end, "to")
    if last < first:
        raise CalendarInputInvalid(
            _("The end date must not be before the start date."),
            code="sla_date_range_reversed",
            details={"from": first.isoformat(), "to": last.isoformat()},
        )
    if (last - first).days + 1 > MAX_RANGE_DAYS:
        raise CalendarInputInvalid(
            _("Ask for at most %(days)s days at a time.") % {"days": MAX_RANGE_DAYS},
            code="sla_date_range_too_long",
            details={"max_days": MAX_RANGE_DAYS},
        )
    calendar = get_calendar()
    if first < calendar.first_date or last > calendar.last_date:
        raise CalendarInputInvalid(
            _("The calendar covers %(first)s to %(last)s only.")
            % {"first": calendar.first_date.isoformat(), "last": calendar.last_date.isoformat()},
            code="sla_date_out_of_range",
            details={"first": calendar.first_date.isoformat(), "last": calendar.last_date.isoformat()},
        )
    return first, last, calendar.days(first, last)


# --- policies ----------------------------------------------------------------------------


def _specificity(policy: Policy) -> tuple[int, int, int, int]:
    """Most specific first: how many of kind/channel/priority it names, then channel, kind, priority.

    The tie-break puts channel first because a channel's window is an agreement with
    another body (Tawasul's 14 working days, Under Your Command's 30 calendar days).
    """
    named = (policy.channel is not None, policy.kind is not None, policy.priority is not None)
    return (sum(named), *map(int, named))


def policy_for(*, kind: str, channel: str, priority: str, at: datetime | None = None) -> PolicyVersion:
    """The policy version in force at ``at`` (default now) for this ticket; most specific wins.

    One query: the candidate policies with their versions effective by then. A policy whose
    latest such version is ``retired`` no longer applies.
    """
    at = at or timezone.now()
    scope = (
        (Q(kind__isnull=True) | Q(kind=kind))
        & (Q(channel__isnull=True) | Q(channel=channel))
        & (Q(priority__isnull=True) | Q(priority=priority))
    )
    versions = PolicyVersion.objects.filter(effective_from__lte=at).order_by("-effective_from", "-number")
    candidates = []
    for policy in Policy.objects.filter(scope).prefetch_related(Prefetch("versions", queryset=versions)):
        current = next(iter(policy.versions.all()), None)
        if current is not None and not current.retired:
            current.policy = policy  # spare the caller a query for the policy's names
            candidates.append((_specificity(policy), policy.pk, current))
    if not candidates:
        raise PolicyNotFound(details={"kind": kind, "channel": channel, "priority": priority})
    return max(candidates, key=lambda c: (c[0], -c[1]))[2]


def _all_policies() -> tuple[tuple[Policy, tuple[PolicyVersion, ...]], ...]:
    """Every policy with every version, newest first (what the per-process copy holds)."""
    ordered = PolicyVersion.objects.order_by("-effective_from", "-number")
    found = []
    for policy in Policy.objects.prefetch_related(Prefetch("versions", queryset=ordered)).order_by("pk"):
        versions = tuple(policy.versions.all())
        for version in versions:
            version.policy = policy  # spare the caller a query for the policy's names
        found.append((policy, versions))
    return tuple(found)


policies_cache = ConfigCache("sla.policies", _all_policies)


def policy_for_ticket_keys(
    *, kind: str, channel: str, priority: str, at: datetime | None = None
) -> PolicyVersion:
    """``policy_for`` answered from this process's copy of the policies: no query while no
    policy has changed (``apps.core.config_cache``). The same rule, applied in Python; the
    version returned is shared by the process, so callers never change it."""
    at = at or timezone.now()
    candidates = []
    for policy, versions in policies_cache.get():
        if policy.kind not in (None, kind) or policy.channel not in (None, channel):
            continue
        if policy.priority not in (None, priority):
            continue
        current = next((v for v in versions if v.effective_from <= at), None)
        if current is not None and not current.retired:
            candidates.append((_specificity(policy), policy.pk, current))
    if not candidates:
        raise PolicyNotFound(details={"kind": kind, "channel": channel, "priority": priority})
    return max(candidates, key=lambda c: (c[0], -c[1]))[2]


def current_version(policy: Policy, *, at: datetime | None = None) -> PolicyVersion | None:
    at = at or timezone.now()
    return next((v for v in policy.versions.all() if v.effective_from <= at), None)


def policy_list():
    """Every policy with its versions, newest first (the admin and the read-only API)."""
    return Policy.objects.prefetch_related(
        Prefetch("versions", queryset=PolicyVersion.objects.order_by("-effective_from", "-number"))
    ).order_by("kind", "channel", "priority", "pk")
