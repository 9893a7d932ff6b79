"""Spread a gthread gunicorn server's connections over its workers.

All the workers wait on one listening socket, and the kernel wakes each of them for a new
connection: the first whose main thread runs takes it. That is most often the worker that
has just answered on another of the same client's connections, so keep-alive connections
opened one after the other pile up on one worker. Four connections on one worker are one
core's worth of Python for all four (measured in ``bench.peer``, whose rounds record where
their connections landed: 157 creations a second when one worker held all four, 220 to
256 when they were spread; ``bench/PROFILE-issue20.md``).

Here each worker publishes how many connections it holds in a small array of shared memory
the master maps before it forks. A worker that holds more than another live worker waits
``BACKOFF_SECONDS`` before accepting: the idler worker, woken by the same connection, takes
it meanwhile. If nobody did, the waiting worker accepts it: a connection waits at most that
long for its worker, and nothing is ever refused. The waiting worker's own loop waits too, so
the next request on one of its kept-alive connections may be taken up to that much later;
only when another live worker holds fewer connections, which with keep-alive clients is
the rare moment a new one arrives. A stopping worker (its ``alive`` false)
publishes that it takes nothing more, so no one waits for it.

Only the standard library: ``gunicorn.conf.py`` loads this file by its path, so that any
application it serves (the peer benchmark's too) gets the same behaviour.
"""

from __future__ import annotations

import mmap
import time

BACKOFF_SECONDS = 0.002
SLOTS = 64  # workers at once; one past this serves, unbalanced
FREE = -1  # a slot without a live, accepting worker


class Balance:
    """The master's hooks (``pre_fork``, ``child_exit``) hand out and free a slot per worker;
    the worker's (``post_worker_init``) wraps its ``accept`` and ``notify``."""

    def __init__(self, *, slots: int = SLOTS, backoff: float = BACKOFF_SECONDS, sleep=time.sleep):
        # An anonymous shared mapping: the workers inherit it, and each sees the others' writes.
        self._memory = mmap.mmap(-1, 4 * slots)
        self.counts = memoryview(self._memory).cast("i")
        for slot in range(slots):
            self.counts[slot] = FREE
        self.backoff = backoff
        self.sleep = sleep

    # --- in the master ---

    def pre_fork(self, server, worker) -> None:
        taken = {getattr(other, "balance_slot", None) for other in server.WORKERS.values()}
        worker.balance_slot = next((s for s in range(len(self.counts)) if s not in taken), None)
        if worker.balance_slot is not None:
            self.counts[worker.balance_slot] = 0

    def child_exit(self, server, worker) -> None:
        slot = getattr(worker, "balance_slot", None)
        if slot is not None:
            self.counts[slot] = FREE

    # --- in a worker ---

    def busier_than_another(self, slot: int, held: int) -> bool:
        """Whether another live worker holds fewer connections than ``held``."""
        return any(FREE < count < held for other, count in enumerate(self.counts) if other != slot)

    def post_worker_init(self, worker) -> None:
        slot = getattr(worker, "balance_slot", None)
        accept = getattr(worker, "accept", None)
        if slot is None or accept is None or not hasattr(worker, "nr_conns"):
            return  # not a threaded worker, or past SLOTS: it accepts as gunicorn does
        notify = worker.notify
        counts = self.counts

        def publish() -> None:
            counts[slot] = worker.nr_conns if worker.alive else FREE

        def notify_and_publish() -> None:  # every turn of the worker's loop
            publish()
            notify()

        def balanced_accept(*args) -> None:
            if self.backoff and self.busier_than_another(slot, worker.nr_conns):
                self.sleep(self.backoff)
            accept(*args)  # taken meanwhile: gunicorn's accept ignores EAGAIN
            publish()

        # The loop registers ``self.accept`` on the listener when it starts, after this hook.
        worker.notify = notify_and_publish
        worker.accept = balanced_accept
