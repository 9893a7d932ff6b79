"""The agent console's look-up and the supervisor's month view on the large data set
(1,000,000 citizens, 10,000,000 contacts, made by ``bench/_contacts_generate.py`` when
missing — that takes several minutes the first time; ``HC_BENCH_CITIZENS`` and
``HC_BENCH_CONTACTS`` lower the sizes for a quick run).

    python -m bench.contacts_console [--rounds 3] [--requests 400] [--concurrency 4]

Measured from this process against gunicorn in another (two workers, four threads):

- ``lookup_cpr`` / ``lookup_phone``: what the agent's look-up box asks (htmx,
  ``GET /console/?q=…``): the citizen card, the first page of the 360° timeline, the log
  form — for random citizens (most with a few contacts, some with hundreds).
- ``screen_pop``: the whole console page a telephony screen-pop opens
  (``/console/?phone=…&call_id=…``).
- ``supervisor_month``: ``/supervisor/contacts/?period=month`` (≈166,000 contacts a month
  in this data set, against ≈12,500 in a real month).

Targets (issue 4): look-up incl. the first timeline page p95 < 50 ms; month view p95 < 500 ms.
The query count of one request of each is taken in this process with the test client.
"""

from __future__ import annotations

import argparse
import random
import statistics

from bench import _contacts_driver as driver
from bench import loaddriver
from bench._contacts_generate import SUFFIX, cpr_of, generate, phone_of


def _query_count(path: str, username: str, headers: dict | None = None) -> int:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1", **(headers or {}))
    user = get_user_model().objects.get(username=username)
    client.force_login(user)
    loaddriver.complete_second_step(client, user)  # the supervisor's role needs a second step
    client.get(path)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return len(queries)


def _rounds(server, name, paths, *, username, rounds, requests, concurrency, headers=None) -> dict:
    cookies = [driver.session_cookie(username) for _ in range(concurrency)]

    def headers_for(slot):
        return {"Cookie": cookies[slot], **(headers or {})}

    driver.load(
        server.url,
        lambda i: {"method": "GET", "url": paths[i % len(paths)]},
        requests=min(40, requests),
        concurrency=concurrency,
        headers_for=headers_for,
    )  # fmt: skip  (warm-up, not recorded)
    results = []
    for round_index in range(rounds):
        offset = (round_index + 1) * requests
        latencies, statuses, elapsed = driver.load(
            server.url,
            lambda i, offset=offset: {"method": "GET", "url": paths[(offset + i) % len(paths)]},
            requests=requests,
            concurrency=concurrency,
            headers_for=headers_for,
            max_seconds=120,
        )
        results.append(driver.figures(latencies, elapsed, statuses))
    bad = sum(v for k, v in results[0]["statuses"].items() if k != "200")
    return {
        "name": name,
        "p50_ms": round(statistics.median(r["p50_ms"] for r in results), 2),
        "p95_ms": round(statistics.median(r["p95_ms"] for r in results), 2),
        "p95_ms_spread": [min(r["p95_ms"] for r in results), max(r["p95_ms"] for r in results)],
        "throughput_rps": round(statistics.median(r["throughput_rps"] for r in results), 1),
        "non_200": bad,
        "rounds": results,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--month-requests", type=int, default=40)
    args = parser.parse_args()
    import os

    # The data set is made (or completed) first; sizes can be lowered for a quick run.
    generate(
        int(os.environ.get("HC_BENCH_CITIZENS", 1_000_000)),
        int(os.environ.get("HC_BENCH_CONTACTS", 10_000_000)),
    )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM citizens_citizen WHERE cpr >= %s", [cpr_of(0)])
        citizens = cursor.fetchone()[0]
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = 'contacts_contact'")
        contacts = cursor.fetchone()[0]
    rng = random.Random(21)
    picks = [rng.randrange(citizens) for _ in range(5000)]
    # Half uniformly random citizens, half from the frequent callers (the generator's skew).
    picks += [int(citizens * rng.random() ** 3) for _ in range(5000)]
    rng.shuffle(picks)
    by_cpr = [f"/console/?q={cpr_of(k)}" for k in picks]
    by_phone = [f"/console/?q=%2B{phone_of(k)[1:]}" for k in picks]
    pops = [f"/console/?phone=%2B{phone_of(k)[1:]}&call_id=BENCH-{n}" for n, k in enumerate(picks)]
    htmx = {"HX-Request": "true", "HX-Target": "caller-card"}  # what the search box sends
    queries = {
        "lookup_cpr": _query_count(
            by_cpr[0], "agent", {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "caller-card"}
        ),
        "screen_pop": _query_count(pops[0], "agent"),
        "supervisor_month": _query_count("/supervisor/contacts/?period=month", "supervisor"),
    }
    with driver.Server(SUFFIX, workers=2, threads=4) as server:
        endpoints = [
            _rounds(server, "lookup_cpr", by_cpr, username="agent", rounds=args.rounds, requests=args.requests,
                    concurrency=args.concurrency, headers=htmx),
            _rounds(server, "lookup_phone", by_phone, username="agent", rounds=args.rounds, requests=args.requests,
                    concurrency=args.concurrency, headers=htmx),
            _rounds(server, "screen_pop", pops, username="agent", rounds=args.rounds, requests=args.requests // 2,
                    concurrency=args.concurrency),
            _rounds(server, "supervisor_month", ["/supervisor/contacts/?period=month"], username="supervisor",
                    rounds=args.rounds, requests=args.month_requests, concurrency=2),
        ]  # fmt: skip
    for endpoint in endpoints:
        endpoint["queries"] = queries.get(endpoint["name"], queries["lookup_cpr"])
    summary = " | ".join(
        f"{e['name']} p50 {e['p50_ms']} ms p95 {e['p95_ms']} ms {e['queries']}q" for e in endpoints
    )
    driver.write(
        "contacts_console",
        {
            "data": {"citizens": citizens, "contacts_estimate": contacts},
            "settings": vars(args),
            "endpoints": endpoints,
        },
        summary,
    )


if __name__ == "__main__":
    main()
