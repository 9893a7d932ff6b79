"""The outboxes' hand-over to Celery: once per transaction, after commit, and in a web
server off the request's thread.

Both outboxes (the notifications' and the partner deliveries') write their rows in the
caller's transaction and then tell Celery which ids to deliver: ``hand_over_on_commit(ids,
publish)``, where ``publish`` is the outbox's own function (``_publish``: rows to Celery,
a broker outage logged and left to the sweep).

Building and sending a Celery message costs a web server process about 0.5 ms of CPU
(measured in gunicorn), a ninth of a ticket's creation through the API, and changes
nothing in the answer. In the web server (``housing_contact.wsgi`` calls ``start_relay``)
each process keeps one thread that does it: the request only puts the ids on a queue. The
thread sleeps ``LINGER_SECONDS`` after the first id, and one message takes every id queued
by then (``deliver_batch``), so under load there are several requests to a message, not one
message each. Without the thread (Celery workers, commands, the test suite) ``publish``
runs at commit, as it always did.

Nothing waits on the thread, and nothing is lost with it: the rows are committed before
their ids reach the queue; a worker stopped normally sends what is left before it exits
(``atexit``), and one killed outright leaves its rows to the outbox's sweep, which hands
over every committed row nobody did.
"""

from __future__ import annotations

import atexit
import logging
import os
import queue
import threading
import time
from collections.abc import Callable

from django.db import transaction

logger = logging.getLogger(__name__)

Publish = Callable[[list[int]], object]
# After the first id, the thread waits this long for more before it sends: under load one
# message then carries several requests' ids (a Celery message costs ~0.5 ms of the
# process's CPU). An SMS leaves that much later.
LINGER_SECONDS = 0.02
DRAIN_SECONDS = 5  # how long an exiting process waits for its thread to send (kombu gives up in 2)
# A thread held up by the broker (a publish that hangs past kombu's own time-outs) must not
# hold ids without bound: past this many hand-overs waiting, new ones are left to the sweep
# (their rows are committed) and a warning says so, at most once every WARN_EVERY_SECONDS.
MAX_WAITING = 10_000
WARN_EVERY_SECONDS = 60


_STOP = object()  # put on the queue at exit: the thread sends what came before it and ends


class _Relay:
    """One daemon thread per process, sending what ``submit`` queued, in arrival order."""

    def __init__(self):
        self.pid: int | None = None  # the process the thread runs in (a fork has none)
        self.wanted = False  # ``start_relay`` was called here or in a process this one forked from
        self.queue: queue.SimpleQueue = queue.SimpleQueue()
        self.thread: threading.Thread | None = None
        self.lock = threading.Lock()
        self.warned_at: float | None = None  # when the last "held up" warning was logged

    @property
    def running(self) -> bool:
        return self.pid == os.getpid() and self.thread is not None and self.thread.is_alive()

    def start(self) -> None:
        with self.lock:
            if self.running:
                return
            self.pid, self.queue = os.getpid(), queue.SimpleQueue()
            self.thread = threading.Thread(target=self._run, name="outbox-handover", daemon=True)
            self.thread.start()

    def submit(self, publish: Publish, ids: list[int]) -> bool:
        """Queue the ids for the thread, started here the first time (in each process: a
        thread does not survive a fork); False when no relay is wanted (``start_relay``).
        With ``MAX_WAITING`` hand-overs already waiting the ids are not queued: the
        outbox's sweep hands their committed rows over (``HOUSING_*_REQUEUE_AFTER_SECONDS``)."""
        if not self.running:
            if not self.wanted:
                return False
            self.start()
        waiting = self.queue.qsize()
        if waiting >= MAX_WAITING:
            self._warn_held_up(waiting, len(ids))
            return True
        self.queue.put((publish, ids))
        return True

    def _warn_held_up(self, waiting: int, ids: int) -> None:
        now = time.monotonic()
        if self.warned_at is not None and now - self.warned_at < WARN_EVERY_SECONDS:
            return
        self.warned_at = now
        logger.warning(
            "handover: the relay thread is held up with %d hand-overs waiting (is the broker "
            "answering?); %d id(s) and any more in the next %d s are left to the outbox sweep",
            waiting,
            ids,
            WARN_EVERY_SECONDS,
        )

    def _run(self) -> None:
        stop = False
        while not stop:
            first = self.queue.get()
            if first is _STOP:
                return
            # Asleep, not waiting on the queue: the requests that queue ids meanwhile do
            # not wake the thread (each wake-up takes the interpreter lock from a request).
            time.sleep(LINGER_SECONDS)
            waiting = [first]
            while True:
                try:
                    item = self.queue.get_nowait()
                except queue.Empty:
                    break
                if item is _STOP:
                    stop = True
                    break
                waiting.append(item)
            self.send(waiting)

    @staticmethod
    def send(taken: list[tuple[Publish, list[int]]]) -> None:
        """One call per outbox for everything ``taken``, in the order the outboxes came."""
        batches: dict[Publish, list[int]] = {}
        for publish, ids in taken:
            batches.setdefault(publish, []).extend(ids)
        for publish, ids in batches.items():
            try:
                publish(ids)
            except Exception:  # an outbox's publish logs its own broker errors; this is a bug
                logger.exception(
                    "handover: %r failed for %d id(s); the sweep will send them", publish, len(ids)
                )

    def drain(self) -> None:
        """At exit (a worker's graceful stop): the thread sends everything queued before it
        is told to stop. Bounded: a broker that hangs does not hold the exit (the sweep)."""
        if self.pid != os.getpid() or self.thread is None:
            return
        if self.thread.is_alive():
            self.queue.put(_STOP)
            self.thread.join(DRAIN_SECONDS)
            return
        left = []
        while True:
            try:
                left.append(self.queue.get_nowait())
            except queue.Empty:
                break
        self.send([item for item in left if item is not _STOP])


_relay = _Relay()
atexit.register(_relay.drain)


def start_relay() -> None:
    """Hand over from a thread of this process, and of every process forked from it, from
    now on (the web server's processes). The thread starts with the first hand-over, so a
    gunicorn master that loads the application forks its workers with no thread running."""
    _relay.wanted = True


class HandOver:
    """The one after-commit hand-over of a transaction to ``publish``, collecting every id
    the transaction queues for it (a campaign queues thousands: one callback, not one
    each)."""

    def __init__(self, publish: Publish):
        self.publish = publish
        self.ids: list[int] = []

    def __call__(self) -> None:
        if not _relay.submit(self.publish, self.ids):
            self.publish(self.ids)


def hand_over_on_commit(ids: list[int], publish: Publish) -> None:
    """``publish(ids)`` once the current transaction commits, with the other ids it hands to
    the same ``publish``.

    If the savepoint that registered the callback rolls back, Django drops it and the next
    call registers a new one; ids of rows rolled back in an inner savepoint may still be
    published, and then simply find nothing to claim.
    """
    if not ids:
        return
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        for _savepoints, callback, _robust in connection.run_on_commit:
            if isinstance(callback, HandOver) and callback.publish is publish:
                callback.ids.extend(ids)
                return
    callback = HandOver(publish)
    callback.ids.extend(ids)
    transaction.on_commit(callback)
