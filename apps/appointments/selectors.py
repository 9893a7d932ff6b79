"""Every read of the appointments app: catalogue, availability (re-exported from
``availability``), a citizen's appointments, the front desk's day, the supervisor's figures,
the statement figures and the 360° timeline source."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.appointments.availability import Slot, check_slot, free_slots  # noqa: F401 - the one query path
from apps.appointments.models import (
    ATTENDED,
    Appointment,
    Branch,
    BranchClosure,
    BranchStaff,
    Channel,
    Offering,
    Service,
    Status,
)
from apps.citizens import timeline
from apps.core.templatetags.dates import hijri_date

BOOK_PERMISSION = "appointments.book_appointment"
DESK_PERMISSION = "appointments.use_front_desk"
FIGURES_PERMISSION = "appointments.view_appointment_figures"
CLOSURE_PERMISSION = "appointments.manage_branch_closures"


def active_services() -> QuerySet[Service]:
    return Service.objects.filter(
        is_active=True, offerings__is_active=True, offerings__branch__is_active=True
    ).distinct()


def branches_offering(service: Service | None = None) -> QuerySet[Branch]:
    qs = Branch.objects.filter(is_active=True)
    if service is not None:
        qs = qs.filter(offerings__service=service, offerings__is_active=True)
    return qs.distinct().order_by("name_en")


def offerings() -> QuerySet[Offering]:
    return Offering.objects.filter(
        is_active=True, branch__is_active=True, service__is_active=True
    ).select_related("branch", "service")


def service_by_code_or_id(value) -> Service | None:
    if value in (None, ""):
        return None
    text = str(value).strip()
    qs = Service.objects.filter(is_active=True)
    return (
        qs.filter(pk=int(text)).first()
        if text.isascii() and text.isdecimal()
        else qs.filter(code=text).first()
    )


def branch_by_code_or_id(value) -> Branch | None:
    if value in (None, ""):
        return None
    text = str(value).strip()
    qs = Branch.objects.filter(is_active=True)
    return (
        qs.filter(pk=int(text)).first()
        if text.isascii() and text.isdecimal()
        else qs.filter(code=text).first()
    )


def _appointments() -> QuerySet[Appointment]:
    return Appointment.objects.select_related("citizen", "branch", "service")


def appointment_by_reference(reference: str) -> Appointment | None:
    from apps.core.text import latin_digits

    text = latin_digits(str(reference or "")).strip().upper().replace(" ", "")
    if text and not text.startswith("A-") and text[:1] == "A":
        text = "A-" + text[1:].lstrip("-")
    return _appointments().filter(reference=text).first()


def appointment_get(*, pk: int) -> Appointment | None:
    return _appointments().filter(pk=pk).first()


def citizen_appointments(
    *, citizen, upcoming_only: bool = False, now: datetime | None = None
) -> QuerySet[Appointment]:
    qs = _appointments().filter(citizen=citizen).order_by("-slot_start")
    if upcoming_only:
        qs = qs.filter(status=Status.BOOKED, slot_start__gte=now or timezone.now()).order_by("slot_start")
    return qs


def affected_by_closure(*, closure: BranchClosure) -> list[Appointment]:
    tz = timezone.get_current_timezone()
    since = datetime.combine(closure.start_date, time.min, tzinfo=tz)
    until = datetime.combine(closure.end_date + timedelta(days=1), time.min, tzinfo=tz)
    return list(
        _appointments()
        .prefetch_related("citizen__phones")
        .filter(
            branch_id=closure.branch_id, status=Status.BOOKED, slot_start__gte=since, slot_start__lt=until
        )
        .order_by("slot_start", "id")
    )


def open_closures(*, now: datetime | None = None) -> QuerySet[BranchClosure]:
    today = timezone.localtime(now or timezone.now()).date()
    return BranchClosure.objects.filter(end_date__gte=today).select_related("branch").order_by("start_date")


# --- the front desk -----------------------------------------------------------------------


def staff_branch(user) -> Branch | None:
    post = BranchStaff.objects.filter(user=user).select_related("branch").first()
    return post.branch if post else None


def desk_branches(user) -> list[Branch]:
    """The branches a member of staff may work the desk of: their own, or all for a
    supervisor or administrator who has the figures too."""
    own = staff_branch(user)
    if own is not None and not user.has_perm(FIGURES_PERMISSION):
        return [own]
    return list(Branch.objects.filter(is_active=True).order_by("name_en"))


def day_bounds(day: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return datetime.combine(day, time.min, tzinfo=tz), datetime.combine(
        day + timedelta(days=1), time.min, tzinfo=tz
    )


def day_list(*, branch: Branch, day: date, query: str = "") -> list[Appointment]:
    """The branch's appointments and walk-ins of one day, by time; ``query`` narrows to a
    CPR or a reference."""
    since, until = day_bounds(day)
    qs = _appointments().filter(branch=branch, slot_start__gte=since, slot_start__lt=until)
    query = (query or "").strip()
    if query:
        from apps.core.text import latin_digits

        digits = latin_digits(query).replace(" ", "")
        qs = qs.filter(Q(citizen__cpr=digits) | Q(reference__iexact=digits))
    return list(qs.order_by("slot_start", "id"))


# --- the supervisor's figures -------------------------------------------------------------


@dataclass
class FigureRow:
    branch: Branch
    service: Service
    day: date | None
    capacity: int = 0
    booked: int = 0
    attended: int = 0
    no_show: int = 0
    cancelled: int = 0
    walk_ins: int = 0
    wait_total_minutes: float = 0.0
    wait_count: int = 0
    links: dict = field(default_factory=dict)

    @property
    def utilisation(self) -> float | None:
        return round(self.booked * 100 / self.capacity, 1) if self.capacity else None

    @property
    def average_wait(self) -> float | None:
        return round(self.wait_total_minutes / self.wait_count, 1) if self.wait_count else None


def _capacity_by(first: date, last: date) -> dict[tuple[int, int, date], int]:
    """Seats offered per branch × service × day (the slot grid times its capacity)."""
    from apps.appointments.availability import Plan

    result = {}
    for service in Service.objects.filter(offerings__isnull=False).distinct():
        plan = Plan(service=service, first=first, last=last)
        for branch_id in plan.offerings:
            for n in range((last - first).days + 1):
                day = first + timedelta(days=n)
                grid = plan.day_grid(branch_id, day)
                if grid:
                    result[(branch_id, service.pk, day)] = len(grid) * plan.capacity(branch_id, day)
    return result


def supervisor_figures(*, first: date, last: date, by_day: bool = True) -> list[FigureRow]:
    """Bookings (dated in the range, not cancelled), capacity, utilisation, attendance,
    no-shows, cancellations, walk-ins and the average wait from check-in to served, by
    branch × service (× day). Every count links to the list of appointments behind it."""
    since, _x = day_bounds(first)
    _y, until = day_bounds(last)
    rows = Appointment.objects.filter(slot_start__gte=since, slot_start__lt=until).values_list(
        "branch_id", "service_id", "slot_start", "status", "channel", "checked_in_at", "served_at"
    )
    branches = {b.pk: b for b in Branch.objects.all()}
    services = {s.pk: s for s in Service.objects.all()}
    capacity = _capacity_by(first, last)
    table: dict[tuple, FigureRow] = {}

    def row_for(branch_id, service_id, day):
        key = (branch_id, service_id, day if by_day else None)
        if key not in table:
            table[key] = FigureRow(branch=branches[branch_id], service=services[service_id], day=key[2])
        return table[key]

    for (branch_id, service_id, day), seats in capacity.items():
        row_for(branch_id, service_id, day).capacity += seats
    for branch_id, service_id, start, status, channel, checked_in, served in rows:
        row = row_for(branch_id, service_id, timezone.localtime(start).date())
        if channel == Channel.WALK_IN:
            row.walk_ins += 1
        elif status == Status.CANCELLED:
            row.cancelled += 1
        else:
            row.booked += 1
            if status in ATTENDED:
                row.attended += 1
            elif status == Status.NO_SHOW:
                row.no_show += 1
        if checked_in and served:
            row.wait_total_minutes += (served - checked_in).total_seconds() / 60
            row.wait_count += 1
    base = reverse("appointments:list")
    result = sorted(table.values(), key=lambda r: (r.day or first, r.branch.name_en, r.service.order))
    for row in result:
        params = f"branch={row.branch.pk}&service={row.service.pk}"
        if row.day:
            params += f"&from={row.day.isoformat()}&to={row.day.isoformat()}"
        else:
            params += f"&from={first.isoformat()}&to={last.isoformat()}"
        row.links = {
            "booked": f"{base}?{params}&status=held",
            "attended": f"{base}?{params}&status=attended",
            "no_show": f"{base}?{params}&status=no_show",
            "cancelled": f"{base}?{params}&status=cancelled",
            "walk_ins": f"{base}?{params}&status=walk_in",
            "wait": f"{base}?{params}&status=served",
        }
    return result


STATUS_FILTERS = {
    "held": Q(status__in=[Status.BOOKED, Status.CHECKED_IN, Status.SERVED, Status.NO_SHOW])
    & ~Q(channel=Channel.WALK_IN),
    "attended": Q(status__in=list(ATTENDED)) & ~Q(channel=Channel.WALK_IN),
    "no_show": Q(status=Status.NO_SHOW),
    "cancelled": Q(status=Status.CANCELLED),
    "walk_in": Q(channel=Channel.WALK_IN),
    "served": Q(status=Status.SERVED),
    "booked": Q(status=Status.BOOKED),
    # Booked ahead (not walk-ins), whatever became of them: the statement's "booked" figure.
    "booked_ahead": ~Q(channel=Channel.WALK_IN),
}


def appointment_list(
    *,
    branch_id=None,
    service_id=None,
    first: date | None = None,
    last: date | None = None,
    status: str = "",
    by_booking: bool = False,
) -> QuerySet[Appointment]:
    """Appointments dated from ``first`` to ``last`` (or, ``by_booking``, booked in those days,
    as the statement counts "booked")."""
    qs = _appointments()
    if branch_id:
        qs = qs.filter(branch_id=branch_id)
    if service_id:
        qs = qs.filter(service_id=service_id)
    moment = "booked_at" if by_booking else "slot_start"
    if first:
        qs = qs.filter(**{f"{moment}__gte": day_bounds(first)[0]})
    if last:
        qs = qs.filter(**{f"{moment}__lt": day_bounds(last)[1]})
    if status in STATUS_FILTERS:
        qs = qs.filter(STATUS_FILTERS[status])
    return qs.order_by("slot_start", "id")


# --- the monthly statement ----------------------------------------------------------------


def statement_figures(*, start: datetime, end: datetime) -> dict[str, int]:
    """The ``appointments.*`` figures of the statement for ``[start, end)`` (Bahrain month).

    - ``appointments.booked.<branch>.<service>``: appointments *booked* in the period (by
      ``booked_at``, walk-ins excluded, cancelled ones included: they were booked), every
      offered pair listed (zero too), largest first;
    - ``appointments.attended`` / ``.no_show`` / ``.cancelled``: of the appointments *dated*
      in the period (walk-ins excluded).
    The reports app calls this; it reads nothing else of this app.
    """
    figures: dict[str, int] = {}
    booked = {
        (b, s): n
        for b, s, n in Appointment.objects.filter(booked_at__gte=start, booked_at__lt=end)
        .exclude(channel=Channel.WALK_IN)
        .values_list("branch__code", "service__code")
        .annotate(n=Count("id"))
        .values_list("branch__code", "service__code", "n")
    }
    for branch_code, service_code in Offering.objects.values_list("branch__code", "service__code"):
        booked.setdefault((branch_code, service_code), 0)
    for (branch_code, service_code), n in sorted(booked.items(), key=lambda item: (-item[1], item[0])):
        figures[f"appointments.booked.{branch_code}.{service_code}"] = n
    dated = Appointment.objects.filter(slot_start__gte=start, slot_start__lt=end).exclude(
        channel=Channel.WALK_IN
    )
    counts = dated.aggregate(
        attended=Count("id", filter=Q(status__in=list(ATTENDED))),
        no_show=Count("id", filter=Q(status=Status.NO_SHOW)),
        cancelled=Count("id", filter=Q(status=Status.CANCELLED)),
    )
    figures["appointments.attended"] = counts["attended"]
    figures["appointments.no_show"] = counts["no_show"]
    figures["appointments.cancelled"] = counts["cancelled"]
    return figures


STATEMENT_DEFINITIONS = {
    "appointments.booked": (
        "المواعيد المحجوزة في الشهر لكل فرع وخدمة",
        "Appointments booked in the month, by branch and service",
    ),
    "appointments.attended": (
        "المواعيد المؤرخة في الشهر التي حضرها المواطن",
        "Appointments dated in the month that were attended",
    ),
    "appointments.no_show": (
        "المواعيد المؤرخة في الشهر التي لم يحضرها المواطن",
        "Appointments dated in the month that were missed",
    ),
    "appointments.cancelled": (
        "المواعيد المؤرخة في الشهر التي أُلغيت",
        "Appointments dated in the month that were cancelled",
    ),
}


# --- the 360° timeline --------------------------------------------------------------------

_BADGE = {
    Status.BOOKED: "primary",
    Status.CHECKED_IN: "info",
    Status.SERVED: "success",
    Status.NO_SHOW: "danger",
    Status.CANCELLED: "secondary",
}


def _appointment_entry(appointment, viewer) -> timeline.TimelineEntry:
    local = timezone.localtime(appointment.slot_start)
    return timeline.TimelineEntry(
        at=appointment.booked_at,
        kind="appointment",
        id=appointment.pk,
        kind_label=_("Appointment"),
        title=_("%(service)s at %(branch)s")
        % {
            "service": appointment.service.display_name(),
            "branch": appointment.branch.display_name(),
        },
        body=_("%(date)s (%(hijri)s) at %(time)s")
        % {
            "date": local.date().isoformat(),
            "hijri": hijri_date(local),
            "time": local.strftime("%H:%M"),
        },
        url=reverse("appointments:detail", args=[appointment.pk])
        if viewer.has_perm(BOOK_PERMISSION)
        or viewer.has_perm(DESK_PERMISSION)
        or viewer.has_perm(FIGURES_PERMISSION)
        else "",
        badges=[(appointment.get_status_display(), _BADGE.get(appointment.status, "secondary"))],
        details=[
            (_("Reference"), appointment.reference),
            (_("Booked through"), appointment.get_channel_display()),
        ],
    )


# One entry per appointment, at the time it was booked; staff who may read the citizen's
# file see it (nothing in it is confidential). Read in the timeline's one query.
APPOINTMENTS_TIMELINE = timeline.QuerySource(
    kind="appointment",
    rows=lambda *, citizen, viewer: Appointment.objects.filter(citizen_id=citizen.pk),
    at_field="booked_at",
    related=("citizen", "branch", "service"),
    entry=_appointment_entry,
)


def staff_case_exists(*, user: str, citizen: str, until: datetime) -> Exists:
    """Whether the member of staff in the outer query's ``user`` column booked, checked in or
    served an appointment of the citizen in its ``citizen`` column, booked before ``until``
    (apps.privacy.desk's unusual-reading alerts)."""
    theirs = (
        Q(booked_by_id=OuterRef(user)) | Q(checked_in_by_id=OuterRef(user)) | Q(served_by_id=OuterRef(user))
    )
    return Exists(
        Appointment.objects.filter(citizen_id=OuterRef(citizen), booked_at__lt=until).filter(theirs)
    )
