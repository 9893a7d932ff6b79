"""The pending pool with 5,000 referrals, from a separate process: target p95 < 150 ms.

    python -m bench.committee_pool [--requests 300] [--concurrency 4]

1. Makes a throw-away database beside $DATABASE_URL's (``<name>_bench_committee``),
   migrates it and bulk-loads 5,000 pending referrals (a fifth of them deferred before).
2. Starts gunicorn (2 workers) on it in another process, signed in as the secretary
   through a session made in that database.
3. Drives it with an httpx async client: the first page, a filtered page, and pages deep
   in the keyset (by following ``next_cursor``), and reports median/p95/max per kind.
4. Writes bench/results/committee_pool.json, stops the server and drops the database.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import httpx

ROOT = Path(__file__).resolve().parent.parent
N_REFERRALS = 5000


def _bench_url(url: str) -> str:
    parsed = urlparse(url)
    return urlunparse(parsed._replace(path=parsed.path.rstrip("/") + "_bench_committee"))


def _admin(url: str, sql: str) -> None:
    import psycopg

    parsed = urlparse(url)
    with psycopg.connect(urlunparse(parsed._replace(path="/postgres")), autocommit=True) as conn:
        conn.execute(sql)


def _prepare(env: dict) -> str:
    """Migrate and load the bench database; return the secretary's session key."""
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    code = f"""
import datetime, django
django.setup()
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.auth import SESSION_KEY, BACKEND_SESSION_KEY, HASH_SESSION_KEY
from django.utils import timezone
from apps.accounts import services as accounts
from apps.accounts.roles import Role
from apps.citizens.models import Citizen
from apps.committee import services
from apps.committee.models import MemberRole, Referral, ReferralStatus
user = accounts.user_create(username="bench-secretary", password="bench-pass-123", roles=[Role.COMMITTEE_SECRETARY], actor=None)
committee = services.committee_upsert(code="housing", name_ar="لجنة الإسكان", name_en="Housing Committee")
services.membership_add(committee=committee, user=user, role=MemberRole.SECRETARY)
citizens = Citizen.objects.bulk_create(Citizen(cpr=f"{{970000000 + i:09d}}", name_ar=f"مواطن {{i}}") for i in range({N_REFERRALS}))
start = timezone.now() - datetime.timedelta(days=400)
Referral.objects.bulk_create(
    Referral(committee=committee, reference=f"CR-2025-{{i:06d}}", citizen=citizens[i], subject=f"طلب استثناء رقم {{i}}",
             summary="ملخص", source_kind=("ticket", "secretary", "escalation")[i % 3], source_reference=f"2025-{{i:06d}}-1",
             status=ReferralStatus.PENDING, deferral_count=1 if i % 5 == 0 else 0,
             referred_at=start + datetime.timedelta(minutes=97 * i))
    for i in range({N_REFERRALS}))
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.set_expiry(3600)
session.create()
print(session.session_key)
"""
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    return out.stdout.strip().splitlines()[-1]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def _drive(base: str, cookie: str, requests: int, concurrency: int) -> dict:
    cookies = {"sessionid": cookie}
    async with httpx.AsyncClient(base_url=base, cookies=cookies, timeout=30) as client:
        # Collect cursors deep into the pool by walking it once (not timed).
        cursors, cursor = [], None
        for _ in range(N_REFERRALS // 50):
            params = {"cursor": cursor} if cursor else {}
            body = (await client.get("/committee/", params=params)).text
            found = re.search(r"cursor=([A-Za-z0-9_\-]+)", body)
            if not found:
                break
            cursor = found.group(1)
            cursors.append(cursor)
        kinds = {
            "first_page": lambda i: ("/committee/", {}),
            "filtered_page": lambda i: ("/committee/", {"source": "ticket"}),
            "deep_page_htmx": lambda i: ("/committee/", {"cursor": cursors[-1 - (i % 10)]}),
        }
        results = {}
        for kind, make in kinds.items():
            timings: list[float] = []
            semaphore = asyncio.Semaphore(concurrency)

            async def one(i: int, make=make, timings=timings, semaphore=semaphore) -> None:
                path, params = make(i)
                headers = {"HX-Request": "true"} if "cursor" in params else {}
                async with semaphore:
                    start = time.perf_counter()
                    response = await client.get(path, params=params, headers=headers)
                    timings.append(time.perf_counter() - start)
                assert response.status_code == 200, response.status_code

            await asyncio.gather(*(one(i) for i in range(requests)))
            timings.sort()
            results[kind] = {
                "requests": len(timings),
                "median_ms": round(statistics.median(timings) * 1000, 1),
                "p95_ms": round(timings[int(len(timings) * 0.95) - 1] * 1000, 1),
                "max_ms": round(timings[-1] * 1000, 1),
            }
        results["pages_walked"] = len(cursors) + 1
        return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()
    source = os.environ["DATABASE_URL"]
    target = _bench_url(source)
    name = urlparse(target).path.lstrip("/")
    _admin(source, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _admin(source, f'CREATE DATABASE "{name}"')
    env = dict(os.environ, DATABASE_URL=target, DJANGO_SETTINGS_MODULE="housing_contact.settings.test")
    server = None
    try:
        session = _prepare(env)
        port = _free_port()
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-w",
                "2",
                "-b",
                f"127.0.0.1:{port}",
                "housing_contact.wsgi",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
        )
        base = f"http://127.0.0.1:{port}"
        for _ in range(150):
            try:
                httpx.get(base + "/healthz", timeout=1)
                break
            except httpx.HTTPError:
                if server.poll() is not None:
                    raise SystemExit("the gunicorn server exited during start-up") from None
                time.sleep(0.2)
        else:
            raise SystemExit("the gunicorn server did not answer within 30 s")
        results = asyncio.run(_drive(base, session, args.requests, args.concurrency))
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        _admin(source, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    report = {
        "benchmark": "committee pending pool, 5,000 pending referrals, separate gunicorn process",
        "target_p95_ms": 150,
        "concurrency": args.concurrency,
        "results": results,
    }
    out = ROOT / "bench" / "results" / "committee_pool.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
