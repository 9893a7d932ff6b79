"""Reads of the outbox, the staff inbox, templates and preferences."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from django.db.models import IntegerField, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import translation
from django.utils.translation import gettext as _

from apps.core import confidentiality
from apps.core.config_cache import ConfigCache
from apps.core.errors import NotFound, PermissionDenied
from apps.core.prepared import PreparedQuery
from apps.notifications import events
from apps.notifications.choices import FALLBACK_LANGUAGE, Channel, State
from apps.notifications.models import MessageTemplate, Notification, NotificationPreference
from apps.notifications.rendering import format_value
from apps.notifications.sms import normalise_phone_key

OUTBOX_PERMISSION = "notifications.view_outbox"
CITIZEN_MESSAGES_PERMISSION = "notifications.view_citizen_messages"
RESEND_PERMISSION = "notifications.resend_notification"


# --- confidential messages (apps.core.confidentiality) ------------------------------------

# What a confidential row keeps of its context: the review number, nothing it is about.
NEUTRAL_CONTEXT = frozenset({"review_number"})


def neutral_text(definition: events.Event | None, context: dict, language: str) -> tuple[str, str]:
    """A confidential message's subject and text as staff without the right read it: the
    event's name and the review number, nothing of the record."""
    with translation.override(language):
        number = format_value(context.get("review_number", ""), ltr=True, language=language)
        label = str(definition.label) if definition is not None else _("Message")
        subject = _("%(event)s: %(number)s") % {"event": label, "number": number} if number else label
        body = _("This concerns a confidential “Under Your Command” record: its text is not shown here.")
    return subject, body


def _hide(row: Notification) -> None:
    try:
        definition = events.get(row.event)
    except events.UnknownEvent:
        definition = None
    row.subject, row.body = neutral_text(definition, row.context or {}, row.language)
    row.context = {key: value for key, value in (row.context or {}).items() if key in NEUTRAL_CONTEXT}


def register_confidentiality() -> None:
    """Outbox rows in the one confidentiality policy (from ``NotificationsConfig.ready()``)."""
    confidentiality.register(
        Notification,
        is_confidential=lambda row: row.confidential,
        hide=_hide,
        rows=lambda: Q(confidential=True),
    )


@dataclass(frozen=True)
class ResolvedTemplate:
    subject: str
    body: str
    language: str
    edited: bool  # an administrator's row, not the registry's default wording


def _edited_templates() -> dict[tuple[str, str, str], tuple[str, str]]:
    return {
        (row.event, row.channel, row.language): (row.subject, row.body)
        for row in MessageTemplate.objects.only("event", "channel", "language", "subject", "body")
    }


# Every edited wording, held by each process until one of them changes (apps.core.config_cache):
# queueing a message costs no query for its template.
templates_cache = ConfigCache("notifications.templates", _edited_templates)


def template_for(event: events.Event, channel: str, language: str) -> ResolvedTemplate | None:
    """The wording to use: the language asked for, else Arabic; an edited row before the default."""
    edited = templates_cache.get()
    for lang in dict.fromkeys([language, FALLBACK_LANGUAGE]):
        row = edited.get((event.key, channel, lang))
        if row is not None:
            return ResolvedTemplate(row[0], row[1], lang, edited=True)
        default = event.defaults.get((channel, lang))
        if default is not None:
            return ResolvedTemplate(default.subject, default.body, lang, edited=False)
    return None


def is_opted_out(keys: list[str]) -> bool:
    keys = [key for key in keys if key]
    return bool(keys) and NotificationPreference.objects.filter(key__in=keys, opted_out=True).exists()


def preference_flags(keys: list[str]) -> tuple[bool, frozenset[str]]:
    """Whether any of ``keys`` opted out, and every event any of them stopped: one query."""
    keys = [key for key in keys if key]
    opted_out, stopped = False, set()
    for flag, events_stopped in NotificationPreference.objects.filter(key__in=keys).values_list(
        "opted_out", "stopped_events"
    ):
        opted_out = opted_out or flag
        stopped.update(events_stopped or ())
    return opted_out, frozenset(stopped)


def preference_key_for_phone(phone: str) -> str:
    return f"phone:{normalise_phone_key(phone)}"


def preference_key_for_email(email: str) -> str:
    return f"email:{email.strip().lower()}"


def notifications_due(*, now: datetime, stale_before: datetime, limit: int) -> QuerySet:
    """Queued rows due for sending that no worker has taken since they were handed over.

    Served by the partial index ``notif_queued_due_idx`` (queued rows only, by send_after).
    """
    return (
        Notification.objects.filter(state=State.QUEUED, send_after__lte=now)
        .filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lte=stale_before))
        .order_by("send_after")[:limit]
    )


def _require(viewer, *permissions: str) -> None:
    if not (viewer and viewer.is_authenticated and any(viewer.has_perm(p) for p in permissions)):
        raise PermissionDenied()


def outbox(
    *,
    viewer,
    state: str = "",
    channel: str = "",
    event: str = "",
    search: str = "",
    since: datetime | None = None,
    until: datetime | None = None,
) -> QuerySet:
    """The outbox as a supervisor or administrator sees it, newest first, filtered."""
    _require(viewer, OUTBOX_PERMISSION)
    rows = (
        Notification.objects.exclude(event__in=events.secret_keys())
        .select_related("recipient_user", "created_by")
        .order_by("-created_at", "-id")
    )
    if state:
        rows = rows.filter(state=state)
    if channel:
        rows = rows.filter(channel=channel)
    if event:
        rows = rows.filter(event=event)
    if since:
        rows = rows.filter(created_at__gte=since)
    if until:
        rows = rows.filter(created_at__lt=until)
    search = (search or "").strip()
    if search:
        condition = (
            Q(to_phone=normalise_phone_key(search)) | Q(to_email__iexact=search) | Q(recipient_ref=search)
        )
        if _looks_like_uuid(search):
            condition |= Q(reference=search)
        rows = rows.filter(condition)
    return confidentiality.redacting(viewer, rows)


def _looks_like_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def outbox_notification(*, viewer, pk: int) -> Notification:
    _require(viewer, OUTBOX_PERMISSION)
    row = (
        confidentiality.redacting(viewer, Notification.objects.exclude(event__in=events.secret_keys()))
        .select_related("recipient_user", "created_by", "resent_from")
        .prefetch_related("resends")
        .filter(pk=pk)
        .first()
    )
    if row is None:
        raise NotFound(_("There is no such notification."))
    return row


def messages_for(*, viewer, phone: str = "", email: str = "", ref: str = "") -> QuerySet:
    """Every message sent (or tried) to one person, newest first, for their timeline.

    Give any of the person's phone numbers, e-mail address or reference; rows matching
    any of them are returned. Only staff who may see a citizen's contact history do.
    """
    _require(viewer, CITIZEN_MESSAGES_PERMISSION, OUTBOX_PERMISSION)
    condition = Q()
    if phone:
        condition |= Q(to_phone=normalise_phone_key(phone))
    if email:
        condition |= Q(to_email__iexact=email.strip())
    if ref:
        condition |= Q(recipient_ref=ref)
    if not condition:
        return Notification.objects.none()
    return confidentiality.redacting(
        viewer,
        Notification.objects.filter(condition)
        .exclude(channel=Channel.IN_APP)
        .exclude(event__in=events.secret_keys())
        .select_related("created_by")
        .order_by("-created_at", "-id"),
    )


def inbox_for(*, user, limit: int | None = 50) -> QuerySet:
    """A member of staff's own in-app notifications, newest first."""
    rows = confidentiality.redacting(
        user, Notification.objects.filter(channel=Channel.IN_APP, recipient_user=user)
    ).order_by("-created_at", "-id")
    return rows[:limit] if limit else rows


def _unread(user_id: int) -> QuerySet:
    """The user's unread in-app notifications (the bell's count and ``unread_count``)."""
    return Notification.objects.filter(
        channel=Channel.IN_APP, recipient_user_id=user_id, read_at__isnull=True
    )


def _bell_query(user_id: int, *, latest: int, cap: int) -> QuerySet:
    sql, params = _unread(user_id).values("pk")[:cap].query.sql_with_params()
    capped = RawSQL(f"SELECT COUNT(*) FROM ({sql}) AS capped", params, output_field=IntegerField())
    return (
        Notification.objects.filter(channel=Channel.IN_APP, recipient_user_id=user_id)
        .annotate(unread_total=capped)
        .order_by("-created_at", "-id")[:latest]
    )


# The bell's query, on every page, compiled once per thread (for each size): only the user changes.
_bell_prepared: dict[tuple[int, int], PreparedQuery] = {}


def bell(*, user, latest: int, cap: int) -> tuple[int, list[Notification]]:
    """The bell on every page, in one query: the newest ``latest`` in-app notifications, each
    carrying the unread count (stopped at ``cap``). No row at all means nothing unread.
    (``inbox_for``'s rows, redacted the same way.)"""
    prepared = _bell_prepared.get((latest, cap))
    if prepared is None:
        prepared = _bell_prepared[latest, cap] = PreparedQuery(
            f"notifications.bell:{latest}/{cap}",
            lambda user_id: _bell_query(user_id, latest=latest, cap=cap),
            user_id=int,
        )
    rows = confidentiality.redact(user, prepared.run(user_id=user.pk))
    return (rows[0].unread_total if rows else 0), rows


def unread_count(*, user, cap: int | None = None) -> int:
    """Unread in-app notifications; with ``cap``, counting stops there (the bell on every
    page shows "99+" rather than counting a backlog of thousands each time)."""
    if not user.is_authenticated:
        return 0
    rows = _unread(user.pk)
    if cap is not None:
        rows = rows.values("pk")[:cap]
    return rows.count()


def inbox_notification(*, user, pk: int) -> Notification:
    row = confidentiality.redacting(
        user, Notification.objects.filter(channel=Channel.IN_APP, recipient_user=user, pk=pk)
    ).first()
    if row is None:
        raise NotFound(_("There is no such notification."))
    return row


# --- subject access (apps.privacy.desk) ----------------------------------------------


def messages_for_subject_access(
    *, ref: str, phones: list[str], email: str = ""
) -> tuple[list[Notification], int]:
    """The SMS and e-mails sent (or tried) to one person, oldest first, and how many one-time
    codes were among them (their text is never given back: a code is a secret, not data
    about the person). Rows match the person's reference, any of their phone numbers or
    their e-mail address. For the subject-access archive only: its caller checks its own
    permission and redacts through ``apps.core.confidentiality``."""
    condition = Q(recipient_ref=ref) if ref else Q()
    for phone in phones:
        if phone:
            condition |= Q(to_phone=normalise_phone_key(phone))
    if email:
        condition |= Q(to_email__iexact=email.strip())
    if not condition:
        return [], 0
    rows = Notification.objects.filter(condition).exclude(channel=Channel.IN_APP).order_by("created_at", "id")
    secret = events.secret_keys()
    return list(rows.exclude(event__in=secret)), rows.filter(event__in=secret).count()
