"""Video calls: a citizen asks on the portal, an agent schedules it (the meeting link goes
by SMS through the outbox), and the call, once held, is logged as a contact (channel
video call) with its start and end. The media are the meeting service's, not ours."""

from __future__ import annotations

import secrets
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.chat import conf
from apps.chat.models import VideoCall
from apps.chat.services import _identify, can_answer
from apps.contacts import selectors as contact_selectors
from apps.contacts import services as contact_services
from apps.contacts.models import Channel, Outcome
from apps.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed


@transaction.atomic
def video_request(
    *,
    name: str,
    mobile: str,
    purpose_code: str,
    cpr: str = "",
    preferred_time: str = "",
    language: str = "ar",
    now: datetime | None = None,
) -> VideoCall:
    now = now or timezone.now()
    name, e164, cpr_value, citizen, purpose = _identify(
        name=name, mobile=mobile, cpr=cpr, purpose_code=purpose_code
    )
    return VideoCall.objects.create(
        name=name,
        mobile=e164,
        cpr=cpr_value,
        citizen=citizen,
        purpose=purpose,
        preferred_time=str(preferred_time or "").strip()[:200],
        language=language if language in ("ar", "en") else "ar",
        requested_at=now,
    )


def _lock(call_id: int, actor) -> VideoCall:
    if not can_answer(actor):
        raise PermissionDenied()
    call = VideoCall.objects.select_for_update().filter(pk=call_id).first()
    if call is None:
        raise NotFound()
    return call


@transaction.atomic
def video_schedule(
    *, call_id: int, actor, scheduled_for: datetime | None, now: datetime | None = None
) -> VideoCall:
    """Give the call a time and a meeting room; the citizen gets the link by SMS."""
    from apps.notifications.services import notification_queue

    now = now or timezone.now()
    call = _lock(call_id, actor)
    if call.status not in (VideoCall.Status.REQUESTED, VideoCall.Status.SCHEDULED):
        raise Conflict(_("This video call can no longer be scheduled."), code="video_not_schedulable")
    if scheduled_for is None or scheduled_for <= now:
        raise ValidationFailed(details={"scheduled_for": [_("Choose a time in the future.")]})
    call.room = call.room or secrets.token_urlsafe(12)
    call.meeting_url = conf.meeting_url(call.room)
    call.scheduled_for = scheduled_for
    call.agent = actor
    call.status = VideoCall.Status.SCHEDULED
    call.save()
    notification_queue(
        event="chat.video_scheduled",
        context={
            "when": timezone.localtime(scheduled_for).strftime("%Y-%m-%d %H:%M"),
            "meeting_url": call.meeting_url,
        },
        to_phone=call.mobile,
        language=call.language,
        channels=["sms"],
        actor=actor,
        now=now,
    )
    return call


@transaction.atomic
def video_start(*, call_id: int, actor, now: datetime | None = None) -> VideoCall:
    now = now or timezone.now()
    call = _lock(call_id, actor)
    if call.status != VideoCall.Status.SCHEDULED or call.started_at:
        raise Conflict(_("Only a scheduled call can start."), code="video_not_scheduled")
    call.started_at = now
    call.agent = actor
    call.save(update_fields=["started_at", "agent"])
    return call


@transaction.atomic
def video_end(
    *,
    call_id: int,
    actor,
    purpose_code: str = "",
    outcome: str = Outcome.RESOLVED,
    notes: str = "",
    now: datetime | None = None,
) -> VideoCall:
    """The call is over: logged as a contact (channel video call), offered when it was
    asked for, answered when it started, ended now."""
    now = now or timezone.now()
    call = _lock(call_id, actor)
    if call.started_at is None or call.ended_at:
        raise Conflict(_("The call has not started."), code="video_not_started")
    purpose = contact_selectors.purpose_by_code(code=purpose_code) if purpose_code else call.purpose
    if outcome not in Outcome.values or outcome in (
        Outcome.ABANDONED,
        Outcome.TICKET_OPENED,
        Outcome.REFERRED,
        Outcome.CALLBACK_SCHEDULED,
    ):
        raise ValidationFailed(details={"outcome": [_("Choose the outcome.")]})
    call.ended_at = now
    call.status = VideoCall.Status.HELD
    call.contact = contact_services.contact_log(
        actor=actor,
        channel=Channel.VIDEO,
        purpose=purpose,
        outcome=outcome,
        citizen=call.citizen,
        caller_number=call.mobile,
        notes=notes,
        call_id=f"video-{call.pk}",
        offered_at=min(call.requested_at, call.started_at),
        answered_at=call.started_at,
        ended_at=now,
        now=now,
    )
    call.save(update_fields=["ended_at", "status", "contact"])
    return call


@transaction.atomic
def video_cancel(*, call_id: int, actor) -> VideoCall:
    call = _lock(call_id, actor)
    if call.status == VideoCall.Status.HELD:
        raise Conflict(_("A call that was held cannot be cancelled."), code="video_held")
    call.status = VideoCall.Status.CANCELLED
    call.save(update_fields=["status"])
    return call
