"""Bench: the SLA sweep over 1,000,000 open tickets' clocks with 5% newly breached.

    python -m bench.sla_sweep [--sizes 100000,1000000] [--repeat 5]

Target (issue 5): < 10 s with a fixed number of queries, independent of the number of tickets.
For each size the tables are filled with SQL (``generate_series``, never the ORM row by row):
that many open tickets, each with a running resolution clock; of those, 5% are past their
deadline (newly breached), 2% have just crossed the at-risk share, and 1% more are already
breached at level 1 and past their second-level instant. Each run calls
``sweeps.sla_sweep(now=...)`` — the whole deciding step: lock, three claiming statements
that also write the notices — inside a transaction rolled back afterwards, so every run
sees the same rows. The queries of one run are counted. (Sending the notices is a separate,
bounded step — ``sla_notify_pending`` in batches — not part of this figure.)

Uses its own database (``<DATABASE_URL's name>_bench``). Writes ``bench/results/sla_sweep.json``
and prints one summary line last.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from datetime import UTC, datetime

from bench.notifications_delivery import RESULTS_DIR, bench_environment, machine, percentile, prepare

NAME = "sla_sweep"

FILL_TICKETS = """
INSERT INTO tickets_ticket (
    created_at, updated_at, review_number, kind, channel, subject, description, is_anonymous,
    contact_phone, language, priority, urgency, status, received_at, external_reference, rating_comment
)
SELECT %(now)s::timestamptz - interval '3 days', %(now)s, 'B' || n, 'suggestion', 'web', 'اقتراح', '', true,
       '', 'ar', 'normal', '', 'in_progress', %(now)s::timestamptz - interval '3 days', '', ''
FROM generate_series(1, %(rows)s) AS n
"""

# Per ticket id n (1…rows): n % 100 < 5 → newly breached; < 7 → newly at risk; < 8 → breached
# at level 1 and past the second level; else running and comfortably on time.
FILL_CLOCKS = """
INSERT INTO sla_clock (
    ticket_id, target, cycle, value, unit, started_at, due_at, at_risk_at, escalate_at, state,
    extra_allowance, escalation_level, breached_at, escalated_at, updated_at
)
SELECT t.id, 'resolution', 1, 10, 'working_days', t.received_at,
    CASE WHEN m < 5 THEN %(now)s::timestamptz - interval '1 hour'
         WHEN m < 7 THEN %(now)s::timestamptz + interval '2 hours'
         WHEN m < 8 THEN %(now)s::timestamptz - interval '5 days'
         ELSE %(now)s::timestamptz + interval '5 days' END,
    CASE WHEN m < 5 THEN %(now)s::timestamptz - interval '1 day'
         WHEN m < 7 THEN %(now)s::timestamptz - interval '10 minutes'
         WHEN m < 8 THEN %(now)s::timestamptz - interval '6 days'
         ELSE %(now)s::timestamptz + interval '3 days' END,
    CASE WHEN m = 7 THEN %(now)s::timestamptz - interval '1 minute'
         WHEN m < 7 THEN %(now)s::timestamptz + interval '5 days'
         ELSE %(now)s::timestamptz + interval '15 days' END,
    CASE WHEN m = 7 THEN 'breached' ELSE 'running' END,
    interval '0', CASE WHEN m = 7 THEN 1 ELSE 0 END,
    CASE WHEN m = 7 THEN %(now)s::timestamptz - interval '5 days' END,
    CASE WHEN m = 7 THEN %(now)s::timestamptz - interval '5 days' END,
    %(now)s
FROM (SELECT id, received_at, id %% 100 AS m FROM tickets_ticket) AS t
"""


def fill(connection, rows: int, now: datetime) -> float:
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE sla_clocknotice, sla_clock, tickets_ticket RESTART IDENTITY CASCADE")
        cursor.execute(FILL_TICKETS, {"rows": rows, "now": now})
        cursor.execute(FILL_CLOCKS, {"now": now})
        cursor.execute("VACUUM ANALYZE tickets_ticket")
        cursor.execute("VACUUM ANALYZE sla_clock")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    import tempfile
    from pathlib import Path

    prepare(bench_environment(Path(tempfile.gettempdir()) / "hc-bench-sms"))
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from apps.sla import sweeps

    now = timezone.now()
    results = {}
    for rows in [int(size) for size in args.sizes.split(",")]:
        fill_seconds = fill(connection, rows, now)
        runs, queries, counts = [], [], None
        for _ in range(args.repeat):
            with transaction.atomic():
                with CaptureQueriesContext(connection) as captured:
                    started = time.perf_counter()
                    result = sweeps.sla_sweep(now=now)
                    runs.append(time.perf_counter() - started)
                queries.append(len(captured))
                counts = sweeps.as_dict(result)
                transaction.set_rollback(True)
        results[rows] = {
            "fill_seconds": round(fill_seconds, 1),
            "counts": counts,
            "queries_per_run": sorted(set(queries)),
            "median_s": round(statistics.median(runs), 3),
            "p95_s": round(percentile(runs, 0.95), 3),
            "max_s": round(max(runs), 3),
            "runs_s": [round(r, 3) for r in runs],
        }
        print(f"  {rows} clocks: {results[rows]}", flush=True)

    payload = {
        "bench": NAME,
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        **machine(),
        "settings": {"sizes": args.sizes, "repeat": args.repeat},
        "target": {"seconds_below": 10, "queries": "fixed, independent of the number of tickets"},
        "results": {str(k): v for k, v in results.items()},
    }
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    (RESULTS_DIR / f"{NAME}.json").write_text(
        json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    parts = [
        f"{rows}: median {r['median_s']:.2f}s p95 {r['p95_s']:.2f}s {r['queries_per_run']}q "
        f"(breached {r['counts']['breached']}, at risk {r['counts']['at_risk']}, 2nd level {r['counts']['second_level']})"
        for rows, r in results.items()
    ]
    print(f"{NAME}: " + " | ".join(parts) + " (target < 10 s, fixed queries)")


if __name__ == "__main__":
    main()
