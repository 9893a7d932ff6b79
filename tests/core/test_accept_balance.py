"""gunicorn's workers share a client's keep-alive connections instead of one worker taking
them all (housing_contact/accept_balance.py, installed by gunicorn.conf.py)."""

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import psutil
import pytest

from bench.loaddriver import spread_of
from housing_contact import accept_balance
from housing_contact.accept_balance import FREE, Balance

ROOT = Path(__file__).resolve().parents[2]


class FakeWorker:
    """What the hooks use of gunicorn's gthread worker: ``accept``, ``notify``, ``nr_conns``,
    ``alive``."""

    def __init__(self):
        self.nr_conns = 0
        self.alive = True
        self.accepted = 0
        self.notified = 0

    def accept(self, listener):
        self.nr_conns += 1
        self.accepted += 1

    def notify(self):
        self.notified += 1


def _started(balance, server, count):
    workers = []
    for pid in range(100, 100 + count):
        worker = FakeWorker()
        balance.pre_fork(server, worker)
        server.WORKERS[pid] = worker
        balance.post_worker_init(worker)
        workers.append(worker)
    return workers


@pytest.fixture
def waits():
    return []


@pytest.fixture
def balance(waits):
    return Balance(slots=4, backoff=0.002, sleep=waits.append)


@pytest.fixture
def server():
    return SimpleNamespace(WORKERS={})


def test_each_worker_gets_a_slot_of_its_own_and_an_exited_ones_is_given_again(balance, server):
    first, second, third = _started(balance, server, 3)
    assert [w.balance_slot for w in (first, second, third)] == [0, 1, 2]
    assert list(balance.counts) == [0, 0, 0, FREE]

    del server.WORKERS[101]
    balance.child_exit(server, second)
    assert balance.counts[1] == FREE
    replacement = FakeWorker()
    balance.pre_fork(server, replacement)
    assert replacement.balance_slot == 1
    assert balance.counts[1] == 0


def test_a_worker_holding_more_waits_before_accepting_and_one_holding_least_does_not(balance, server, waits):
    first, second = _started(balance, server, 2)
    first.accept("listener")  # nobody holds fewer than none: at once
    assert waits == []
    assert list(balance.counts)[:2] == [1, 0]

    first.accept("listener")  # the second holds none: the first leaves it a moment
    assert waits == [0.002]
    assert first.accepted == 2  # and takes it if nobody did

    second.accept("listener")
    second.accept("listener")
    assert waits == [0.002]  # 2 against 2: nobody holds fewer


def test_every_turn_of_the_loop_publishes_the_count_and_a_stopping_worker_takes_nothing_more(
    balance, server, waits
):
    first, second = _started(balance, server, 2)
    first.accept("listener")
    second.nr_conns = 3  # the worker's own bookkeeping (connections closed, kept alive)
    second.notify()
    assert second.notified == 1
    assert list(balance.counts)[:2] == [1, 3]

    first.alive = False  # recycled: it answers what it holds and accepts nothing more
    first.notify()
    assert balance.counts[0] == FREE
    second.accept("listener")
    assert waits == []  # nobody waits for a worker that will not take the connection


def test_no_backoff_turns_the_balance_off(server, waits):
    balance = Balance(slots=2, backoff=0, sleep=waits.append)
    first, _second = _started(balance, server, 2)
    first.accept("listener")
    first.accept("listener")
    assert waits == []


def test_a_worker_without_a_threaded_accept_or_past_the_slots_is_left_as_gunicorn_made_it(balance, server):
    sync = SimpleNamespace(notify=object(), alive=True)  # gunicorn's sync worker has no accept()
    balance.pre_fork(server, sync)
    balance.post_worker_init(sync)
    assert "accept" not in vars(sync)

    workers = _started(balance, server, 5)  # four slots
    assert workers[-1].balance_slot is None
    assert "accept" not in vars(workers[-1])


def test_gunicorn_conf_installs_the_hooks_with_the_backoff_of_the_environment(monkeypatch):
    import runpy

    monkeypatch.setenv("GUNICORN_ACCEPT_BACKOFF_MS", "7")
    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    balance = settings["pre_fork"].__self__
    assert settings["post_worker_init"].__self__ is balance
    assert settings["child_exit"].__self__ is balance
    assert balance.backoff == 0.007
    documented = re.search(r"^GUNICORN_ACCEPT_BACKOFF_MS=(\S+)$", (ROOT / ".env.example").read_text(), re.M)
    assert accept_balance.BACKOFF_SECONDS * 1000 == float(documented.group(1))


HELLO = """
def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "5")])
    return [b"hello"]
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _ask(connection: socket.socket) -> None:
    connection.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
    answer = b""
    while not answer.endswith(b"hello"):
        chunk = connection.recv(4096)
        assert chunk, "the server closed the connection"
        answer += chunk
    assert answer.startswith(b"HTTP/1.1 200")


def test_three_keep_alive_connections_opened_one_after_another_land_on_three_workers(tmp_path):
    """The pattern that piled up before: each connection opened once the last one's answer
    came back, when the worker that gave it is the one awake."""
    (tmp_path / "hello.py").write_text(HELLO)
    port = _free_port()
    env = {
        **os.environ,
        "WEB_CONCURRENCY": "3",
        "GUNICORN_ACCEPT_BACKOFF_MS": "100",
        "GUNICORN_ACCESS_LOG": "",
    }
    command = [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py")]
    command += ["--bind", f"127.0.0.1:{port}", "hello:app"]
    master = subprocess.Popen(
        command, cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    connections: list[socket.socket] = []
    try:
        deadline = time.monotonic() + 30
        while len(psutil.Process(master.pid).children()) < 3 or not _answers(port):
            assert master.poll() is None, "gunicorn exited"
            assert time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.1)
        time.sleep(1.5)  # every worker's loop has turned since the probes closed: counts at 0

        for _ in range(3):
            connection = socket.create_connection(("127.0.0.1", port), timeout=10)
            connections.append(connection)
            _ask(connection)
        # The load driver's reading of which process holds each connection: one each.
        assert spread_of(port, {c.getsockname()[1] for c in connections}) == [1, 1, 1]
    finally:
        for connection in connections:
            connection.close()
        master.terminate()
        master.wait(timeout=30)


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2) as probe:
            _ask(probe)
        return True
    except OSError:
        return False
