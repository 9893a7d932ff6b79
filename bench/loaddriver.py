"""The shared load driver: latency percentiles and throughput of HTTP endpoints.

A benchmark script (``bench/<name>.py``) does three things::

    from bench import loaddriver as ld

    ld.prepare()                                   # bench database, Django set up in this process
    ...                                            # create the rows the endpoints need (services)
    measurement = ld.measure([
        ld.Endpoint("healthz", "/healthz"),
        ld.Endpoint("home", "/", as_user="agent"),
        ld.Endpoint("create", "/api/v1/things/", method="POST", json={...}, token_for="agent",
                    expected_status=201),
    ])
    ld.report("my_bench", measurement)             # bench/results/my_bench.json + one summary line

How it measures:

- ``prepare`` points this process at its own database, ``<DATABASE_URL's name>_bench``
  (created when missing, migrated, demo data seeded, so a benchmark may add rows freely),
  with production-like settings: ``DEBUG`` false, hashed and compressed static files, but
  no HTTPS redirect (the server listens on plain HTTP on 127.0.0.1).
- ``measure`` starts gunicorn with the project's ``gunicorn.conf.py`` (threaded workers) in
  a separate process on a free port of 127.0.0.1, and drives it from this process with a
  lean asynchronous HTTP/1.1 client of its own (``_Connection``: one keep-alive connection
  per request in flight; ``/healthz`` takes 0.4 ms a request through it, 1.0 ms through httpx):
  ``concurrency`` requests in flight, after ``warmup``
  unrecorded ones; each round stops after ``requests`` requests or ``max_seconds``,
  whichever comes first. Several rounds give the spread; the summary is their median.
- ``as_user`` signs in through the real login form (one session per concurrent client,
  since every request saves its session row); ``token_for`` sends a REST framework token.
  POST bodies go as ``json`` or ``form``; session requests carry the CSRF token.
- The SQL query count of one request of each endpoint is taken in this process with
  Django's test client under ``CaptureQueriesContext`` (after one warm-up request).
- An endpoint answering anything but ``expected_status`` makes the benchmark fail: figures
  for error pages are not figures.

Only 127.0.0.1 is ever contacted.
"""

from __future__ import annotations

import asyncio
import http.cookiejar
import http.cookies
import io
import json
import math
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
RESULTS_DIR = BASE_DIR / "bench" / "results"
WORK_DIR = BASE_DIR / "var" / "bench"
DEMO_PASSWORD = "demo-pass-2026"  # apps/accounts/seed.py


@dataclass(frozen=True)
class Endpoint:
    name: str
    path: str
    method: str = "GET"
    as_user: str | None = None
    token_for: str | None = None
    json: Any = None
    form: dict | None = None
    headers: dict = field(default_factory=dict)
    expected_status: int = 200


@dataclass
class RoundFigures:
    requests: int
    errors: int
    statuses: dict
    elapsed_s: float
    throughput_rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    mean_ms: float
    max_ms: float
    # How many of the round's connections each server process held, most first: [2, 1, 1]
    # is four connections over three workers, [4] one worker holding them all (and so one
    # core's worth of Python). Empty where the holders could not be read.
    spread: list[int] = field(default_factory=list)


@dataclass
class EndpointResult:
    name: str
    method: str
    path: str
    queries: int
    rounds: list[RoundFigures]

    def median(self, attribute: str) -> float:
        return statistics.median(getattr(r, attribute) for r in self.rounds)

    @property
    def errors(self) -> int:
        return sum(r.errors for r in self.rounds)

    def summary(self) -> dict:
        return {
            "method": self.method,
            "path": self.path,
            "queries": self.queries,
            "p50_ms": round(self.median("p50_ms"), 2),
            "p95_ms": round(self.median("p95_ms"), 2),
            "p99_ms": round(self.median("p99_ms"), 2),
            "throughput_rps": round(self.median("throughput_rps"), 1),
            "p95_ms_spread": [
                round(min(r.p95_ms for r in self.rounds), 2),
                round(max(r.p95_ms for r in self.rounds), 2),
            ],
            "errors": self.errors,
            "rounds": [asdict(r) for r in self.rounds],
        }


@dataclass
class Measurement:
    """What ``measure`` returns and ``report`` writes: the figures and how they were taken."""

    endpoints: list[EndpointResult]
    load: dict
    server: dict


# ---------------------------------------------------------------------------------------
# Environment and database


def _bench_database_url(url: str) -> str:
    parts = urlsplit(url)
    name = parts.path.lstrip("/") or "housing_contact"
    if not name.endswith("_bench"):
        name = f"{name}_bench"
    return urlunsplit(parts._replace(path=f"/{name}"))


def _ensure_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def bench_environment() -> dict[str, str]:
    """The environment of the server and of this process: production-like, plain HTTP."""
    for name in ("DATABASE_URL", "REDIS_URL"):
        if not os.environ.get(name):
            raise SystemExit(
                f"{name} is unset: run benchmarks with `make bench` (it starts embedded services)."
            )
    return {
        "DJANGO_SETTINGS_MODULE": "housing_contact.settings.base",
        "DATABASE_URL": _bench_database_url(os.environ["DATABASE_URL"]),
        "DEBUG": "false",
        "SECURE_SSL_REDIRECT": "false",
        "SECRET_KEY": "benchmark-only-secret-key-not-for-production-0123456789abcdef",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "STATIC_ROOT": str(WORK_DIR / "static"),
        "CACHE_KEY_PREFIX": "hc-bench",
        "LOG_LEVEL": "WARNING",
        "GUNICORN_ACCESS_LOG": "",
    }


def prepare(*, seed: bool = True) -> None:
    """Point this process at the bench database, migrate, seed and set Django up."""
    env = bench_environment()
    os.environ.update(env)
    WORK_DIR.mkdir(parents=True, exist_ok=True)
    _ensure_database(env["DATABASE_URL"])
    import django
    from django.core.management import call_command

    django.setup()
    quiet = io.StringIO()
    call_command("migrate", "--noinput", verbosity=0, stdout=quiet)
    call_command("compiletranslations", stdout=quiet)
    call_command("collectstatic", "--noinput", verbosity=0, stdout=quiet)
    if seed:
        call_command("seed_demo", stdout=quiet)


# ---------------------------------------------------------------------------------------
# The server


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn in its own process on 127.0.0.1, stopped on exit.

    By default this project's application; ``python``, ``app``, ``env`` and ``cwd`` run
    another WSGI application under the same ``gunicorn.conf.py`` (``bench.peer`` runs
    django-helpdesk from its own virtualenv this way), answering 200 on ``/healthz``."""

    def __init__(
        self,
        *,
        workers: int = 3,
        threads: int = 4,
        startup_timeout: float = 60,
        python: str | None = None,
        app: str | None = None,
        env: dict[str, str] | None = None,
        cwd: Path | None = None,
        log_name: str = "gunicorn.log",
    ):
        self.workers = workers
        self.threads = threads
        self.startup_timeout = startup_timeout
        self.python = python or sys.executable
        self.app = app
        self.extra_env = env or {}
        self.cwd = cwd or BASE_DIR
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None
        self.log_path = WORK_DIR / log_name

    def __enter__(self) -> Server:
        import httpx

        env = {**os.environ, **bench_environment(), **self.extra_env}
        env.update(WEB_CONCURRENCY=str(self.workers), GUNICORN_THREADS=str(self.threads))
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "w")  # the child keeps its own descriptor
        command = [self.python, "-m", "gunicorn", "-c", str(BASE_DIR / "gunicorn.conf.py")]
        command += ["--bind", f"127.0.0.1:{self.port}"]
        command += [self.app] if self.app else []  # a positional application wins over the file's
        self.process = subprocess.Popen(command, cwd=self.cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}: see {self.log_path}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        self.__exit__(None, None, None)
        raise RuntimeError(f"gunicorn did not answer /healthz within {self.startup_timeout:.0f} s")

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


# ---------------------------------------------------------------------------------------
# Authentication


def _set_cookies(response) -> dict[str, str]:
    cookies: dict[str, str] = {}
    for header in response.headers.get_list("set-cookie"):
        jar = http.cookies.SimpleCookie()
        jar.load(header)
        cookies.update({name: morsel.value for name, morsel in jar.items()})
    return cookies


def session_headers(base_url: str, username: str, password: str = DEMO_PASSWORD) -> dict[str, str]:
    """Sign in through the login form (and the second step where the role needs one); return
    the headers of that session.

    The cookies are marked Secure (production settings) and the server speaks plain HTTP,
    so they are sent as an explicit Cookie header rather than through a cookie jar.
    """
    import httpx

    second_step = _one_off_recovery_code(username)
    with httpx.Client(base_url=base_url, timeout=30, cookies=_jar_that_keeps_nothing()) as client:
        csrf = _set_cookies(client.get("/accounts/login/"))["csrftoken"]
        response = client.post(
            "/accounts/login/",
            data={"username": username, "password": password, "csrfmiddlewaretoken": csrf},
            headers={"Cookie": f"csrftoken={csrf}"},
        )
        cookies = _set_cookies(response)
        if response.status_code != 302 or "sessionid" not in cookies:
            raise RuntimeError(f"signing in as {username!r} failed: HTTP {response.status_code}")
        csrf = cookies.get("csrftoken", csrf)
        if second_step is not None:
            response = client.post(
                "/accounts/two-factor/verify/",
                data={"code": second_step, "csrfmiddlewaretoken": csrf},
                headers={"Cookie": f"sessionid={cookies['sessionid']}; csrftoken={csrf}"},
            )
            if response.status_code != 302:
                raise RuntimeError(f"the second step as {username!r} failed: HTTP {response.status_code}")
            cookies.update(_set_cookies(response))  # the session key changes after it
    return {"Cookie": f"sessionid={cookies['sessionid']}; csrftoken={csrf}", "X-CSRFToken": csrf}


def _one_off_recovery_code(username: str) -> str | None:
    """For a user whose role requires two-factor sign-in: make sure they have an
    authenticator, and add one recovery code for this one sign-in (several sessions of one
    user within 30 seconds cannot each use a fresh authenticator code)."""
    from django.contrib.auth import get_user_model
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from apps.accounts import two_factor

    user = get_user_model().objects.get(username=username)
    if not (two_factor.is_required_for(user) or two_factor.is_enrolled(user)):
        return None
    if not two_factor.is_enrolled(user):
        TOTPDevice.objects.create(user=user, name=two_factor.AUTHENTICATOR_DEVICE_NAME, confirmed=True)
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=two_factor.RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    return StaticToken.objects.create(device=device, token=StaticToken.random_token()).token


def token_headers(username: str) -> dict[str, str]:
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    token, _created = Token.objects.get_or_create(user=get_user_model().objects.get(username=username))
    return {"Authorization": f"Token {token.key}"}


def _jar_that_keeps_nothing():
    """A cookie jar that keeps nothing: every request carries exactly the headers given."""
    return http.cookiejar.CookieJar(policy=http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))


# ---------------------------------------------------------------------------------------
# Query count (in this process, with Django's test client)


def _body(endpoint: Endpoint) -> tuple[str, str | None]:
    """The request body and its content type: JSON, or a urlencoded form, or nothing."""
    if endpoint.json is not None:
        return json.dumps(endpoint.json), "application/json"
    if endpoint.form is not None:
        return urlencode(endpoint.form, doseq=True), "application/x-www-form-urlencoded"
    return "", None


def complete_second_step(client, user) -> None:
    """``force_login`` is the password step only: for a role that needs a second one, mark
    the test client's session verified with the user's authenticator, as signing in would."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from apps.accounts import two_factor

    session = client.session
    if session.get(two_factor.STATE_KEY) not in two_factor.PENDING:
        return
    device = two_factor.authenticator_of(user) or TOTPDevice.objects.create(
        user=user, name=two_factor.AUTHENTICATOR_DEVICE_NAME, confirmed=True
    )
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[two_factor.STATE_KEY] = two_factor.DONE
    session.save()


def count_queries(endpoint: Endpoint) -> int:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(SERVER_NAME="127.0.0.1")
    headers = dict(endpoint.headers)
    if endpoint.as_user:
        user = get_user_model().objects.get(username=endpoint.as_user)
        client.force_login(user, backend="apps.accounts.backends.CachedPermissionsBackend")
        complete_second_step(client, user)
    if endpoint.token_for:
        headers.update(token_headers(endpoint.token_for))
    data, content_type = _body(endpoint)

    def send():
        return client.generic(
            endpoint.method, endpoint.path, data, content_type=content_type or "", headers=headers
        )

    send()  # the first request of a process fills caches (content types, translations)
    with CaptureQueriesContext(connection) as captured:
        response = send()
    if response.status_code != endpoint.expected_status:
        raise RuntimeError(
            f"{endpoint.name}: the test client got HTTP {response.status_code}, "
            f"expected {endpoint.expected_status}"
        )
    return len(captured)


# ---------------------------------------------------------------------------------------
# Load


def _percentile(sorted_values: list[float], fraction: float) -> float:
    """Nearest-rank percentile: the smallest value with at least ``fraction`` of all at or below it."""
    if not sorted_values:
        return float("nan")
    rank = math.ceil(round(fraction * len(sorted_values), 9))  # round: 0.07 * 100 is 7.000000000000001
    return sorted_values[min(len(sorted_values), max(rank, 1)) - 1]


class _Connection:
    """One keep-alive HTTP/1.1 connection to the server, sending one prepared request again and
    again. Hand-written rather than httpx: the client shares the two cores with the server it
    measures, and httpx spent about 0.6 ms of CPU a request (a trivial page: 1.0 ms a request
    through httpx, 0.4 ms through this), which would be counted against every system alike
    and hide how far apart they are. It reads what ``gunicorn`` answers: a status line,
    headers, a body by ``Content-Length`` or chunks; it reconnects when the server closes."""

    def __init__(self, host: str, port: int, request: bytes):
        self.host, self.port, self.request = host, port, request
        self.reader = self.writer = None

    async def _connect(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.reader = self.writer = None

    async def send(self) -> int:
        if self.writer is None:
            await self._connect()
        try:
            self.writer.write(self.request)
            return await self._response()
        except (ConnectionError, asyncio.IncompleteReadError):
            # A keep-alive connection the server had just closed: once more on a new one.
            self.close()
            await self._connect()
            self.writer.write(self.request)
            return await self._response()

    async def _response(self) -> int:
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        status = int(lines[0].split(b" ", 2)[1])
        length, chunked, close = None, False, False
        for line in lines[1:]:
            name, _sep, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"transfer-encoding":
                chunked = b"chunked" in value.lower()
            elif name == b"connection":
                close = value.strip().lower() == b"close"
        if chunked:
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
                await self.reader.readexactly(size + 2)
                if size == 0:
                    break
        elif length is not None:
            await self.reader.readexactly(length)
        else:
            await self.reader.read()
            close = True
        if close:
            self.close()
        return status


def _raw_request(host: str, port: int, endpoint: Endpoint, headers: dict[str, str]) -> bytes:
    content, content_type = _body(endpoint)
    body = content.encode()
    lines = {"Host": f"{host}:{port}", **endpoint.headers, **headers}
    if content_type:
        lines["Content-Type"] = content_type
    if body or endpoint.method not in ("GET", "HEAD"):
        lines["Content-Length"] = str(len(body))
    head = f"{endpoint.method} {endpoint.path} HTTP/1.1\r\n" + "".join(
        f"{k}: {v}\r\n" for k, v in lines.items()
    )
    return (head + "\r\n").encode("latin-1") + body


async def _one_round(
    base_url: str,
    endpoint: Endpoint,
    auth: list[dict[str, str]],
    *,
    requests: int,
    concurrency: int,
    warmup: int,
    max_seconds: float,
) -> RoundFigures:
    url = urlsplit(base_url)
    connections = [
        _Connection(
            url.hostname,
            url.port,
            _raw_request(url.hostname, url.port, endpoint, auth[i % len(auth)] if auth else {}),
        )
        for i in range(concurrency)
    ]
    latencies: list[float] = []
    statuses: Counter = Counter()
    try:
        for i in range(warmup):
            async with asyncio.timeout(30):
                await connections[i % concurrency].send()

        issued = 0
        start = time.perf_counter()
        deadline = start + max_seconds

        async def worker(connection: _Connection):
            nonlocal issued
            while issued < requests and time.perf_counter() < deadline:
                issued += 1
                began = time.perf_counter()
                try:
                    async with asyncio.timeout(30):
                        status = await connection.send()
                except (
                    OSError,
                    asyncio.IncompleteReadError,
                    asyncio.LimitOverrunError,
                    TimeoutError,
                    ValueError,
                ) as exc:
                    status = type(exc).__name__
                    connection.close()
                latencies.append(time.perf_counter() - began)
                statuses[str(status)] += 1

        await asyncio.gather(*(worker(c) for c in connections))
        elapsed = time.perf_counter() - start
        spread = _spread(connections, url.port)
    finally:
        for connection in connections:
            connection.close()

    ordered = sorted(latencies)
    done = len(ordered)
    return RoundFigures(
        requests=done,
        errors=done - statuses.get(str(endpoint.expected_status), 0),
        statuses=dict(statuses),
        elapsed_s=round(elapsed, 3),
        throughput_rps=round(done / elapsed, 1) if elapsed else 0.0,
        p50_ms=round(_percentile(ordered, 0.50) * 1000, 2),
        p95_ms=round(_percentile(ordered, 0.95) * 1000, 2),
        p99_ms=round(_percentile(ordered, 0.99) * 1000, 2),
        mean_ms=round(statistics.fmean(ordered) * 1000, 2) if ordered else float("nan"),
        max_ms=round(ordered[-1] * 1000, 2) if ordered else float("nan"),
        spread=spread,
    )


def _spread(connections: list[_Connection], server_port: int) -> list[int]:
    ports = {c.writer.get_extra_info("sockname")[1] for c in connections if c.writer is not None}
    return spread_of(server_port, ports)


def spread_of(server_port: int, client_ports: set[int]) -> list[int]:
    """How many of the connections from these local ports each process on the server's side
    holds, most first: the server's socket of a connection is the one whose local port is
    the server's and whose remote port is the connection's own."""
    import psutil

    holders = [
        held.pid
        for held in psutil.net_connections(kind="tcp")
        if held.laddr and held.laddr.port == server_port and held.raddr and held.raddr.port in client_ports
    ]
    if not holders or None in holders:  # another user's processes are not ours to read
        return []
    return sorted(Counter(holders).values(), reverse=True)


def run_round(
    base_url: str,
    endpoint: Endpoint,
    auth: list[dict[str, str]],
    *,
    requests: int,
    concurrency: int,
    warmup: int,
    max_seconds: float,
) -> RoundFigures:
    """One round against any server on 127.0.0.1 (``measure`` runs its rounds this way)."""
    return asyncio.run(
        _one_round(
            base_url,
            endpoint,
            auth,
            requests=requests,
            concurrency=concurrency,
            warmup=warmup,
            max_seconds=max_seconds,
        )
    )


def measure(
    endpoints: list[Endpoint],
    *,
    rounds: int = 3,
    requests: int = 300,
    concurrency: int = 8,
    warmup: int = 20,
    max_seconds: float = 20.0,
    workers: int = 3,
    threads: int = 4,
) -> Measurement:
    """Start the server, then measure each endpoint ``rounds`` times. Bounded: at most
    ``rounds × len(endpoints) × requests`` requests and ``rounds × len(endpoints) ×
    max_seconds`` seconds of load.

    ``HC_BENCH_CONCURRENCY`` and ``HC_BENCH_ROUNDS`` in the environment override the
    script's choice, so the same endpoints can be measured one request at a time (the
    latency a single user sees) and under load in the same session."""
    from django.db import connections

    concurrency = int(os.environ.get("HC_BENCH_CONCURRENCY", concurrency))
    rounds = int(os.environ.get("HC_BENCH_ROUNDS", rounds))

    queries = {e.name: count_queries(e) for e in endpoints}
    results = []
    with Server(workers=workers, threads=threads) as server:
        sessions: dict[str, list[dict[str, str]]] = {}
        for endpoint in endpoints:
            auth: list[dict[str, str]] = []
            if endpoint.as_user:
                if endpoint.as_user not in sessions:
                    sessions[endpoint.as_user] = [
                        session_headers(server.url, endpoint.as_user) for _ in range(concurrency)
                    ]
                auth = sessions[endpoint.as_user]
            elif endpoint.token_for:
                auth = [token_headers(endpoint.token_for)]
            connections.close_all()  # no idle transaction of this process in the server's way
            figures = [
                run_round(
                    server.url,
                    endpoint,
                    auth,
                    requests=requests,
                    concurrency=concurrency,
                    warmup=warmup,
                    max_seconds=max_seconds,
                )
                for _ in range(rounds)
            ]
            results.append(
                EndpointResult(endpoint.name, endpoint.method, endpoint.path, queries[endpoint.name], figures)
            )
    return Measurement(
        endpoints=results,
        load={
            "rounds": rounds,
            "requests_per_round": requests,
            "concurrency": concurrency,
            "warmup": warmup,
            "max_seconds_per_round": max_seconds,
        },
        server={"program": "gunicorn", "worker_class": "gthread", "workers": workers, "threads": threads},
    )


# ---------------------------------------------------------------------------------------
# Results


def _git_commit() -> str | None:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=BASE_DIR, capture_output=True, text=True
        )
    except OSError:
        return None
    return out.stdout.strip() or None


def report(bench: str, measurement: Measurement, *, extra: dict | None = None) -> Path:
    """Write bench/results/<bench>.json and print the one-line summary (the last line)."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    payload = {
        "bench": bench,
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "git_commit": _git_commit(),
        "machine": {
            "cpus": os.cpu_count(),
            "load_average": [round(x, 2) for x in os.getloadavg()],
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "load": measurement.load,
        "server": measurement.server,
        "endpoints": {r.name: r.summary() for r in measurement.endpoints},
        **(extra or {}),
    }
    path = RESULTS_DIR / f"{bench}.json"
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    results = measurement.endpoints
    for r in results:
        s = r.summary()
        print(
            f"  {r.name:<16} {r.method:<5} {r.path:<28} p50 {s['p50_ms']:>7.2f} ms  p95 {s['p95_ms']:>7.2f} ms  "
            f"p99 {s['p99_ms']:>7.2f} ms  {s['throughput_rps']:>7.1f} req/s  {r.queries:>3} queries  "
            f"errors {r.errors}"
        )
    print(f"  results: {path.relative_to(BASE_DIR)}")
    line = " | ".join(
        f"{r.name} p50 {r.median('p50_ms'):.1f}ms p95 {r.median('p95_ms'):.1f}ms "
        f"{r.median('throughput_rps'):.0f}/s {r.queries}q"
        for r in results
    )
    print(f"{bench}: {line}", flush=True)
    failed = [r.name for r in results if r.errors]
    if failed:
        raise SystemExit(f"{bench}: unexpected responses from {', '.join(failed)} (see {path})")
    return path
