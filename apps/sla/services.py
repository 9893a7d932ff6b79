"""Writes of the SLA engine: the business calendar, its hooks, and versioned policies."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import holidays as holidays_package
from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.templatetags.dates import format_moment
from apps.sla import signals
from apps.sla.business_calendar import Calendar
from apps.sla.clocks import TARGET_LABELS, Target, Unit
from apps.sla.errors import (
    CalendarChangeRefused,
    CalendarInputInvalid,
    CalendarOverlap,
    PolicyInvalid,
    PolicyScopeTaken,
)
from apps.sla.models import Closure, Holiday, Policy, PolicyVersion, ShortenedHours
from apps.sla.selectors import build_calendar, invalidate_calendar, policies_cache

COUNTRY = "BH"
# One PostgreSQL advisory lock serialises every calendar edit, so the before/after
# comparison and the overlap checks of one edit never interleave with another's.
CALENDAR_LOCK_KEY = 0x534C4143


# --- the hooks ---------------------------------------------------------------------------


def calendar_change_check(*, dates: Iterable[date], calendar: Calendar) -> None:
    """Refuse a change that would move met or breached clocks.

    Sends ``signals.calendar_change_requested``; each receiver returns the clocks it would
    move (an empty list when none). Any such clock refuses the change.
    """
    dates = frozenset(dates)
    if not dates:
        return
    conflicts: list = []
    for _receiver, response in signals.calendar_change_requested.send(
        sender=Calendar, dates=dates, calendar=calendar
    ):
        conflicts.extend(response or [])
    if conflicts:
        raise CalendarChangeRefused(
            details={
                "dates": sorted(d.isoformat() for d in dates),
                "count": len(conflicts),
                "clocks": conflicts[:50],
            }
        )


def calendar_changed(*, dates: Iterable[date], actor, calendar: Calendar | None = None) -> None:
    """Tell every holder of deadlines that the working hours of ``dates`` changed.

    Sends ``signals.calendar_changed`` (receivers recompute OPEN clocks only) inside the
    current transaction, and makes every process reload the calendar once it commits.
    """
    dates = frozenset(dates)
    if dates:
        signals.calendar_changed.send(
            sender=Calendar, dates=dates, calendar=calendar or build_calendar(), actor=actor
        )
    transaction.on_commit(invalidate_calendar)


@contextmanager
def _calendar_edit(*, actor):
    """Lock the calendar, let the caller write, then check and announce what changed.

    1. Take the calendar lock and build the calendar as it stands.
    2. The caller writes its rows (inside the same transaction).
    3. Build the calendar again and find the dates whose working hours changed.
    4. Refuse (roll everything back) if that would move a met clock; else announce it.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CALENDAR_LOCK_KEY])
    before = build_calendar()
    yield
    after = build_calendar()
    dates = before.changed_dates(after)
    calendar_change_check(dates=dates, calendar=after)
    calendar_changed(dates=dates, actor=actor, calendar=after)


# --- holidays ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PackageHoliday:
    key: str
    date: date
    name_ar: str
    name_en: str
    estimated: bool


def package_holidays(year: int) -> list[PackageHoliday]:
    """Bahrain's official holidays of ``year`` from the ``holidays`` package.

    The package marks an Islamic date it only estimates by adding "(estimated)" to its
    name (``islamic_show_estimated``, on by default). Rather than parse that label, the
    names with and without it are compared: a date whose names differ is an estimate.
    """

    def load(language, show_estimated):
        return holidays_package.country_holidays(
            COUNTRY, years=year, language=language, islamic_show_estimated=show_estimated
        )

    arabic, english, english_marked = load("ar", False), load("en_US", False), load("en_US", True)
    found, seen = [], {}
    for day in sorted(d for d in english if d.year == year):
        names_en = english.get_list(day)
        label = " + ".join(names_en)
        seen[label] = seen.get(label, 0) + 1
        found.append(
            PackageHoliday(
                key=f"{year}:{label}:{seen[label]}",
                date=day,
                name_ar="، ".join(arabic.get_list(day)),
                name_en="; ".join(names_en),
                estimated=english_marked.get_list(day) != names_en,
            )
        )
    return found


@dataclass
class ImportResult:
    year: int
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    kept: int = 0  # left as an administrator confirmed, moved or entered it
    removed: int = 0


@transaction.atomic
def holiday_import_year(*, year: int, actor=None) -> ImportResult:
    """Materialise one year's official holidays; running it again changes nothing.

    Rows an administrator confirmed or moved are kept as they are; unconfirmed rows follow
    the package (a newer package may confirm or move an estimate). A manual holiday
    already on a date wins over the package's.
    """
    result = ImportResult(year=year)
    entries = package_holidays(year)
    with _calendar_edit(actor=actor):
        existing = {h.source_key: h for h in Holiday.objects.filter(source_key__startswith=f"{year}:")}
        for entry in entries:
            row = existing.pop(entry.key, None)
            if row is None:
                if Holiday.objects.filter(date=entry.date).exists():
                    result.kept += 1
                    continue
                Holiday.objects.create(
                    date=entry.date,
                    name_ar=entry.name_ar,
                    name_en=entry.name_en,
                    source=Holiday.Source.PACKAGE,
                    source_key=entry.key,
                    package_date=entry.date,
                    estimated=entry.estimated,
                )
                result.created += 1
                continue
            if row.confirmed_at is not None:
                result.kept += 1
                continue
            wanted = {
                "date": entry.date,
                "package_date": entry.date,
                "name_ar": entry.name_ar,
                "name_en": entry.name_en,
                "estimated": entry.estimated,
            }
            if all(getattr(row, field) == value for field, value in wanted.items()):
                result.unchanged += 1
                continue
            if Holiday.objects.filter(date=entry.date).exclude(pk=row.pk).exists():
                result.kept += 1
                continue
            for field, value in wanted.items():
                setattr(row, field, value)
            row.save(update_fields=[*wanted, "updated_at"])
            result.updated += 1
        # Package rows no longer in the package (an estimate it dropped), unless confirmed.
        stale = [row.pk for row in existing.values() if row.confirmed_at is None]
        result.kept += len(existing) - len(stale)
        result.removed = Holiday.objects.filter(pk__in=stale).delete()[0]
    return result


def _require_free_dates(days: Iterable[date], *, excluding: Iterable[int] = ()) -> None:
    taken = list(Holiday.objects.filter(date__in=list(days)).exclude(pk__in=list(excluding)).order_by("date"))
    if taken:
        raise CalendarOverlap(
            _("There is already a holiday on %(date)s.") % {"date": taken[0].date.isoformat()},
            code="sla_holiday_date_taken",
            details={"dates": [h.date.isoformat() for h in taken]},
        )


def _require_names(name_ar: str, name_en: str) -> None:
    if not (name_ar or "").strip() or not (name_en or "").strip():
        raise CalendarInputInvalid(_("Give the name in Arabic and in English."), code="sla_name_required")


@transaction.atomic
def holiday_create(*, date: date, name_ar: str, name_en: str, actor) -> Holiday:
    """An official holiday the package does not know (a one-off decree)."""
    _require_names(name_ar, name_en)
    with _calendar_edit(actor=actor):
        _require_free_dates([date])
        holiday = Holiday.objects.create(
            date=date,
            name_ar=name_ar.strip(),
            name_en=name_en.strip(),
            source=Holiday.Source.MANUAL,
            confirmed_at=timezone.now(),
            confirmed_by=actor,
        )
    return holiday


@transaction.atomic
def holiday_update(*, holiday: Holiday, date: date, name_ar: str, name_en: str, actor) -> Holiday:
    """Rename or move one holiday; a move confirms its date."""
    _require_names(name_ar, name_en)
    with _calendar_edit(actor=actor):
        holiday = Holiday.objects.select_for_update().get(pk=holiday.pk)
        fields = ["name_ar", "name_en", "updated_at"]
        holiday.name_ar, holiday.name_en = name_ar.strip(), name_en.strip()
        if date != holiday.date:
            _require_free_dates([date], excluding=[holiday.pk])
            holiday.date = date
            holiday.estimated = False
            holiday.confirmed_at, holiday.confirmed_by = timezone.now(), actor
            fields += ["date", "estimated", "confirmed_at", "confirmed_by"]
        holiday.save(update_fields=fields)
    return holiday


def holiday_move(*, holiday: Holiday, to_date: date, actor) -> Holiday:
    return holiday_update(
        holiday=holiday, date=to_date, name_ar=holiday.name_ar, name_en=holiday.name_en, actor=actor
    )


@transaction.atomic
def holiday_shift(*, holidays: Iterable[Holiday], days: int, actor) -> list[Holiday]:
    """Move several holidays by the same number of days (all three days of an Eid at once)."""
    if not days:
        raise CalendarInputInvalid(_("Choose a number of days other than zero."), code="sla_shift_zero")
    ids = [h.pk for h in holidays]
    with _calendar_edit(actor=actor):
        rows = list(Holiday.objects.select_for_update().filter(pk__in=ids).order_by("date"))
        _require_free_dates([r.date + timedelta(days=days) for r in rows], excluding=ids)
        now = timezone.now()
        for row in rows:
            row.date += timedelta(days=days)
            row.estimated = False
            row.confirmed_at, row.confirmed_by = now, actor
            # The one-per-date constraint is deferred: rows may coincide until commit.
            row.save(update_fields=["date", "estimated", "confirmed_at", "confirmed_by", "updated_at"])
    return rows


@transaction.atomic
def holiday_confirm(*, holidays: Iterable[Holiday], actor) -> int:
    """Confirm estimated dates as they stand (no deadline moves)."""
    ids = [h.pk for h in holidays]
    with _calendar_edit(actor=actor):
        count = Holiday.objects.filter(pk__in=ids, estimated=True).update(
            estimated=False, confirmed_at=timezone.now(), confirmed_by=actor, updated_at=timezone.now()
        )
    return count


@transaction.atomic
def holiday_delete(*, holiday: Holiday, actor) -> None:
    with _calendar_edit(actor=actor):
        Holiday.objects.filter(pk=holiday.pk).delete()


# --- closures and shortened hours ---------------------------------------------------------


def _check_range(start_date: date, end_date: date) -> None:
    if end_date < start_date:
        raise CalendarInputInvalid(
            _("The last day must not be before the first day."),
            code="sla_dates_reversed",
            details={"start_date": start_date.isoformat(), "end_date": end_date.isoformat()},
        )


def closure_validate(*, start_date: date, end_date: date, exclude_pk: int | None = None) -> None:
    """Refuse reversed dates and any overlap with another closure (also used by the admin form)."""
    _check_range(start_date, end_date)
    clash = (
        Closure.objects.filter(start_date__lte=end_date, end_date__gte=start_date)
        .exclude(pk=exclude_pk)
        .order_by("start_date")
        .first()
    )
    if clash:
        raise CalendarOverlap(
            _("These dates overlap the closure “%(name)s” (%(start)s to %(end)s).")
            % {"name": str(clash), "start": clash.start_date.isoformat(), "end": clash.end_date.isoformat()},
            code="sla_closure_overlap",
            details={
                "closure": clash.pk,
                "start_date": clash.start_date.isoformat(),
                "end_date": clash.end_date.isoformat(),
            },
        )


def shortened_hours_validate(
    *, start_date: date, end_date: date, opens_at: time, closes_at: time, exclude_pk: int | None = None
) -> None:
    _check_range(start_date, end_date)
    if not opens_at < closes_at:
        raise CalendarInputInvalid(
            _("Opening time must be before closing time."),
            code="sla_hours_reversed",
            details={"opens_at": opens_at.isoformat(), "closes_at": closes_at.isoformat()},
        )
    clash = (
        ShortenedHours.objects.filter(start_date__lte=end_date, end_date__gte=start_date)
        .exclude(pk=exclude_pk)
        .order_by("start_date")
        .first()
    )
    if clash:
        raise CalendarOverlap(
            _("These dates overlap the shortened hours “%(name)s” (%(start)s to %(end)s).")
            % {"name": str(clash), "start": clash.start_date.isoformat(), "end": clash.end_date.isoformat()},
            code="sla_shortened_hours_overlap",
            details={"shortened_hours": clash.pk},
        )


def _save_guarded(obj, overlap_code: str, **kwargs) -> None:
    """Save; a concurrent overlapping insert that slipped past the check hits the exclusion constraint."""
    try:
        with transaction.atomic():
            obj.save(**kwargs)
    except IntegrityError as error:
        raise CalendarOverlap(code=overlap_code) from error


@transaction.atomic
def closure_create(*, start_date: date, end_date: date, name_ar: str, name_en: str, actor) -> Closure:
    _require_names(name_ar, name_en)
    with _calendar_edit(actor=actor):
        closure_validate(start_date=start_date, end_date=end_date)
        closure = Closure(
            start_date=start_date,
            end_date=end_date,
            name_ar=name_ar.strip(),
            name_en=name_en.strip(),
            created_by=actor,
        )
        _save_guarded(closure, "sla_closure_overlap")
    return closure


@transaction.atomic
def closure_update(
    *, closure: Closure, start_date: date, end_date: date, name_ar: str, name_en: str, actor
) -> Closure:
    _require_names(name_ar, name_en)
    with _calendar_edit(actor=actor):
        closure = Closure.objects.select_for_update().get(pk=closure.pk)
        closure_validate(start_date=start_date, end_date=end_date, exclude_pk=closure.pk)
        closure.start_date, closure.end_date = start_date, end_date
        closure.name_ar, closure.name_en = name_ar.strip(), name_en.strip()
        _save_guarded(closure, "sla_closure_overlap")
    return closure


@transaction.atomic
def closure_delete(*, closure: Closure, actor) -> None:
    with _calendar_edit(actor=actor):
        Closure.objects.filter(pk=closure.pk).delete()


@transaction.atomic
def shortened_hours_create(
    *, start_date: date, end_date: date, opens_at: time, closes_at: time, name_ar: str, name_en: str, actor
) -> ShortenedHours:
    _require_names(name_ar, name_en)
    with _calendar_edit(actor=actor):
        shortened_hours_validate(
            start_date=start_date, end_date=end_date, opens_at=opens_at, closes_at=closes_at
        )
        row = ShortenedHours(
            start_date=start_date,
            end_date=end_date,
            opens_at=opens_at,
            closes_at=closes_at,
            name_ar=name_ar.strip(),
            name_en=name_en.strip(),
            created_by=actor,
        )
        _save_guarded(row, "sla_shortened_hours_overlap")
    return row


@transaction.atomic
def shortened_hours_update(
    *,
    shortened: ShortenedHours,
    start_date: date,
    end_date: date,
    opens_at: time,
    closes_at: time,
    name_ar: str,
    name_en: str,
    actor,
) -> ShortenedHours:
    _require_names(name_ar, name_en)
    with _calendar_edit(actor=actor):
        row = ShortenedHours.objects.select_for_update().get(pk=shortened.pk)
        shortened_hours_validate(
            start_date=start_date,
            end_date=end_date,
            opens_at=opens_at,
            closes_at=closes_at,
            exclude_pk=row.pk,
        )
        row.start_date, row.end_date, row.opens_at, row.closes_at = start_date, end_date, opens_at, closes_at
        row.name_ar, row.name_en = name_ar.strip(), name_en.strip()
        _save_guarded(row, "sla_shortened_hours_overlap")
    return row


@transaction.atomic
def shortened_hours_delete(*, shortened: ShortenedHours, actor) -> None:
    with _calendar_edit(actor=actor):
        ShortenedHours.objects.filter(pk=shortened.pk).delete()


# --- policies ----------------------------------------------------------------------------

TargetInput = tuple[int, str] | None  # (value, unit) or None for "no target"


def policy_targets_validate(targets: Mapping[str, TargetInput]) -> dict[str, tuple[int, str]]:
    """Check a set of targets: at least one; whole numbers; a known unit each; zero only
    for acknowledgement ("at once"); never negative. Returns the targets that are set."""
    cleaned: dict[str, tuple[int, str]] = {}
    for key, given in targets.items():
        target = Target(key)
        if given is None or given[0] is None:
            continue
        value, unit = given
        label = {"target": TARGET_LABELS[target]}
        if isinstance(value, bool) or not isinstance(value, int):
            raise PolicyInvalid(
                _("Each target must be a whole number."), code="sla_target_not_whole", details={key: value}
            )
        if value < 0:
            raise PolicyInvalid(
                _("A target cannot be negative (%(target)s).") % label,
                code="sla_target_negative",
                details={key: value},
            )
        if value == 0 and target is not Target.ACKNOWLEDGEMENT:
            raise PolicyInvalid(
                _("A target of zero means “at once” and is allowed for acknowledgement only (%(target)s).")
                % label,
                code="sla_target_zero",
                details={key: value},
            )
        if unit not in {u.value for u in Unit}:
            raise PolicyInvalid(
                _("Choose a unit for each target: working hours, working days or calendar days."),
                code="sla_target_unit_missing",
                details={key: unit},
            )
        cleaned[target.value] = (value, Unit(unit).value)
    if not cleaned:
        raise PolicyInvalid(_("A policy needs at least one target."), code="sla_target_missing")
    return cleaned


def _effective_from(policy: Policy | None, effective_from: datetime | None) -> datetime:
    now = timezone.now()
    effective_from = effective_from or now
    # A version must never reach back to tickets that already exist.
    if effective_from < now - timedelta(seconds=1):
        raise PolicyInvalid(
            _("A new version applies to new tickets only, so it cannot take effect in the past."),
            code="sla_policy_effective_in_past",
            details={"effective_from": effective_from.isoformat()},
        )
    if policy is not None:
        latest = policy.versions.aggregate(latest=Max("effective_from"))["latest"]
        if latest is not None and effective_from < latest:
            raise PolicyInvalid(
                _("A new version must take effect after the latest one (%(latest)s).")
                % {"latest": format_moment(latest)},
                code="sla_policy_effective_before_latest",
                details={"latest": latest.isoformat()},
            )
    return effective_from


def _version_fields(cleaned: Mapping[str, tuple[int, str]]) -> dict:
    fields = {}
    for target in Target:
        value, unit = cleaned.get(target.value, (None, None))
        fields[f"{target.value}_value"], fields[f"{target.value}_unit"] = value, unit
    return fields


@transaction.atomic
def policy_create(
    *,
    name_ar: str,
    name_en: str,
    kind: str | None,
    channel: str | None,
    priority: str | None,
    targets: Mapping[str, TargetInput],
    actor,
    effective_from: datetime | None = None,
    note: str = "",
) -> Policy:
    """A new policy scope with its first version."""
    if not (name_ar or "").strip() or not (name_en or "").strip():
        raise PolicyInvalid(_("Give the name in Arabic and in English."), code="sla_name_required")
    cleaned = policy_targets_validate(targets)
    scope = {"kind": kind or None, "channel": channel or None, "priority": priority or None}
    lookups = {
        (f"{key}__isnull" if value is None else key): (True if value is None else value)
        for key, value in scope.items()
    }
    if Policy.objects.filter(**lookups).exists():
        raise PolicyScopeTaken(details=scope)
    effective_from = _effective_from(None, effective_from)
    try:
        with transaction.atomic():
            policy = Policy.objects.create(name_ar=name_ar.strip(), name_en=name_en.strip(), **scope)
    except IntegrityError as error:  # a concurrent creation of the same scope
        raise PolicyScopeTaken(details=scope) from error
    PolicyVersion.objects.create(
        policy=policy,
        number=1,
        effective_from=effective_from,
        note=note,
        created_by=actor,
        **_version_fields(cleaned),
    )
    return policy


@transaction.atomic
def policy_version_create(
    *,
    policy: Policy,
    targets: Mapping[str, TargetInput],
    actor,
    effective_from: datetime | None = None,
    note: str = "",
) -> PolicyVersion:
    """Change a policy's targets for tickets created from ``effective_from`` on (default now).

    Earlier versions stay as they were; tickets keep the version they started under.
    """
    cleaned = policy_targets_validate(targets)
    policy = Policy.objects.select_for_update().get(pk=policy.pk)
    effective_from = _effective_from(policy, effective_from)
    number = (policy.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    return PolicyVersion.objects.create(
        policy=policy,
        number=number,
        effective_from=effective_from,
        note=note,
        created_by=actor,
        **_version_fields(cleaned),
    )


@transaction.atomic
def policy_retire(
    *, policy: Policy, actor, effective_from: datetime | None = None, note: str = ""
) -> PolicyVersion:
    """Stop a policy applying to tickets created from ``effective_from`` on."""
    policy = Policy.objects.select_for_update().get(pk=policy.pk)
    effective_from = _effective_from(policy, effective_from)
    number = (policy.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    return PolicyVersion.objects.create(
        policy=policy, number=number, effective_from=effective_from, retired=True, note=note, created_by=actor
    )


@transaction.atomic
def policy_rename(*, policy: Policy, name_ar: str, name_en: str, actor) -> Policy:
    """Names are labels only; changing them never changes a deadline, so it is done in place."""
    if not (name_ar or "").strip() or not (name_en or "").strip():
        raise PolicyInvalid(_("Give the name in Arabic and in English."), code="sla_name_required")
    Policy.objects.filter(pk=policy.pk).update(
        name_ar=name_ar.strip(), name_en=name_en.strip(), updated_at=timezone.now()
    )
    policies_cache.changed()  # an update() sends no post_save
    policy.refresh_from_db()
    return policy
