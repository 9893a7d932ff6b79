"""Where one request of each operation of ``bench/peer.py`` spends its time, on the
1,000,000-ticket bench database (issue 20, "find where the time goes").

    python -m bench._profile [create track track_page list] [--requests 200]
    (with DATABASE_URL and REDIS_URL, as ``make bench`` gives; the bench database must be
    loaded: ``make bench BENCH=peer`` loads it)

In this process, through the whole middleware stack with Django's test client and the
benchmark's production-like settings (``DEBUG`` off), the same requests as the benchmark
(``bench.peer.our_endpoints``): first the wall and CPU time per request without a profiler,
then a pyinstrument profile of as many requests, each sample given to one category
(``bench/_hot_paths.py``'s: SQL, ORM, message rendering, deadline computation,
templates, serializers, Redis, Celery hand-over, middleware, view code); and the console's
look-up by CPR (``lookup``) of that ticket's citizen. The shares are the
useful part: the profiler inflates Python-heavy work more than waiting on PostgreSQL.
Writes ``bench/results/profile.json``.
"""

from __future__ import annotations

import argparse
import json
import time
from datetime import UTC, datetime

from bench import loaddriver as ld


def _client_for(endpoint: ld.Endpoint):
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client(SERVER_NAME="127.0.0.1")
    headers = dict(endpoint.headers)
    if endpoint.as_user:
        user = get_user_model().objects.get(username=endpoint.as_user)
        client.force_login(user, backend="apps.accounts.backends.CachedPermissionsBackend")
        ld.complete_second_step(client, user)
    if endpoint.token_for:
        headers.update(ld.token_headers(endpoint.token_for))
    data, content_type = ld._body(endpoint)

    def send():
        response = client.generic(
            endpoint.method, endpoint.path, data, content_type=content_type or "", headers=headers
        )
        if response.status_code != endpoint.expected_status:
            raise RuntimeError(
                f"{endpoint.name}: HTTP {response.status_code}, expected {endpoint.expected_status}"
            )
        return response

    return send


def _categories(session, requests: int) -> dict[str, float]:
    from bench._hot_paths import profile_category

    totals: dict[str, float] = {}
    for stack, seconds in session.frame_records:
        name = profile_category(stack)
        totals[name] = totals.get(name, 0.0) + seconds
    whole = sum(totals.values()) or 1.0
    return {
        name: {"ms": round(seconds / requests * 1000, 3), "share": round(seconds / whole, 4)}
        for name, seconds in sorted(totals.items(), key=lambda item: -item[1])
    }


def profile(name: str, endpoint: ld.Endpoint, requests: int) -> dict:
    from pyinstrument import Profiler

    send = _client_for(endpoint)
    for _ in range(20):  # caches, templates, permissions, prepared queries
        send()
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(requests):
        send()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    profiler = Profiler(interval=0.0002)
    profiler.start()
    for _ in range(requests):
        send()
    profiler.stop()
    figures = {
        "requests": requests,
        "wall_ms": round(wall / requests * 1000, 2),
        "cpu_ms": round(cpu / requests * 1000, 2),
        "profiled_ms": round(profiler.last_session.duration / requests * 1000, 2),
        "categories": _categories(profiler.last_session, requests),
    }
    print(f"== {name}: {figures['wall_ms']} ms a request ({figures['cpu_ms']} ms CPU in this process)")
    for category, share in figures["categories"].items():
        print(f"   {category:<52} {share['share']:6.1%}")
    return figures


def _lookup_endpoint() -> ld.Endpoint:
    """The agent console's look-up box by CPR (htmx): the caller card and the first page of
    the timeline, for a citizen with three tickets (the bench data gives most citizens one to
    five; the benchmark's tracked ticket belongs to the one citizen with 3,864, whose
    timeline is another matter)."""
    from django.db import connection

    from apps.citizens.models import Citizen

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT citizen_id FROM tickets_ticket WHERE citizen_id IS NOT NULL "
            "GROUP BY citizen_id HAVING count(*) = 3 ORDER BY citizen_id LIMIT 1"
        )
        citizen_id = cursor.fetchone()[0]
    cpr = Citizen.objects.only("cpr").get(pk=citizen_id).cpr
    return ld.Endpoint(
        "lookup",
        f"/console/?q={cpr}",
        as_user="agent",
        headers={"HX-Request": "true", "HX-Target": "caller-card"},
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("operations", nargs="*", default=["create", "track", "track_page", "list", "lookup"])
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    ld.prepare(seed=False)
    from bench import peer

    endpoints = {**peer.our_endpoints(), "lookup": _lookup_endpoint()}
    results = {name: profile(name, endpoints[name], args.requests) for name in args.operations}
    import os

    payload = {
        "bench": "profile",
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "git_commit": ld._git_commit(),
        "load_average_end": [round(x, 2) for x in os.getloadavg()],
        "operations": results,
    }
    ld.RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    (ld.RESULTS_DIR / "profile.json").write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
