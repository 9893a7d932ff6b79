"""Bench: Tawasul's signed webhook, one request in flight (target: p95 < 60 ms).

    python -m bench.integrations_tawasul [--requests 300] [--rounds 3]

Uses the harness (``bench.loaddriver``): the bench database, gunicorn on 127.0.0.1 with the
project's ``gunicorn.conf.py``. ``loaddriver.measure`` repeats one fixed request, which this
endpoint answers idempotently (the same reference is one ticket), so this script drives it
itself: every request is a new Tawasul message (its own reference), signed at the moment
it leaves, sent one at a time with httpx, after 20 unrecorded warm-up requests. Each one is
the whole production path: verify, find or add the citizen, create the
ticket (review number, SLA clocks, the citizen's acknowledgement in the notifications outbox),
the Tawasul link row and the acknowledgement to Tawasul in the partner outbox, then the
after-commit hand-over to the broker. A second endpoint measures the idempotent repeat (a
reference already received: 200, nothing written). Writes
``bench/results/integrations_tawasul.json`` (with the load average) and one summary line last.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
import uuid

SECRET = "bench-tawasul-secret-0123456789"
NAME = "integrations_tawasul"
PATH = "/api/v1/integrations/tawasul/messages"


def _message(reference: str, n: int) -> dict:
    return {
        "reference": reference,
        "kind": ("complaint", "inquiry", "suggestion")[n % 3],
        "subject": "تأخر صيانة الوحدة السكنية",
        "text": "تقدمت بطلب صيانة منذ شهرين ولم يتم التواصل معي حتى الآن، أرجو المتابعة.",
        "submitted_at": "2026-12-03T09:00:00+03:00",
        "citizen": {
            "cpr": f"{700000000 + n % 5000:09d}",
            "name": f"مواطن تواصل {n}",
            "mobile": f"+9733{7000000 + n % 5000:07d}",
            "email": "",
            "language": "ar",
        },
    }


def _round(client, url: str, *, requests: int, warmup: int, expected: int, repeat_of: list[str] | None, ld):
    from apps.integrations import signing

    latencies: list[float] = []
    statuses: dict[str, int] = {}
    started = time.perf_counter()
    run = uuid.uuid4().hex[:8]
    for i in range(warmup + requests):
        reference = repeat_of[i % len(repeat_of)] if repeat_of else f"BENCH-{run}-{i:06d}"
        body = json.dumps(_message(reference, i), ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json", **signing.sign(SECRET, body)}
        t0 = time.perf_counter()
        response = client.post(url, content=body, headers=headers)
        elapsed = time.perf_counter() - t0
        if i >= warmup:
            latencies.append(elapsed)
            statuses[str(response.status_code)] = statuses.get(str(response.status_code), 0) + 1
    total = time.perf_counter() - started
    ordered = sorted(latencies)
    done = len(ordered)
    return ld.RoundFigures(
        requests=done,
        errors=done - statuses.get(str(expected), 0),
        statuses=statuses,
        elapsed_s=round(total, 3),
        throughput_rps=round(done / total, 1),
        p50_ms=round(ld._percentile(ordered, 0.50) * 1000, 2),
        p95_ms=round(ld._percentile(ordered, 0.95) * 1000, 2),
        p99_ms=round(ld._percentile(ordered, 0.99) * 1000, 2),
        mean_ms=round(statistics.fmean(ordered) * 1000, 2),
        max_ms=round(ordered[-1] * 1000, 2),
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=20)
    args = parser.parse_args()

    # The server (a subprocess) and this process read the same secrets from the environment.
    os.environ["HOUSING_TAWASUL_SECRETS"] = SECRET
    os.environ["HOUSING_TAWASUL_OUTBOUND_URL"] = "http://127.0.0.1:9/tawasul-not-listening"
    from bench import loaddriver as ld

    ld.prepare(seed=False)
    import httpx
    from django.db import connections

    from apps.integrations.tawasul.models import TawasulMessage

    load_before = [round(x, 2) for x in os.getloadavg()]
    results = []
    with ld.Server(workers=2, threads=2) as server, httpx.Client(timeout=30) as client:
        connections.close_all()
        url = server.url + PATH
        new = [
            _round(
                client, url, requests=args.requests, warmup=args.warmup, expected=201, repeat_of=None, ld=ld
            )
            for _ in range(args.rounds)
        ]
        results.append(ld.EndpointResult("new_message", "POST", PATH, -1, new))
        known = list(TawasulMessage.objects.values_list("reference", flat=True)[:50])
        connections.close_all()
        again = [
            _round(
                client, url, requests=args.requests, warmup=args.warmup, expected=200, repeat_of=known, ld=ld
            )
            for _ in range(args.rounds)
        ]
        results.append(ld.EndpointResult("same_reference_again", "POST", PATH, -1, again))
    measurement = ld.Measurement(
        endpoints=results,
        load={
            "rounds": args.rounds,
            "requests_per_round": args.requests,
            "concurrency": 1,
            "warmup": args.warmup,
        },
        server={"program": "gunicorn", "worker_class": "gthread", "workers": 2, "threads": 2},
    )
    ld.report(
        NAME, measurement, extra={"load_average_before": load_before, "target": {"new_message_p95_ms": 60}}
    )


if __name__ == "__main__":
    main()
