"""Every read of the live chat, already narrowed to what the viewer may see.

An agent reads the chats offered to or taken by them; a supervisor (``chat.supervise_chat``)
reads every chat. The statement figures ``chat.*`` and ``video.calls`` are here too
(``statement_figures``), for the reports app to call.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db import connection, connections, router
from django.db.models import Count, Max, Q
from django.utils import timezone

from apps.chat import conf
from apps.chat.models import AgentPresence, Chat, ChatMessage, VideoCall

# ----------------------------------------------------------------- working hours


def is_open(*, now: datetime | None = None) -> bool:
    """Live chat is staffed in the business calendar's working hours (apps/sla)."""
    from apps.sla.selectors import get_calendar

    if conf.open_always():
        return True
    now = timezone.localtime(now or timezone.now())
    try:
        hours = get_calendar().working_hours(now.date())
    except Exception:  # a date outside the calendar's range: treat as closed
        return False
    if not hours:
        return False
    start, end = hours
    return start <= now.time() < end


# ----------------------------------------------------------------- the queue


def agents_with_room() -> list[tuple[int, int, tuple[int, datetime | None]]]:
    """Available agents with room for another chat: (user id, free places, (load, last offered))."""
    default = conf.agent_max_chats()
    rows = (
        AgentPresence.objects.filter(is_available=True, user__is_active=True)
        .annotate(load=Count("user__chats", filter=Q(user__chats__status=Chat.Status.ACTIVE)))
        .values_list("user_id", "max_chats", "load", "last_offered_at")
    )
    result = []
    for user_id, max_chats, load, last in rows:
        free = (max_chats or default) - load
        if free > 0:
            result.append((user_id, free, (load, last)))
    return result


def _handling_minutes(now: datetime) -> float:
    since = now - timedelta(days=1)
    row = Chat.objects.filter(
        closed_at__gte=since, answered_at__isnull=False, ended_at__isnull=False
    ).values_list("answered_at", "ended_at")[:200]
    lengths = [(e - a).total_seconds() / 60 for a, e in row if e >= a]
    return sum(lengths) / len(lengths) if lengths else conf.handling_minutes()


def queue_snapshot(*, now: datetime | None = None) -> dict:
    """The waiting chats in order and the minutes one place in the queue is expected to take.

    Expected wait of place n ≈ n × mean chat length ÷ places agents serve at once (the
    available agents' limits), never less than a minute.
    """
    now = now or timezone.now()
    waiting = list(
        Chat.objects.filter(status=Chat.Status.WAITING)
        .order_by("requested_at", "id")
        .values_list("pk", flat=True)
    )
    default = conf.agent_max_chats()
    capacity = sum(
        (m or default)
        for m in AgentPresence.objects.filter(is_available=True).values_list("max_chats", flat=True)
    )
    per_place = _handling_minutes(now) / max(1, capacity)
    return {"waiting": waiting, "minutes_per_place": round(per_place, 2), "agents_available": capacity > 0}


def expected_wait_minutes(position: int, minutes_per_place: float) -> int:
    return max(1, math.ceil(position * minutes_per_place))


def chat_state(chat: Chat) -> dict:
    """What the citizen's panel shows about its chat (nothing about other citizens)."""
    return {
        "id": chat.pk,
        "status": chat.status,
        "answered": chat.answered_at is not None,
        "rated": chat.rating is not None,
        "review_number": chat.ticket.review_number if chat.ticket_id else "",
        "agent": (chat.agent.display_name() if chat.agent_id and chat.answered_at else ""),
    }


def position_in(queue: dict, chat_id: int) -> dict | None:
    try:
        position = queue["waiting"].index(chat_id) + 1
    except ValueError:
        return None
    return {
        "position": position,
        "expected_minutes": expected_wait_minutes(position, queue["minutes_per_place"]),
    }


def messages_after(*, chat_id: int, after_id: int = 0, limit: int = 500) -> list[ChatMessage]:
    return list(
        ChatMessage.objects.filter(chat_id=chat_id, pk__gt=max(0, int(after_id or 0)))
        .select_related("author")
        .order_by("id")[:limit]
    )


def chat_for_citizen(*, chat_id: int, key: str) -> Chat | None:
    chat = Chat.objects.select_related("agent", "ticket").filter(pk=chat_id).first()
    if chat is None or chat.key != key:
        return None
    return chat


# ----------------------------------------------------------------- the staff's side


def visible_chats(viewer):
    """Chats the viewer may read: their own (offered or taken) or, for supervisors, all."""
    qs = Chat.objects.select_related("purpose", "citizen", "agent", "ticket")
    if viewer.has_perm("chat.supervise_chat"):
        return qs
    if viewer.has_perm("chat.use_chat_workspace"):
        return qs.filter(agent=viewer)
    return qs.none()


def chat_for_staff(*, viewer, chat_id: int) -> Chat | None:
    return visible_chats(viewer).filter(pk=chat_id).first()


def workspace_chats(viewer) -> list[Chat]:
    """The agent's chats now: open ones, and ended ones still to wrap up."""
    return list(
        Chat.objects.select_related("purpose", "citizen", "ticket")
        .filter(agent=viewer, status__in=[Chat.Status.ACTIVE, Chat.Status.ENDED])
        .order_by("requested_at", "id")
    )


def staff_chat_payload(chat: Chat) -> dict:
    return {
        "id": chat.pk,
        "name": chat.name,
        "mobile": chat.mobile,
        "status": chat.status,
        "status_label": str(chat.get_status_display()),
        "purpose": chat.purpose.code if chat.purpose_id else "",
        "purpose_label": str(chat.purpose) if chat.purpose_id else "",
        "citizen": chat.citizen_id,
        "requested_at": chat.requested_at.isoformat(),
        "answered": chat.answered_at is not None,
        "review_number": chat.ticket.review_number if chat.ticket_id else "",
        "language": chat.language,
    }


def transfer_targets(viewer) -> list:
    """Agents and supervisors who can take a chat (not the viewer)."""
    User = get_user_model()
    perm = Q(
        groups__permissions__codename="use_chat_workspace",
        groups__permissions__content_type__app_label="chat",
    )
    return list(
        User.objects.filter(perm, is_active=True).exclude(pk=viewer.pk).distinct().order_by("username")
    )


def presence_of(user) -> AgentPresence | None:
    return AgentPresence.objects.filter(user=user).first()


# ----------------------------------------------------------------- the supervisor's view


@dataclass
class ResponseFigures:
    answered: int
    mean_min: float | None
    p90_min: float | None
    abandoned: int
    rated: int
    satisfied_pct: float | None


def _response_figures(start: datetime, end: datetime) -> ResponseFigures:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT count(*) FILTER (WHERE answered_at IS NOT NULL),
                   avg(extract(epoch FROM answered_at - requested_at)) FILTER (WHERE answered_at IS NOT NULL),
                   percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM answered_at - requested_at))
                       FILTER (WHERE answered_at IS NOT NULL),
                   count(*) FILTER (WHERE status = 'abandoned'),
                   count(rating),
                   count(*) FILTER (WHERE rating >= 4)
              FROM chat_chat
             WHERE requested_at >= %s AND requested_at < %s AND status <> 'message'
            """,
            [start, end],
        )
        answered, mean, p90, abandoned, rated, satisfied = cursor.fetchone()
    return ResponseFigures(
        answered=answered,
        mean_min=round(float(mean) / 60, 1) if mean is not None else None,
        p90_min=round(float(p90) / 60, 1) if p90 is not None else None,
        abandoned=abandoned,
        rated=rated,
        satisfied_pct=round(100 * satisfied / rated, 1) if rated else None,
    )


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def live_view(*, now: datetime | None = None) -> dict:
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    waiting = list(
        Chat.objects.filter(status=Chat.Status.WAITING)
        .select_related("purpose")
        .order_by("requested_at", "id")
    )
    for chat in waiting:
        chat.waited_min = round((now - chat.requested_at).total_seconds() / 60, 1)
    default = conf.agent_max_chats()
    presences = {p.user_id: p for p in AgentPresence.objects.select_related("user")}
    active = (
        Chat.objects.filter(status__in=[Chat.Status.ACTIVE, Chat.Status.ENDED])
        .select_related("agent", "purpose")
        .order_by("agent_id", "requested_at")
    )
    per_agent: dict[int, dict] = {}
    for chat in active:
        row = per_agent.setdefault(
            chat.agent_id,
            {"agent": chat.agent, "chats": [], "presence": presences.get(chat.agent_id)},
        )
        row["chats"].append(chat)
    for user_id, presence in presences.items():
        if presence.is_available and user_id not in per_agent:
            per_agent[user_id] = {"agent": presence.user, "chats": [], "presence": presence}
    agents = []
    for row in per_agent.values():
        presence = row["presence"]
        row["available"] = bool(presence and presence.is_available)
        row["limit"] = presence.max_chats if presence and presence.max_chats else default
        agents.append(row)
    agents.sort(key=lambda r: (not r["available"], r["agent"].username))
    month_start = _day_start(today.replace(day=1))
    return {
        "now": now,
        "waiting": waiting,
        "longest_wait_min": waiting[0].waited_min if waiting else None,
        "agents": agents,
        "available_count": sum(1 for r in agents if r["available"]),
        "today": _response_figures(_day_start(today), now + timedelta(seconds=1)),
        "month": _response_figures(month_start, now + timedelta(seconds=1)),
    }


# ----------------------------------------------------------------- the statement figures


def _month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    start = _day_start(date(year, month, 1))
    end = _day_start(date(year + (month == 12), month % 12 + 1, 1))
    return start, end


def _month_figures(start: datetime, end: datetime) -> dict:
    chats = Chat.objects.filter(requested_at__gte=start, requested_at__lt=end).exclude(
        status=Chat.Status.MESSAGE
    )
    answered = chats.filter(answered_at__isnull=False)
    with connections[router.db_for_read(Chat)].cursor() as cursor:
        cursor.execute(
            """
            SELECT count(DISTINCT coalesce('c' || citizen_id::text, 'v' || mobile)),
                   avg(extract(epoch FROM answered_at - requested_at))
              FROM chat_chat
             WHERE requested_at >= %s AND requested_at < %s AND status <> 'message' AND answered_at IS NOT NULL
            """,
            [start, end],
        )
        citizens, mean = cursor.fetchone()
    rated = chats.filter(rating__isnull=False).aggregate(
        n=Count("id"), ok=Count("id", filter=Q(rating__gte=4))
    )
    return {
        "chat.citizens": citizens,
        "chat.sessions": chats.count(),
        "chat.answered": answered.count(),
        "chat.avg_first_response_min": round(float(mean) / 60, 2) if mean is not None else None,
        "chat.csat_pct": round(100 * rated["ok"] / rated["n"], 2) if rated["n"] else None,
        "chat.rated": rated["n"],
        "video.calls": VideoCall.objects.filter(
            status=VideoCall.Status.HELD, started_at__gte=start, started_at__lt=end
        ).count(),
    }


def _change_pct(this, previous) -> float | None:
    if not previous:
        return None
    return round((this - previous) / previous * 100, 2)


def statement_figures(*, year: int, month: int) -> dict:
    """The statement's live chat and video figures for a calendar month (Bahrain time).

    Codes as in statement-figures.md: ``chat.citizens``, ``chat.sessions``,
    ``chat.avg_first_response_min``, ``chat.usage_change_pct``, ``chat.csat_pct`` (with
    ``chat.rated`` beside it) and ``video.calls`` (with ``video.calls_change``). Each has
    ``previous`` for the month before. A rate with no denominator is None, never 0.
    """
    this = _month_figures(*_month_bounds(year, month))
    previous = _month_figures(*_month_bounds(year - (month == 1), (month - 2) % 12 + 1))
    figures = {code: {"value": value, "previous": previous[code]} for code, value in this.items()}
    figures["chat.usage_change_pct"] = {
        "value": _change_pct(this["chat.sessions"], previous["chat.sessions"]),
        "previous": None,
    }
    figures["video.calls_change"] = {"value": this["video.calls"] - previous["video.calls"], "previous": None}
    return figures


def last_message_ids(chat_ids: list[int]) -> dict[int, int]:
    return dict(
        ChatMessage.objects.filter(chat_id__in=chat_ids)
        .values("chat_id")
        .annotate(m=Max("id"))
        .values_list("chat_id", "m")
    )


def first_response_by_day(*, start: datetime, end: datetime) -> dict[date, float]:
    """Mean minutes from request to the first agent message, per day (Bahrain time) of
    ``[start, end)``, answered chats only: one grouped query (the statement's chart)."""
    with connections[router.db_for_read(Chat)].cursor() as cursor:
        cursor.execute(
            """
            SELECT (requested_at AT TIME ZONE %s)::date,
                   avg(extract(epoch FROM answered_at - requested_at)) / 60
              FROM chat_chat
             WHERE requested_at >= %s AND requested_at < %s AND status <> 'message' AND answered_at IS NOT NULL
             GROUP BY 1
            """,
            [timezone.get_current_timezone_name(), start, end],
        )
        return {day: round(float(minutes), 2) for day, minutes in cursor.fetchall()}
