"""Bench: exporting 100,000 tickets of the staff list to CSV and to XLSX.

    python -m bench.exports_large [--rows 100000]

Target (issue 18): a list of 100,000 rows is written without being held in memory — the
peak memory traced while writing stays a few megabytes whatever the number of rows — and in
a fixed number of queries per batch of 2,000 rows (a server-side cursor, no OFFSET).

The rows (and 2,000 citizens, and an administrator who may export personal data and past
the limit) are written inside a transaction rolled back at the end, so the shared bench
database is left as it was. The export goes the product's way: the ticket list's own filter
(``department=…``) through ``apps.exports.services.export_plan`` and the writers. Each format
is written once under ``tracemalloc`` (the peak of Python memory, and the time under tracing,
about twice the plain time); ``--untraced`` also writes it once more, timed without tracing.
Writes ``bench/results/exports_large.json`` and prints one summary line last.
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.notifications_delivery import RESULTS_DIR, bench_environment, machine, prepare

NAME = "exports_large"
CITIZENS = 2_000


def fill(rows: int):
    """The rows to export, in one department; returns (administrator, department)."""
    from django.utils import timezone

    from apps.accounts import services as account_services
    from apps.accounts.roles import Role
    from apps.citizens.models import Citizen, CitizenPhone
    from apps.tickets.models import Ticket

    department = account_services.department_upsert(
        code="bench-exports", name_ar="إدارة قياس التصدير", name_en="Export bench"
    )
    admin = account_services.user_create(
        username="bench-exporter",
        password="Quiet-harbour-lantern-4271",
        roles=[Role.ADMINISTRATOR],
        actor=None,
    )
    citizens = Citizen.objects.bulk_create(
        Citizen(
            cpr=f"7{n:08d}",
            name_ar=f"مواطن القياس {n}",
            name_en=f"Bench citizen {n}",
            email=f"c{n}@example.bh",
        )
        for n in range(CITIZENS)
    )
    CitizenPhone.objects.bulk_create(
        CitizenPhone(citizen=c, number=f"+9733{7000000 + n:07d}", is_primary=True)
        for n, c in enumerate(citizens)
    )
    now = timezone.now()
    batch = 5_000
    for start in range(0, rows, batch):
        Ticket.objects.bulk_create(
            Ticket(
                review_number=f"EXP-{n:08d}",
                kind=Ticket.Kind.INQUIRY,
                channel=Ticket.Channel.PHONE,
                subject=f"الاستفسار عن حالة الطلب الإسكاني رقم {n}",
                description="أرغب في معرفة موعد التخصيص وحالة طلبي الإسكاني. " * 3,
                citizen=citizens[n % CITIZENS],
                department=department,
                received_at=now - timedelta(minutes=n),
                rating=(n % 5) + 1 if n % 3 == 0 else None,
            )
            for n in range(start, min(start + batch, rows))
        )
    return admin, department


def export_once(plan, admin, fmt: str, path: Path, *, traced: bool) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from apps.exports import writers

    if traced:
        tracemalloc.start()
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        if fmt == "csv":
            count = writers.write_csv(
                path, plan.export_list, plan.queryset, viewer=admin, personal=plan.personal
            )
        else:
            count = writers.write_xlsx(
                path, plan.export_list, plan.queryset, viewer=admin, personal=plan.personal, language="ar"
            )
    seconds = time.perf_counter() - started
    result = {
        "rows": count,
        "seconds": round(seconds, 1),
        "queries": len(queries),
        "bytes": path.stat().st_size,
    }
    if traced:
        result["peak_traced_mb"] = round(tracemalloc.get_traced_memory()[1] / 1e6, 1)
        tracemalloc.stop()
        result.pop("seconds")
        result["seconds_traced"] = round(seconds, 1)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument(
        "--untraced", action="store_true", help="also time each format without tracemalloc (twice as long)"
    )
    args = parser.parse_args()
    prepare(bench_environment(Path(tempfile.gettempdir()) / "hc-bench-sms"))

    from django.db import transaction
    from django.http import QueryDict
    from django.utils import translation

    from apps.exports import services

    results: dict = {}
    with transaction.atomic(), translation.override("ar"), tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        admin, department = fill(args.rows)
        fill_seconds = round(time.perf_counter() - started, 1)
        print(f"  filled {args.rows} tickets in {fill_seconds} s", flush=True)
        for fmt in ("csv", "xlsx"):
            plan = services.export_plan(
                actor=admin, list_key="tickets", params=QueryDict(f"department={department.pk}"), format=fmt
            )
            traced = export_once(plan, admin, fmt, Path(folder) / f"traced.{fmt}", traced=True)
            results[fmt] = traced
            if args.untraced:
                timed = export_once(plan, admin, fmt, Path(folder) / f"timed.{fmt}", traced=False)
                results[fmt]["seconds"] = timed["seconds"]
            assert results[fmt]["rows"] == args.rows, results[fmt]
            print(f"  {fmt}: {results[fmt]}", flush=True)
        transaction.set_rollback(True)
    max_rss_mb = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    payload = {
        "bench": NAME,
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        **machine(),
        "settings": {"rows": args.rows, "batch": 2000},
        "target": {"memory": "flat: rows never all held", "queries": "fixed per batch, no OFFSET"},
        "fill_seconds": fill_seconds,
        "max_rss_mb_of_process": max_rss_mb,
        "results": results,
    }
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    (RESULTS_DIR / f"{NAME}.json").write_text(
        json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    parts = [
        f"{fmt} {r['rows']} rows {r.get('seconds', r['seconds_traced']):.1f}s"
        f"{'' if 'seconds' in r else ' (traced)'} peak {r['peak_traced_mb']} MB {r['queries']}q"
        for fmt, r in results.items()
    ]
    print(f"{NAME}: " + " | ".join(parts) + f" (process max RSS {max_rss_mb} MB)")


if __name__ == "__main__":
    main()
