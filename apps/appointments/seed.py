"""Demo data: the catalogue, a front-desk account ("desk", head office), last month's
bookings in the proportions of the ministry's statement (attended, missed, cancelled), and
some upcoming bookings for the demo citizens. Idempotent: nothing is added a second time."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from django.utils import timezone

from apps.accounts import services as account_services
from apps.accounts.models import User
from apps.accounts.roles import Role
from apps.appointments import catalogue, services
from apps.appointments.availability import Plan, free_slots
from apps.appointments.errors import ApplicationError
from apps.appointments.models import (
    Appointment,
    AppointmentEvent,
    Branch,
    BranchStaff,
    Channel,
    ServedOutcome,
    Service,
    Status,
)
from apps.citizens.models import Citizen

DEMO_PASSWORD = "demo-pass-2026"
# Bookings in the demo month, split over the pairs in the statement's proportions.
MONTH_TOTAL = 856
UPCOMING = 60


def seed(stdout) -> None:
    created = services.catalogue_ensure()
    stdout.write(f"appointments: catalogue {created}")
    _desk_user()
    if Appointment.objects.filter(channel=Channel.DEMO).exists():
        return
    citizens = list(Citizen.objects.order_by("id").values_list("id", flat=True)[:3000])
    if not citizens:
        stdout.write("appointments: no citizens yet, no demo bookings")
        return
    rng = random.Random(14)
    made = _last_month(rng, citizens)
    upcoming = _upcoming(rng, citizens)
    stdout.write(f"appointments: {made} bookings last month, {upcoming} upcoming")


def _desk_user() -> None:
    if User.objects.filter(username="desk").exists():
        return
    user = account_services.user_create(
        username="desk",
        password=DEMO_PASSWORD,
        roles=[Role.BRANCH_STAFF],
        actor=None,
        first_name="Huda",
        last_name="Jaffar",
        full_name_ar="هدى جعفر",
    )
    BranchStaff.objects.create(user=user, branch=Branch.objects.get(code="hq"))


def _last_month(rng: random.Random, citizens: list[int]) -> int:
    """Past appointments written directly: the booking rules refuse past slots, and the demo
    month must look lived-in (attended, missed, cancelled, served with a wait)."""
    today = timezone.localdate()
    last = today.replace(day=1) - timedelta(days=1)
    first = last.replace(day=1)
    branches = {b.code: b for b in Branch.objects.all()}
    services_by_code = {s.code: s for s in Service.objects.all()}
    total_share = sum(catalogue.STATEMENT_SHARES.values())
    rows, used = [], set()
    tz = timezone.get_current_timezone()
    for (branch_code, service_code), share in catalogue.STATEMENT_SHARES.items():
        branch, service = branches[branch_code], services_by_code[service_code]
        plan = Plan(service=service, first=first, last=last, branch_id=branch.pk)
        grid = [
            slot
            for n in range((last - first).days + 1)
            for slot in plan.day_grid(branch.pk, first + timedelta(days=n))
        ]
        if not grid:
            continue
        for _ in range(round(MONTH_TOTAL * share / total_share)):
            start, end = rng.choice(grid)
            citizen = rng.choice(citizens)
            while (citizen, service.pk) in used:
                citizen = rng.choice(citizens)
            used.add((citizen, service.pk))
            status = rng.choices([Status.SERVED, Status.NO_SHOW, Status.CANCELLED], [80, 9, 11])[0]
            booked_at = start - timedelta(days=rng.randint(1, 12), hours=rng.randint(0, 8))
            booked_at = max(booked_at, datetime.combine(first, time.min, tzinfo=tz))
            row = Appointment(
                reference=services.next_reference(),
                citizen_id=citizen,
                branch=branch,
                service=service,
                slot_start=start,
                slot_end=end,
                status=status,
                channel=rng.choices([Channel.PHONE, Channel.PORTAL, Channel.API], [55, 40, 5])[0],
                booked_at=min(booked_at, start - timedelta(hours=2)),
            )
            if status == Status.SERVED:
                row.checked_in_at = start - timedelta(minutes=rng.randint(0, 15))
                row.served_at = row.checked_in_at + timedelta(minutes=rng.randint(3, 35))
                row.served_outcome = rng.choices(ServedOutcome.values, [85, 8, 5, 2])[0]
            elif status == Status.NO_SHOW:
                row.no_show_at = start + timedelta(minutes=30)
            else:
                row.cancelled_at = row.booked_at + (start - row.booked_at) / 2
            rows.append(row)
    Appointment.objects.bulk_create(rows, batch_size=500)
    # The demo marker, so a second seed adds nothing (kept apart from the real channels).
    Appointment.objects.filter(pk__in=[r.pk for r in rows[:1]]).update(channel=Channel.DEMO)
    AppointmentEvent.objects.bulk_create(
        AppointmentEvent(
            appointment=r,
            kind=AppointmentEvent.Kind.BOOKED,
            to_status=Status.BOOKED,
            at=r.booked_at,
            channel=r.channel,
        )
        for r in rows
    )
    return len(rows)


def _upcoming(rng: random.Random, citizens: list[int]) -> int:
    made = 0
    branches = {b.pk: b for b in Branch.objects.all()}
    for service in Service.objects.all():
        slots = free_slots(service=service)
        for _ in range(UPCOMING // 5):
            if not slots:
                break
            slot = rng.choice(slots[:200])
            try:
                services.appointment_book(
                    citizen=Citizen.objects.get(pk=rng.choice(citizens)),
                    service=service,
                    branch=branches[slot.branch_id],
                    slot_start=slot.start,
                    channel=rng.choice([Channel.PHONE, Channel.PORTAL]),
                    notify_citizen=False,
                )
            except ApplicationError:
                continue
            made += 1
    return made
