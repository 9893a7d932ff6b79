"""Container health checks, as docker-compose.yml calls them.

    python -m housing_contact.healthcheck web    # /healthz answers 200 inside the container
    python -m housing_contact.healthcheck beat   # beat has saved its schedule recently
    python -m housing_contact.healthcheck chat   # Daphne answers /chat/healthz (channel layer round trip)

Exit status 0 means healthy. Neither sets Django up nor opens a database or Redis
connection: each looks only at the process it is about.

- web: asks gunicorn on the loopback for ``/healthz`` with a ``Host`` the settings allow
  (``ALLOWED_HOSTS`` holds the public names only, so a bare 127.0.0.1 would be refused).
- beat: Celery beat saves its schedule file at least every ``sync_every`` (3 minutes)
  once its loop wakes up, and ``--max-interval 60`` wakes it every minute; a schedule
  file older than ``BEAT_HEALTH_MAX_AGE`` seconds (default 600) means the loop is stuck.
"""

from __future__ import annotations

import glob
import http.client
import os
import sys
import time

DEFAULT_BEAT_SCHEDULE = "/app/var/celerybeat/schedule"


def _allowed_host() -> str:
    for host in os.environ.get("ALLOWED_HOSTS", "").split(","):
        host = host.strip()
        if host and host != "*":
            return host.lstrip(".")
    return "localhost"


def check_web() -> str | None:
    bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
    port = int(bind.rsplit(":", 1)[-1])
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", "/healthz", headers={"Host": _allowed_host()})
        status = connection.getresponse().status
    except OSError as exc:
        return f"web: /healthz unreachable: {exc}"
    finally:
        connection.close()
    return None if status == 200 else f"web: /healthz answered {status}"


def check_chat() -> str | None:
    """Daphne (the live chat's ASGI server) answers, and its channel layer carries a message."""
    port = int(os.environ.get("CHAT_PORT", "8001"))
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", "/chat/healthz", headers={"Host": _allowed_host()})
        status = connection.getresponse().status
    except OSError as exc:
        return f"chat: /chat/healthz unreachable: {exc}"
    finally:
        connection.close()
    return None if status == 200 else f"chat: /chat/healthz answered {status}"


def check_beat() -> str | None:
    schedule = os.environ.get("BEAT_SCHEDULE_FILE", DEFAULT_BEAT_SCHEDULE)
    max_age = int(os.environ.get("BEAT_HEALTH_MAX_AGE", "600"))
    # The dbm module picks the file names: schedule, schedule.db, or schedule.dat/.dir/.bak.
    files = glob.glob(f"{glob.escape(schedule)}*")
    if not files:
        return f"beat: no schedule file at {schedule}"
    age = time.time() - max(os.path.getmtime(f) for f in files)
    if age > max_age:
        return f"beat: schedule last saved {age:.0f} s ago (limit {max_age} s)"
    return None


CHECKS = {"web": check_web, "beat": check_beat, "chat": check_chat}


def main(argv: list[str]) -> int:
    if len(argv) != 1 or argv[0] not in CHECKS:
        print(f"usage: python -m housing_contact.healthcheck {'|'.join(CHECKS)}", file=sys.stderr)
        return 2
    problem = CHECKS[argv[0]]()
    if problem:
        print(problem, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
