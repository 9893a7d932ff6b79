"""The two websockets: the citizen's panel and the agent's workspace.

Frames are JSON objects with a ``type``. Every write goes through ``services`` (in a worker
thread, each with its own database connection) and is announced to the other side by the
service itself after commit, so what a client sees has always been stored first.

Citizen → server: ``hello {token, last_id}`` (first, and again after a reconnect),
``message {body, client_id}``, ``end``, ``rate {rating, comment}``,
``transcript {email | sms}``. Server → citizen: ``state``, ``queue {position,
expected_minutes}``, ``messages [..]``, ``message``, ``ok``, ``error {code, message, details}``.

Agent → server: ``resume {chat, last_id}``, ``message {chat, body, client_id}``,
``watch {chat}`` (supervisors: read a chat without the citizen knowing). Server → agent:
``chats [..]``, ``offer``, ``revoke``, ``messages``, ``message``, ``state``, ``error``.
"""

from __future__ import annotations

import json
import logging
import time
from collections import deque

from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.db import InterfaceError, OperationalError, connection
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from apps.chat import conf, realtime, selectors, services, tokens
from apps.chat.models import Chat
from apps.core.errors import ApplicationError, NotFound, PermissionDenied, RateLimited, ValidationFailed

log = logging.getLogger(__name__)


class Unavailable(ApplicationError):
    code = "unavailable"
    status = 503
    default_message = _("The chat is busy. Your message was not lost: it is sent again.")


# Bigger frames are refused before parsing: a message is at most a few thousand characters.
MAX_FRAME = 16_000


def db(fn):
    """Run ``fn`` in a thread of the pool (not the one shared thread), so slow writes of one
    chat do not hold up the others."""
    return database_sync_to_async(fn, thread_sensitive=False)


def _collecting(fn, kwargs):
    """``fn`` with what it publishes collected, in a worker thread that keeps its connection
    as Django's request cycle would (closed when broken or past ``CONN_MAX_AGE``), without the
    health check the cycle adds before each use: a connection that has just answered needs no
    ``SELECT 1`` before the next frame, and that round trip was on every message. A connection
    found broken is closed and the call made once more, which the services allow (a message is
    stored once per client id; the rest is transactional)."""
    try:
        for attempt in (1, 2):
            try:
                with realtime.collected() as sends:
                    result = fn(**kwargs)
                return result, list(sends)
            except (InterfaceError, OperationalError):
                if attempt == 2 or (connection.connection is not None and connection.is_usable()):
                    raise
                connection.close()
        raise AssertionError("unreachable")
    finally:
        connection.close_if_unusable_or_obsolete()
        if connection.connection is not None and not connection.errors_occurred:
            connection.health_check_done = True


async def write(layer, fn, **kwargs):
    """Call a service in a worker thread, then send what it published from this loop."""
    result, sends = await sync_to_async(_collecting, thread_sensitive=False)(fn, kwargs)
    for group, payload in sends:
        await layer.group_send(group, payload)
    return result


class _Base(AsyncJsonWebsocketConsumer):
    language = "ar"

    async def connect(self):
        self.sent_at: deque[float] = deque()
        await self.accept()

    async def receive(self, text_data=None, bytes_data=None):
        if text_data is None or len(text_data) > MAX_FRAME:
            await self._error(ValidationFailed(code="frame_too_large"), {})
            return
        try:
            content = json.loads(text_data)
        except ValueError:
            content = None
        if not isinstance(content, dict):
            await self._error(ValidationFailed(code="bad_frame"), {})
            return
        try:
            await self.handle(str(content.get("type") or ""), content)
        except ApplicationError as error:
            await self._error(error, content)
        except Exception:  # the database or Redis failed us: say so, keep the connection
            log.exception("chat: %s frame failed", content.get("type"))
            await self._error(Unavailable(), content)

    async def _error(self, error: ApplicationError, content: dict):
        with translation.override(self.language):
            await self.send_json(
                {
                    "type": "error",
                    "code": error.code,
                    "message": str(error.message),
                    "details": {k: [str(r) for r in v] for k, v in (error.details or {}).items()},
                    "client_id": str(content.get("client_id") or "")[:64],
                }
            )

    def _send_limit(self) -> int:
        return conf.messages_per_minute()

    def _count_send(self):
        """Messages per connection per minute: past the limit each one is refused."""
        now = time.monotonic()
        while self.sent_at and now - self.sent_at[0] > 60:
            self.sent_at.popleft()
        if len(self.sent_at) >= self._send_limit():
            raise RateLimited(code="too_many_messages")
        self.sent_at.append(now)

    async def chat_message(self, event):
        await self.send_json({"type": "message", "message": event["message"]})


class CitizenConsumer(_Base):
    chat_id: int | None = None
    key: str = ""

    async def disconnect(self, code):
        if self.chat_id:
            await self.channel_layer.group_discard(realtime.chat_group(self.chat_id), self.channel_name)
            await self.channel_layer.group_discard(realtime.QUEUE, self.channel_name)

    async def handle(self, kind: str, content: dict):
        if kind == "hello":
            return await self._hello(content)
        if self.chat_id is None:
            raise PermissionDenied(code="hello_first")
        with translation.override(self.language):
            if kind == "message":
                self._count_send()
                message = await write(
                    self.channel_layer,
                    services.chat_citizen_post,
                    chat_id=self.chat_id,
                    key=self.key,
                    body=content.get("body"),
                    client_id=str(content.get("client_id") or ""),
                )
                await self.send_json({"type": "ok", "client_id": message.client_id, "id": message.pk})
            elif kind == "end":
                await write(
                    self.channel_layer, services.chat_end_by_citizen, chat_id=self.chat_id, key=self.key
                )
            elif kind == "rate":
                await write(
                    self.channel_layer,
                    services.chat_rate,
                    chat_id=self.chat_id,
                    key=self.key,
                    rating=content.get("rating"),
                    comment=content.get("comment"),
                )
                await self.send_json({"type": "ok", "what": "rated"})
            elif kind == "transcript":
                await db(services.chat_send_transcript)(
                    chat_id=self.chat_id,
                    key=self.key,
                    email=str(content.get("email") or ""),
                    sms=bool(content.get("sms")),
                )
                await self.send_json({"type": "ok", "what": "transcript"})
            else:
                raise ValidationFailed(code="unknown_type")

    async def _hello(self, content: dict):
        parsed = tokens.read(content.get("token"))
        if parsed is None:
            raise PermissionDenied(code="bad_token")
        chat_id, key = parsed
        try:
            last_id = int(content.get("last_id") or 0)
        except (TypeError, ValueError):
            last_id = 0
        # Join the chat's group first, then read what is stored: a message arriving in
        # between comes twice (the client keeps one per id), never not at all.
        if self.chat_id and self.chat_id != chat_id:
            raise PermissionDenied(code="one_chat_per_connection")
        await self.channel_layer.group_add(realtime.chat_group(chat_id), self.channel_name)
        await self.channel_layer.group_add(realtime.QUEUE, self.channel_name)
        data = await db(_citizen_hello)(chat_id, key, last_id)
        if data is None:
            await self.channel_layer.group_discard(realtime.chat_group(chat_id), self.channel_name)
            await self.channel_layer.group_discard(realtime.QUEUE, self.channel_name)
            raise PermissionDenied(code="bad_token")
        self.chat_id, self.key, self.language = chat_id, key, data["state"].get("language", "ar")
        if data["state"]["status"] != Chat.Status.WAITING:
            await self.channel_layer.group_discard(realtime.QUEUE, self.channel_name)
        await self.send_json({"type": "state", "chat": data["state"]})
        if data["queue"]:
            await self.send_json({"type": "queue", **data["queue"]})
        await self.send_json({"type": "messages", "messages": data["messages"]})

    async def chat_state(self, event):
        state = event["chat"]
        if state["status"] != Chat.Status.WAITING:
            await self.channel_layer.group_discard(realtime.QUEUE, self.channel_name)
        await self.send_json({"type": "state", "chat": state})

    async def chat_queue(self, event):
        if self.chat_id is None:
            return
        place = selectors.position_in(event, self.chat_id)
        if place is not None:
            await self.send_json(
                {"type": "queue", **place, "agents_available": event.get("agents_available")}
            )


def _citizen_hello(chat_id: int, key: str, last_id: int) -> dict | None:
    chat = selectors.chat_for_citizen(chat_id=chat_id, key=key)
    if chat is None:
        return None
    state = selectors.chat_state(chat)
    state["language"] = chat.language
    queue = None
    if chat.status == Chat.Status.WAITING:
        queue = selectors.position_in(selectors.queue_snapshot(), chat.pk)
    messages = [
        services.message_payload(m) for m in selectors.messages_after(chat_id=chat_id, after_id=last_id)
    ]
    return {"state": state, "queue": queue, "messages": messages}


class AgentConsumer(_Base):
    async def connect(self):
        user = self.scope.get("user")
        allowed = await db(services.can_answer)(user)
        if not allowed:
            await self.close(code=4403)
            return
        self.user = user
        self.language = getattr(user, "language", "ar") or "ar"
        self.supervisor = await db(services.can_supervise)(user)
        self.joined: set[int] = set()
        self.sent_at = deque()
        await self.accept()
        await self.channel_layer.group_add(realtime.agent_group(user.pk), self.channel_name)
        chats = await db(_agent_chats)(user)
        for chat in chats:
            await self._join(chat["id"])
        await self.send_json({"type": "chats", "chats": chats})

    async def disconnect(self, code):
        user = getattr(self, "user", None)
        if user is None:
            return
        await self.channel_layer.group_discard(realtime.agent_group(user.pk), self.channel_name)
        for chat_id in list(getattr(self, "joined", ())):
            await self.channel_layer.group_discard(realtime.chat_group(chat_id), self.channel_name)

    async def _join(self, chat_id: int):
        if chat_id not in self.joined:
            self.joined.add(chat_id)
            await self.channel_layer.group_add(realtime.chat_group(chat_id), self.channel_name)

    async def _leave(self, chat_id: int):
        self.joined.discard(chat_id)
        await self.channel_layer.group_discard(realtime.chat_group(chat_id), self.channel_name)

    def _send_limit(self) -> int:
        # An agent answers several chats on one connection: the limit is per chat held.
        return conf.messages_per_minute() * max(1, len(self.joined))

    def _chat_id(self, content) -> int:
        try:
            return int(content.get("chat"))
        except (TypeError, ValueError):
            raise ValidationFailed(details={"chat": ["?"]}) from None

    async def handle(self, kind: str, content: dict):
        with translation.override(self.language):
            if kind == "message":
                self._count_send()
                message = await write(
                    self.channel_layer,
                    services.chat_agent_post,
                    chat_id=self._chat_id(content),
                    actor=self.user,
                    body=content.get("body"),
                    client_id=str(content.get("client_id") or ""),
                )
                await self.send_json({"type": "ok", "client_id": message.client_id, "id": message.pk})
            elif kind in ("resume", "watch"):
                chat_id = self._chat_id(content)
                if kind == "watch" and not self.supervisor:
                    raise PermissionDenied()
                try:
                    last_id = int(content.get("last_id") or 0)
                except (TypeError, ValueError):
                    last_id = 0
                await self._join(chat_id)
                data = await db(_agent_resume)(self.user, chat_id, last_id)
                if data is None:
                    await self._leave(chat_id)
                    raise NotFound(code="chat_not_found")
                await self.send_json({"type": "messages", "chat": data["chat"], "messages": data["messages"]})
            else:
                raise ValidationFailed(code="unknown_type")

    async def chat_offer(self, event):
        chat_id = event["chat"]
        await self._join(chat_id)
        data = await db(_agent_resume)(self.user, chat_id, 0)
        if data is None:
            await self._leave(chat_id)
            return
        await self.send_json(
            {
                "type": "offer",
                "chat": data["chat"],
                "note": event.get("note", ""),
                "messages": data["messages"],
            }
        )

    async def chat_revoke(self, event):
        await self._leave(event["chat"])
        await self.send_json({"type": "revoke", "chat": event["chat"]})

    async def chat_state(self, event):
        await self.send_json({"type": "state", "chat": event["chat"]})


def _agent_chats(user) -> list[dict]:
    return [selectors.staff_chat_payload(c) for c in selectors.workspace_chats(user)]


def _agent_resume(user, chat_id: int, last_id: int) -> dict | None:
    chat = selectors.chat_for_staff(viewer=user, chat_id=chat_id)
    if chat is None:
        return None
    messages = [
        services.message_payload(m) for m in selectors.messages_after(chat_id=chat_id, after_id=last_id)
    ]
    return {"chat": selectors.staff_chat_payload(chat), "messages": messages}
