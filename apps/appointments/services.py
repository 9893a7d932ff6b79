"""Every write of the appointments app: book, reschedule, cancel, the front desk's moves,
walk-ins, the sweeps (reminders, no-shows) and branch closures with their bulk reschedule."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.appointments import conf, notify
from apps.appointments.availability import Slot, check_slot, free_slots
from apps.appointments.errors import (
    AlreadyBooked,
    AppointmentTransitionError,
    NoShowRestricted,
    NotReschedulable,
    ServiceNotOffered,
    SlotRefused,
    SlotTaken,
)
from apps.appointments.models import (
    MOVES,
    Appointment,
    AppointmentEvent,
    Branch,
    BranchClosure,
    Channel,
    Offering,
    ServedOutcome,
    Service,
    SlotCounter,
    Status,
)
from apps.core.errors import ValidationFailed
from apps.sla.selectors import get_calendar
from apps.tickets.review_numbers import damm_check_digit

logger = logging.getLogger(__name__)

REFERENCE_SEQUENCE = "appointments_reference_seq"
# Channels where the citizen books by themselves; the no-show rule applies to these only.
SELF_SERVICE = frozenset({Channel.PORTAL, Channel.API})


def next_reference() -> str:
    """``A-004817-3``: a PostgreSQL sequence (never MAX()+1) and a Damm check digit."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(%s::regclass)", [REFERENCE_SEQUENCE])
        number = f"{cursor.fetchone()[0]:06d}"
    return f"A-{number}-{damm_check_digit(number)}"


def _event(appointment, *, kind, actor, now, channel="", reason="", **fields) -> None:
    AppointmentEvent.objects.create(
        appointment=appointment,
        kind=kind,
        actor=actor,
        at=now,
        channel=channel,
        reason=reason[:300],
        **fields,
    )


# --- seats --------------------------------------------------------------------------------


def _take_seat(*, service: Service, branch: Branch, slot: Slot, now: datetime) -> None:
    """Take one seat of the slot or refuse with ``SlotTaken`` and the next free slots.

    The counter row is created with the first seat, or incremented only while under capacity,
    in one ``INSERT … ON CONFLICT DO UPDATE``: concurrent bookings queue on the row lock and
    PostgreSQL re-checks the condition on the newest row version, so a slot never goes over
    capacity.
    """
    taken = False
    if slot.capacity > 0:
        with connection.cursor() as cursor:
            # One statement: the first seat creates the row; later ones take the update path,
            # which waits on a concurrent booking's row lock and re-checks on its result.
            cursor.execute(
                "INSERT INTO appointments_slotcounter AS c (branch_id, service_id, slot_start, booked)"
                " VALUES (%s, %s, %s, 1) ON CONFLICT (service_id, branch_id, slot_start)"
                " DO UPDATE SET booked = c.booked + 1 WHERE c.booked < %s",
                [branch.pk, service.pk, slot.start, slot.capacity],
            )
            taken = cursor.rowcount == 1
    if not taken:
        raise SlotTaken(
            details={"next_slots": alternatives(service=service, branch=branch, after=slot.start, now=now)}
        )


def _release_seat(*, service_id: int, branch_id: int, slot_start: datetime) -> None:
    SlotCounter.objects.filter(
        service_id=service_id, branch_id=branch_id, slot_start=slot_start, booked__gt=0
    ).update(booked=F("booked") - 1)


def alternatives(
    *, service: Service, branch: Branch | None, after: datetime | None = None, now=None
) -> list[dict]:
    """The next free slots to offer instead (same branch first, then any branch)."""
    limit = conf.get("HOUSING_APPOINTMENTS_ALTERNATIVES")
    slots = free_slots(service=service, branch_id=branch.pk if branch else None, now=now)
    if after is not None:
        later = [s for s in slots if s.start >= after]
        slots = later or slots
    if not slots and branch is not None:
        slots = free_slots(service=service, now=now)
    branches = {b.pk: b for b in Branch.objects.filter(pk__in={s.branch_id for s in slots[:limit]})}
    return [s.as_dict(branches) for s in slots[:limit]]


# --- rules --------------------------------------------------------------------------------


def no_shows_recently(*, citizen, now: datetime) -> int:
    days = conf.get("HOUSING_APPOINTMENTS_NO_SHOW_DAYS")
    return Appointment.objects.filter(
        citizen=citizen, status=Status.NO_SHOW, slot_start__gte=now - timedelta(days=days), slot_start__lt=now
    ).count()


def _standing(*, citizen, service, now: datetime) -> tuple[int, str]:
    """The citizen's no-shows within the rule's window and the reference of their active
    appointment for ``service`` ("" if none): one query over the citizen's appointments."""
    days = conf.get("HOUSING_APPOINTMENTS_NO_SHOW_DAYS")
    row = Appointment.objects.filter(citizen=citizen).aggregate(
        no_shows=Count(
            "pk",
            filter=Q(status=Status.NO_SHOW, slot_start__gte=now - timedelta(days=days), slot_start__lt=now),
        ),
        active=Max("reference", filter=Q(service=service, status=Status.BOOKED)),
    )
    return row["no_shows"], row["active"] or ""


def _active(citizen, service) -> Appointment | None:
    return Appointment.objects.filter(citizen=citizen, service=service, status=Status.BOOKED).first()


# --- booking ------------------------------------------------------------------------------


@transaction.atomic
def appointment_book(
    *,
    citizen,
    service: Service,
    branch: Branch,
    slot_start: datetime,
    channel: str,
    actor=None,
    contact=None,
    mobile: str = "",
    notify_citizen: bool = True,
    now: datetime | None = None,
) -> Appointment:
    """Book ``citizen`` into a slot; the confirmation goes to the outbox in the same transaction.

    1. The slot is checked (offered here, future, notice, horizon, working day, branch open,
       on the grid) — refusals write nothing.
    2. Self-service channels (portal, API) refuse a citizen with too many recent no-shows.
    3. One active appointment per citizen per service: an early check for a clear answer, the
       partial unique index for the concurrent case.
    4. A seat is taken on the slot's counter (``SlotTaken`` with the next free slots if full).
    5. The appointment, its first event and the confirmation SMS are written.
    Outbound campaigns call this with ``channel="campaign"`` and their contact.
    """
    now = now or timezone.now()
    if channel not in Channel.values or channel == Channel.WALK_IN:
        raise ValidationFailed(_("Unknown booking channel."), code="unknown_channel", details={"channel": []})
    slot, _plan = check_slot(service=service, branch=branch, slot_start=slot_start, now=now)
    no_shows, existing = _standing(citizen=citizen, service=service, now=now)
    limit = conf.get("HOUSING_APPOINTMENTS_NO_SHOW_LIMIT")
    if limit and channel in SELF_SERVICE and no_shows >= limit:
        raise NoShowRestricted()
    if existing:
        raise AlreadyBooked(details={"reference": existing})
    _take_seat(service=service, branch=branch, slot=slot, now=now)
    appointment = Appointment(
        reference=next_reference(),
        citizen=citizen,
        branch=branch,
        service=service,
        slot_start=slot.start,
        slot_end=slot.end,
        status=Status.BOOKED,
        channel=channel,
        booked_at=now,
        booked_by=actor if getattr(actor, "is_authenticated", False) else None,
        contact=contact,
        mobile=mobile or "",
    )
    try:
        with transaction.atomic():
            appointment.save(force_insert=True)
    except IntegrityError:
        # A concurrent booking of the same service for this citizen won the unique index.
        existing = _active(citizen, service)
        raise AlreadyBooked(details={"reference": existing.reference if existing else ""}) from None
    _event(
        appointment,
        kind=AppointmentEvent.Kind.BOOKED,
        actor=appointment.booked_by,
        now=now,
        channel=channel,
        to_status=Status.BOOKED,
        to_slot=slot.start,
    )
    if notify_citizen:
        notify.queue_booked(appointment, actor=appointment.booked_by)
    return appointment


def _lock(appointment: Appointment) -> Appointment:
    return (
        Appointment.objects.select_for_update()
        .select_related("citizen", "branch", "service")
        .get(pk=appointment.pk)
    )


@transaction.atomic
def appointment_reschedule(
    *,
    appointment: Appointment,
    slot_start: datetime,
    actor=None,
    branch: Branch | None = None,
    channel: str = "",
    reason: str = "",
    notify_citizen: bool = True,
    now: datetime | None = None,
) -> Appointment:
    """Move a booked appointment to another slot (same reference): take the new seat first,
    then give the old one back; attended, missed or cancelled appointments are refused."""
    now = now or timezone.now()
    locked = _lock(appointment)
    if locked.status != Status.BOOKED:
        raise NotReschedulable(details={"status": locked.status})
    branch = branch or locked.branch
    slot, _plan = check_slot(service=locked.service, branch=branch, slot_start=slot_start, now=now)
    if branch.pk == locked.branch_id and slot.start == locked.slot_start:
        return locked
    _take_seat(service=locked.service, branch=branch, slot=slot, now=now)
    _release_seat(service_id=locked.service_id, branch_id=locked.branch_id, slot_start=locked.slot_start)
    old = locked.slot_start
    locked.branch = branch
    locked.slot_start, locked.slot_end = slot.start, slot.end
    locked.reminder_sent_at = None
    locked.reschedule_count += 1
    locked.save(
        update_fields=[
            "branch",
            "slot_start",
            "slot_end",
            "reminder_sent_at",
            "reschedule_count",
            "updated_at",
        ]
    )
    _event(
        locked,
        kind=AppointmentEvent.Kind.RESCHEDULED,
        actor=_user(actor),
        now=now,
        channel=channel,
        from_slot=old,
        to_slot=slot.start,
        reason=reason,
    )
    if notify_citizen:
        notify.queue_rescheduled(locked, actor=_user(actor), reason=reason)
    return locked


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


@transaction.atomic
def appointment_cancel(
    *,
    appointment: Appointment,
    actor=None,
    reason: str = "",
    channel: str = "",
    notify_citizen: bool = True,
    now: datetime | None = None,
) -> Appointment:
    """Cancel a booked appointment, give its seat back and tell the citizen."""
    now = now or timezone.now()
    locked = _lock(appointment)
    if locked.status != Status.BOOKED:
        raise NotReschedulable(details={"status": locked.status})
    _release_seat(service_id=locked.service_id, branch_id=locked.branch_id, slot_start=locked.slot_start)
    locked.status = Status.CANCELLED
    locked.cancelled_at = now
    locked.cancel_reason = (reason or "")[:300]
    locked.save(update_fields=["status", "cancelled_at", "cancel_reason", "updated_at"])
    _event(
        locked,
        kind=AppointmentEvent.Kind.STATUS,
        actor=_user(actor),
        now=now,
        channel=channel,
        from_status=Status.BOOKED,
        to_status=Status.CANCELLED,
        reason=reason,
    )
    if notify_citizen:
        notify.queue_cancelled(locked, actor=_user(actor), reason=reason)
    return locked


@transaction.atomic
def appointment_link_contact(*, appointment: Appointment, contact, actor=None) -> Appointment:
    """The console's call that booked this appointment (its outcome "appointment booked")."""
    Appointment.objects.filter(pk=appointment.pk, contact__isnull=True).update(
        contact=contact, updated_at=timezone.now()
    )
    appointment.refresh_from_db(fields=["contact"])
    return appointment


# --- the front desk -----------------------------------------------------------------------


def _transition(locked: Appointment, to_status: str, *, actor, now, reason: str = "") -> None:
    if to_status not in MOVES.get(locked.status, frozenset()):
        raise AppointmentTransitionError(
            _("An appointment that is “%(from)s” cannot become “%(to)s”.")
            % {"from": Status(locked.status).label, "to": Status(to_status).label},
            details={"from": locked.status, "to": to_status},
        )
    _event(
        locked,
        kind=AppointmentEvent.Kind.STATUS,
        actor=_user(actor),
        now=now,
        from_status=locked.status,
        to_status=to_status,
        reason=reason,
    )
    locked.status = to_status


@transaction.atomic
def appointment_check_in(*, appointment: Appointment, actor, now: datetime | None = None) -> Appointment:
    """The citizen has arrived (the same day only; a no-show arriving late still may)."""
    now = now or timezone.now()
    locked = _lock(appointment)
    if timezone.localtime(locked.slot_start).date() != timezone.localtime(now).date():
        raise AppointmentTransitionError(
            _("Only today's appointments can be checked in."), code="check_in_not_today"
        )
    _transition(locked, Status.CHECKED_IN, actor=actor, now=now)
    locked.checked_in_at = now
    locked.checked_in_by = _user(actor)
    locked.save(update_fields=["status", "checked_in_at", "checked_in_by", "updated_at"])
    return locked


@transaction.atomic
def appointment_serve(
    *,
    appointment: Appointment,
    actor,
    outcome: str = ServedOutcome.COMPLETED,
    note: str = "",
    now: datetime | None = None,
) -> Appointment:
    """The citizen has been seen: by whom, when, with what outcome."""
    now = now or timezone.now()
    if outcome not in ServedOutcome.values:
        raise ValidationFailed(
            _("Choose the outcome."), code="unknown_outcome", details={"outcome": [_("Choose the outcome.")]}
        )
    locked = _lock(appointment)
    _transition(locked, Status.SERVED, actor=actor, now=now)
    locked.served_at = now
    locked.served_by = _user(actor)
    locked.served_outcome = outcome
    locked.served_note = (note or "")[:500]
    locked.save(
        update_fields=["status", "served_at", "served_by", "served_outcome", "served_note", "updated_at"]
    )
    return locked


@transaction.atomic
def walk_in_record(
    *, citizen, branch: Branch, service: Service, actor, now: datetime | None = None
) -> Appointment:
    """A citizen seen without an appointment: recorded checked in now (no seat is taken)."""
    now = now or timezone.now()
    if not Offering.objects.filter(branch=branch, service=service, is_active=True).exists():
        raise ServiceNotOffered(details={"service": [str(ServiceNotOffered.default_message)]})
    appointment = Appointment.objects.create(
        reference=next_reference(),
        citizen=citizen,
        branch=branch,
        service=service,
        slot_start=now,
        slot_end=now + timedelta(minutes=service.slot_minutes),
        status=Status.CHECKED_IN,
        channel=Channel.WALK_IN,
        booked_at=now,
        booked_by=_user(actor),
        checked_in_at=now,
        checked_in_by=_user(actor),
    )
    _event(
        appointment,
        kind=AppointmentEvent.Kind.BOOKED,
        actor=_user(actor),
        now=now,
        channel=Channel.WALK_IN,
        to_status=Status.CHECKED_IN,
    )
    return appointment


# --- sweeps -------------------------------------------------------------------------------


def appointments_mark_no_shows(*, now: datetime | None = None) -> int:
    """Booked appointments whose slot started more than the grace period ago become no-shows.

    Set-based and idempotent: the rows are claimed with ``SKIP LOCKED`` (a check-in holding
    one wins) and moved with a conditional update on ``status='booked'``.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(minutes=conf.get("HOUSING_APPOINTMENTS_NO_SHOW_GRACE_MINUTES"))
    with transaction.atomic():
        ids = list(
            Appointment.objects.select_for_update(skip_locked=True)
            .filter(status=Status.BOOKED, slot_start__lt=cutoff)
            .values_list("id", flat=True)
        )
        if not ids:
            return 0
        moved = Appointment.objects.filter(id__in=ids, status=Status.BOOKED).update(
            status=Status.NO_SHOW, no_show_at=now, updated_at=now
        )
        AppointmentEvent.objects.bulk_create(
            AppointmentEvent(
                appointment_id=pk,
                kind=AppointmentEvent.Kind.STATUS,
                from_status=Status.BOOKED,
                to_status=Status.NO_SHOW,
                reason="grace period passed",
                at=now,
            )
            for pk in ids
        )
    return moved


def next_working_day(day: date, calendar=None) -> date:
    calendar = calendar or get_calendar()
    candidate = day + timedelta(days=1)
    for _step in range(60):
        if calendar.is_working_day(candidate):
            return candidate
        candidate += timedelta(days=1)
    return candidate


def appointments_send_reminders(*, now: datetime | None = None) -> int:
    """The reminder, sent on the working day before the appointment (once).

    On a working day, every booked appointment dated after today and up to the next working
    day — so Thursday's run covers Sunday, and a run before a holiday covers the day after
    it — that has no reminder yet and was not booked today (its confirmation is fresh) is
    claimed with a conditional update and its SMS queued; the outbox holds it until quiet
    hours end. On a day off nothing is sent: the working day before has already done it.
    """
    now = now or timezone.now()
    calendar = get_calendar()
    today = now.astimezone(calendar.tz).date()
    if not calendar.is_working_day(today):
        return 0
    last = next_working_day(today, calendar)
    since = datetime.combine(today + timedelta(days=1), time.min, tzinfo=calendar.tz)
    until = datetime.combine(last + timedelta(days=1), time.min, tzinfo=calendar.tz)
    start_of_today = datetime.combine(today, time.min, tzinfo=calendar.tz)
    sent = 0
    with transaction.atomic():
        rows = list(
            Appointment.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("citizen", "branch", "service")
            .prefetch_related("citizen__phones")
            .filter(
                status=Status.BOOKED,
                reminder_sent_at__isnull=True,
                slot_start__gte=since,
                slot_start__lt=until,
                booked_at__lt=start_of_today,
            )
        )
        for appointment in rows:
            claimed = Appointment.objects.filter(pk=appointment.pk, reminder_sent_at__isnull=True).update(
                reminder_sent_at=now
            )
            if claimed:
                notify.queue_reminder(appointment)
                sent += 1
    return sent


# --- branch closures ----------------------------------------------------------------------


@transaction.atomic
def branch_closure_create(
    *, branch: Branch, start_date: date, end_date: date, reason_ar: str, reason_en: str = "", actor
) -> BranchClosure:
    """Close a branch for some dates; its appointments there wait for the supervisor's bulk
    reschedule (``closure_reschedule``) — no slot is offered there from now on."""
    errors = {}
    if not reason_ar.strip():
        errors["reason_ar"] = [_("Required.")]
    if start_date > end_date:
        errors["end_date"] = [_("The last day cannot be before the first.")]
    if errors:
        raise ValidationFailed(details=errors)
    return BranchClosure.objects.create(
        branch=branch,
        start_date=start_date,
        end_date=end_date,
        reason_ar=reason_ar.strip(),
        reason_en=reason_en.strip(),
        created_by=_user(actor),
    )


@dataclass
class BulkResult:
    moved: list[str]
    cancelled: list[str]


def closure_reschedule(*, closure: BranchClosure, actor, now: datetime | None = None) -> BulkResult:
    """Move every booked appointment of a closed branch's dates to the first free slot of
    the same service (same branch after the closure, else any branch), each in its own
    transaction with its own message; one that finds no slot is cancelled and told why."""
    from apps.appointments.selectors import affected_by_closure

    now = now or timezone.now()
    result = BulkResult(moved=[], cancelled=[])
    for appointment in affected_by_closure(closure=closure):
        reason_ar = "بسبب إغلاق الفرع: " + closure.reason_ar
        reason = (
            reason_ar
            if appointment.citizen.language == "ar"
            else ("Because the branch is closed: " + (closure.reason_en or closure.reason_ar))
        )
        candidates = free_slots(service=appointment.service, branch_id=closure.branch_id, now=now)
        candidates += free_slots(service=appointment.service, now=now)
        done = False
        for slot in candidates:
            branch = Branch.objects.get(pk=slot.branch_id)
            try:
                appointment_reschedule(
                    appointment=appointment,
                    slot_start=slot.start,
                    branch=branch,
                    actor=actor,
                    channel="closure",
                    reason=reason,
                    now=now,
                )
            except (SlotTaken, AlreadyBooked, SlotRefused):
                continue  # taken meanwhile (or refused): try the next free slot
            except NotReschedulable:
                break  # attended or cancelled meanwhile: nothing to move
            result.moved.append(appointment.reference)
            done = True
            break
        if not done:
            appointment.refresh_from_db(fields=["status"])
            if appointment.status == Status.BOOKED:
                appointment_cancel(
                    appointment=appointment, actor=actor, reason=reason, channel="closure", now=now
                )
                result.cancelled.append(appointment.reference)
    return result


# --- catalogue ----------------------------------------------------------------------------


@transaction.atomic
def catalogue_ensure() -> dict[str, int]:
    """Create the ministry's branches, services, offerings and opening hours where missing
    (never overwrites what an administrator changed). Returns what was created."""
    from apps.appointments import catalogue
    from apps.appointments.models import OpeningHours

    created = {"branches": 0, "services": 0, "offerings": 0}
    for code, name_ar, name_en, address_ar, address_en, map_url, opens, closes in catalogue.BRANCHES:
        branch, made = Branch.objects.get_or_create(
            code=code,
            defaults={
                "name_ar": name_ar,
                "name_en": name_en,
                "address_ar": address_ar,
                "address_en": address_en,
                "map_url": map_url,
            },
        )
        if made:
            created["branches"] += 1
            OpeningHours.objects.bulk_create(
                OpeningHours(branch=branch, weekday=day, opens=opens, closes=closes)
                for day in catalogue.WORKING_WEEKDAYS
            )
    for order, (code, name_ar, name_en, minutes, docs_ar, docs_en) in enumerate(catalogue.SERVICES):
        _service, made = Service.objects.get_or_create(
            code=code,
            defaults={
                "name_ar": name_ar,
                "name_en": name_en,
                "slot_minutes": minutes,
                "documents_ar": docs_ar,
                "documents_en": docs_en,
                "order": (order + 1) * 10,
            },
        )
        created["services"] += made
    for branch_code, service_code, counters in catalogue.OFFERINGS:
        _offering, made = Offering.objects.get_or_create(
            branch=Branch.objects.get(code=branch_code),
            service=Service.objects.get(code=service_code),
            defaults={"counters": counters},
        )
        created["offerings"] += made
    return created


# --- the citizen portal's sign-in (one-time code by SMS) ------------------------------------

PORTAL_OTP_PURPOSE = "appointments"


def portal_code_request(*, cpr: str, mobile: str, ip: str, now: datetime | None = None) -> dict:
    """Send the booking pages' one-time code (``apps.citizens.code_sign_in``)."""
    from apps.citizens import code_sign_in

    return code_sign_in.code_request(
        purpose=PORTAL_OTP_PURPOSE, cpr=cpr, mobile=mobile, ip=ip, send=notify.queue_code, now=now
    )


def portal_sign_in(*, cpr: str, mobile: str, code: str, ip: str, now: datetime | None = None):
    """The citizen whose CPR and mobile the code proves (``apps.citizens.code_sign_in``)."""
    from apps.citizens import code_sign_in

    return code_sign_in.code_verify(
        purpose=PORTAL_OTP_PURPOSE, cpr=cpr, mobile=mobile, code=code, ip=ip, now=now
    )
