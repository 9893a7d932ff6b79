"""How fast the business calendar answers: target "add N working days" < 50 µs per call.

    python -m bench.sla_calendar

Sets Django up itself (DJANGO_SETTINGS_MODULE defaults to the base settings; DATABASE_URL
and REDIS_URL as for the app). The calendar is built the way production builds it, from
Bahrain's official holidays (every year it covers, from the ``holidays`` package), a
ministry closure per year and Ramadan's shortened hours per year; then each operation is
called on random instants over 2025–2030 with random N. Each of ROUNDS rounds times
batches of BATCH calls; the per-call figure of a batch is its time / BATCH. Reported:
median and p95 per call over all batches, and each round's median. When the database
holds the SLA tables, the cached ``get_calendar()`` look-up (one Redis GET) is timed too.

Writes bench/results/sla_calendar.json and ends with a one-line summary.
"""

from __future__ import annotations

import gc
import json
import os
import platform
import random
import statistics
import subprocess
import time as clock
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "7"))
BATCHES = int(os.environ.get("BENCH_BATCHES", "200"))
BATCH = 100
TARGET_US = 50.0
RESULTS = Path(__file__).resolve().parent / "results" / "sla_calendar.json"
BH = ZoneInfo("Asia/Bahrain")


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "housing_contact.settings.base")
    # This process serves no request; a key is needed only for the settings to load.
    os.environ.setdefault("SECRET_KEY", "bench-only-key-that-signs-nothing-0123456789abcdef")
    import django

    django.setup()


def production_like_calendar():
    from apps.sla import conf, services
    from apps.sla.business_calendar import Calendar, CalendarData, ClosureRow, HolidayRow, ShortenedHoursRow

    config = conf.calendar_config()
    holidays, closures, shortened = [], [], []
    for year in range(config.first_year, config.last_year + 1):
        holidays += [
            HolidayRow(h.date, h.name_ar, h.name_en, h.estimated) for h in services.package_holidays(year)
        ]
        closures.append(ClosureRow(date(year, 11, 3), date(year, 11, 4), "إغلاق", "Closure"))
        # Roughly where Ramadan falls; only the shape of the data matters for speed.
        start = date(year, 1, 1) + timedelta(days=(70 - 11 * (year - 2025)) % 354)
        shortened.append(ShortenedHoursRow(start, start + timedelta(days=28), time(8), time(13)))
    data = CalendarData(tuple(holidays), tuple(closures), tuple(shortened))
    started = clock.perf_counter()
    calendar = Calendar(data, config)
    return calendar, (clock.perf_counter() - started) * 1000


def random_instants(count: int, rng: random.Random) -> list[datetime]:
    start = datetime(2025, 1, 1, tzinfo=BH)
    span = int((datetime(2030, 12, 1, tzinfo=BH) - start).total_seconds())
    return [start + timedelta(seconds=rng.randrange(span)) for _ in range(count)]


def time_operation(call, args_list, batches: int = BATCHES) -> dict:
    """Per-call microseconds, batch by batch, over ROUNDS rounds."""
    per_call, round_medians = [], []
    gc.disable()  # as timeit does: a collection landing in one batch is not the calendar's cost
    try:
        for round_no in range(ROUNDS):
            round_figures = []
            for b in range(batches):
                batch = args_list[(round_no * batches + b) % (len(args_list) - BATCH) :][:BATCH]
                started = clock.perf_counter_ns()
                for args in batch:
                    call(*args)
                round_figures.append((clock.perf_counter_ns() - started) / BATCH / 1000)
            per_call += round_figures
            round_medians.append(statistics.median(round_figures))
    finally:
        gc.enable()
    per_call.sort()
    return {
        "median_us": round(statistics.median(per_call), 3),
        "p95_us": round(per_call[int(len(per_call) * 0.95) - 1], 3),
        "max_batch_us": round(per_call[-1], 3),
        "round_medians_us": [round(x, 3) for x in round_medians],
        "calls": len(per_call) * BATCH,
    }


def cached_lookup() -> dict | None:
    from django.db import connection
    from django.db.utils import DatabaseError

    from apps.sla import selectors

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM sla_holiday LIMIT 1")
        selectors.get_calendar()
    except (DatabaseError, Exception):  # no database, not migrated, or no Redis: skip this figure
        return None
    return time_operation(lambda: selectors.get_calendar(), [()] * (BATCH * 4), batches=10)


def git_commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
    except Exception:
        return ""


def main() -> None:
    setup_django()
    from apps.sla.clocks import compute_due
    from apps.sla.models import PolicyVersion

    rng = random.Random(20260405)
    calendar, build_ms = production_like_calendar()
    instants = random_instants(20_000, rng)
    complaint = PolicyVersion(
        acknowledgement_value=0,
        acknowledgement_unit="working_hours",
        first_response_value=2,
        first_response_unit="working_days",
        resolution_value=10,
        resolution_unit="working_days",
    )
    operations = {
        "add_working_days": (calendar.add_working_days, [(t, rng.randint(1, 30)) for t in instants]),
        "add_working_hours": (calendar.add_working_hours, [(t, rng.randint(1, 200)) for t in instants]),
        "add_calendar_days": (calendar.add_calendar_days, [(t, rng.randint(1, 60)) for t in instants]),
        "working_time_between": (
            calendar.working_time_between,
            [(t, t + timedelta(seconds=rng.randrange(60 * 86400))) for t in instants],
        ),
        "compute_due_complaint": (
            lambda t: compute_due(policy=complaint, started_at=t, calendar=calendar),
            [(t,) for t in instants],
        ),
    }
    results = {name: time_operation(call, args) for name, (call, args) in operations.items()}
    lookup = cached_lookup()
    if lookup is not None:
        results["get_calendar_cached"] = lookup

    report = {
        "benchmark": "sla_calendar",
        "target": {"add_working_days_us_per_call": TARGET_US},
        "met": results["add_working_days"]["p95_us"] < TARGET_US,
        "settings": {"rounds": ROUNDS, "batches_per_round": BATCHES, "calls_per_batch": BATCH},
        "calendar": {
            "years": [calendar.config.first_year, calendar.config.last_year],
            "holidays": len(calendar.data.holidays),
            "build_ms": round(build_ms, 1),
        },
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "load_average": os.getloadavg(),
        },
        "commit": git_commit(),
        "results": results,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2))
    print(json.dumps(results, indent=2))
    summary = " | ".join(f"{name} p50 {r['median_us']}µs p95 {r['p95_us']}µs" for name, r in results.items())
    print(f"sla_calendar: build {build_ms:.0f}ms | {summary}")


if __name__ == "__main__":
    main()
