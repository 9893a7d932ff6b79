"""The contacts benchmarks' load driver.

bench/loaddriver.py measures fixed-path endpoints on the shared ``_bench`` database; the
contacts benchmarks need a different path or body on every request (random citizens,
successive batches) and databases of their own (10,000,000 contacts would weigh on every
other benchmark), so they use this small driver, measuring the same way: gunicorn in a
separate process, an asynchronous httpx client, nearest-rank percentiles.

- ``prepare(name)`` points this process at its own PostgreSQL database
  ``<DATABASE_URL's name>_<name>`` (created when missing, migrated) with production-like
  settings (``DEBUG`` false, no HTTPS redirect) and sets Django up.
- ``Server`` runs gunicorn in a separate process on a free port of 127.0.0.1.
- ``load`` keeps ``concurrency`` requests in flight with an asynchronous httpx client and
  returns each request's latency; ``figures`` turns them into p50/p95/p99 and throughput.
- ``write`` saves ``bench/results/<name>.json`` and prints one summary line.

Only 127.0.0.1 is ever contacted.
"""

from __future__ import annotations

import asyncio
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
RESULTS_DIR = BASE_DIR / "bench" / "results"
WORK_DIR = BASE_DIR / "var" / "bench"


def database_url(suffix: str) -> str:
    # prepare() repoints DATABASE_URL at the bench database; the original stays here.
    url = os.environ.setdefault("HC_BENCH_BASE_DATABASE_URL", os.environ.get("DATABASE_URL", ""))
    if not url:
        raise SystemExit("DATABASE_URL is unset: run with `make bench`, or export it.")
    parts = urlsplit(url)
    name = (parts.path.lstrip("/") or "housing_contact") + f"_{suffix}"
    return urlunsplit(parts._replace(path=f"/{name}"))


def environment(suffix: str) -> dict[str, str]:
    return {
        "DJANGO_SETTINGS_MODULE": "housing_contact.settings.base",
        "DATABASE_URL": database_url(suffix),
        "DEBUG": "false",
        "SECURE_SSL_REDIRECT": "false",
        "SECRET_KEY": "benchmark-only-secret-key-not-for-production-0123456789abcdef",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "STATIC_ROOT": str(WORK_DIR / "static"),
        "CACHE_KEY_PREFIX": f"hc-bench-{suffix}",
        "LOG_LEVEL": "WARNING",
    }


def prepare(suffix: str) -> None:
    """Own database, migrated, with the demo staff and departments; Django set up here."""
    import io

    import psycopg

    env = environment(suffix)
    os.environ.update(env)
    parts = urlsplit(env["DATABASE_URL"])
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        name = parts.path.lstrip("/")
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    import django
    from django.core.management import call_command

    django.setup()
    quiet = io.StringIO()
    call_command("migrate", "--noinput", verbosity=0, stdout=quiet)
    call_command("compiletranslations", stdout=quiet)
    call_command("collectstatic", "--noinput", verbosity=0, stdout=quiet)  # DEBUG is off: hashed files
    from apps.accounts import seed as accounts_seed

    accounts_seed.seed(quiet)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn (threaded workers) in its own process on 127.0.0.1."""

    def __init__(self, suffix: str, *, workers: int = 2, threads: int = 4, worker_class: str = "gthread"):
        self.env = dict(os.environ, **environment(suffix))
        self.worker_class = worker_class
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.workers, self.threads = workers, threads
        self.process = None

    def __enter__(self) -> Server:
        import httpx

        WORK_DIR.mkdir(parents=True, exist_ok=True)
        log = open(WORK_DIR / "contacts-gunicorn.log", "w")
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "gunicorn", "housing_contact.wsgi:application",
                "--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers),
                "--worker-class", self.worker_class, "--threads", str(self.threads),
                "--timeout", "120", "--log-level", "warning",
            ],
            cwd=BASE_DIR, env=self.env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/healthz", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                time.sleep(0.3)
        self.__exit__()
        raise SystemExit("gunicorn did not start; see var/bench/contacts-gunicorn.log")

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()


def session_cookie(username: str) -> str:
    """A signed-in session for ``username`` (made in this process, used by the server)."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model

    SessionStore = import_module(settings.SESSION_ENGINE).SessionStore  # noqa: N806
    user = get_user_model().objects.get(username=username)
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "apps.accounts.backends.CachedPermissionsBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    # Measured pages, not the sign-in: the session counts as past its two-factor step.
    store["hc_two_factor"] = "done"
    store.save()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


async def _load(
    base: str,
    make_request: Callable[[int], dict],
    *,
    requests: int,
    concurrency: int,
    max_seconds: float,
    headers_for: Callable[[int], dict],
) -> tuple[list[float], dict[int, int], float]:
    import httpx

    latencies: list[float] = []
    statuses: dict[int, int] = {}
    counter = iter(range(requests))
    started = time.perf_counter()

    async def worker(slot: int) -> None:
        async with httpx.AsyncClient(base_url=base, timeout=120, headers=headers_for(slot)) as client:
            for index in counter:
                if time.perf_counter() - started > max_seconds:
                    return
                request = make_request(index)
                t0 = time.perf_counter()
                response = await client.request(**request)
                latencies.append(time.perf_counter() - t0)
                statuses[response.status_code] = statuses.get(response.status_code, 0) + 1

    await asyncio.gather(*(worker(slot) for slot in range(concurrency)))
    return latencies, statuses, time.perf_counter() - started


def load(base, make_request, *, requests, concurrency=4, max_seconds=600.0, headers_for=lambda slot: {}):
    return asyncio.run(
        _load(
            base,
            make_request,
            requests=requests,
            concurrency=concurrency,
            max_seconds=max_seconds,
            headers_for=headers_for,
        )
    )


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (as bench/loaddriver.py)."""
    import math

    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def figures(latencies: list[float], elapsed: float, statuses: dict) -> dict:
    ms = [v * 1000 for v in latencies]
    return {
        "requests": len(ms),
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "elapsed_s": round(elapsed, 3),
        "throughput_rps": round(len(ms) / elapsed, 1) if elapsed else None,
        "p50_ms": round(percentile(ms, 0.50), 2),
        "p95_ms": round(percentile(ms, 0.95), 2),
        "p99_ms": round(percentile(ms, 0.99), 2),
        "mean_ms": round(statistics.fmean(ms), 2) if ms else None,
        "max_ms": round(max(ms), 2) if ms else None,
    }


def write(name: str, data: dict, summary: str) -> None:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=BASE_DIR
    )
    data = {
        "benchmark": name,
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "commit": commit.stdout.strip(),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "load_avg": os.getloadavg()},
        **data,
    }
    (RESULTS_DIR / f"{name}.json").write_text(json.dumps(data, indent=2, ensure_ascii=False, default=str))
    print(f"{name}: {summary}", flush=True)
