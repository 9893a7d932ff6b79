"""What ``make bench`` runs: every benchmark module in bench/, one after the other.

    python -m bench.run                 # all of them
    python -m bench.run shell_pages     # only those named

Each ``bench/<name>.py`` (other than this harness and the load driver) runs as
``python -m bench.<name>`` in its own process and ends by printing a one-line summary;
those lines are repeated at the end. A benchmark that fails or runs past the time limit
makes the whole run fail.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
HARNESS = {"__init__", "run", "loaddriver"}
TIME_LIMIT_S = int(os.environ.get("BENCH_TIME_LIMIT", "900"))
# Benchmarks that need longer than the default (BENCH_TIME_LIMIT, when set, applies to all):
# the peer installs django-helpdesk and may load 1,000,000 tickets before its 2 × 3 rounds;
# exports_large writes 100,000 tickets to CSV and XLSX twice each (timed, then traced);
# citizens_name_search loads 1,000,000 citizens by COPY and builds their trigram index the
# first time.
TIME_LIMITS_S = {"peer": 2400, "exports_large": 1500, "citizens_name_search": 1800}


def time_limit(name: str) -> int:
    if "BENCH_TIME_LIMIT" in os.environ:
        return TIME_LIMIT_S
    return TIME_LIMITS_S.get(name, TIME_LIMIT_S)


def discover() -> list[str]:
    return sorted(
        p.stem for p in BENCH_DIR.glob("*.py") if p.stem not in HARNESS and not p.stem.startswith("_")
    )


def run_one(name: str) -> tuple[int, str, float]:
    """Run one benchmark, echoing its output; return (exit code, last line, seconds)."""
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-m", f"bench.{name}"],
        cwd=BENCH_DIR.parent,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        bufsize=1,
        start_new_session=True,  # its own process group: stopping it stops its server too
    )

    def stop_group(sig):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            pass

    limit = time_limit(name)
    watchdog = threading.Timer(limit, stop_group, [signal.SIGKILL])
    watchdog.start()
    last = ""
    try:
        assert process.stdout is not None
        for line in process.stdout:
            print(f"  {line}", end="", flush=True)
            if line.strip():
                last = line.strip()
        code = process.wait()
    except KeyboardInterrupt:
        stop_group(signal.SIGTERM)
        process.wait()
        raise
    finally:
        watchdog.cancel()
    if time.monotonic() - started >= limit:
        last = f"{name}: stopped at the {limit} s limit"
    return code, last, time.monotonic() - started


def main(argv: list[str]) -> int:
    available = discover()
    unknown = [name for name in argv if name not in available]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; available: {', '.join(available)}")
        return 2
    names = argv or available
    if not names:
        print("no benchmark found in bench/: that is a failure, not a pass")
        return 1
    summaries = []
    failed = 0
    for name in names:
        print(f"== bench.{name}", flush=True)
        code, last, seconds = run_one(name)
        failed += code != 0
        status = "ok" if code == 0 else f"FAILED (exit {code})"
        summaries.append(f"[{status}, {seconds:.0f} s] {last}")
    print("\n== summary")
    for line in summaries:
        print(line)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
