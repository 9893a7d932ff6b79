"""Helpers for the chat tests: working hours, chats, and websocket clients on the real
ASGI application (origin check, session auth, channels-redis on the test Redis)."""

from __future__ import annotations

import asyncio
from datetime import datetime

import pytest
import time_machine
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client
from django.utils import timezone

from apps.chat import services, tokens
from housing_contact.asgi import application

# A Sunday morning, Bahrain time: the centre is open.
OPEN_AT = datetime(2026, 12, 6, 10, 0, tzinfo=timezone.get_fixed_timezone(180))
# The Friday after: closed.
CLOSED_AT = datetime(2026, 12, 11, 10, 0, tzinfo=timezone.get_fixed_timezone(180))
ORIGIN = (b"origin", b"http://testserver")
TIMEOUT = 5


@pytest.fixture
def open_hours():
    with time_machine.travel(OPEN_AT, tick=True) as traveller:
        yield traveller


@pytest.fixture
def closed_hours():
    with time_machine.travel(CLOSED_AT, tick=True) as traveller:
        yield traveller


def start_chat(name="فاطمة", mobile="36001234", purpose="request_status", **extra):
    chat = services.chat_start(name=name, mobile=mobile, purpose_code=purpose, **extra)
    return chat, tokens.make(chat)


async def citizen_socket(token: str, last_id: int = 0, *, origin=ORIGIN):
    comm = WebsocketCommunicator(application, "/ws/chat/", headers=[origin])
    connected, _ = await comm.connect(timeout=TIMEOUT)
    assert connected
    await comm.send_json_to({"type": "hello", "token": token, "last_id": last_id})
    return comm


def _session_cookie(user) -> bytes:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}".encode()


async def agent_socket(user, *, origin=ORIGIN):
    cookie = await sync_to_async(_session_cookie)(user)
    comm = WebsocketCommunicator(application, "/ws/chat/agent/", headers=[origin, (b"cookie", cookie)])
    connected, code = await comm.connect(timeout=TIMEOUT)
    return comm, connected, code


async def until(comm, kind: str, timeout: float = TIMEOUT, **match) -> dict:
    """The next frame of ``kind`` (whose fields equal ``match``), skipping the others."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        left = deadline - loop.time()
        if left <= 0:
            raise AssertionError(f"no {kind} frame matching {match}")
        frame = await comm.receive_json_from(timeout=left)
        if frame.get("type") == kind and all(_get(frame, k) == v for k, v in match.items()):
            return frame


def _get(frame: dict, dotted: str):
    value = frame
    for part in dotted.split("__"):
        value = value.get(part) if isinstance(value, dict) else None
    return value


db = sync_to_async


@pytest.fixture(autouse=True)
def _short_lived_connections():
    """The consumers' worker threads open their own database connections; with no reuse
    they close after each call, so none outlives the test (and the test database)."""
    from django.db import connections

    previous = connections.settings["default"].get("CONN_MAX_AGE")
    connections.settings["default"]["CONN_MAX_AGE"] = 0
    yield
    connections.settings["default"]["CONN_MAX_AGE"] = previous
