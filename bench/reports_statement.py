"""The monthly statement over a large data set: 1,000,000 citizens, 10,000,000 contacts
(the contacts benchmarks' generator, ``bench._contacts_generate``, in the same database)
and 1,000,000 tickets over the last 24 months (added here by COPY), then:

- the JSON computation (``monthly_statement``) in this process, ``--rounds`` times;
- ``GET /api/v1/reports/monthly/``, the PDF and the XLSX downloads through gunicorn in a
  separate process (``bench._contacts_driver.Server``), one request in flight.

    python -m bench.reports_statement            # or: make bench BENCH=reports_statement

``HC_BENCH_CITIZENS``, ``HC_BENCH_CONTACTS`` and ``HC_BENCH_TICKETS`` lower the sizes for a
quick run. Idempotent: the data are generated once and completed when short.
"""

from __future__ import annotations

import argparse
import os
import random
import time
from datetime import UTC, datetime, timedelta

from bench import _contacts_driver as driver
from bench._contacts_generate import SUFFIX, generate

KINDS = ("complaint", "inquiry", "suggestion", "maintenance")
CHANNELS = ("phone", "phone", "web", "tawasul", "email", "walk_in", "chat")


def _tickets(cursor, count: int) -> int:
    """``count`` tickets received over the last 24 months (review numbers ``RB-…``, outside
    the product's own series), half of them answered."""
    cursor.execute("SELECT count(*) FROM tickets_ticket WHERE review_number LIKE 'RB-%'")
    have = cursor.fetchone()[0]
    if have >= count:
        return have
    cursor.execute("SELECT min(id), max(id) FROM citizens_citizen")
    low, high = cursor.fetchone()
    cursor.execute("SELECT coalesce(max(id), 0) FROM tickets_ticket")
    first_id = cursor.fetchone()[0] + 1
    rng = random.Random(31)
    now = datetime.now(UTC)
    span = timedelta(days=730).total_seconds()
    columns = (
        "id, created_at, updated_at, review_number, kind, channel, confidential, subject, description, "
        "is_anonymous, contact_phone, language, priority, urgency, status, received_at, first_response_at, "
        "external_reference, rating_comment, citizen_id"
    )
    started = time.perf_counter()
    with cursor.connection.cursor().copy(f"COPY tickets_ticket ({columns}) FROM STDIN") as copy:
        lines = []
        for n in range(have, count):
            received = now - timedelta(seconds=rng.random() * span)
            when = received.isoformat()
            answered = (received + timedelta(days=3)).isoformat() if n % 2 else "\\N"
            kind = KINDS[n % len(KINDS)]
            lines.append(
                f"{first_id + n - have}\t{when}\t{when}\tRB-{n:08d}\t{kind}\t{CHANNELS[n % len(CHANNELS)]}\tf\t"
                f"طلب {n}\tوصف الطلب {n}\tf\t\tar\tnormal\t{'routine' if kind == 'maintenance' else ''}\t"
                f"{'responded' if n % 2 else 'new'}\t{when}\t{answered}\t\t\t{rng.randint(low, high)}\n"
            )
            if len(lines) >= 50_000:
                copy.write("".join(lines))
                lines = []
        copy.write("".join(lines))
    cursor.execute("ANALYZE tickets_ticket")
    print(f"tickets: {count - have:,} in {time.perf_counter() - started:.0f} s", flush=True)
    return count


def _percentiles(latencies_ms: list[float]) -> dict:
    return {
        "p50_ms": round(driver.percentile(latencies_ms, 0.50), 1),
        "p95_ms": round(driver.percentile(latencies_ms, 0.95), 1),
        "n": len(latencies_ms),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--requests", type=int, default=10)
    args = parser.parse_args()
    data = generate(
        int(os.environ.get("HC_BENCH_CITIZENS", 1_000_000)),
        int(os.environ.get("HC_BENCH_CONTACTS", 10_000_000)),
    )
    from django.db import connection

    with connection.cursor() as cursor:
        data["tickets"] = _tickets(cursor, int(os.environ.get("HC_BENCH_TICKETS", 1_000_000)))
    from django.utils import timezone

    from apps.reports.statement import monthly_statement, previous_month

    month = previous_month(timezone.localdate().replace(day=1))
    timings = []
    for _ in range(args.rounds + 1):
        started = time.perf_counter()
        statement = monthly_statement(month)
        timings.append((time.perf_counter() - started) * 1000)
    endpoints = {"json_computation": _percentiles(timings[1:])}  # the first warms the caches
    inbound = statement.by_code()["calls.inbound"].value
    key = f"{month:%Y-%m}"
    paths = {
        "api": f"/api/v1/reports/monthly/?month={key}",
        "pdf": f"/reports/monthly/statement.pdf?month={key}&language=ar",
        "xlsx": f"/reports/monthly/statement.xlsx?month={key}&language=ar",
    }
    cookie = driver.session_cookie("supervisor")
    with driver.Server(SUFFIX, workers=2, threads=2) as server:
        for name, path in paths.items():
            driver.load(
                server.url,
                lambda i, path=path: {"method": "GET", "url": path},
                requests=1,
                concurrency=1,
                headers_for=lambda slot: {"Cookie": cookie},
            )  # fmt: skip  (warm-up)
            latencies, statuses, elapsed = driver.load(
                server.url,
                lambda i, path=path: {"method": "GET", "url": path},
                requests=args.requests,
                concurrency=1,
                headers_for=lambda slot: {"Cookie": cookie},
                max_seconds=600,
            )
            endpoints[name] = driver.figures(latencies, elapsed, statuses)
    summary = " | ".join(f"{name} p50 {e['p50_ms']} ms p95 {e['p95_ms']} ms" for name, e in endpoints.items())
    driver.write(
        "reports_statement",
        {
            "data": data,
            "month": key,
            "calls_inbound": inbound,
            "settings": vars(args),
            "endpoints": endpoints,
        },
        summary,
    )


if __name__ == "__main__":
    main()
