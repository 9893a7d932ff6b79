"""Every write of the live chat: start, queue and offer, messages, transfer, end, close,
ticket, rating, transcript; agents' availability. Video calls are in ``video.py``.

Each service saves in one transaction and tells the open websockets after commit
(``realtime.publish``), so a rolled-back change is never announced and a committed one
is always in PostgreSQL before anyone sees it.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.chat import conf, realtime, selectors, tokens, transcript
from apps.chat.models import AgentPresence, Chat, ChatEvent, ChatMessage
from apps.citizens import selectors as citizen_selectors
from apps.citizens.validation import is_mobile, normalize_cpr, normalize_phone
from apps.contacts import selectors as contact_selectors
from apps.contacts import services as contact_services
from apps.contacts.models import Channel, Outcome
from apps.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from apps.core.text import isolate_ltr

# One lock serialises the dispatcher: two dispatches at once would offer one chat twice.
_DISPATCH_LOCK = 0x63686174  # "chat"


def _required(value, field: str, limit: int) -> str:
    text = str(value or "").strip()
    if not text:
        raise ValidationFailed(_("Some required information is missing."), details={field: [_("Required.")]})
    if len(text) > limit:
        raise ValidationFailed(
            _("This is too long."), code="too_long", details={field: [_("This is too long.")]}
        )
    return text


def _identify(*, name: str, mobile: str, cpr: str, purpose_code: str):
    errors: dict[str, list[str]] = {}
    try:
        name = _required(name, "name", 150)
    except ValidationFailed as failure:
        errors.update(failure.details)
    e164 = ""
    try:
        e164 = normalize_phone(_required(mobile, "mobile", 30), field="mobile")
        if not is_mobile(e164):
            errors["mobile"] = [_("Enter a mobile number.")]
    except ValidationFailed as failure:
        errors.update(failure.details or {"mobile": [_("This is not a valid phone number.")]})
    cpr_value = ""
    if str(cpr or "").strip():
        try:
            cpr_value = normalize_cpr(cpr)
        except ValidationFailed as failure:
            errors.update(failure.details or {"cpr": [_("This is not a valid CPR number.")]})
    purpose = contact_selectors.purpose_by_code(code=purpose_code) if purpose_code else None
    if purpose is None:
        errors["purpose"] = [_("Choose the topic.")]
    if errors:
        raise ValidationFailed(details=errors)
    citizen = citizen_selectors.citizen_by_cpr(cpr=cpr_value) if cpr_value else None
    return name, e164, cpr_value, citizen, purpose


# ----------------------------------------------------------------- the citizen's side


@transaction.atomic
def chat_start(
    *,
    name: str,
    mobile: str,
    purpose_code: str,
    cpr: str = "",
    email: str = "",
    language: str = "ar",
    now: datetime | None = None,
) -> Chat:
    """A citizen asks for a chat (the pre-chat form).

    1. Refused outside working hours (the panel offers to leave a message instead).
    2. Name and mobile are required, the CPR optional (it links the citizen on file).
    3. The chat joins the end of the queue; the dispatcher offers it after commit.
    """
    now = now or timezone.now()
    if not selectors.is_open(now=now):
        raise Conflict(
            _("Live chat is closed now. You can leave a message instead."), code="chat_out_of_hours"
        )
    name, e164, cpr_value, citizen, purpose = _identify(
        name=name, mobile=mobile, cpr=cpr, purpose_code=purpose_code
    )
    chat = Chat.objects.create(
        key=tokens.new_key(),
        name=name,
        mobile=e164,
        cpr=cpr_value,
        email=str(email or "").strip()[:254],
        citizen=citizen,
        purpose=purpose,
        language=language if language in ("ar", "en") else "ar",
        requested_at=now,
    )
    ChatEvent.objects.create(chat=chat, kind=ChatEvent.Kind.QUEUED, at=now)
    transaction.on_commit(lambda: chat_dispatch())
    return chat


@transaction.atomic
def chat_leave_message(
    *,
    name: str,
    mobile: str,
    purpose_code: str,
    body: str,
    cpr: str = "",
    email: str = "",
    language: str = "ar",
    now: datetime | None = None,
) -> Chat:
    """A message left when no agent is on hand: a contact (channel live chat) and, for a
    complaint, a ticket whose review number the citizen gets at once."""
    from apps.tickets import services as ticket_services

    now = now or timezone.now()
    name, e164, cpr_value, citizen, purpose = _identify(
        name=name, mobile=mobile, cpr=cpr, purpose_code=purpose_code
    )
    body = _required(body, "body", conf.message_max_chars())
    ticket = None
    if purpose.code == "complaint":
        if not cpr_value:
            raise ValidationFailed(
                _("Give your CPR number so that your complaint can be registered."),
                code="cpr_required",
                details={"cpr": [_("Required for a complaint.")]},
            )
        ticket = ticket_services.ticket_create(
            kind="complaint",
            channel="chat",
            subject=_("Complaint left on the live chat"),
            description=body,
            actor=None,
            citizen=citizen,
            new_citizen=None
            if citizen
            else {"cpr": cpr_value, "name_ar": name, "phones": [e164], "email": email, "language": language},
            contact_phone=e164,
            language=language,
            now=now,
        )
        citizen = ticket.citizen
    chat = Chat.objects.create(
        key=tokens.new_key(),
        status=Chat.Status.MESSAGE,
        name=name,
        mobile=e164,
        cpr=cpr_value,
        email=str(email or "").strip()[:254],
        citizen=citizen,
        purpose=purpose,
        language=language if language in ("ar", "en") else "ar",
        requested_at=now,
        ended_at=now,
        closed_at=now,
        ticket=ticket,
    )
    ChatMessage.objects.create(chat=chat, sender=ChatMessage.Sender.CITIZEN, body=body, created_at=now)
    chat.contact = contact_services.contact_message_received(
        channel=Channel.CHAT,
        received_at=now,
        purpose=purpose,
        citizen=citizen,
        caller_number=e164,
        notes=body,
        ticket=ticket,
        call_id=f"chat-{chat.pk}",
    )
    chat.save(update_fields=["contact"])
    return chat


def _check_body(body) -> str:
    text = str(body or "").strip()
    if not text:
        raise ValidationFailed(
            _("Write a message."), code="empty_message", details={"body": [_("Required.")]}
        )
    limit = conf.message_max_chars()
    if len(text) > limit:
        raise ValidationFailed(
            _("A message is limited to %(limit)d characters.") % {"limit": limit},
            code="message_too_long",
            details={"body": [_("This is too long.")]},
        )
    return text


def message_payload(message: ChatMessage) -> dict:
    data = {
        "id": message.pk,
        "chat": message.chat_id,
        "sender": message.sender,
        "body": message.body,
        "at": message.created_at.isoformat(),
        "client_id": message.client_id,
    }
    if message.sender == ChatMessage.Sender.AGENT and message.author_id:
        data["author"] = message.author.display_name() if message.author else ""
    if message.attachment_path:
        data["attachment"] = {
            "name": message.attachment_name,
            "size": message.attachment_size,
            "url": reverse("chat:attachment", args=[message.pk]),
        }
    return data


_INSERT_ONCE = """
    INSERT INTO chat_chatmessage
        (chat_id, sender, author_id, body, client_id, created_at,
         attachment_name, attachment_path, attachment_type, attachment_size)
    VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
    ON CONFLICT (chat_id, client_id) WHERE NOT (client_id = '') DO NOTHING
    RETURNING id
"""


def _store_message(
    *, chat: Chat, sender: str, body: str, client_id: str, now: datetime, author=None, attachment=None
) -> tuple[ChatMessage, bool]:
    """Insert the message once per client id; return it and whether it is new.

    One statement (INSERT … ON CONFLICT DO NOTHING on the partial unique index) rather than
    a look-up and a savepoint: this is the path every message takes.
    """
    client_id = str(client_id or "")[:64]
    attachment = attachment or {}
    message = ChatMessage(
        chat=chat,
        sender=sender,
        author=author,
        body=body,
        client_id=client_id,
        created_at=now,
        attachment_name=attachment.get("name", ""),
        attachment_path=attachment.get("path", ""),
        attachment_type=attachment.get("type", ""),
        attachment_size=attachment.get("size"),
    )
    if not client_id:
        message.save()
        return message, True
    with connection.cursor() as cursor:
        cursor.execute(
            _INSERT_ONCE,
            [
                chat.pk,
                sender,
                author.pk if author else None,
                body,
                client_id,
                now,
                message.attachment_name,
                message.attachment_path,
                message.attachment_type,
                message.attachment_size,
            ],
        )
        row = cursor.fetchone()
    if row is None:  # sent before: the stored one
        return ChatMessage.objects.select_related("author").get(chat=chat, client_id=client_id), False
    message.pk = row[0]
    return message, True


def _lock(chat_id: int) -> Chat:
    chat = Chat.objects.select_for_update().filter(pk=chat_id).first()
    if chat is None:
        raise NotFound(_("This chat does not exist."), code="chat_not_found")
    return chat


def _refuse_closed(chat: Chat) -> None:
    if not chat.is_open:
        raise Conflict(_("This chat has ended: it takes no more messages."), code="chat_closed")


# The path nearly every message takes, in one statement and one round trip: insert the message
# if the chat is open and the sender may write in it. FOR SHARE waits for a concurrent end or
# close (which lock the row FOR UPDATE) and re-checks the chat's state after it, so no message
# is stored after the chat has ended; the citizen's and the agent's messages don't block each
# other. Anything else (a repeated client id, a closed chat, a wrong key, the first answer)
# goes the long way, which says precisely what is wrong.
_INSERT_IF_OPEN = """
    INSERT INTO chat_chatmessage
        (chat_id, sender, author_id, body, client_id, created_at,
         attachment_name, attachment_path, attachment_type, attachment_size)
    SELECT c.id, %s, %s, %s, %s, %s, '', '', '', NULL
    FROM (
        SELECT id FROM chat_chat
        WHERE id = %s AND status IN ('waiting', 'active') AND {who}
        FOR SHARE
    ) c
    ON CONFLICT (chat_id, client_id) WHERE NOT (client_id = '') DO NOTHING
    RETURNING id
"""
_CITIZEN_INSERT = _INSERT_IF_OPEN.format(who="key = %s")
_AGENT_INSERT = _INSERT_IF_OPEN.format(who="agent_id = %s AND answered_at IS NOT NULL")


def _insert_if_open(sql: str, *, chat_id: int, sender: str, author, text: str, client_id: str, who, now):
    """The message stored by the one-statement path, or None when the long way must decide."""
    if not client_id:
        return None
    with connection.cursor() as cursor:
        cursor.execute(sql, [sender, author.pk if author else None, text, client_id, now, chat_id, who])
        row = cursor.fetchone()
    if row is None:
        return None
    message = ChatMessage(
        pk=row[0],
        chat_id=chat_id,
        sender=sender,
        author=author,
        body=text,
        client_id=client_id,
        created_at=now,
    )
    realtime.publish(
        realtime.chat_group(chat_id), {"type": "chat.message", "message": message_payload(message)}
    )
    return message


def chat_citizen_post(
    *, chat_id: int, key: str, body: str, client_id: str = "", attachment=None, now: datetime | None = None
) -> ChatMessage:
    """A citizen's message, saved as it arrives (a repeat of ``client_id`` is one row)."""
    now = now or timezone.now()
    text = _check_body(body) if attachment is None else str(body or "").strip()[: conf.message_max_chars()]
    client_id = str(client_id or "")[:64]
    if attachment is None:
        message = _insert_if_open(
            _CITIZEN_INSERT,
            chat_id=chat_id,
            sender=ChatMessage.Sender.CITIZEN,
            author=None,
            text=text,
            client_id=client_id,
            who=str(key or ""),
            now=now,
        )
        if message is not None:
            return message
    return _citizen_post_checked(
        chat_id=chat_id, key=key, text=text, client_id=client_id, attachment=attachment, now=now
    )


@transaction.atomic
def _citizen_post_checked(
    *, chat_id: int, key: str, text: str, client_id: str, attachment, now
) -> ChatMessage:
    chat = _lock(chat_id)
    if chat.key != key:
        raise PermissionDenied()
    _refuse_closed(chat)
    message, created = _store_message(
        chat=chat,
        sender=ChatMessage.Sender.CITIZEN,
        body=text,
        client_id=client_id,
        now=now,
        attachment=attachment,
    )
    if created:
        realtime.publish(
            realtime.chat_group(chat.pk), {"type": "chat.message", "message": message_payload(message)}
        )
    return message


def chat_agent_post(
    *, chat_id: int, actor, body: str, client_id: str = "", now: datetime | None = None
) -> ChatMessage:
    """An agent's message; the first one is the chat's answer time (first response)."""
    now = now or timezone.now()
    text = _check_body(body)
    client_id = str(client_id or "")[:64]
    message = _insert_if_open(
        _AGENT_INSERT,
        chat_id=chat_id,
        sender=ChatMessage.Sender.AGENT,
        author=actor,
        text=text,
        client_id=client_id,
        who=actor.pk,
        now=now,
    )
    if message is not None:
        return message
    return _agent_post_checked(chat_id=chat_id, actor=actor, text=text, client_id=client_id, now=now)


@transaction.atomic
def _agent_post_checked(*, chat_id: int, actor, text: str, client_id: str, now) -> ChatMessage:
    chat = _lock(chat_id)
    if chat.agent_id != actor.pk:
        raise PermissionDenied(_("This chat is not yours."), code="not_your_chat")
    _refuse_closed(chat)
    message, created = _store_message(
        chat=chat, sender=ChatMessage.Sender.AGENT, body=text, client_id=client_id, now=now, author=actor
    )
    if created and chat.answered_at is None:
        chat.answered_at = max(now, chat.requested_at)
        chat.save(update_fields=["answered_at"])
    if created:
        realtime.publish(
            realtime.chat_group(chat.pk), {"type": "chat.message", "message": message_payload(message)}
        )
    return message


def _system_message(chat: Chat, text: str, now: datetime) -> ChatMessage:
    message = ChatMessage.objects.create(
        chat=chat, sender=ChatMessage.Sender.SYSTEM, body=text, created_at=now
    )
    realtime.publish(
        realtime.chat_group(chat.pk), {"type": "chat.message", "message": message_payload(message)}
    )
    return message


def _announce_state(chat: Chat) -> None:
    realtime.publish(realtime.chat_group(chat.pk), {"type": "chat.state", "chat": selectors.chat_state(chat)})
    realtime.publish(realtime.SUPERVISORS, {"type": "chat.changed"})


@transaction.atomic
def chat_end_by_citizen(*, chat_id: int, key: str, now: datetime | None = None) -> Chat:
    """The citizen leaves: a chat nobody answered is abandoned (and recorded as an
    abandoned contact); an answered one waits for the agent's wrap-up."""
    now = now or timezone.now()
    chat = _lock(chat_id)
    if chat.key != key:
        raise PermissionDenied()
    if not chat.is_open:
        return chat
    _end(chat, actor=None, now=now)
    return chat


def _end(chat: Chat, *, actor, now: datetime) -> None:
    chat.ended_at = now
    if chat.answered_at is None:
        chat.status = Chat.Status.ABANDONED
        chat.closed_at = now
        chat.contact = contact_services.contact_log(
            actor=None,
            channel=Channel.CHAT,
            purpose=None,
            outcome=Outcome.ABANDONED,
            citizen=chat.citizen,
            caller_number=chat.mobile,
            call_id=f"chat-{chat.pk}",
            offered_at=chat.requested_at,
            ended_at=now,
            now=now,
        )
    else:
        chat.status = Chat.Status.ENDED
    chat.save(update_fields=["status", "ended_at", "closed_at", "contact"])
    ChatEvent.objects.create(chat=chat, kind=ChatEvent.Kind.ENDED, actor=actor, at=now)
    with translation.override(chat.language):
        _system_message(chat, _("The chat has ended."), now)
    _announce_state(chat)
    if chat.agent_id:
        transaction.on_commit(lambda: chat_dispatch())


@transaction.atomic
def chat_end_by_agent(*, chat_id: int, actor, now: datetime | None = None) -> Chat:
    now = now or timezone.now()
    chat = _lock(chat_id)
    _ensure_holder(chat, actor)
    if chat.is_open:
        _end(chat, actor=actor, now=now)
    return chat


def _ensure_holder(chat: Chat, actor) -> None:
    """Only the agent holding a chat acts on it; to anyone who may not even read it, the
    chat does not exist (a supervisor takes it over first)."""
    if chat.agent_id == actor.pk:
        return
    if not can_supervise(actor):
        raise NotFound(_("This chat does not exist."), code="chat_not_found")
    raise PermissionDenied(_("This chat is not yours."), code="not_your_chat")


@transaction.atomic
def chat_close(
    *, chat_id: int, actor, purpose_code: str, outcome: str, notes: str = "", now: datetime | None = None
) -> Chat:
    """The agent wraps the chat up: purpose and outcome record its contact (channel live
    chat) with the request (offered), first agent message (answered) and end times."""
    now = now or timezone.now()
    chat = _lock(chat_id)
    _ensure_holder(chat, actor)
    if chat.status in (Chat.Status.CLOSED, Chat.Status.ABANDONED, Chat.Status.MESSAGE):
        raise Conflict(_("This chat is already closed."), code="chat_already_closed")
    purpose = contact_selectors.purpose_by_code(code=purpose_code) if purpose_code else None
    errors = {}
    if purpose is None:
        errors["purpose"] = [_("Choose the purpose.")]
    if outcome not in Outcome.values or outcome == Outcome.ABANDONED:
        errors["outcome"] = [_("Choose the outcome.")]
    if outcome == Outcome.TICKET_OPENED and chat.ticket_id is None:
        errors["outcome"] = [_("Open the ticket first.")]
    if errors:
        raise ValidationFailed(details=errors)
    if chat.is_open:
        chat.ended_at = now
    if chat.answered_at is None:
        raise ValidationFailed(
            _("Answer the citizen before closing the chat."),
            code="chat_not_answered",
            details={"outcome": [_("Send a message first.")]},
        )
    chat.contact = contact_services.contact_log(
        actor=actor,
        channel=Channel.CHAT,
        purpose=purpose,
        outcome=outcome,
        citizen=chat.citizen,
        caller_number=chat.mobile,
        notes=str(notes or "")[:10_000],
        call_id=f"chat-{chat.pk}",
        offered_at=chat.requested_at,
        answered_at=chat.answered_at,
        ended_at=chat.ended_at,
        ticket=chat.ticket if outcome == Outcome.TICKET_OPENED else None,
        now=now,
    )
    was_open = chat.is_open
    chat.status = Chat.Status.CLOSED
    chat.closed_at = now
    chat.purpose = purpose
    chat.save(update_fields=["status", "ended_at", "closed_at", "contact", "purpose"])
    ChatEvent.objects.create(chat=chat, kind=ChatEvent.Kind.CLOSED, actor=actor, at=now)
    if was_open:
        with translation.override(chat.language):
            _system_message(chat, _("The chat has ended."), now)
    _announce_state(chat)
    realtime.publish(realtime.agent_group(actor.pk), {"type": "chat.revoke", "chat": chat.pk})
    transaction.on_commit(lambda: chat_dispatch())
    return chat


def transcript_text(chat: Chat) -> str:
    lines = []
    for message in chat.messages.select_related("author").order_by("id"):
        who = {
            ChatMessage.Sender.CITIZEN: chat.name,
            ChatMessage.Sender.AGENT: _("Agent"),
            ChatMessage.Sender.SYSTEM: "—",
        }[message.sender]
        stamp = timezone.localtime(message.created_at).strftime("%Y-%m-%d %H:%M")
        body = message.body
        if message.attachment_name:
            body = f"{body} [{message.attachment_name}]".strip()
        lines.append(f"[{stamp}] {who}: {body}")
    return "\n".join(lines)


@transaction.atomic
def chat_open_ticket(
    *, chat_id: int, actor, kind: str, subject: str, cpr: str = "", now: datetime | None = None
) -> Chat:
    """File a ticket from the chat with its transcript (in the description, and as a PDF
    attached to the ticket), and tell the citizen its review
    number in the chat. A citizen not on file is added from the CPR (given in the pre-chat
    form, or by the agent now)."""
    from apps.tickets import services as ticket_services

    now = now or timezone.now()
    chat = _lock(chat_id)
    _ensure_holder(chat, actor)
    if chat.ticket_id:
        raise Conflict(_("A ticket has already been opened from this chat."), code="chat_ticket_exists")
    if chat.status in (Chat.Status.CLOSED, Chat.Status.ABANDONED, Chat.Status.MESSAGE):
        raise Conflict(_("This chat is already closed."), code="chat_already_closed")
    citizen = chat.citizen
    new_citizen = None
    if citizen is None:
        cpr_value = chat.cpr
        if str(cpr or "").strip():
            cpr_value = normalize_cpr(cpr)
        if not cpr_value:
            raise ValidationFailed(
                _("Ask the citizen for their CPR number: a ticket needs the citizen."),
                code="cpr_required",
                details={"cpr": [_("Required.")]},
            )
        citizen = citizen_selectors.citizen_by_cpr(cpr=cpr_value)
        if citizen is None:
            new_citizen = {
                "cpr": cpr_value,
                "name_ar": chat.name,
                "phones": [chat.mobile],
                "email": chat.email,
                "language": chat.language,
            }
    with translation.override(chat.language):
        description = _("Transcript of the live chat:") + "\n\n" + transcript_text(chat)
    ticket = ticket_services.ticket_create(
        kind=kind,
        channel="chat",
        subject=subject or (chat.purpose.name_en if chat.purpose else _("Live chat")),
        description=description,
        actor=actor,
        citizen=citizen,
        new_citizen=new_citizen,
        contact_phone=chat.mobile,
        language=chat.language,
        now=now,
    )
    ticket_services.ticket_attach(
        ticket=ticket, upload=transcript.transcript_upload(chat), actor=actor, now=now
    )
    chat.ticket = ticket
    chat.citizen = ticket.citizen
    chat.save(update_fields=["ticket", "citizen"])
    ChatEvent.objects.create(
        chat=chat, kind=ChatEvent.Kind.TICKET, actor=actor, at=now, note=ticket.review_number
    )
    with translation.override(chat.language):
        _system_message(
            chat,
            _("Your request has been registered. Its review number is %(number)s.")
            % {"number": isolate_ltr(ticket.review_number)},
            now,
        )
    _announce_state(chat)
    return chat


@transaction.atomic
def chat_rate(*, chat_id: int, key: str, rating, comment: str = "", now: datetime | None = None) -> Chat:
    """The citizen rates the chat 1–5 once it has ended."""
    now = now or timezone.now()
    try:
        score = int(str(rating).strip())
    except (TypeError, ValueError):
        score = 0
    if not 1 <= score <= 5:
        raise ValidationFailed(
            _("Choose a rating from 1 to 5."), code="invalid_rating", details={"rating": [_("From 1 to 5.")]}
        )
    chat = _lock(chat_id)
    if chat.key != key:
        raise PermissionDenied()
    if chat.answered_at is None or chat.status == Chat.Status.WAITING:
        raise Conflict(_("A chat can be rated once an agent has answered it."), code="chat_not_rateable")
    if chat.rating is not None:
        raise Conflict(_("This chat has already been rated."), code="chat_already_rated")
    chat.rating = score
    chat.rating_comment = str(comment or "").strip()[:2000]
    chat.rated_at = now
    chat.save(update_fields=["rating", "rating_comment", "rated_at"])
    ChatEvent.objects.create(chat=chat, kind=ChatEvent.Kind.RATED, at=now, note=str(score))
    _announce_state(chat)
    return chat


@transaction.atomic
def chat_send_transcript(
    *, chat_id: int, key: str, email: str = "", sms: bool = False, now: datetime | None = None
) -> Chat:
    """The transcript by e-mail, or an SMS with a link to it, through the outbox."""
    from django.conf import settings
    from django.core.validators import validate_email

    from apps.notifications.services import notification_queue

    now = now or timezone.now()
    chat = _lock(chat_id)
    if chat.key != key:
        raise PermissionDenied()
    email = str(email or "").strip()
    if not email and not sms:
        raise ValidationFailed(
            _("Give an e-mail address or ask for an SMS."), details={"email": [_("Required.")]}
        )
    if email:
        try:
            validate_email(email)
        except Exception:
            raise ValidationFailed(
                _("This is not a valid e-mail address."),
                details={"email": [_("Enter a valid e-mail address.")]},
            ) from None
    link = settings.HOUSING_PUBLIC_BASE_URL.rstrip("/") + reverse("chat:transcript", args=[tokens.make(chat)])
    context = {
        "name": chat.name,
        "chat_date": timezone.localtime(chat.requested_at).strftime("%Y-%m-%d"),
        "transcript": transcript_text(chat),
        "transcript_url": link,
    }
    if email:
        notification_queue(
            event="chat.transcript",
            context=context,
            to_email=email,
            language=chat.language,
            channels=["email"],
            now=now,
        )
    if sms:
        notification_queue(
            event="chat.transcript",
            context=context,
            to_phone=chat.mobile,
            language=chat.language,
            channels=["sms"],
            now=now,
        )
    ChatEvent.objects.create(
        chat=chat, kind=ChatEvent.Kind.TRANSCRIPT, at=now, note="email" if email else "sms"
    )
    return chat


# ----------------------------------------------------------------- the agents' side


def _presence(user, now: datetime) -> AgentPresence:
    presence, _created = AgentPresence.objects.select_for_update().get_or_create(
        user=user, defaults={"changed_at": now}
    )
    return presence


def can_answer(user) -> bool:
    return bool(user and user.is_authenticated and user.has_perm("chat.use_chat_workspace"))


def can_supervise(user) -> bool:
    return bool(user and user.is_authenticated and user.has_perm("chat.supervise_chat"))


@transaction.atomic
def agent_set_availability(
    *, actor, available: bool, max_chats: int | None = None, now: datetime | None = None
) -> AgentPresence:
    now = now or timezone.now()
    if not can_answer(actor):
        raise PermissionDenied()
    presence = _presence(actor, now)
    presence.is_available = bool(available)
    if max_chats is not None:
        if not 1 <= int(max_chats) <= 10:
            raise ValidationFailed(details={"max_chats": [_("From 1 to 10.")]})
        presence.max_chats = int(max_chats)
    presence.changed_at = now
    presence.save()
    realtime.publish(realtime.SUPERVISORS, {"type": "chat.changed"})
    if presence.is_available:
        transaction.on_commit(lambda: chat_dispatch())
    return presence


def _offer(chat: Chat, agent, now: datetime, *, kind=ChatEvent.Kind.OFFERED, actor=None, note="") -> None:
    previous = chat.agent_id
    chat.agent = agent
    chat.status = Chat.Status.ACTIVE
    chat.offered_at = chat.offered_at or now
    chat.save(update_fields=["agent", "status", "offered_at"])
    ChatEvent.objects.create(chat=chat, kind=kind, actor=actor, to_agent=agent, note=note, at=now)
    if previous and previous != agent.pk:
        realtime.publish(realtime.agent_group(previous), {"type": "chat.revoke", "chat": chat.pk})
    realtime.publish(realtime.agent_group(agent.pk), {"type": "chat.offer", "chat": chat.pk, "note": note})
    _announce_state(chat)


def chat_dispatch(*, now: datetime | None = None) -> list[tuple[int, int]]:
    """Offer waiting chats, oldest first, to available agents with room under their limit.

    1. One advisory lock makes dispatches run one at a time (each is a few queries).
    2. Among agents with room, the least loaded first, then the one offered a chat
       longest ago, so work spreads evenly.
    3. The waiting citizens are told the new queue order after commit.
    Returns the (chat, agent) pairs offered.
    """
    now = now or timezone.now()
    offered = []
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_DISPATCH_LOCK])
        room = selectors.agents_with_room()
        waiting = list(
            Chat.objects.filter(status=Chat.Status.WAITING).order_by("requested_at", "id")[
                : max(1, sum(r for _, r, _ in room))
            ]
        )
        users = {u.pk: u for u in get_user_model().objects.filter(pk__in=[a for a, _, _ in room])}
        slots = [
            [load, last or datetime.min.replace(tzinfo=now.tzinfo), agent_id, free]
            for agent_id, free, (load, last) in room
        ]
        for chat in waiting:
            slots = [s for s in slots if s[3] > 0]
            if not slots:
                break
            slots.sort(key=lambda s: (s[0], s[1], s[2]))
            slot = slots[0]
            _offer(chat, users[slot[2]], now)
            AgentPresence.objects.filter(user_id=slot[2]).update(last_offered_at=now)
            slot[0] += 1
            slot[1] = now
            slot[3] -= 1
            offered.append((chat.pk, slot[2]))
        queue = selectors.queue_snapshot(now=now)
        realtime.publish(realtime.QUEUE, {"type": "chat.queue", **queue})
    return offered


def _chat_for_staff(chat_id: int, actor) -> Chat:
    chat = _lock(chat_id)
    if chat.agent_id != actor.pk and not can_supervise(actor):
        raise NotFound(_("This chat does not exist."), code="chat_not_found")
    return chat


@transaction.atomic
def chat_transfer(
    *, chat_id: int, actor, to_user_id: int, note: str = "", now: datetime | None = None
) -> Chat:
    """Hand an open chat to another agent or a supervisor, with a note they see."""
    now = now or timezone.now()
    chat = _chat_for_staff(chat_id, actor)
    _refuse_closed(chat)
    target = get_user_model().objects.filter(pk=to_user_id, is_active=True).first()
    if target is None or not can_answer(target):
        raise ValidationFailed(details={"to": [_("Choose an agent or a supervisor.")]})
    if target.pk == chat.agent_id:
        raise ValidationFailed(details={"to": [_("This chat is already theirs.")]})
    _offer(
        chat, target, now, kind=ChatEvent.Kind.TRANSFERRED, actor=actor, note=str(note or "").strip()[:1000]
    )
    return chat


@transaction.atomic
def chat_take_over(*, chat_id: int, actor, now: datetime | None = None) -> Chat:
    """A supervisor takes a chat over from its agent (or from the queue)."""
    now = now or timezone.now()
    if not can_supervise(actor):
        raise PermissionDenied()
    chat = _lock(chat_id)
    _refuse_closed(chat)
    if chat.agent_id == actor.pk:
        return chat
    _offer(chat, actor, now, kind=ChatEvent.Kind.TAKEN_OVER, actor=actor)
    return chat


def attachment_store(
    *, chat_id: int, key: str, upload, client_id: str = "", now: datetime | None = None
) -> ChatMessage:
    """A file the citizen sends, checked by the ticket attachment rules and kept outside
    the web root; the message carries its name."""
    from apps.tickets import attachments

    now = now or timezone.now()
    existing = ChatMessage.objects.filter(chat_id=chat_id).exclude(attachment_path="").count()
    checked = attachments.check_upload(upload, existing=existing)
    name = "chat/" + attachments.random_name(checked.extension, now=now)
    saved = attachments.storage().save(name, upload)
    try:
        return chat_citizen_post(
            chat_id=chat_id,
            key=key,
            body="",
            client_id=client_id,
            attachment={
                "name": checked.original_name,
                "path": saved,
                "type": checked.content_type,
                "size": checked.size,
            },
            now=now,
        )
    except Exception:
        attachments.storage().delete(saved)
        raise
