"""Import through the telephony batch API: a month (11,000 calls) and 1,000,000 calls.

    python -m bench.contacts_import                 # month ×3 and the million ×1
    python -m bench.contacts_import --million 0     # only the month
    python -m bench.contacts_import --csv           # also the month as one CSV upload

Targets (issue 4): a month < 5 s, 1,000,000 < 3 minutes, through the batch API path
(``POST /api/v1/contacts/batch/``, 1,000 records a request), not raw SQL. The table is
emptied before each run; 50,000 citizens with phones are there so caller numbers link.
Figures go to bench/results/contacts_import.json.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from datetime import datetime, timedelta, timezone

from bench import _contacts_driver as driver

SUFFIX = "bench_import"
CITIZENS = 50_000
BATCH = 1_000
TZ = timezone(timedelta(hours=3))
PURPOSES = ["new_application"] * 72 + ["request_delay"] * 27 + ["complaint"]


def _setup() -> tuple[str, list[str]]:
    driver.prepare(SUFFIX)
    from django.db import connection
    from rest_framework.authtoken.models import Token

    from apps.accounts import services
    from apps.accounts.models import User
    from apps.accounts.roles import Role

    pbx = User.objects.filter(username="pbx").first() or services.user_create(
        username="pbx", password="pbx-bench-password-1", roles=[Role.TELEPHONY], actor=None
    )
    token, _created = Token.objects.get_or_create(user=pbx)
    agents = []
    for index in range(20):
        username = f"bench-agent-{index:02d}"
        if not User.objects.filter(username=username).exists():
            services.user_create(
                username=username, password="x-bench-password-1", roles=[Role.AGENT], actor=None
            )
        agents.append(username)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM citizens_citizen WHERE cpr LIKE '7%%'")
        if cursor.fetchone()[0] < CITIZENS:
            with cursor.copy(
                "COPY citizens_citizen (cpr, name_ar, name_en, email, language, block, road, building, flat, area, created_at, updated_at) FROM STDIN"
            ) as copy:
                for i in range(CITIZENS):
                    copy.write_row(
                        (
                            f"7{i:08d}",
                            f"مواطن {i}",
                            f"Citizen {i}",
                            "",
                            "ar",
                            "",
                            "",
                            "",
                            "",
                            "",
                            "now",
                            "now",
                        )
                    )
            cursor.execute(
                "INSERT INTO citizens_citizenphone (citizen_id, number, kind, is_primary, created_at, updated_at) "
                "SELECT id, '+9733' || lpad((5000000 + substr(cpr, 2)::int)::text, 7, '0'), 'mobile', true, now(), now() "
                "FROM citizens_citizen WHERE cpr LIKE '7%%' ON CONFLICT DO NOTHING"
            )
    return token.key, agents


def _empty_contacts() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE contacts_quickansweruse, contacts_callback, contacts_followupevent, contacts_followup, contacts_contact"
        )


def _records(count: int, *, run: str, agents: list[str], rng: random.Random) -> list[dict]:
    start = datetime(2026, 7, 1, 7, 0, tzinfo=TZ)
    rows = []
    for i in range(count):
        offered = start + timedelta(seconds=rng.randrange(30 * 24 * 3600))
        answered = rng.random() > 0.03
        wait = rng.randrange(5, 180)
        row = {
            "call_id": f"{run}-{i:07d}",
            "channel": "inbound_call",
            "offered_at": offered.isoformat(),
            "caller_number": f"+9733{5000000 + rng.randrange(CITIZENS * 2):07d}",
        }
        if answered:
            row.update(
                answered_at=(offered + timedelta(seconds=wait)).isoformat(),
                ended_at=(offered + timedelta(seconds=wait + rng.randrange(40, 900))).isoformat(),
                agent=rng.choice(agents),
                purpose=rng.choice(PURPOSES),
                outcome="resolved_first_contact" if rng.random() < 0.975 else "referred",
            )
            if row["outcome"] == "referred":
                row["department"] = "housing-services"
        else:
            row["ended_at"] = (offered + timedelta(seconds=wait)).isoformat()
        rows.append(row)
    return rows


def _bodies(rows: list[dict]) -> list[bytes]:
    return [json.dumps(rows[i : i + BATCH]).encode() for i in range(0, len(rows), BATCH)]


def _post_all(server, token: str, bodies: list[bytes], concurrency: int) -> dict:
    headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
    latencies, statuses, elapsed = driver.load(
        server.url,
        lambda i: {"method": "POST", "url": "/api/v1/contacts/batch/", "content": bodies[i]},
        requests=len(bodies),
        concurrency=concurrency,
        headers_for=lambda slot: headers,
    )
    return driver.figures(latencies, elapsed, statuses)


def _count() -> int:
    from apps.contacts.models import Contact

    return Contact.objects.count()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--month-runs", type=int, default=3)
    parser.add_argument("--million", type=int, default=1_000_000, help="0 to skip")
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--csv", action="store_true")
    args = parser.parse_args()
    token, agents = _setup()
    rng = random.Random(4)
    result: dict = {"settings": vars(args)}
    # Sync workers: a batch is CPU work, so each worker takes one request at a time and
    # the connections are spread over the workers (a kept-alive connection would pin all
    # of one client's batches to one worker).
    with driver.Server(SUFFIX, workers=args.workers, threads=1, worker_class="sync") as server:
        months = []
        for run in range(args.month_runs):
            _empty_contacts()
            bodies = _bodies(_records(11_000, run=f"M{run}", agents=agents, rng=rng))
            figures = _post_all(server, token, bodies, args.concurrency)
            figures["stored"] = _count()
            months.append(figures)
        result["month"] = {
            "rows": 11_000,
            "wall_s_median": round(statistics.median(m["elapsed_s"] for m in months), 2),
            "wall_s_max": round(max(m["elapsed_s"] for m in months), 2),
            "runs": months,
        }
        # The same month again: every row is an idempotent repeat (nothing written).
        again = _post_all(server, token, bodies, args.concurrency)
        again["stored"] = _count()
        result["month_repeat"] = again
        if args.csv:
            _empty_contacts()
            result["month_csv"] = _csv_month(server, token, agents, rng)
        if args.million:
            _empty_contacts()
            t0 = time.perf_counter()
            bodies = _bodies(_records(args.million, run="MM", agents=agents, rng=rng))
            prepared = time.perf_counter() - t0
            figures = _post_all(server, token, bodies, args.concurrency)
            figures["stored"] = _count()
            figures["client_generation_s"] = round(prepared, 1)
            result["million"] = {"rows": args.million, **figures}
    summary = (
        f"month 11,000 median {result['month']['wall_s_median']} s (max {result['month']['wall_s_max']} s); "
        f"repeat {result['month_repeat']['elapsed_s']} s"
    )
    if "million" in result:
        summary += f"; {args.million:,} in {result['million']['elapsed_s']} s (batch p95 {result['million']['p95_ms']} ms)"
    driver.write("contacts_import", result, summary)


def _csv_month(server, token, agents, rng) -> dict:
    import csv
    import io

    import httpx

    from apps.contacts.validation import COLUMNS

    rows = _records(11_000, run="CSV", agents=agents, rng=rng)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    data = buffer.getvalue().encode("cp1256")
    t0 = time.perf_counter()
    response = httpx.post(
        f"{server.url}/api/v1/contacts/import/",
        content=data,
        headers={"Authorization": f"Token {token}", "Content-Type": "text/csv; charset=windows-1256"},
        timeout=300,
    )
    elapsed = time.perf_counter() - t0
    return {
        "rows": 11_000,
        "status": response.status_code,
        "elapsed_s": round(elapsed, 2),
        "summary": response.json().get("summary"),
    }


if __name__ == "__main__":
    main()
