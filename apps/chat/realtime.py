"""Messages to the open websockets, through the channel layer, sent after commit.

Groups: ``chat.<id>`` (the citizen, the agent holding it, supervisors watching it),
``chat.agent.<user id>`` (an agent's workspace: offers and revocations), ``chat.queue``
(every waiting citizen: the queue's order, from which each works out its place) and
``chat.supervisors`` (the live view).
"""

from __future__ import annotations

import logging
import threading
from contextlib import contextmanager

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

log = logging.getLogger(__name__)

QUEUE = "chat.queue"
SUPERVISORS = "chat.supervisors"


def chat_group(chat_id: int) -> str:
    return f"chat.{chat_id}"


def agent_group(user_id: int) -> str:
    return f"chat.agent.{user_id}"


def _send(group: str, payload: dict) -> None:
    try:
        async_to_sync(get_channel_layer().group_send)(group, payload)
    except Exception:  # the rows are saved; a client catches up on its next resume
        log.exception("chat: could not publish %s to %s", payload.get("type"), group)


_local = threading.local()


def publish(group: str, payload: dict) -> None:
    """Send ``payload`` to ``group`` once the current transaction commits.

    Inside ``collected()`` (a consumer calling a service from its worker thread) the sends
    are handed back instead, and the consumer awaits them on its own event loop: one
    less hop across threads on the path every message takes.
    """
    buffer = getattr(_local, "buffer", None)
    if buffer is not None:
        transaction.on_commit(lambda: buffer.append((group, payload)))
    else:
        transaction.on_commit(lambda: _send(group, payload))


@contextmanager
def collected():
    """Collect what the services publish (after their commits) into the yielded list."""
    previous = getattr(_local, "buffer", None)
    _local.buffer = []
    try:
        yield _local.buffer
    finally:
        _local.buffer = previous
