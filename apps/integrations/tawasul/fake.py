"""A fake Tawasul on loopback, for the tests and for development (``manage.py fake_tawasul``).

It plays the other side of README.md's contract over real HTTP:

- records every request it receives (``received``: method, path, headers, JSON body, and
  whether the signature checked out with its secret), and answers 200;
- can be told to fail: ``fail_next(3)`` answers the next three requests with 500 (or any
  status), so retries and the dead-letter list can be watched;
- serves ``GET /messages`` for polling: the messages ``queue_for_poll`` was given, signed;
- sends signed messages to the product's webhook (``send``), as Tawasul would.

Only 127.0.0.1 is ever bound. A ``threading.Lock`` guards what the server thread and the
test share.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx

from apps.integrations import signing


@dataclass
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    signature_valid: bool
    status: int

    @property
    def json(self) -> Any:
        return json.loads(self.body.decode()) if self.body else None


@dataclass
class FakeTawasul:
    secret: str = "fake-tawasul-secret"
    host: str = "127.0.0.1"
    port: int = 0
    received: list[Received] = field(default_factory=list)

    def __post_init__(self):
        self._lock = threading.Lock()
        self._failures: list[int] = []
        self._poll: list[dict] = []
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- life -------------------------------------------------------------------------

    def start(self) -> FakeTawasul:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format, *args):  # noqa: A002 - quiet: the tests read ``received``
                pass

            def _answer(self, status: int, payload: dict, *, sign: bool = False):
                body = json.dumps(payload, ensure_ascii=False).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                if sign:
                    for name, value in signing.sign(fake.secret, body).items():
                        self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            def _handle(self, method: str):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                try:
                    signing.verify(secrets=[fake.secret], headers=self.headers, body=body)
                    valid = True
                except signing.SignatureRejected:
                    valid = False
                status = fake._next_status()
                fake._record(Received(method, self.path, dict(self.headers.items()), body, valid, status))
                if status != 200:
                    self._answer(status, {"error": "failing on purpose"})
                elif method == "GET" and self.path.startswith("/messages"):
                    self._answer(200, {"messages": fake._take_poll()}, sign=True)
                elif not valid:
                    self._answer(401, {"error": "bad signature"})
                else:
                    self._answer(200, {"ok": True})

            def do_POST(self):  # noqa: N802 - http.server's naming
                self._handle("POST")

            def do_GET(self):  # noqa: N802
                self._handle("GET")

        self._server = ThreadingHTTPServer((self.host, self.port), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, name="fake-tawasul", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeTawasul:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    # --- behaviour --------------------------------------------------------------------

    def fail_next(self, count: int = 1, status: int = 500) -> None:
        with self._lock:
            self._failures.extend([status] * count)

    def queue_for_poll(self, *messages: dict) -> None:
        with self._lock:
            self._poll.extend(messages)

    def _next_status(self) -> int:
        with self._lock:
            return self._failures.pop(0) if self._failures else 200

    def _take_poll(self) -> list[dict]:
        with self._lock:
            taken, self._poll = self._poll, []
            return taken

    def _record(self, item: Received) -> None:
        with self._lock:
            self.received.append(item)

    def deliveries(self, event: str | None = None) -> list[Received]:
        """What reached it successfully (answered 200), optionally of one event."""
        with self._lock:
            items = [r for r in self.received if r.status == 200 and r.method == "POST"]
        return [r for r in items if event is None or (r.json or {}).get("event") == event]

    # --- Tawasul sending to the product -------------------------------------------------

    def send(
        self,
        webhook_url: str,
        message: dict,
        *,
        secret: str | None = None,
        now: datetime | None = None,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        """POST ``message`` to the product's webhook, signed as Tawasul signs it."""
        raw = body if body is not None else json.dumps(message, ensure_ascii=False).encode()
        signed = signing.sign(secret or self.secret, raw, now=now)
        return httpx.post(
            webhook_url,
            content=raw,
            headers={"Content-Type": "application/json", **signed, **(headers or {})},
            timeout=10.0,
        )


def sample_message(reference: str = "TW-2026-000001", kind: str = "complaint", **overrides) -> dict:
    """A message as Tawasul sends it (README.md), for the tests and the command."""
    message = {
        "reference": reference,
        "kind": kind,
        "subject": "تأخر صيانة الوحدة السكنية",
        "text": "تقدمت بطلب صيانة منذ شهرين ولم يتم التواصل معي.",
        "submitted_at": "2026-12-03T09:00:00+03:00",
        "citizen": {
            "cpr": "850101234",
            "name": "فاطمة علي",
            "mobile": "+97336001234",
            "email": "",
            "language": "ar",
        },
    }
    message.update(overrides)
    return message
