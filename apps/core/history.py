"""Who changed a record, and through which door: the context of the change history.

The change history (apps/privacy/history) is written by PostgreSQL triggers, so no door can
forget it; what the database cannot know — the member of staff, the door (a staff page,
the API, the Django admin, the portal, an import, a management command, a Celery task,
the retention job) and the reason given — is put on each transaction with
``pghistory.context`` and read by the trigger.

``history_door`` opens that context. Doors nest: the innermost says the door (an import
run from a command is an import), and keeps the actor and reason of the outer one unless
it gives its own. ``door=None`` keeps the door already open (a service adding a reason).
The middleware (``HistoryDoorMiddleware``) opens one per request, the management commands
one per run (``install_command_door``), Celery one per task (``apps.core.tasks``).
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterator

import pghistory
from django.core.serializers.json import DjangoJSONEncoder

DOORS = ("page", "api", "admin", "portal", "import", "command", "task", "retention")

_state = threading.local()


def _stack() -> list[dict]:
    stack = getattr(_state, "stack", None)
    if stack is None:
        stack = _state.stack = []
    return stack


def _actor_id(actor):
    if actor is None:
        return None
    if isinstance(actor, (_LazyActor, int)):
        return actor
    return actor.pk if getattr(actor, "is_authenticated", False) else None


class _LazyActor:
    """The request's user, read when a statement is sent (DRF authenticates a token late)."""

    def __init__(self, request):
        self.request = request

    def resolve(self) -> int | None:
        user = getattr(self.request, "user", None)
        return user.pk if user is not None and getattr(user, "is_authenticated", False) else None


class HistoryJSONEncoder(DjangoJSONEncoder):
    """pghistory's encoder for the context (``PGHISTORY_JSON_ENCODER``): resolves the lazy actor."""

    def default(self, o):
        if isinstance(o, _LazyActor):
            return o.resolve()
        return super().default(o)


def current() -> dict:
    """The open door's metadata ({"door", "actor", "reason"}), or {} outside any door."""
    stack = _stack()
    return dict(stack[-1]) if stack else {}


@contextlib.contextmanager
def history_door(door: str | None, *, actor=None, reason: str | None = None) -> Iterator[None]:
    """Changes made inside are recorded as made through ``door`` by ``actor``, for ``reason``."""
    if door is not None and door not in DOORS:
        raise ValueError(f"Unknown history door {door!r}; use one of {', '.join(DOORS)}.")
    stack = _stack()
    outer = stack[-1] if stack else {"door": "", "actor": None, "reason": ""}
    metadata = {
        "door": door if door is not None else outer["door"],
        "actor": _actor_id(actor) if actor is not None else outer["actor"],
        "reason": reason if reason is not None else outer["reason"],
    }
    stack.append(metadata)
    try:
        # Nested, pghistory merges the keys into the context already open; the outer
        # values are put back when this block ends (below).
        with pghistory.context(**metadata):
            yield
    finally:
        stack.pop()
        if stack:
            pghistory.context(**stack[-1])


def door_for_path(path: str) -> str:
    """The door a request came through, from its path."""
    if path.startswith("/api/"):
        return "api"
    if path.startswith("/admin/"):
        return "admin"
    if path.startswith("/portal/"):
        return "portal"
    return "page"


class HistoryDoorMiddleware:
    """Every request's changes are recorded with its door and its signed-in user.

    It stands after the authentication middleware. The user is read lazily, when a
    statement is sent, because DRF authenticates a token inside the view.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with history_door(door_for_path(request.path_info), actor=_LazyActor(request)):
            return self.get_response(request)


# Commands that serve or build rather than change records: no door of their own.
_COMMANDS_WITHOUT_DOOR = frozenset({"runserver", "testserver", "migrate", "makemigrations", "daphne"})


def install_command_door() -> None:
    """Run every management command inside door "command" (an import command: "import").

    A command says its own door with a class attribute ``history_door = "import"``.
    Django has no signal around a command, so ``BaseCommand.execute`` is wrapped, once.
    """
    from django.core.management.base import BaseCommand

    if getattr(BaseCommand.execute, "_history_door", False):
        return
    original = BaseCommand.execute

    def execute(self, *args, **options):
        name = type(self).__module__.rsplit(".", 1)[-1]
        if name in _COMMANDS_WITHOUT_DOOR:
            return original(self, *args, **options)
        with history_door(getattr(self, "history_door", "command")):
            return original(self, *args, **options)

    execute._history_door = True
    BaseCommand.execute = execute


_task_doors: dict[str, contextlib.ExitStack] = {}


def _task_started(task_id=None, task=None, **kwargs):
    stack = contextlib.ExitStack()
    stack.enter_context(history_door(getattr(task, "history_door", "task")))
    _task_doors[task_id] = stack


def _task_ended(task_id=None, **kwargs):
    stack = _task_doors.pop(task_id, None)
    if stack is not None:
        stack.close()


def install_task_door() -> None:
    """Run every Celery task inside door "task" (a task may say ``history_door`` itself)."""
    from celery.signals import task_postrun, task_prerun

    task_prerun.connect(_task_started, weak=False, dispatch_uid="core.history.task_prerun")
    task_postrun.connect(_task_ended, weak=False, dispatch_uid="core.history.task_postrun")


class _Untracked(threading.local):
    active = False


_untracked = _Untracked()


@contextlib.contextmanager
def statements_without_history() -> Iterator[None]:
    """Statements sent inside go without pghistory's context: for a caller that knows no
    trigger reads it, because no table they write has one (``apps.core.inserts``). The
    context costs a statement of its own in the same call, which also keeps the call from
    being prepared."""
    previous, _untracked.active = _untracked.active, True
    try:
        yield
    finally:
        _untracked.active = previous


def install_server_binding_support() -> None:
    """Let statements sent with server-side binding run inside a door; leave unions alone.

    pghistory prefixes each write with ``SELECT set_config(...);`` in the same call, which a
    prepared statement refuses ("cannot insert multiple commands"); the claim of a campaign
    target is sent that way (``apps.campaigns.services``). For such a cursor the context is
    set by a statement of its own, on the raw cursor, just before.
    """
    import psycopg
    from pghistory import config, runtime

    if getattr(runtime._inject_history_context, "_history_door", False):
        return
    original = runtime._inject_history_context

    def inject(execute, sql, params, many, context):
        if _untracked.active:
            return execute(sql, params, many, context)
        if isinstance(sql, str) and sql.startswith("(SELECT "):
            # A read Django wraps in parentheses (each part of a UNION): pghistory knows a
            # read by its first word, so it would put the context on it for nothing.
            return execute(sql, params, many, context)
        raw = getattr(context["cursor"], "cursor", None)
        if raw is None or isinstance(raw, psycopg.ClientCursor):
            return original(execute, sql, params, many, context)
        if runtime._can_inject_variable(raw, sql) and hasattr(runtime._tracker, "value"):
            raw.execute(
                "SELECT set_config('pghistory.context_id', %s, true), "
                "set_config('pghistory.context_metadata', %s, true)",
                (
                    str(runtime._tracker.value.id),
                    json.dumps(runtime._tracker.value.metadata, cls=config.json_encoder()),
                ),
            )
        return execute(sql, params, many, context)

    inject._history_door = True
    runtime._inject_history_context = inject
