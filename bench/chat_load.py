"""Live chat under load: 200 concurrent chats, 200 citizen and 67 agent websockets.

    make bench BENCH=chat_load
    HC_BENCH_CHAT_SECONDS=30 HC_BENCH_CHATS=50 make bench BENCH=chat_load   # a shorter run

1. 200 chats are started through the services and offered to 67 available agents (up to
   3 each); Daphne serves the websockets (its own process, the bench database, a
   channel-layer prefix of its own on the same Redis).
2. Every citizen and every agent sends one message per chat every 5 s (first sends spread
   over the first 5 s) for 2 minutes; each message carries its send time.
3. Delivery latency is measured from send to receipt by the other side (both sides live in
   this process, so one clock). After a grace period, what each side received is counted
   per chat against what PostgreSQL stored: lost (stored, never received) and duplicated
   (received twice) messages, and sends never acknowledged.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
import uuid
from collections import defaultdict

from bench import loaddriver as ld

CHATS = int(os.environ.get("HC_BENCH_CHATS", "200"))
AGENTS = int(os.environ.get("HC_BENCH_AGENTS", str(-(-CHATS // 3))))
SECONDS = float(os.environ.get("HC_BENCH_CHAT_SECONDS", "120"))
INTERVAL = 5.0
GRACE = 10.0
PREFIX = "hc-bench-chat"


def _setup() -> tuple[list[tuple[int, str]], dict[int, str]]:
    """Agents available, chats started and offered; returns chats (id, token) and agent cookies."""
    from django.test import Client

    from apps.accounts import services as accounts
    from apps.accounts.models import User
    from apps.accounts.roles import Role
    from apps.chat import services, tokens
    from apps.chat.models import AgentPresence, Chat, ChatMessage

    # A clean slate for the chat tables of the bench database.
    ChatMessage.objects.all().delete()
    Chat.objects.filter(contact__isnull=True, ticket__isnull=True).delete()
    Chat.objects.filter(status__in=["waiting", "active", "ended"]).update(status="closed")
    AgentPresence.objects.update(is_available=False)
    agents = []
    for i in range(AGENTS):
        name = f"bench-chat-{i:03d}"
        user = User.objects.filter(username=name).first() or accounts.user_create(
            username=name, password=ld.DEMO_PASSWORD, roles=[Role.AGENT], actor=None
        )
        agents.append(user)
    chats = []
    for i in range(CHATS):
        chat = services.chat_start(
            name=f"مواطن {i}", mobile=f"3{6000000 + i:07d}", purpose_code="request_status"
        )
        chats.append((chat.pk, tokens.make(chat)))
    for user in agents:
        services.agent_set_availability(actor=user, available=True, max_chats=3)
    services.chat_dispatch()
    waiting = Chat.objects.filter(pk__in=[c for c, _ in chats], status="waiting").count()
    if waiting:
        raise SystemExit(f"{waiting} chats were not offered")
    cookies = {}
    for user in agents:
        client = Client()
        client.force_login(user)
        cookies[user.pk] = f"sessionid={client.cookies['sessionid'].value}"
    return chats, cookies


class Daphne:
    def __init__(self, env: dict[str, str]):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.env = env
        self.log_path = ld.WORK_DIR / "daphne.log"

    def __enter__(self):
        self.log = open(self.log_path, "w")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "daphne",
                "-b",
                "127.0.0.1",
                "-p",
                str(self.port),
                "--access-log",
                os.devnull,
                "housing_contact.asgi:application",
            ],
            cwd=ld.BASE_DIR,
            env={**os.environ, **self.env},
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=False,
        )
        deadline = time.monotonic() + 90
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return self
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"Daphne did not start: see {self.log_path}") from None
                time.sleep(0.3)

    def __exit__(self, *exc):
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


class Tally:
    def __init__(self):
        self.latencies: list[float] = []
        self.received: dict[tuple[int, str], list[str]] = defaultdict(list)  # (chat, side) -> client ids
        self.sent: dict[tuple[int, str], set[str]] = defaultdict(set)
        self.acked: dict[tuple[int, str], set[str]] = defaultdict(set)
        self.errors: list[str] = []

    def receive(self, message: dict, by: str):
        sender = message.get("sender")
        if sender == by or sender == "system":
            return
        body = message.get("body", "")
        parts = body.split("|")
        if len(parts) == 2:
            self.latencies.append((time.time() - float(parts[1])) * 1000)
        self.received[(message["chat"], sender)].append(message.get("client_id", ""))


async def _citizen(port, chat_id, token, tally, clock, offset, gate, ready):
    import websockets

    uri = f"ws://127.0.0.1:{port}/ws/chat/"
    async with gate:  # a few handshakes at a time, as browsers arriving would
        ws = await websockets.connect(uri, origin=f"http://127.0.0.1:{port}", max_queue=None, open_timeout=60)
    async with ws:
        await ws.send(json.dumps({"type": "hello", "token": token, "last_id": 0}))

        async def reader():
            async for raw in ws:
                frame = json.loads(raw)
                if frame["type"] == "message":
                    tally.receive(frame["message"], "citizen")
                elif frame["type"] == "ok" and frame.get("client_id"):
                    tally.acked[(chat_id, "citizen")].add(frame["client_id"])
                elif frame["type"] == "error":
                    tally.errors.append(f"citizen {chat_id}: {frame.get('code')}")
                    if frame.get("code") == "unavailable" and frame.get("client_id") in bodies:
                        asyncio.get_running_loop().call_later(1, resend, frame["client_id"])

        bodies: dict[str, str] = {}

        def resend(client_id):  # as the panel does when the server answers "unavailable"
            asyncio.ensure_future(
                ws.send(json.dumps({"type": "message", "body": bodies[client_id], "client_id": client_id}))
            )

        task = asyncio.create_task(reader())
        ready()
        await clock.go.wait()
        await asyncio.sleep(offset)
        while time.monotonic() < clock.stop_at:
            client_id = uuid.uuid4().hex
            tally.sent[(chat_id, "citizen")].add(client_id)
            bodies[client_id] = f"c|{time.time()}"
            await ws.send(json.dumps({"type": "message", "body": bodies[client_id], "client_id": client_id}))
            await asyncio.sleep(INTERVAL)
        await asyncio.sleep(GRACE)
        task.cancel()


async def _agent(port, cookie, tally, clock, offset, gate, ready):
    import websockets

    uri = f"ws://127.0.0.1:{port}/ws/chat/agent/"
    async with gate:
        ws = await websockets.connect(
            uri,
            origin=f"http://127.0.0.1:{port}",
            additional_headers={"Cookie": cookie},
            max_queue=None,
            open_timeout=60,
        )
    async with ws:
        chats: list[int] = []
        got_list = asyncio.Event()

        async def reader():
            async for raw in ws:
                frame = json.loads(raw)
                if frame["type"] == "chats":
                    chats.extend(c["id"] for c in frame["chats"])
                    got_list.set()
                elif frame["type"] == "message":
                    tally.receive(frame["message"], "agent")
                elif frame["type"] == "ok" and frame.get("client_id"):
                    tally.acked[(tally_chat.get(frame["client_id"]), "agent")].add(frame["client_id"])
                elif frame["type"] == "error":
                    tally.errors.append(f"agent: {frame.get('code')}")
                    if frame.get("code") == "unavailable" and frame.get("client_id") in sent_frames:
                        asyncio.get_running_loop().call_later(1, resend, sent_frames[frame["client_id"]])

        tally_chat: dict[str, int] = {}
        sent_frames: dict[str, str] = {}

        def resend(text):
            asyncio.ensure_future(ws.send(text))

        task = asyncio.create_task(reader())
        await got_list.wait()
        ready()
        await clock.go.wait()
        await asyncio.sleep(offset)
        while time.monotonic() < clock.stop_at:
            for chat_id in chats:
                client_id = uuid.uuid4().hex
                tally_chat[client_id] = chat_id
                tally.sent[(chat_id, "agent")].add(client_id)
                sent_frames[client_id] = json.dumps(
                    {"type": "message", "chat": chat_id, "body": f"a|{time.time()}", "client_id": client_id}
                )
                await ws.send(sent_frames[client_id])
            await asyncio.sleep(INTERVAL)
        await asyncio.sleep(GRACE)
        task.cancel()


class Clock:
    """Nobody sends until every client is connected; then the load runs for SECONDS."""

    def __init__(self):
        self.go = asyncio.Event()
        self.stop_at = 0.0


async def _load(port, chats, cookies, tally):
    gate = asyncio.Semaphore(10)  # a few handshakes at a time, as browsers arriving would
    clock = Clock()
    expected = len(chats) + len(cookies)
    connected = 0

    def ready():
        nonlocal connected
        connected += 1
        if connected == expected:
            clock.stop_at = time.monotonic() + SECONDS
            clock.go.set()

    tasks = []
    for i, cookie in enumerate(cookies.values()):
        tasks.append(
            asyncio.create_task(_agent(port, cookie, tally, clock, (i % 50) * INTERVAL / 50, gate, ready))
        )
    for i, (chat_id, token) in enumerate(chats):
        tasks.append(
            asyncio.create_task(
                _citizen(port, chat_id, token, tally, clock, (i % 50) * INTERVAL / 50, gate, ready)
            )
        )

    async def start_anyway():  # a client that never connects must not hold the others forever
        await asyncio.sleep(300)
        if not clock.go.is_set():
            clock.stop_at = time.monotonic() + SECONDS
            clock.go.set()

    watchdog = asyncio.create_task(start_anyway())
    results = await asyncio.gather(*tasks, return_exceptions=True)
    watchdog.cancel()
    return [r for r in results if isinstance(r, Exception)]


def _stored() -> dict[tuple[int, str], list[str]]:
    from apps.chat.models import ChatMessage

    stored = defaultdict(list)
    for chat_id, sender, client_id in ChatMessage.objects.exclude(sender="system").values_list(
        "chat_id", "sender", "client_id"
    ):
        stored[(chat_id, sender)].append(client_id)
    return stored


def _percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def main() -> None:
    os.environ["HOUSING_CHAT_LAYER_PREFIX"] = PREFIX
    os.environ["HOUSING_CHAT_OPEN_ALWAYS"] = "true"
    ld.prepare(seed=False)
    chats, cookies = _setup()
    env = {**ld.bench_environment(), "HOUSING_CHAT_LAYER_PREFIX": PREFIX, "HOUSING_CHAT_OPEN_ALWAYS": "true"}
    tally = Tally()
    started = time.monotonic()
    with Daphne(env) as server:
        failures = asyncio.run(_load(server.port, chats, cookies, tally))
    elapsed = time.monotonic() - started
    stored = _stored()
    lost = duplicated = unacked = 0
    for key, ids in stored.items():
        chat_id, sender = key
        received = tally.received.get((chat_id, sender), [])
        lost += len(set(ids) - set(received))
        duplicated += len(received) - len(set(received))
        duplicated += len(ids) - len(set(ids))
    if os.environ.get("HC_BENCH_DEBUG"):
        for key, ids in sorted(stored.items()):
            print(key, len(ids), "received", len(tally.received.get(key, [])))
    for key, ids in tally.sent.items():
        unacked += len(ids - tally.acked.get(key, set()))
    p50, p95, p99 = (_percentile(tally.latencies, f) for f in (0.5, 0.95, 0.99))
    summary = {
        "chats": len(chats),
        "citizen_clients": len(chats),
        "agent_clients": len(cookies),
        "seconds": SECONDS,
        "messages_stored": sum(len(v) for v in stored.values()),
        "messages_delivered": len(tally.latencies),
        "delivery_ms": {
            "p50": round(p50, 1),
            "p95": round(p95, 1),
            "p99": round(p99, 1),
            "max": round(max(tally.latencies or [0]), 1),
        },
        "lost": lost,
        "duplicated": duplicated,
        "unacknowledged": unacked,
        "protocol_errors": len(tally.errors),
        "client_failures": [repr(f) for f in failures][:10],
        "elapsed_s": round(elapsed, 1),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
    ld.RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = ld.RESULTS_DIR / "chat_load.json"
    path.write_text(
        json.dumps({"bench": "chat_load", "git_commit": ld._git_commit(), **summary}, indent=2) + "\n"
    )
    print(json.dumps(summary, indent=2))
    print(
        f"chat_load: {len(chats)} chats, {len(cookies)} agents, {SECONDS:.0f}s: "
        f"delivery p50 {p50:.1f}ms p95 {p95:.1f}ms p99 {p99:.1f}ms, "
        f"{summary['messages_delivered']}/{summary['messages_stored']} delivered, lost {lost}, duplicated {duplicated}, "
        f"unacknowledged {unacked}, errors {len(tally.errors)}"
    )


if __name__ == "__main__":
    main()
