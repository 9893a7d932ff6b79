"""Bench: the outbox sweep's scan for queued rows over a table of 1,000,000 notifications.

    python -m bench.notifications_sweep_scan [--rows 1000000] [--queued 5000] [--repeat 50]

Target (issue 6): the re-enqueue scan over 1,000,000 rows in < 1 s, thanks to the partial
index ``notif_queued_due_idx`` (only queued rows are in it). The table is filled with SQL
(``generate_series``): mostly sent rows, some failed, ``--queued`` queued ones of which a
part is due and stale, a part deferred (quiet hours) and a part freshly handed over.
Measured, ``--repeat`` times each:

- ``scan``: ``selectors.notifications_due(...)`` — the query the sweep runs — read in full
  (one batch of ``HOUSING_NOTIFY_SWEEP_BATCH`` ids);
- ``scan_idle``: the same when nothing is due (the usual minute);
- ``claim``: the sweep's whole database step — the scan with ``FOR UPDATE SKIP LOCKED``
  and the UPDATE marking the batch handed over — rolled back after each run so every run
  sees the same rows (publishing to the broker is not part of it).

Uses its own database (``<DATABASE_URL's name>_bench``). Writes
``bench/results/notifications_sweep_scan.json`` and prints one summary line last.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from datetime import UTC, datetime, timedelta

from bench.notifications_delivery import RESULTS_DIR, bench_environment, machine, percentile, prepare

NAME = "notifications_sweep_scan"

FILL = """
INSERT INTO notifications_notification (
    reference, created_at, updated_at, event, channel, state, audience, essential, urgent, language,
    recipient_ref, to_phone, to_email, subject, body, link_url, context, send_after, enqueued_at,
    claimed_at, attempts, sent_at, error_code, last_error, provider_message_id
)
SELECT
    gen_random_uuid(), t, t, 'ticket.received', 'sms',
    CASE WHEN n <= %(queued)s THEN 'queued' WHEN n %% 50 = 0 THEN 'failed' ELSE 'sent' END,
    'citizen', true, true, 'ar', '', '+9733' || lpad((n %% 10000000)::text, 7, '0'), '', '',
    'وزارة الإسكان: استلمنا طلبك، ورقم المراجعة 2026-004217-K.', '', '{}'::jsonb,
    CASE
        WHEN n <= %(queued)s AND n %% 5 = 0 THEN %(now)s::timestamptz + interval '9 hours'  -- deferred
        ELSE t
    END,
    CASE
        WHEN n <= %(queued)s AND n %% 5 = 0 THEN NULL
        WHEN n <= %(queued)s AND n %% 5 = 1 THEN %(now)s::timestamptz - interval '10 seconds'  -- fresh
        ELSE t
    END,
    NULL, 1,
    CASE WHEN n > %(queued)s AND n %% 50 <> 0 THEN t + interval '2 seconds' END,
    '', '', ''
FROM (
    SELECT n, %(now)s::timestamptz - (n || ' seconds')::interval AS t
    FROM generate_series(1, %(rows)s) AS n
) AS series
"""


def timed(function, repeat: int) -> list[float]:
    figures = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        figures.append((time.perf_counter() - started) * 1000)
    return figures


def summary(figures: list[float]) -> dict:
    return {
        "median_ms": round(statistics.median(figures), 3),
        "p95_ms": round(percentile(figures, 0.95), 3),
        "max_ms": round(max(figures), 3),
        "runs_ms": [round(f, 3) for f in figures],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--queued", type=int, default=5_000)
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()

    import tempfile
    from pathlib import Path

    prepare(bench_environment(Path(tempfile.gettempdir()) / "hc-bench-sms"))
    from django.db import connection, transaction
    from django.utils import timezone

    from apps.notifications import conf, selectors
    from apps.notifications.choices import State
    from apps.notifications.models import Notification

    now = timezone.now()
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE notifications_notification RESTART IDENTITY CASCADE")
        cursor.execute(FILL, {"rows": args.rows, "queued": args.queued, "now": now})
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE notifications_notification")
    fill_seconds = time.perf_counter() - started

    stale_before = now - timedelta(seconds=int(conf.get("HOUSING_NOTIFY_REQUEUE_AFTER_SECONDS")))
    batch = int(conf.get("HOUSING_NOTIFY_SWEEP_BATCH"))

    def scan(at=now):
        return list(
            selectors.notifications_due(
                now=at, stale_before=at - timedelta(minutes=1), limit=batch
            ).values_list("id", flat=True)
        )

    idle_at = now - timedelta(days=30)  # before every row: nothing is due

    def claim():
        with transaction.atomic():
            ids = list(
                selectors.notifications_due(now=now, stale_before=stale_before, limit=batch)
                .select_for_update(skip_locked=True)
                .values_list("id", flat=True)
            )
            Notification.objects.filter(pk__in=ids).update(enqueued_at=now)
            transaction.set_rollback(True)

    found = len(scan())
    scan()  # warm the cache once, as the minute-by-minute sweep finds it
    figures = {"scan": timed(scan, args.repeat), "scan_idle": timed(lambda: scan(idle_at), args.repeat)}
    figures["claim"] = timed(claim, args.repeat)

    query = selectors.notifications_due(now=now, stale_before=stale_before, limit=batch)
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        plan = [line for (line,) in cursor.fetchall()]
        cursor.execute(
            "SELECT pg_relation_size('notif_queued_due_idx'), pg_relation_size('notifications_notification')"
        )
        index_bytes, table_bytes = cursor.fetchone()
    counts = dict(
        Notification.objects.values_list("state").annotate(n=__import__("django").db.models.Count("id"))
    )

    payload = {
        "bench": NAME,
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        **machine(),
        "settings": {"rows": args.rows, "queued": args.queued, "repeat": args.repeat, "batch": batch},
        "target": {"scan_ms_below": 1000},
        "rows_by_state": counts,
        "due_rows_found": found,
        "fill_seconds": round(fill_seconds, 1),
        "partial_index_bytes": index_bytes,
        "table_bytes": table_bytes,
        "uses_partial_index": any("notif_queued_due_idx" in line for line in plan),
        "plan": plan,
        **{name: summary(values) for name, values in figures.items()},
    }
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    (RESULTS_DIR / f"{NAME}.json").write_text(
        json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    total = sum(counts.values())
    queued = counts.get(State.QUEUED, 0)
    print(
        f"{NAME}: {total} rows ({queued} queued, {found} due) — scan median {payload['scan']['median_ms']:.1f}ms "
        f"p95 {payload['scan']['p95_ms']:.1f}ms; idle median {payload['scan_idle']['median_ms']:.2f}ms; "
        f"claim median {payload['claim']['median_ms']:.1f}ms p95 {payload['claim']['p95_ms']:.1f}ms (target <1000ms); "
        f"partial index {index_bytes // 1024} KiB vs table {table_bytes // 1048576} MiB; "
        f"index used: {payload['uses_partial_index']}"
    )


if __name__ == "__main__":
    main()
