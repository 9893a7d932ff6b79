"""The housing-file feed: 100,000 files through the signed API, then 100,000 status changes.

    python -m bench.integrations_housing_feed              # 100,000 files
    HC_BENCH_FEED_FILES=20000 python -m bench.integrations_housing_feed

Target (issue 17): 100,000 files < 60 s. 100,000 citizens are put in the bench database by
COPY first (not timed); then the files go to gunicorn as signed ``POST
/api/v1/integrations/housing-feed/files/`` requests of 5,000 (the API's limit), one after the
other, twice: the first pass creates every file, the second changes every status (and queue
position), so both the insert and the update paths, with their history rows, are measured.
Figures go to bench/results/integrations_housing_feed.json.
"""

from __future__ import annotations

import json
import os
import time
from datetime import UTC, datetime

from bench import loaddriver as ld

FILES = int(os.environ.get("HC_BENCH_FEED_FILES", "100000"))
BATCH = 5000
SECRET = "bench-housing-feed-secret-0123456789"
CPR_BASE = 600_000_000


def _setup() -> None:
    os.environ["HOUSING_HOUSING_FEED_SECRETS"] = SECRET
    os.environ["HOUSING_FEED_NOTIFY_STATUS"] = "false"
    ld.prepare(seed=False)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE integrations_housing_feed_housingfilechange, integrations_housing_feed_feedbatch"
        )
        cursor.execute("DELETE FROM citizens_housingfile WHERE application_number LIKE 'BENCH-%%'")
        cursor.execute("SELECT count(*) FROM citizens_citizen WHERE cpr LIKE '6%%'")
        if cursor.fetchone()[0] < FILES:
            cursor.execute(
                "DELETE FROM citizens_citizen c WHERE cpr LIKE '6%%' AND NOT EXISTS "
                "(SELECT 1 FROM citizens_housingfile f WHERE f.citizen_id = c.id)"
            )
            now = datetime.now(UTC)
            with cursor.copy(
                "COPY citizens_citizen (cpr, name_ar, name_en, email, language, block, road, building, flat,"
                " area, created_at, updated_at) FROM STDIN"
            ) as copy:
                for i in range(FILES):
                    copy.write_row(
                        (f"{CPR_BASE + i:09d}", f"مواطن {i}", "", "", "ar", "", "", "", "", "", now, now)
                    )


def _rows(status: str, offset: int) -> list[list[dict]]:
    rows = [
        {
            "file_number": f"BENCH-{i:07d}",
            "cpr": f"{CPR_BASE + i:09d}",
            "service": "وحدة سكنية",
            "status": status,
            "application_date": "2015-01-01",
            "status_date": "2026-11-30",
            "project": "مدينة سلمان",
            "queue_position": i + offset,
        }
        for i in range(FILES)
    ]
    return [rows[i : i + BATCH] for i in range(0, len(rows), BATCH)]


def _pass(client, url: str, batches: list[list[dict]]) -> dict:
    from apps.integrations import signing

    latencies, totals = [], {"created": 0, "updated": 0, "unchanged": 0, "rejected": 0}
    started = time.perf_counter()
    for batch in batches:
        body = json.dumps({"files": batch}).encode()
        headers = {"Content-Type": "application/json", **signing.sign(SECRET, body)}
        t0 = time.perf_counter()
        response = client.post(url, content=body, headers=headers, timeout=300)
        latencies.append((time.perf_counter() - t0) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"feed answered {response.status_code}: {response.text[:500]}")
        answer = response.json()
        for key in totals:
            totals[key] += answer[key]
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "files": sum(len(b) for b in batches),
        "requests": len(batches),
        "seconds": round(elapsed, 2),
        "files_per_second": round(sum(len(b) for b in batches) / elapsed, 1),
        "request_p50_ms": round(latencies[len(latencies) // 2], 1),
        "request_max_ms": round(latencies[-1], 1),
        **totals,
    }


def main() -> None:
    import httpx

    _setup()
    from django.db import connection

    with ld.Server(workers=2, threads=2) as server, httpx.Client() as client:
        url = f"{server.url}/api/v1/integrations/housing-feed/files/"
        create = _pass(client, url, _rows("under_review", 1000))
        change = _pass(client, url, _rows("eligible", 0))
        repeat = _pass(client, url, _rows("eligible", 0)[:2])
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM integrations_housing_feed_housingfilechange")
        changes = cursor.fetchone()[0]
    load = [round(x, 2) for x in os.getloadavg()]
    payload = {
        "bench": "integrations_housing_feed",
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "git_commit": ld._git_commit(),
        "machine": {"cpus": os.cpu_count(), "load_average": load},
        "create": create,
        "status_change": change,
        "repeat_unchanged": repeat,
        "history_rows": changes,
    }
    ld.RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    (ld.RESULTS_DIR / "integrations_housing_feed.json").write_text(json.dumps(payload, indent=2) + "\n")
    print(
        f"integrations_housing_feed: create {create['files']} in {create['seconds']}s "
        f"({create['files_per_second']}/s) | status change {change['files']} in {change['seconds']}s "
        f"({change['files_per_second']}/s) | load {load}",
        flush=True,
    )


if __name__ == "__main__":
    main()
