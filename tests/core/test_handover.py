"""The outboxes' hand-over (apps/core/handover.py): once per transaction and outbox, after
commit; from the relay thread where one runs (the web server), else at once; under load
the ids waiting for the thread travel together; nothing is dropped at exit."""

from __future__ import annotations

import logging
import subprocess
import sys
import threading

import pytest
from django.db import transaction

from apps.core import handover
from apps.core.handover import HandOver, hand_over_on_commit

pytestmark = pytest.mark.django_db

WAIT = 10  # seconds: only ever reached if the thread is broken


@pytest.fixture
def relay(monkeypatch):
    """A relay of this test's own, its thread running, lingering a hundredth of a second."""
    monkeypatch.setattr(handover, "LINGER_SECONDS", 0.01)
    fresh = handover._Relay()
    monkeypatch.setattr(handover, "_relay", fresh)
    fresh.start()
    yield fresh
    fresh.drain()  # the thread ends


def test_one_hand_over_per_outbox_and_transaction(django_capture_on_commit_callbacks):
    """Each outbox's ids of one transaction travel together; two outboxes' stay apart; with
    no relay running, at commit."""
    sms, partners = [], []

    def publish_sms(ids):
        sms.append(list(ids))

    def publish_partners(ids):
        partners.append(list(ids))

    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        hand_over_on_commit([1, 2], publish_sms)
        hand_over_on_commit([7], publish_partners)
        hand_over_on_commit([3], publish_sms)
        hand_over_on_commit([], publish_partners)  # nothing to hand over: no callback
    assert len([c for c in callbacks if isinstance(c, HandOver)]) == 2
    assert sms == [[1, 2, 3]] and partners == [[7]]


def test_with_a_relay_the_committing_thread_only_queues(relay, django_capture_on_commit_callbacks):
    sent = threading.Event()
    threads = []

    def publish(ids):
        threads.append((threading.current_thread().name, list(ids)))
        sent.set()

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        hand_over_on_commit([5, 6], publish)
    assert sent.wait(WAIT)
    assert threads == [("outbox-handover", [5, 6])]


def test_ids_that_wait_for_a_busy_relay_travel_in_one_message(relay):
    """While the thread sends one batch, the next requests' ids gather; they go together,
    one call per outbox, in the order they came."""
    release, busy, done = threading.Event(), threading.Event(), threading.Event()
    calls = []

    def slow(ids):
        calls.append(("slow", list(ids)))
        busy.set()
        release.wait(WAIT)

    def sms(ids):
        calls.append(("sms", list(ids)))
        done.set()

    first = HandOver(slow)
    first.ids.append(1)
    first()
    assert busy.wait(WAIT)
    for n in (2, 3, 4):
        callback = HandOver(sms)
        callback.ids.append(n)
        callback()
    release.set()
    assert done.wait(WAIT)
    assert calls == [("slow", [1]), ("sms", [2, 3, 4])]


def test_a_failing_publish_is_logged_and_the_relay_goes_on(relay, caplog):
    done = threading.Event()

    def broken(ids):
        raise RuntimeError("a bug, not a broker outage")

    with caplog.at_level(logging.ERROR, logger="apps.core.handover"):
        callback = HandOver(broken)
        callback.ids.append(1)
        callback()
        after = HandOver(lambda ids: done.set())
        after.ids.append(2)
        after()
        assert done.wait(WAIT)
    assert "a bug, not a broker outage" in caplog.text
    assert relay.running


def test_a_forked_process_starts_a_relay_of_its_own_if_its_parent_wanted_one(relay, monkeypatch):
    """The thread does not survive a fork: a gunicorn worker forked from the master that
    loaded the application (and started its relay) starts its own at its first hand-over;
    a process whose parent never started one hands over at once."""
    parent_thread, parent_queue, sent = relay.thread, relay.queue, threading.Event()
    with monkeypatch.context() as child:
        child_pid = relay.pid + 1
        child.setattr(handover.os, "getpid", lambda: child_pid)
        relay.wanted = False
        assert not relay.running
        assert relay.submit(lambda ids: None, [1]) is False
        relay.wanted = True
        assert relay.submit(lambda ids: sent.set(), [1]) is True
        assert sent.wait(WAIT)
        assert relay.running and relay.thread is not parent_thread
        relay.drain()  # the child's thread ends
    parent_queue.put(handover._STOP)  # the parent's thread ends too
    parent_thread.join(WAIT)


def test_a_process_that_exits_sends_what_its_relay_had_not(tmp_path):
    """A worker's graceful stop: the queue is sent at exit, not dropped."""
    script = (
        "import sys, time\n"
        "from apps.core import handover\n"
        "def publish(ids):\n"
        "    time.sleep(0.5)  # the exit comes while the thread sends\n"
        "    print('sent', ids, flush=True)\n"
        "handover.start_relay()\n"
        "for n in range(3):\n"
        "    callback = handover.HandOver(publish)\n"
        "    callback.ids.append(n)\n"
        "    callback()\n"
        "    time.sleep(0.1 if n == 0 else 0)  # the thread takes the first alone\n"
        "sys.exit(0)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    # The thread's send in flight finished; the exit sent the rest.
    assert done.stdout.splitlines() == ["sent [0]", "sent [1, 2]"]


def test_the_relay_waits_a_moment_for_more_ids_and_sends_them_together(relay, monkeypatch):
    """Under load one message carries several requests' ids: those that come within
    ``LINGER_SECONDS`` of the first."""
    monkeypatch.setattr(handover, "LINGER_SECONDS", 1.0)  # wide enough for a slow machine
    sent, done = [], threading.Event()

    def publish(ids):
        sent.append(list(ids))
        done.set()

    for n in (1, 2, 3):
        callback = HandOver(publish)
        callback.ids.append(n)
        callback()
    assert done.wait(WAIT)
    assert sent == [[1, 2, 3]]


def test_the_thread_starts_with_the_first_hand_over_not_with_start_relay(monkeypatch):
    """A gunicorn master loads the application (and calls ``start_relay``) before it forks:
    it must have no thread then; each worker starts its own when it first hands over."""
    fresh = handover._Relay()
    monkeypatch.setattr(handover, "_relay", fresh)
    monkeypatch.setattr(handover, "LINGER_SECONDS", 0.01)
    handover.start_relay()
    assert fresh.wanted and not fresh.running
    sent = threading.Event()
    callback = HandOver(lambda ids: sent.set())
    callback.ids.append(1)
    callback()
    assert sent.wait(WAIT)
    assert fresh.running
    fresh.drain()


def test_a_relay_held_up_by_the_broker_leaves_new_ids_to_the_sweep_and_says_so(relay, monkeypatch, caplog):
    """A publish that hangs: past ``MAX_WAITING`` waiting hand-overs, new ids are not kept
    in memory (their rows are committed; the sweep sends them), with one warning a minute;
    what was queued before is sent once the broker answers."""
    monkeypatch.setattr(handover, "MAX_WAITING", 2)
    release, busy, done = threading.Event(), threading.Event(), threading.Event()
    sent = []

    def hanging(ids):
        sent.append(list(ids))
        busy.set()
        release.wait(WAIT)
        if len(sent) == 2:
            done.set()

    assert relay.submit(hanging, [1])
    assert busy.wait(WAIT)  # the thread is stuck in the first send
    with caplog.at_level(logging.WARNING, logger="apps.core.handover"):
        assert relay.submit(hanging, [2]) and relay.submit(hanging, [3])  # waiting: 2
        assert relay.submit(hanging, [4]) and relay.submit(hanging, [5])  # left to the sweep
    assert relay.queue.qsize() == 2
    held_up = [r for r in caplog.records if "held up" in r.getMessage()]
    assert len(held_up) == 1 and "2 hand-overs waiting" in held_up[0].getMessage()

    release.set()
    assert done.wait(WAIT)
    assert sent == [[1], [2, 3]]
