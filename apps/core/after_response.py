"""Work a request leaves for after its answer has gone: ``after_response(callback)``.

Some of what a request does once its transaction has committed changes nothing in the
answer: handing the outbox's new rows to Celery is a broker round trip and the building
of a task message, a tenth of a ticket's creation. The citizen or agent waiting for the
answer should not wait for it too. Inside a request, ``after_response`` keeps the
callback and ``AfterResponseMiddleware`` runs it when the server closes the response,
which it does once the body has been written to the client (Django's test client closes
it too, before ``client.post`` returns, so tests see the same order). Outside a request (a
Celery task, a command) there is no answer to wait for: ``after_response`` returns False
and the caller does the work at once.

Only work that may be lost belongs here: a worker killed between the answer and the
callback never runs it. The outbox's hand-over qualifies, because its rows are committed
and the sweep hands over whatever was not (``apps.notifications.tasks``).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from functools import partial

from django.db import transaction

logger = logging.getLogger(__name__)


class _Scope(threading.local):
    tasks: list[Callable[[], object]] | None = None  # set while a request is being answered


_scope = _Scope()


def after_response(callback: Callable[[], object]) -> bool:
    """Run ``callback`` once this request's answer has gone; False outside a request (the
    caller then runs it itself)."""
    tasks = _scope.tasks
    if tasks is None:
        return False
    tasks.append(callback)
    return True


def _run(tasks: list[Callable[[], object]]) -> None:
    for callback in tasks:
        try:
            callback()
        except Exception:  # one failing callback must not keep the others from running
            logger.exception("after_response: %r failed", callback)


class AfterResponseMiddleware:
    """The outermost middleware: opens the scope for the request, and hands what was left
    in it to the response's closing (``HttpResponseBase.close`` runs its closers after
    the server has sent the body, before ``request_finished``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        tasks = _scope.tasks = []
        try:
            response = self.get_response(request)
        except BaseException:
            _scope.tasks = None
            _run(tasks)
            raise
        _scope.tasks = None  # from here on (the closing included) callbacks run at once
        if tasks:
            response._resource_closers.append(partial(_run, tasks))
        return response


# --- the outboxes' hand-over: once per transaction, after commit and after the answer --------


class HandOver:
    """The one after-commit hand-over of a transaction to ``publish``, collecting every id
    the transaction queues for it (a campaign queues thousands: one callback, not one
    each). In a request it waits until the answer has gone."""

    def __init__(self, publish: Callable[[list[int]], object]):
        self.publish = publish
        self.ids: list[int] = []

    def __call__(self) -> None:
        ids, publish = self.ids, self.publish
        if not after_response(partial(publish, ids)):
            publish(ids)


def hand_over_on_commit(ids: list[int], publish: Callable[[list[int]], object]) -> None:
    """``publish(ids)`` once the current transaction commits, with the other ids it hands to
    the same ``publish`` (an outbox's ``_publish``: rows to Celery).

    If the savepoint that registered the callback rolls back, Django drops it and the next
    call registers a new one; ids of rows rolled back in an inner savepoint may still be
    published, and then simply find nothing to claim. Only for rows that are safe when the
    hand-over is lost (``after_response``): an outbox whose sweep hands over what was not.
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
