"""Appointments: availability and booking with 100,000 future bookings over 6 branches,
and 50 clients racing for the last 3 seats of a slot.

    make bench BENCH=appointments_booking
    .venv/bin/python -m bench.appointments_booking

Targets (issue 14), one request in flight: availability of a service over 30 days
p95 < 50 ms; a booking p95 < 60 ms. The race: exactly 3 bookings succeed, the others get
409 ``slot_taken`` with the next free slots, never a 5xx.

Set-up on the bench database (demo data seeded): three more branches, so six offer Mazaya
and new applications with 40 counters; 100,000 bench citizens; 100,000 booked appointments
spread over every slot of the next 30 days, written set-based (``unnest``) with their slot
counters — the booking service would take an hour for them, and the figures are about
reading and booking next to them. Then through gunicorn with an agent's API token:
``loaddriver.measure`` for availability (concurrency 1), a sequential loop of bookings
(each a new citizen into a free slot, after 30 unrecorded warm-up bookings), and the race
with 50 concurrent clients. What an earlier run booked for these citizens is cancelled
first, so the bench can be run again on the same database.
"""

from __future__ import annotations

import asyncio
import math
import time as _time
from datetime import time, timedelta

from bench import loaddriver as ld

FUTURE_BOOKINGS = 100_000
BOOKINGS_MEASURED = 200
RACERS = 50
# Unrecorded bookings before the measured ones, as ``loaddriver.measure`` warms up before
# it records: the first requests of each gunicorn thread open its database connection and
# fill the process's caches, which is start-up, not the latency of a booking.
BOOKINGS_WARMUP = 30
COUNTERS = 40
PREFIX = "B-"


def _setup():
    from django.db import connection
    from django.utils import timezone

    from apps.appointments.availability import Plan
    from apps.appointments.models import Appointment, Branch, Offering, OpeningHours, Service

    services = [Service.objects.get(code="mazaya"), Service.objects.get(code="new-application")]
    for n in range(1, 4):
        branch, made = Branch.objects.get_or_create(
            code=f"bench-{n}", defaults={"name_ar": f"فرع القياس {n}", "name_en": f"Bench branch {n}"}
        )
        if made:
            OpeningHours.objects.bulk_create(
                OpeningHours(branch=branch, weekday=d, opens=time(7, 30), closes=time(13, 30))
                for d in (6, 0, 1, 2, 3)
            )
    branches = list(
        Branch.objects.filter(code__in=["hq", "bank-moayyed", "bank-danat", "bench-1", "bench-2", "bench-3"])
    )
    for branch in branches:
        for service in services:
            Offering.objects.update_or_create(
                branch=branch, service=service, defaults={"counters": COUNTERS, "is_active": True}
            )
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO citizens_citizen (cpr, name_ar, name_en, email, language, block, road, building, flat, area,"
            " created_at, updated_at) SELECT '7' || lpad(g::text, 8, '0'), 'مواطن القياس ' || g, 'Bench ' || g, '', 'ar',"
            " '', '', '', '', '', now(), now() FROM generate_series(1, %s) g ON CONFLICT (cpr) DO NOTHING",
            [FUTURE_BOOKINGS + BOOKINGS_MEASURED + RACERS + 100],
        )
    if Appointment.objects.filter(reference__startswith=PREFIX).count() >= FUTURE_BOOKINGS:
        _reset_measured()
        return services, branches
    today = timezone.localdate()
    slots = []
    for service in services:
        plan = Plan(service=service, first=today + timedelta(days=1), last=today + timedelta(days=30))
        for branch_id in plan.offerings:
            for n in range(30):
                for start, end in plan.day_grid(branch_id, today + timedelta(days=1 + n)):
                    slots.append((branch_id, service.pk, start, end))
    per_slot = math.ceil(FUTURE_BOOKINGS / len(slots))
    rows = []
    for index in range(FUTURE_BOOKINGS):
        branch_id, service_id, start, end = slots[index // per_slot]
        rows.append((branch_id, service_id, start, end, index + 1))
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO appointments_appointment (reference, citizen_id, branch_id, service_id, slot_start, slot_end,
                status, channel, booked_at, mobile, served_outcome, served_note, cancel_reason, reschedule_count,
                created_at, updated_at)
            SELECT %s || lpad(r.n::text, 7, '0'), c.id, r.branch, r.service, r.s, r.e, 'booked', 'api', now(), '', '',
                   '', '', 0, now(), now()
            FROM unnest(%s::bigint[], %s::bigint[], %s::timestamptz[], %s::timestamptz[], %s::int[])
                 AS r(branch, service, s, e, n)
            JOIN citizens_citizen c ON c.cpr = '7' || lpad(r.n::text, 8, '0')
            ON CONFLICT DO NOTHING
            """,
            [PREFIX, *[list(column) for column in zip(*rows, strict=True)]],
        )
        cursor.execute(
            """
            INSERT INTO appointments_slotcounter (branch_id, service_id, slot_start, booked)
            SELECT branch_id, service_id, slot_start, count(*) FROM appointments_appointment
            WHERE status = 'booked' GROUP BY branch_id, service_id, slot_start
            ON CONFLICT (service_id, branch_id, slot_start) DO UPDATE SET booked = EXCLUDED.booked
            """
        )
    _reset_measured()
    return services, branches


def _reset_measured() -> None:
    """Cancel what an earlier run booked for the citizens this run books with (measured,
    racers, warm-up) and recount the slot counters, so the bench can be run again on the same
    database and still book every one of them."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE appointments_appointment a SET status = 'cancelled' FROM citizens_citizen c"
            " WHERE c.id = a.citizen_id AND a.status = 'booked' AND c.cpr LIKE '7%%' AND c.cpr > %s",
            ["7" + f"{FUTURE_BOOKINGS:08d}"],
        )
        if cursor.rowcount:
            cursor.execute(
                """
                UPDATE appointments_slotcounter sc SET booked = n.booked
                FROM (
                    SELECT s.id, (
                        SELECT count(*) FROM appointments_appointment a
                        WHERE a.status = 'booked' AND a.branch_id = s.branch_id AND a.service_id = s.service_id
                          AND a.slot_start = s.slot_start
                    ) AS booked
                    FROM appointments_slotcounter s
                ) n
                WHERE n.id = sc.id AND sc.booked <> n.booked
                """
            )


def _percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered), max(1, math.ceil(fraction * len(ordered)))) - 1]


def _bookings(server_url, headers, mazaya) -> dict:
    import httpx

    from apps.appointments.availability import free_slots

    free = free_slots(service=mazaya)
    latencies, statuses = [], {}
    with httpx.Client(base_url=server_url, headers=headers, timeout=30) as client:
        spare = FUTURE_BOOKINGS + BOOKINGS_MEASURED + RACERS + 1
        for i in range(BOOKINGS_WARMUP):
            slot = free[(i * 11 + 3) % len(free)]
            body = {
                "cpr": "7" + f"{spare + i:08d}",
                "service": "mazaya",
                "branch": str(slot.branch_id),
                "slot_start": slot.start.isoformat(),
            }
            response = client.post("/api/v1/appointments/", json=body)
            if response.status_code != 201:
                raise RuntimeError(f"warm-up booking: HTTP {response.status_code} {response.text[:200]}")
        for i in range(BOOKINGS_MEASURED):
            slot = free[(i * 7) % len(free)]
            body = {
                "cpr": "7" + f"{FUTURE_BOOKINGS + i + 1:08d}",
                "service": "mazaya",
                "branch": str(slot.branch_id),
                "slot_start": slot.start.isoformat(),
            }
            started = _time.perf_counter()
            response = client.post("/api/v1/appointments/", json=body)
            latencies.append((_time.perf_counter() - started) * 1000)
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
    return {
        "requests": BOOKINGS_MEASURED,
        "statuses": statuses,
        "p50_ms": round(_percentile(latencies, 0.5), 2),
        "p95_ms": round(_percentile(latencies, 0.95), 2),
        "p99_ms": round(_percentile(latencies, 0.99), 2),
    }


def _race(server_url, headers, mazaya) -> dict:
    import httpx
    from django.db.models import F

    from apps.appointments.availability import free_slots
    from apps.appointments.models import SlotCounter

    slot = free_slots(service=mazaya)[-1]
    counter, _made = SlotCounter.objects.get_or_create(
        service=mazaya, branch_id=slot.branch_id, slot_start=slot.start
    )
    SlotCounter.objects.filter(pk=counter.pk).update(booked=F("booked") * 0 + slot.capacity - 3)
    first = FUTURE_BOOKINGS + BOOKINGS_MEASURED + 1

    async def run():
        async with httpx.AsyncClient(base_url=server_url, headers=headers, timeout=60) as client:

            async def one(i):
                body = {
                    "cpr": "7" + f"{first + i:08d}",
                    "service": "mazaya",
                    "branch": str(slot.branch_id),
                    "slot_start": slot.start.isoformat(),
                }
                response = await client.post("/api/v1/appointments/", json=body)
                return response.status_code, response.json()

            return await asyncio.gather(*(one(i) for i in range(RACERS)))

    answers = asyncio.run(run())
    codes = {}
    for status, body in answers:
        key = f"{status} {body.get('code', '')}".strip()
        codes[key] = codes.get(key, 0) + 1
    with_alternatives = sum(
        1 for status, body in answers if status == 409 and body.get("details", {}).get("next_slots")
    )
    return {"racers": RACERS, "answers": codes, "refusals_with_next_slots": with_alternatives}


def main() -> None:
    ld.prepare()
    services, branches = _setup()
    from apps.appointments.models import Appointment

    future = Appointment.objects.filter(status="booked").count()
    mazaya = services[0]
    measurement = ld.measure(
        [
            ld.Endpoint(
                "availability",
                "/api/v1/appointments/availability/?service=mazaya&days=30&limit=2000",
                token_for="agent",
            ),
            ld.Endpoint(
                "availability_1",
                f"/api/v1/appointments/availability/?service=mazaya&days=30&branch={branches[0].pk}",
                token_for="agent",
            ),
        ],
        rounds=3,
        requests=200,
        concurrency=1,
    )
    with ld.Server() as server:
        headers = ld.token_headers("agent")
        booking = _bookings(server.url, headers, mazaya)
        race = _race(server.url, headers, mazaya)
    print(f"  future bookings: {future} over {len(branches)} branches")
    print(
        f"  booking (one in flight): p50 {booking['p50_ms']} ms p95 {booking['p95_ms']} ms statuses {booking['statuses']}"
    )
    print(
        f"  race for the last 3 seats: {race['answers']} ({race['refusals_with_next_slots']} refusals with next slots)"
    )
    ld.report(
        "appointments_booking",
        measurement,
        extra={"future_bookings": future, "branches": len(branches), "booking": booking, "race": race},
    )


if __name__ == "__main__":
    main()
