"""Side by side with the Django peer: this product (1,000,000 tickets) against django-helpdesk
2.6.1 (100,000 tickets, 160,000 follow-ups), same server settings, same load driver, rounds
interleaved, one and four requests in flight.

    make bench BENCH=peer                          # or: python -m bench.peer (with DATABASE_URL, REDIS_URL)
    HC_PEER_QUICK=1 make bench BENCH=peer          # a small end-to-end check (minutes, not figures)

1. django-helpdesk goes into a virtualenv of its own, ``var/peer/venv`` (pip, from the
   package registry; skipped when already installed), with the same Django, REST framework,
   gunicorn and psycopg versions as ours. None of its code enters this repository: the site
   around it (``bench/peer_site/``: settings, URLs, the setup script) is ours.
2. Its database, ``peer_helpdesk_bench``, sits on the same PostgreSQL server as our bench
   database; ``peer_site.setup`` migrates it, creates three staff users, a queue, an API
   token, and loads the tickets and follow-ups with SQL.
3. Ours is ``bench.tickets_load``'s database (1,000,000 tickets, loaded when missing).
4. Both run under gunicorn with the project's ``gunicorn.conf.py`` (gthread, 3 workers × 4
   threads), DEBUG off, persistent connections (CONN_MAX_AGE 60 with health checks).
5. For each concurrency (1, then 4), each round, each operation: ours, then the peer's,
   with ``loaddriver.run_round``. The 1-minute load average is taken after each of them.
6. SQL statements of one request: ours with ``loaddriver.count_queries``, the peer's by the
   same method (Django's test client under ``CaptureQueriesContext``, one warm-up request
   first) in its own virtualenv (``peer_site.setup count``).

Operations (ours ↔ the peer's):
- ``create``: POST /api/v1/tickets/ with a token ↔ POST /api/tickets/ with a token (its
  DRF API, ``HELPDESK_API_ENABLED``), 201 both.
- ``track``: POST /api/v1/public/track/ (review number + last 4 digits of the mobile) ↔ GET
  /view/?ticket=…&email=…&key=… (its public view: ticket, submitter e-mail and secret key).
- ``track_page``: POST /portal/track/ (the portal's HTML page, same two factors) ↔ the same view.
- ``list``: GET /tickets/ (the staff page with its 25 rows, as the supervisor) ↔ GET
  /datatables_ticket_list/<query>?… (the data request its list page makes, as staff).

Writes bench/results/peer.json (peer_quick.json with HC_PEER_QUICK); the last line is the
throughput ratios.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from datetime import UTC, datetime
from importlib.metadata import version
from urllib.parse import urlencode, urlsplit, urlunsplit

from bench import _peer_figures as figures
from bench import loaddriver as ld
from bench import tickets_load

PEER_VERSION = "2.6.1"
PEER_DIR = ld.BASE_DIR / "var" / "peer"
VENV = PEER_DIR / "venv"
SITE_DIR = ld.BASE_DIR / "bench"  # on the peer's path: bench/peer_site is its site
PEER_PASSWORD = "peer-pass-2026"
QUICK = os.environ.get("HC_PEER_QUICK", "") not in ("", "0")

if QUICK:
    CONFIG = {
        "our_tickets": 8_000,
        "peer_tickets": 2_000,
        "peer_database": "peer_helpdesk_quick_bench",
        "our_database": "peer_quick",  # → peer_quick_bench
        "rounds": 2,
        "requests": 30,
        "max_seconds": 4.0,
        "warmup": 3,
    }
else:
    CONFIG = {
        "our_tickets": tickets_load.TICKETS,
        "peer_tickets": 100_000,
        "peer_database": "peer_helpdesk_bench",
        "our_database": None,  # the bench database beside DATABASE_URL's, as every benchmark
        "rounds": int(os.environ.get("HC_BENCH_ROUNDS", 3)),
        "requests": 200,
        "max_seconds": 12.0,
        "warmup": 10,
    }
# The peer's list data takes seconds a request: a longer round gives its p95 a few more samples.
MAX_SECONDS = {"list": CONFIG["max_seconds"] * (1 if QUICK else 5 / 3)}
CONCURRENCIES = [int(c) for c in os.environ.get("HC_PEER_CONCURRENCIES", "1,4").split(",")]


# ---------------------------------------------------------------------------------------
# The peer's virtualenv and site


def peer_requirements() -> list[str]:
    """django-helpdesk, and the framework, server and driver at the versions ours runs."""
    return [
        f"django-helpdesk=={PEER_VERSION}",
        f"Django=={version('Django')}",
        f"djangorestframework=={version('djangorestframework')}",
        f"gunicorn=={version('gunicorn')}",
        f"psycopg[binary]=={version('psycopg')}",
    ]


def ensure_peer_venv() -> float | None:
    """Create var/peer/venv and install the peer, unless it holds these requirements already.
    Returns the seconds it took, None when skipped."""
    stamp = VENV / "bench-requirements.txt"
    wanted = "\n".join(peer_requirements()) + "\n"
    python = VENV / "bin" / "python"
    if python.exists() and stamp.exists() and stamp.read_text() == wanted:
        return None
    started = time.monotonic()
    PEER_DIR.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(VENV)], check=True)
    out = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *peer_requirements()],
        capture_output=True,
        text=True,
    )
    if out.returncode != 0:
        raise RuntimeError(f"installing the peer failed:\n{out.stdout}\n{out.stderr}")
    stamp.write_text(wanted)
    return round(time.monotonic() - started, 1)


def peer_environment() -> dict[str, str]:
    """The peer's database on our bench database's server, and its Django settings."""
    from django.db import connection

    # Django's own connection parameters: a URL's host and port, or the embedded server's
    # socket directory and port (which the settings carry in OPTIONS, not HOST).
    db = connection.get_connection_params()
    return {
        "DJANGO_SETTINGS_MODULE": "peer_site.settings",
        "PYTHONPATH": str(SITE_DIR),
        "PEER_DB_NAME": CONFIG["peer_database"],
        "PEER_DB_HOST": str(db.get("host") or ""),
        "PEER_DB_PORT": str(db.get("port") or ""),
        "PEER_DB_USER": str(db.get("user") or ""),
        "PEER_DB_PASSWORD": str(db.get("password") or ""),
        "PEER_STATIC_ROOT": str(PEER_DIR / "static"),
        "PEER_MEDIA_ROOT": str(PEER_DIR / "media"),
        "PEER_PASSWORD": PEER_PASSWORD,
    }


def _ensure_peer_database() -> None:
    url = urlsplit(ld.bench_environment()["DATABASE_URL"])
    ld._ensure_database(urlunsplit(url._replace(path=f"/{CONFIG['peer_database']}")))


def run_peer_setup(*args: str) -> dict:
    """``python -m peer_site.setup ARGS`` in the peer's virtualenv; its last line is JSON."""
    env = {**os.environ, **peer_environment()}
    for name in ("DATABASE_URL", "REDIS_URL"):  # nothing of ours reaches the peer
        env.pop(name, None)
    out = subprocess.run(
        [str(VENV / "bin" / "python"), "-m", "peer_site.setup", *args],
        cwd=SITE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    if out.returncode != 0:
        raise RuntimeError(f"peer_site.setup {args[0]} failed:\n{out.stdout}\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def peer_session_headers(base_url: str, username: str, password: str = PEER_PASSWORD) -> dict[str, str]:
    """Sign in through django-helpdesk's login form; the headers of that session."""
    import httpx

    with httpx.Client(base_url=base_url, timeout=30, cookies=ld._jar_that_keeps_nothing()) as client:
        csrf = ld._set_cookies(client.get("/login/"))["csrftoken"]
        response = client.post(
            "/login/",
            data={"username": username, "password": password, "csrfmiddlewaretoken": csrf},
            headers={"Cookie": f"csrftoken={csrf}"},
        )
        cookies = ld._set_cookies(response)
        if response.status_code != 302 or "sessionid" not in cookies:
            raise RuntimeError(f"signing in to the peer as {username!r} failed: HTTP {response.status_code}")
    return {"Cookie": f"sessionid={cookies['sessionid']}; csrftoken={cookies.get('csrftoken', csrf)}"}


def portal_csrf_headers(base_url: str) -> dict[str, str]:
    """What a citizen's browser holds after opening the portal's tracking page: its CSRF cookie."""
    import httpx

    with httpx.Client(base_url=base_url, timeout=30, cookies=ld._jar_that_keeps_nothing()) as client:
        csrf = ld._set_cookies(client.get("/portal/track/"))["csrftoken"]
    return {"Cookie": f"csrftoken={csrf}", "X-CSRFToken": csrf}


# ---------------------------------------------------------------------------------------
# The operations


def our_endpoints() -> dict[str, ld.Endpoint]:
    from apps.tickets.models import Ticket

    ticket = (
        Ticket.objects.filter(external_reference__startswith=tickets_load.EXTERNAL_PREFIX)
        .only("review_number", "contact_phone", "citizen_id")
        .order_by("-id")[1000]
    )
    track = {"review_number": ticket.review_number, "phone_last4": ticket.contact_phone[-4:]}
    return {
        "create": ld.Endpoint(
            "create",
            "/api/v1/tickets/",
            method="POST",
            token_for="agent",
            json={
                "kind": "complaint",
                "channel": "phone",
                "subject": "تأخر الرد على الطلب",
                "description": "المواطن يسأل عن سبب تأخر الرد على طلبه الإسكاني.",
                "citizen": ticket.citizen_id,
            },
            expected_status=201,
        ),
        "track": ld.Endpoint("track", "/api/v1/public/track/", method="POST", json=track),
        "track_page": ld.Endpoint("track_page", "/portal/track/", method="POST", form=track),
        "list": ld.Endpoint("list", "/tickets/", as_user="supervisor"),
    }


# DataTables' first request of the list page: draw 1, 25 rows from 0, its default order
# (column 0 ascending), no search.
DATATABLES_FIRST_DRAW = {
    "draw": "1",
    "order[0][column]": "0",
    "order[0][dir]": "asc",
    "start": "0",
    "length": "25",
    "search[value]": "",
    "search[regex]": "false",
}


def peer_endpoints(setup: dict) -> dict[str, ld.Endpoint]:
    return {
        "create": ld.Endpoint(
            "create",
            "/api/tickets/",
            method="POST",
            headers={"Authorization": f"Token {setup['token']}"},
            json={
                "queue": setup["queue"],
                "title": "Delay in answering my request",
                "description": "The citizen asks why the answer to the housing request is late.",
                "submitter_email": "citizen@example.com",
                "priority": 3,
            },
            expected_status=201,
        ),
        "track": ld.Endpoint("track", setup["view_path"]),
        "list": ld.Endpoint("list", setup["list_data_path"] + "?" + urlencode(DATATABLES_FIRST_DRAW)),
    }


# The pairs measured, in order within a round: (operation, ours, the peer's or None when the
# peer's figure of another operation serves as its comparison).
PAIRS = [("create", "create", "create"), ("track", "track", "track"), ("track_page", "track_page", None)]
PAIRS += [("list", "list", "list")]
COMPARED_WITH = {"track_page": "track"}


def peer_query_counts(endpoints: dict[str, ld.Endpoint], staff: str) -> dict[str, int]:
    spec = [
        {
            "name": name,
            "method": e.method,
            "path": e.path,
            "json": e.json,
            "headers": e.headers,
            "as_user": staff if name == "list" else None,
            "expected_status": e.expected_status,
        }
        for name, e in endpoints.items()
    ]
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, dir=PEER_DIR) as handle:
        json.dump(spec, handle)
    try:
        return run_peer_setup("count", handle.name)
    finally:
        os.unlink(handle.name)


# ---------------------------------------------------------------------------------------
# The run


def _load1() -> float:
    return round(os.getloadavg()[0], 2)


def measure_side_by_side(ours: dict, peer: dict, our_url: str, peer_url: str, auth: dict) -> dict:
    """Every concurrency, round, operation: ours then the peer's. Returns the raw rounds:
    {concurrency: {operation: {"ours": [...], "peer": [...]}}, and the load of each round."""
    from django.db import connections

    raw: dict = {}
    round_loads: dict = {}
    for concurrency in CONCURRENCIES:
        raw[concurrency] = {op: {"ours": [], "peer": []} for op, _o, _p in PAIRS}
        round_loads[concurrency] = []
        for number in range(1, CONFIG["rounds"] + 1):
            began = time.monotonic()
            load_at_start = list(round(x, 2) for x in os.getloadavg())
            for operation, our_name, peer_name in PAIRS:
                sides = [("ours", our_url, ours[our_name], auth["ours"].get(our_name, []))]
                if peer_name:
                    sides.append(("peer", peer_url, peer[peer_name], auth["peer"].get(peer_name, [])))
                for system, url, endpoint, headers in sides:
                    connections.close_all()  # no idle transaction of this process in a server's way
                    result = ld.run_round(
                        url,
                        endpoint,
                        headers,
                        requests=CONFIG["requests"],
                        concurrency=concurrency,
                        warmup=CONFIG["warmup"],
                        max_seconds=MAX_SECONDS.get(operation, CONFIG["max_seconds"]),
                    )
                    row = {**result.__dict__, "round": number, "load1_after": _load1()}
                    raw[concurrency][operation][system].append(row)
                    print(
                        f"  c{concurrency} r{number} {operation:<10} {system:<4} "
                        f"{result.throughput_rps:>7.1f}/s p50 {result.p50_ms:>8.1f} ms p95 {result.p95_ms:>8.1f} ms "
                        f"n={result.requests} err={result.errors} load1 {row['load1_after']} "
                        f"spread {'+'.join(map(str, result.spread)) or '?'}",
                        flush=True,
                    )
            round_loads[concurrency].append(
                {
                    "round": number,
                    "load_average_start": load_at_start,
                    "load_average_end": [round(x, 2) for x in os.getloadavg()],
                    "seconds": round(time.monotonic() - began, 1),
                }
            )
    return {"raw": raw, "round_loads": round_loads}


def summarise(raw: dict, queries: dict) -> dict:
    """Per operation and concurrency: both systems' medians, statements and the ratios."""
    operations: dict = {}
    for concurrency, by_operation in raw.items():
        for operation, sides in by_operation.items():
            peer_rounds = sides["peer"] or raw[concurrency][COMPARED_WITH.get(operation, operation)]["peer"]
            ours = {**figures.median_figures(sides["ours"]), "queries": queries["ours"][operation]}
            peer_operation = COMPARED_WITH.get(operation, operation)
            peer = {**figures.median_figures(peer_rounds), "queries": queries["peer"][peer_operation]}
            operations.setdefault(operation, {})[concurrency] = {
                "ours": ours,
                "peer": peer,
                "ratios": figures.ratios(ours, peer),
            }
    return operations


def main() -> None:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so the servers are stopped on the way out
    started = time.monotonic()
    timings: dict = {}
    if CONFIG["our_database"]:
        url = urlsplit(os.environ["DATABASE_URL"])
        os.environ["DATABASE_URL"] = urlunsplit(url._replace(path=f"/{CONFIG['our_database']}"))
        tickets_load.TICKETS = tickets_load.CITIZENS = CONFIG["our_tickets"]
    step = time.monotonic()
    ld.prepare()
    timings["ours_prepare_s"] = round(time.monotonic() - step, 1)
    step = time.monotonic()
    load = tickets_load.ensure_loaded()
    timings["ours_load_s"] = load["total_s"] if load else None
    timings["ours_load_checked_s"] = round(time.monotonic() - step, 1)

    step = time.monotonic()
    timings["peer_install_s"] = ensure_peer_venv()
    _ensure_peer_database()
    setup = run_peer_setup("prepare", "--tickets", str(CONFIG["peer_tickets"]))
    timings["peer_setup_s"] = round(time.monotonic() - step, 1)
    print(
        f"  peer: django-helpdesk {setup['versions']['django-helpdesk']}, {setup['rows']['tickets']} tickets, "
        f"{setup['rows']['followups']} follow-ups ({setup['load']})",
        flush=True,
    )

    ours = our_endpoints()
    peer = peer_endpoints(setup)
    queries = {
        "ours": {name: ld.count_queries(e) for name, e in ours.items()},
        "peer": peer_query_counts(peer, setup["staff"]),
    }
    from django.db import connection, connections

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM tickets_ticket")
        our_rows = cursor.fetchone()[0]
    connections.close_all()

    clients = max(CONCURRENCIES)
    with ExitStack() as stack:
        our_server = stack.enter_context(ld.Server())
        peer_server = stack.enter_context(
            ld.Server(
                python=str(VENV / "bin" / "python"),
                app="peer_site.wsgi:application",
                env=peer_environment(),
                cwd=SITE_DIR,
                log_name="gunicorn-peer.log",
            )
        )
        auth = {
            "ours": {
                "create": [ld.token_headers("agent")],
                "list": [ld.session_headers(our_server.url, "supervisor") for _ in range(clients)],
                "track_page": [portal_csrf_headers(our_server.url) for _ in range(clients)],
            },
            "peer": {
                "list": [peer_session_headers(peer_server.url, setup["staff"]) for _ in range(clients)],
            },
        }
        connections.close_all()
        measured = measure_side_by_side(ours, peer, our_server.url, peer_server.url, auth)

    operations = summarise(measured["raw"], queries)
    targets = {op: figures.check_targets(op, by_c) for op, by_c in operations.items()}
    payload = {
        "bench": "peer",
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "git_commit": ld._git_commit(),
        "quick": QUICK,
        "machine": {
            "cpus": os.cpu_count(),
            "load_average_end": [round(x, 2) for x in os.getloadavg()],
            "note": "client and both servers share the machine; other work may be running",
        },
        "load": {
            "concurrencies": CONCURRENCIES,
            "rounds": CONFIG["rounds"],
            "requests_per_round": CONFIG["requests"],
            "max_seconds_per_round": {"default": CONFIG["max_seconds"], **MAX_SECONDS},
            "warmup": CONFIG["warmup"],
            "order": "per concurrency, per round, per operation: ours then the peer's",
        },
        "server": {"program": "gunicorn", "worker_class": "gthread", "workers": 3, "threads": 4},
        "systems": {
            "ours": {"tickets": our_rows, "git_commit": ld._git_commit()},
            "peer": {**setup["versions"], **setup["rows"], "load": setup["load"]},
        },
        "queries_method": "Django's test client under CaptureQueriesContext, one warm-up request first, "
        "each system in its own process",
        "endpoints": {
            "ours": {name: f"{e.method} {e.path}" for name, e in ours.items()},
            "peer": {name: f"{e.method} {e.path}" for name, e in peer.items()},
        },
        "operations": {op: {str(c): v for c, v in by_c.items()} for op, by_c in operations.items()},
        "targets": targets,
        "round_loads": {str(c): v for c, v in measured["round_loads"].items()},
        "rounds": {
            str(c): {op: sides for op, sides in by_op.items()} for c, by_op in measured["raw"].items()
        },
        "timings": {**timings, "total_s": round(time.monotonic() - started, 1)},
    }
    ld.RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = ld.RESULTS_DIR / ("peer_quick.json" if QUICK else "peer.json")  # a check never hides figures
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    for operation, by_concurrency in operations.items():
        for concurrency, f in sorted(by_concurrency.items()):
            o, p, r = f["ours"], f["peer"], f["ratios"]
            print(
                f"  {operation:<10} c{concurrency}  ours {o['throughput_rps']:>7.1f}/s p50 {o['p50_ms']:>7.1f} "
                f"p95 {o['p95_ms']:>7.1f} ms {o['queries']:>3}q | peer {p['throughput_rps']:>7.1f}/s "
                f"p50 {p['p50_ms']:>7.1f} p95 {p['p95_ms']:>7.1f} ms {p['queries']:>3}q | "
                f"×{r['throughput']} tput, ×{r['p50']} p50, ×{r['p95']} p95"
            )
    for operation, verdict in targets.items():
        if verdict:
            print(
                f"  target {operation}: {'met' if verdict['met'] else 'missed: ' + '; '.join(verdict['misses'])}"
            )
    print(f"  results: {path.relative_to(ld.BASE_DIR)}")
    print(figures.summary_line(operations), flush=True)
    errors = [
        f"{op} c{c} {system}"
        for op, by_c in operations.items()
        for c, f in by_c.items()
        for system in ("ours", "peer")
        if f[system]["errors"]
    ]
    if errors:
        raise SystemExit(f"peer: unexpected responses from {', '.join(errors)} (see {path})")


if __name__ == "__main__":
    main()
