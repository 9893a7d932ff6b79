"""Pages and JSON endpoints of the live chat. Messages themselves go over the websockets
(``consumers.py``); everything here is a form or an action around them.

The citizen's endpoints take the chat's signed token, not a cookie: the panel also runs
inside the ministry's web site (a frame whose cookies the browser may block), and the
token is the only authority a citizen has, so they are exempt from CSRF and limited
per address instead.
"""

from __future__ import annotations

import json
from datetime import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.cache import cache
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from apps.chat import conf, selectors, services, tokens, video
from apps.chat.models import ChatMessage, VideoCall
from apps.citizens import selectors as citizen_selectors
from apps.citizens import timeline
from apps.contacts import selectors as contact_selectors
from apps.contacts.models import Outcome
from apps.core.clients import client_ip
from apps.core.errors import ApplicationError, NotFound, PermissionDenied, RateLimited


def _error(error: ApplicationError) -> JsonResponse:
    details = {k: [str(r) for r in v] for k, v in (error.details or {}).items()}
    return JsonResponse(
        {"code": error.code, "message": str(error.message), "details": details}, status=error.status
    )


def _data(request) -> dict:
    if request.content_type == "application/json":
        try:
            body = json.loads(request.body or b"{}")
        except ValueError:
            return {}
        return body if isinstance(body, dict) else {}
    return request.POST.dict()


def _language(request, data: dict | None = None) -> str:
    """The panel sends its page's language (the embedded frame's may differ from the cookie)."""
    asked = (data or {}).get("language")
    if asked in ("ar", "en"):
        return asked
    return translation.get_language() if translation.get_language() in ("ar", "en") else "ar"


def _allow_websocket(request, response, *, frame_ancestors: list[str] | None = None) -> None:
    """Let the page's Content-Security-Policy reach the chat's websocket (and, for the
    panel, be framed by the allowed sites).

    Under django-csp the policy is amended through its response attributes; without it
    (no site-wide policy) the panel's framing is still limited by a header of its own.
    """
    port = conf.ws_port()
    if port:  # development: Daphne on another port of the same host
        host = request.get_host().rsplit(":", 1)[0]
        response._csp_update = {"connect-src": [f"{'wss' if request.is_secure() else 'ws'}://{host}:{port}"]}
    if frame_ancestors is not None:
        response._csp_replace = {"frame-ancestors": frame_ancestors}
        if not any("csp" in name.lower() for name in settings.MIDDLEWARE):
            response["Content-Security-Policy"] = "frame-ancestors " + " ".join(frame_ancestors)


def _limit_starts(request) -> None:
    key = f"chat:start:{client_ip(request)}"
    cache.add(key, 0, timeout=3600)
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=3600)
        count = 1
    if count > conf.starts_per_hour():
        raise RateLimited()


# ----------------------------------------------------------------- the citizen's panel


@never_cache
@xframe_options_exempt
@require_GET
def panel(request):
    """The chat panel: on the portal, or (``?embed=1``) framed by the ministry's web site."""
    embedded = request.GET.get("embed") == "1"
    if request.GET.get("lang") in ("ar", "en"):  # the snippet says the host page's language
        translation.activate(request.GET["lang"])
        request.LANGUAGE_CODE = request.GET["lang"]
    response = render(
        request,
        "chat/embed.html" if embedded else "chat/panel.html",
        {
            "purposes": contact_selectors.active_purposes(),
            "open_now": selectors.is_open(),
            "ws_port": conf.ws_port(),
            "embedded": embedded,
            "title": _("Live chat"),
        },
    )
    # Only the ministry's own sites may frame the panel; the portal page only this site.
    ancestors = conf.embed_origins() if embedded and conf.embed_origins() else ["'self'"]
    _allow_websocket(request, response, frame_ancestors=ancestors)
    return response


@csrf_exempt
@require_POST
def start(request):
    data = _data(request)
    translation.activate(_language(request, data))
    try:
        _limit_starts(request)
        chat = services.chat_start(
            name=data.get("name", ""),
            mobile=data.get("mobile", ""),
            cpr=data.get("cpr", ""),
            email=data.get("email", ""),
            purpose_code=data.get("purpose", ""),
            language=_language(request, data),
        )
    except ApplicationError as error:
        return _error(error)
    return JsonResponse({"chat": chat.pk, "token": tokens.make(chat)}, status=201)


@csrf_exempt
@require_POST
def leave_message(request):
    data = _data(request)
    translation.activate(_language(request, data))
    try:
        _limit_starts(request)
        chat = services.chat_leave_message(
            name=data.get("name", ""),
            mobile=data.get("mobile", ""),
            cpr=data.get("cpr", ""),
            email=data.get("email", ""),
            purpose_code=data.get("purpose", ""),
            body=data.get("body", ""),
            language=_language(request, data),
        )
    except ApplicationError as error:
        return _error(error)
    return JsonResponse(
        {"ok": True, "review_number": chat.ticket.review_number if chat.ticket_id else ""}, status=201
    )


def _token_chat(token: str) -> tuple[int, str]:
    parsed = tokens.read(token)
    if parsed is None:
        raise PermissionDenied(code="bad_token")
    return parsed


@csrf_exempt
@require_POST
def attach(request):
    try:
        chat_id, key = _token_chat(request.POST.get("token", ""))
        upload = request.FILES.get("file")
        if upload is None:
            from apps.core.errors import ValidationFailed

            raise ValidationFailed(details={"attachment": [_("Choose a file.")]})
        message = services.attachment_store(
            chat_id=chat_id, key=key, upload=upload, client_id=request.POST.get("client_id", "")
        )
    except ApplicationError as error:
        return _error(error)
    return JsonResponse({"id": message.pk}, status=201)


@never_cache
@require_GET
def transcript(request, token: str):
    parsed = tokens.read(token)
    chat = selectors.chat_for_citizen(chat_id=parsed[0], key=parsed[1]) if parsed else None
    if chat is None:
        raise Http404
    return render(
        request,
        "chat/transcript.html",
        {
            "chat": chat,
            "chat_messages": selectors.messages_after(chat_id=chat.pk),
            "title": _("Chat transcript"),
        },
    )


@never_cache
@require_GET
def attachment(request, message_id: int):
    """A file sent in a chat: to the staff who may read the chat, or the citizen's token."""
    message = ChatMessage.objects.filter(pk=message_id).exclude(attachment_path="").first()
    if message is None:
        raise Http404
    allowed = False
    if request.user.is_authenticated:
        allowed = selectors.chat_for_staff(viewer=request.user, chat_id=message.chat_id) is not None
    parsed = tokens.read(request.GET.get("t", ""))
    if parsed and parsed[0] == message.chat_id:
        allowed = selectors.chat_for_citizen(chat_id=parsed[0], key=parsed[1]) is not None
    if not allowed:
        raise Http404
    from apps.tickets import attachments

    response = FileResponse(
        attachments.storage().open(message.attachment_path, "rb"),
        content_type=message.attachment_type,
        as_attachment=True,
        filename=message.attachment_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@csrf_exempt
@require_POST
def video_request(request):
    data = _data(request)
    translation.activate(_language(request, data))
    try:
        _limit_starts(request)
        call = video.video_request(
            name=data.get("name", ""),
            mobile=data.get("mobile", ""),
            cpr=data.get("cpr", ""),
            purpose_code=data.get("purpose", ""),
            preferred_time=data.get("preferred_time", ""),
            language=_language(request, data),
        )
    except ApplicationError as error:
        return _error(error)
    return JsonResponse({"ok": True, "id": call.pk}, status=201)


# ----------------------------------------------------------------- the agent's workspace

workspace_required = permission_required("chat.use_chat_workspace", raise_exception=True)
supervisor_required = permission_required("chat.supervise_chat", raise_exception=True)


@login_required
@workspace_required
def workspace(request):
    presence = selectors.presence_of(request.user)
    response = render(
        request,
        "chat/workspace.html",
        {
            "title": _("Live chat"),
            "presence": presence,
            "default_limit": conf.agent_max_chats(),
            "purposes": contact_selectors.active_purposes(),
            "outcomes": [(v, label) for v, label in Outcome.choices if v != Outcome.ABANDONED],
            "targets": selectors.transfer_targets(request.user),
            "ws_port": conf.ws_port(),
            "watch": request.GET.get("watch", ""),
            "is_supervisor": services.can_supervise(request.user),
        },
    )
    _allow_websocket(request, response)
    return response


@login_required
@workspace_required
@require_POST
def availability(request):
    data = _data(request)
    translation.activate(_language(request, data))
    try:
        max_chats = int(data["max_chats"]) if str(data.get("max_chats") or "").strip() else None
    except ValueError:
        max_chats = 0
    try:
        presence = services.agent_set_availability(
            actor=request.user,
            available=str(data.get("available", "")).lower() in ("1", "true", "on"),
            max_chats=max_chats,
        )
    except ApplicationError as error:
        return _error(error)
    return JsonResponse({"available": presence.is_available, "max_chats": presence.limit()})


@login_required
@workspace_required
def side(request, chat_id: int):
    """Beside a chat: the citizen's card and 360° timeline, the quick answers of its
    purpose, and the chat's transfers with their notes."""
    chat = selectors.chat_for_staff(viewer=request.user, chat_id=chat_id)
    if chat is None:
        raise Http404
    context = {"chat": chat, "quick_answers": contact_selectors.quick_answers_for(purpose_id=chat.purpose_id)}
    context["events"] = chat.events.select_related("actor", "to_agent").filter(note__gt="")
    if chat.citizen_id:
        try:
            citizen = citizen_selectors.citizen_file(
                citizen_id=chat.citizen_id, viewer=request.user, purpose="chat"
            )
            context["citizen"] = citizen
            context["timeline"] = timeline.citizen_timeline(citizen=citizen, viewer=request.user)
        except ApplicationError:
            pass
    return render(request, "chat/_side.html", context)


def _staff_action(request, chat_id: int, action):
    data = _data(request)
    translation.activate(_language(request, data))
    try:
        chat = action(data)
    except ApplicationError as error:
        return _error(error)
    chat = selectors.chat_for_staff(viewer=request.user, chat_id=chat.pk) or chat
    return JsonResponse({"chat": selectors.staff_chat_payload(chat)})


@login_required
@workspace_required
@require_POST
def close(request, chat_id: int):
    return _staff_action(
        request,
        chat_id,
        lambda d: services.chat_close(
            chat_id=chat_id,
            actor=request.user,
            purpose_code=d.get("purpose", ""),
            outcome=d.get("outcome", ""),
            notes=d.get("notes", ""),
        ),
    )


@login_required
@workspace_required
@require_POST
def end(request, chat_id: int):
    return _staff_action(
        request, chat_id, lambda d: services.chat_end_by_agent(chat_id=chat_id, actor=request.user)
    )


@login_required
@workspace_required
@require_POST
def transfer(request, chat_id: int):
    def act(d):
        try:
            to = int(d.get("to") or 0)
        except ValueError:
            to = 0
        return services.chat_transfer(
            chat_id=chat_id, actor=request.user, to_user_id=to, note=d.get("note", "")
        )

    return _staff_action(request, chat_id, act)


@login_required
@workspace_required
@require_POST
def open_ticket(request, chat_id: int):
    return _staff_action(
        request,
        chat_id,
        lambda d: services.chat_open_ticket(
            chat_id=chat_id,
            actor=request.user,
            kind=d.get("kind", "inquiry"),
            subject=d.get("subject", ""),
            cpr=d.get("cpr", ""),
        ),
    )


@login_required
@supervisor_required
@require_POST
def take_over(request, chat_id: int):
    if request.content_type != "application/json":  # the live view's button: go and answer it
        try:
            services.chat_take_over(chat_id=chat_id, actor=request.user)
        except ApplicationError as error:
            messages.error(request, str(error.message))
            return redirect("chat:supervisor")
        return redirect("chat:workspace")
    return _staff_action(
        request, chat_id, lambda d: services.chat_take_over(chat_id=chat_id, actor=request.user)
    )


# ----------------------------------------------------------------- the supervisor's view


@login_required
@supervisor_required
def supervisor(request):
    return render(
        request, "chat/supervisor.html", {"title": _("Live chat now"), "view": selectors.live_view()}
    )


@login_required
@supervisor_required
def supervisor_live(request):
    return render(request, "chat/_live.html", {"view": selectors.live_view()})


# ----------------------------------------------------------------- video calls


@login_required
@workspace_required
def video_list(request):
    calls = VideoCall.objects.select_related("purpose", "agent").exclude(status=VideoCall.Status.CANCELLED)[
        :100
    ]
    return render(
        request,
        "chat/video_list.html",
        {
            "title": _("Video calls"),
            "calls": calls,
            "outcomes": [
                (v, label)
                for v, label in Outcome.choices
                if v in ("resolved_first_contact", "appointment_booked")
            ],
        },
    )


def _when(value: str) -> datetime | None:
    parsed = parse_datetime(str(value or "").strip())
    if parsed is not None and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


@login_required
@workspace_required
@require_POST
def video_action(request, call_id: int, action: str):
    data = request.POST
    try:
        if action == "schedule":
            video.video_schedule(
                call_id=call_id, actor=request.user, scheduled_for=_when(data.get("scheduled_for"))
            )
        elif action == "start":
            video.video_start(call_id=call_id, actor=request.user)
        elif action == "end":
            video.video_end(
                call_id=call_id,
                actor=request.user,
                outcome=data.get("outcome", Outcome.RESOLVED),
                notes=data.get("notes", ""),
            )
        elif action == "cancel":
            video.video_cancel(call_id=call_id, actor=request.user)
        else:
            raise NotFound()
    except ApplicationError as error:
        messages.error(
            request, f"{error.message} {' '.join(str(r) for v in error.details.values() for r in v)}"
        )
    return redirect("chat:video_list")


@never_cache
@require_GET
def health(request):
    """The chat server's own check: a message goes round the channel layer (Redis)."""
    from asgiref.sync import async_to_sync
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    try:
        name = async_to_sync(layer.new_channel)("health.")
        async_to_sync(layer.send)(name, {"type": "health.ping"})
        received = async_to_sync(layer.receive)(name)
    except Exception as exc:  # Redis down or misconfigured: say so, never a 500 page
        return JsonResponse({"status": "down", "channel_layer": exc.__class__.__name__}, status=503)
    ok = received.get("type") == "health.ping"
    return JsonResponse({"status": "ok" if ok else "down"}, status=200 if ok else 503)
