"""Bench: 10,000 queued notifications delivered through the file backend by two Celery workers.

    python -m bench.notifications_delivery [--count 10000] [--rounds 3]

Target (issue 6): all 10,000 delivered in < 30 s. Uses the harness's bench
database (``<DATABASE_URL's name>_bench``) and the Redis of ``REDIS_URL``, whose default queue it
empties first. Each round: write the rows through ``notification_queue`` in one
transaction (timed separately), commit — which hands them to the broker — and time from
the commit until every row is ``sent``. Two real ``celery worker`` processes (``-P solo``)
do the delivery, each claim being the same conditional UPDATE as in production.
Writes ``bench/results/notifications_delivery.json`` and prints one summary line last.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench import loaddriver as ld

BASE_DIR = Path(__file__).resolve().parent.parent
RESULTS_DIR = BASE_DIR / "bench" / "results"
NAME = "notifications_delivery"


def bench_environment(sms_dir: Path) -> dict[str, str]:
    """The harness's production-like environment, with SMS written to files in ``sms_dir``."""
    return {
        **ld.bench_environment(),
        "HOUSING_SMS_BACKEND": "apps.notifications.backends.file.FileSmsBackend",
        "HOUSING_SMS_FILE_DIR": str(sms_dir),
    }


def prepare(env: dict[str, str]) -> None:
    """The harness's bench database (migrated, not seeded), with this environment."""
    os.environ.update(env)
    ld.prepare(seed=False)


def machine() -> dict:
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=BASE_DIR, capture_output=True, text=True
    )
    return {
        "git_commit": commit.stdout.strip() or None,
        "machine": {
            "cpus": os.cpu_count(),
            "load_average": [round(x, 2) for x in os.getloadavg()],
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
    }


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank, as the harness computes it."""
    ordered = sorted(values)
    rank = math.ceil(round(fraction * len(ordered), 9))
    return ordered[min(len(ordered), max(rank, 1)) - 1]


def start_workers(env: dict[str, str], log_dir: Path, count: int = 2) -> list[subprocess.Popen]:
    workers = []
    for number in range(1, count + 1):
        log = (log_dir / f"worker{number}.log").open("wb")
        command = [
            sys.executable, "-m", "celery", "-A", "housing_contact", "worker", "-P", "solo",
            "-n", f"bench{number}@%h", "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", os.environ.get("BENCH_WORKER_LOG", "warning"),
        ]  # fmt: skip
        workers.append(
            subprocess.Popen(command, cwd=BASE_DIR, env=dict(os.environ, **env), stdout=log, stderr=log)
        )
    return workers


def wait_for_workers(names: list[str], timeout: float = 90) -> None:
    from housing_contact.celery import app

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        replies = app.control.ping(timeout=1.0) or []
        answered = {name for reply in replies for name in reply}
        if all(any(a.startswith(n + "@") for a in answered) for n in names):
            return
    raise SystemExit(f"workers {names} did not start within {timeout} s")


def one_round(count: int, numbers: int) -> dict:
    from django.db import connection, transaction

    from apps.notifications.choices import State
    from apps.notifications.models import Notification
    from apps.notifications.services import Recipient, notification_queue

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE notifications_notification RESTART IDENTITY CASCADE")
    context = {"review_number": "2026-004217-K", "tracking_url": "https://contact.housing.gov.bh/t/"}
    started = time.perf_counter()
    with transaction.atomic():
        for i in range(count):
            notification_queue(
                event="ticket.received",
                context=context,
                recipient_citizen=Recipient(phone=str(36000000 + i % numbers)),
            )
        queued = time.perf_counter()
    # The commit ran the on-commit hand-over to the broker; the workers started at once.
    while Notification.objects.filter(state=State.SENT).count() < count:
        if time.perf_counter() - queued > 300:
            raise SystemExit("delivery did not finish within 300 s")
        time.sleep(0.1)
    delivered = time.perf_counter()
    states = dict(
        Notification.objects.values_list("state").annotate(n=__import__("django").db.models.Count("id"))
    )
    attempts = set(Notification.objects.values_list("attempts", flat=True).distinct())
    return {
        "queue_seconds": round(queued - started, 3),
        "delivery_seconds": round(delivered - queued, 3),
        "per_second": round(count / (delivered - queued), 1),
        "states": states,
        "attempts": sorted(attempts),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--numbers", type=int, default=1_000, help="distinct phone numbers (files) written to"
    )
    args = parser.parse_args()

    # SIGTERM ends the run like Ctrl-C, so the workers below are stopped on the way out.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    work = Path(tempfile.mkdtemp(prefix="hc-bench-notify-"))
    sms_dir = work / "sms"
    env = bench_environment(sms_dir)
    prepare(env)
    from housing_contact.celery import app

    app.control.purge()
    workers = start_workers(env, work)
    rounds = []
    try:
        wait_for_workers(["bench1", "bench2"])
        for number in range(args.rounds):
            shutil.rmtree(sms_dir, ignore_errors=True)
            result = one_round(args.count, args.numbers)
            lines = sum(len(p.read_text(encoding="utf-8").splitlines()) for p in sms_dir.glob("*.jsonl"))
            result["sms_lines_written"] = lines
            rounds.append(result)
            print(f"round {number + 1}: {json.dumps(result)}", flush=True)
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=30)
        if not os.environ.get("BENCH_KEEP"):
            shutil.rmtree(work, ignore_errors=True)
        else:
            print("kept", work)

    delivery = [r["delivery_seconds"] for r in rounds]
    queueing = [r["queue_seconds"] for r in rounds]
    payload = {
        "bench": NAME,
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        **machine(),
        "settings": {
            "count": args.count,
            "rounds": args.rounds,
            "workers": 2,
            "pool": "solo",
            "numbers": args.numbers,
        },
        "target": {"delivery_seconds_below": 30},
        "delivery_seconds": {"median": statistics.median(delivery), "p95": percentile(delivery, 0.95)},
        "queue_seconds": {"median": statistics.median(queueing), "p95": percentile(queueing, 0.95)},
        "rounds": rounds,
    }
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    (RESULTS_DIR / f"{NAME}.json").write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    exactly_once = all(r["sms_lines_written"] == args.count and r["attempts"] == [1] for r in rounds)
    print(
        f"{NAME}: {args.count} delivered by 2 workers in median {payload['delivery_seconds']['median']:.1f}s "
        f"p95 {payload['delivery_seconds']['p95']:.1f}s (target <30s); queueing median "
        f"{payload['queue_seconds']['median']:.1f}s; each sent once: {exactly_once}"
    )


if __name__ == "__main__":
    main()
