"""Every write to tickets: intake, replies, notes, assignment, the one transition service,
merge, rating, attachments and categories."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.accounts.models import Department, User
from apps.citizens import selectors as citizen_selectors
from apps.citizens import services as citizen_services
from apps.citizens.models import Citizen
from apps.citizens.validation import is_mobile, normalize_phone
from apps.core import confidentiality, inserts
from apps.core.errors import ApplicationError, Conflict, PermissionDenied, ValidationFailed
from apps.core.text import clean_line, clean_text
from apps.notifications import services as notification_services
from apps.sla import clock_services
from apps.sla.clocks import Target
from apps.tickets import attachments as attachment_rules
from apps.tickets import review_numbers, selectors
from apps.tickets.models import Category, Tag, Ticket, TicketAttachment, TicketEvent
from apps.tickets.notify import assignment_notify, queue_ticket_notice, ticket_notify
from apps.tickets.workflow import (
    HELD_BY_A_SERVICE,
    MOVES_NEEDING_A_SERVICE,
    NO_REPLY_STATUSES,
    RATEABLE_STATUSES,
    REOPEN_WINDOW,
    STAMPS,
    Status,
    is_allowed,
    is_reopen,
)

logger = logging.getLogger(__name__)


class TicketTransitionError(ApplicationError):
    code = "illegal_transition"
    status = 409


class TicketChanged(Conflict):
    """Someone else changed the ticket after the page the actor wrote on was shown (a reply,
    a status change, an assignment…). ``details["newer_event_ids"]`` lists what is new."""

    code = "ticket_changed"


URGENCY_PRIORITY = {
    Ticket.Urgency.EMERGENCY: Ticket.Priority.URGENT,
    Ticket.Urgency.URGENT: Ticket.Priority.HIGH,
    Ticket.Urgency.ROUTINE: Ticket.Priority.NORMAL,
}

# Citizen-facing messages for these moves (others change nothing the citizen needs to hear).
_STATUS_NOTICES = {
    Status.AWAITING_CITIZEN: "awaiting_citizen",
    Status.RESPONDED: "responded",
    Status.CLOSED: "closed",
}


def _required(value: str, field: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationFailed(
            _("Some required information is missing."), code="required", details={field: [_("Required.")]}
        )
    return value


def _choice(value: str, choices, field: str) -> str:
    if value not in choices.values:
        raise ValidationFailed(
            _("Some of the information is not valid."),
            code="invalid_choice",
            details={field: [_("Choose one of the offered values.")]},
        )
    return value


def _ensure(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied()


# --- intake --------------------------------------------------------------------------


@transaction.atomic
def ticket_create(
    *,
    kind: str,
    channel: str,
    subject: str,
    description: str,
    actor: User | None,
    citizen: Citizen | None = None,
    new_citizen: dict | None = None,
    anonymous: bool = False,
    category: Category | None = None,
    department: Department | None = None,
    priority: str | None = None,
    urgency: str = "",
    contact_phone: str = "",
    external_reference: str = "",
    language: str = "ar",
    uploads: Iterable = (),
    latitude=None,
    longitude=None,
    address: str = "",
    now: datetime | None = None,
) -> Ticket:
    """Receive a ticket from any channel; give it its review number at once.

    1. Check the fields; only a suggestion may come without a citizen.
    2. Create the citizen first when ``new_citizen`` is given — in this same transaction,
       so a refused ticket leaves no citizen behind.
    3. Draw the review number from this year's sequence, save, record the ``created``
       event and the attachments, and queue the acknowledgement in the outbox (sent after
       commit: a refused or rolled-back ticket messages nobody).

    ``actor`` is the member of staff taking it, or None when the citizen submits it.
    """
    now = now or timezone.now()
    kind = _choice(kind, Ticket.Kind, "kind")
    channel = _choice(channel, Ticket.Channel, "channel")
    # Whatever door they came through (form, API, portal, integration), stored clean.
    subject = _required(clean_line(subject or ""), "subject")[:200]
    description = _required(clean_text(description or ""), "description")
    if actor is not None:
        _ensure(selectors.can_create(actor))
    if anonymous and kind != Ticket.Kind.SUGGESTION:
        raise ValidationFailed(
            _("Only a suggestion may be sent without a name."),
            code="anonymous_not_allowed",
            details={"anonymous": [_("Give your name and CPR number for this kind of request.")]},
        )
    if kind == Ticket.Kind.MAINTENANCE:
        urgency = _choice(urgency or Ticket.Urgency.ROUTINE, Ticket.Urgency, "urgency")
        priority = priority or URGENCY_PRIORITY[Ticket.Urgency(urgency)]
    else:
        urgency = ""
    priority = _choice(priority or Ticket.Priority.NORMAL, Ticket.Priority, "priority")
    if category is not None and not category.is_active:
        raise ValidationFailed(
            _("This category is no longer in use."), code="inactive_category", details={"category": []}
        )
    phone = normalize_phone(contact_phone, field="contact_phone") if str(contact_phone or "").strip() else ""
    if phone and not is_mobile(phone):
        raise ValidationFailed(
            _("Give a mobile number: messages about the request are sent to it by SMS."),
            code="not_a_mobile",
            details={"contact_phone": [_("Enter a mobile number.")]},
        )
    if not anonymous:
        if new_citizen is not None:
            citizen = citizen_services.citizen_create(actor=actor, **new_citizen)
        if citizen is None:
            raise ValidationFailed(
                _("Choose the citizen or add them."),
                code="citizen_required",
                details={"citizen": [_("Required.")]},
            )
        if not phone:
            phone = _first_mobile(citizen)
    else:
        citizen = None
    checked = _check_uploads(uploads, existing=0)
    if department is None and category is not None:
        department = category.default_department or (
            category.parent.default_department if category.parent_id else None
        )
    if citizen is not None:
        # The contact mobile and the acknowledgement both read the phones: one query.
        prefetch_related_objects([citizen], "phones")
    # The number and the id in one statement: the clocks and the event are written with the
    # ticket, in one more (``apps.core.inserts``).
    number, ticket_id = review_numbers.next_review_number(year=timezone.localtime(now).year, id_of=Ticket)
    ticket = Ticket(
        id=ticket_id,
        review_number=str(number),
        kind=kind,
        channel=channel,
        confidential=channel == Ticket.Channel.UYC,
        subject=subject,
        description=description,
        citizen=citizen,
        is_anonymous=anonymous,
        contact_phone=phone,
        language=citizen.language if citizen else language,
        category=category,
        department=department,
        priority=priority,
        urgency=urgency,
        external_reference=(external_reference or "").strip()[:60],
        latitude=latitude,
        longitude=longitude,
        address=clean_line(address or "")[:250],
        received_at=now,
        created_by=actor,
    )
    # The policy is chosen before the insert (from the process's copy of the policies), so
    # the row is written once with it, together with its clocks and its "created" event.
    version = clock_services.policy_version_for_ticket(ticket)
    ticket.sla_policy_version = version
    clocks = clock_services.new_clocks(ticket=ticket, version=version)
    event = TicketEvent(ticket=ticket, kind=TicketEvent.Kind.CREATED, actor=actor, at=now)
    # The citizen's acknowledgement goes into the outbox with them, in the same statement.
    notices = ticket_notify("created", ticket, write=False)
    # ``save()`` would send the ticket's and the event's signals (the webhooks and Tawasul
    # listen to new events); so does this.
    inserts.insert_together([ticket], clocks, [event], notices, signals_for=(Ticket, TicketEvent))
    notification_services.rows_written(notices)  # handed to delivery after commit
    stored = _store(ticket=ticket, checked=checked, actor=actor, event=event)
    event.files = stored
    # What was just written, for an answer that need not read it back (the API's 201).
    ticket.written = Written(clocks=clocks, events=[event], attachments=stored)
    return ticket


@dataclass(frozen=True)
class Written:
    """The rows ``ticket_create`` wrote beside the ticket, as they are in the database."""

    clocks: list
    events: list[TicketEvent]
    attachments: list[TicketAttachment]


def _first_mobile(citizen: Citizen) -> str:
    phones = sorted(citizen.phones.all(), key=lambda p: (not p.is_primary, p.pk))
    for phone in phones:
        if is_mobile(str(phone.number)):
            return str(phone.number)
    return ""


@transaction.atomic
def ticket_submit_from_portal(
    *,
    kind: str,
    subject: str,
    description: str,
    name: str = "",
    cpr: str = "",
    mobile: str = "",
    email: str = "",
    anonymous: bool = False,
    category: Category | None = None,
    urgency: str = "",
    uploads: Iterable = (),
    language: str = "ar",
    now: datetime | None = None,
) -> Ticket:
    """A request sent by a citizen on the public portal (channel ``web``, no staff actor).

    The CPR links it to the citizen on file, or adds the citizen (their phone unconfirmed);
    the mobile they give is the ticket's contact phone and never changes the file. Only a
    suggestion may be anonymous; its mobile is optional (without one it cannot be tracked).
    """
    if anonymous:
        if kind != Ticket.Kind.SUGGESTION:
            raise ValidationFailed(
                _("Only a suggestion may be sent without a name."),
                code="anonymous_not_allowed",
                details={"anonymous": [_("Give your name and CPR number for this kind of request.")]},
            )
        return ticket_create(
            kind=kind,
            channel=Ticket.Channel.WEB,
            subject=subject,
            description=description,
            actor=None,
            anonymous=True,
            category=category,
            contact_phone=mobile,
            language=language,
            uploads=uploads,
            now=now,
        )
    missing = {
        f: [_("This field is required.")]
        for f, v in (("name", name), ("cpr", cpr), ("mobile", mobile))
        if not str(v).strip()
    }
    if missing:
        raise ValidationFailed(_("Some required information is missing."), code="required", details=missing)
    normalize_phone(mobile, field="mobile")
    citizen = citizen_selectors.citizen_by_cpr(cpr=cpr)
    new_citizen = None
    if citizen is None:
        new_citizen = {
            "cpr": cpr,
            "name_ar": name,
            "phones": [mobile],
            "email": email,
            "language": language if language in Citizen.Language.values else "ar",
        }
    try:
        return ticket_create(
            kind=kind,
            channel=Ticket.Channel.WEB,
            subject=subject,
            description=description,
            actor=None,
            citizen=citizen,
            new_citizen=new_citizen,
            category=category,
            urgency=urgency,
            contact_phone=mobile,
            language=language,
            uploads=uploads,
            now=now,
        )
    except ValidationFailed as error:
        # The citizen's fields are called differently on the portal form.
        renamed = {
            {"phones": "mobile", "contact_phone": "mobile", "name_ar": "name"}.get(k, k): v
            for k, v in error.details.items()
        }
        error.details = renamed
        raise


# --- the one transition service ------------------------------------------------------


def _lock(ticket: Ticket) -> Ticket:
    return Ticket.objects.select_for_update().get(pk=ticket.pk)


def _move(
    *, ticket: Ticket, to_status: str, actor: User | None, reason: str, now: datetime, notify: bool = True
) -> Ticket:
    """Lock, check the allowed moves, stamp, save and record; the caller holds the transaction.

    ``notify=False`` when the caller sends the citizen its own message about the move.
    """
    locked = _lock(ticket)
    from_status = Status(locked.status)
    to_status = Status(to_status)
    if not is_allowed(from_status, to_status):
        raise TicketTransitionError(
            _("A ticket cannot go from “%(from)s” to “%(to)s”.")
            % {"from": from_status.label, "to": to_status.label},
            details={"from": from_status.value, "to": to_status.value},
        )
    changed = ["status", "updated_at"]
    if is_reopen(from_status, to_status):
        since = locked.closed_at if from_status == Status.CLOSED else locked.responded_at
        if since is None or now - since > REOPEN_WINDOW:
            raise TicketTransitionError(
                ngettext(
                    "A ticket can be reopened only within %(days)d day of its answer.",
                    "A ticket can be reopened only within %(days)d days of its answer.",
                    REOPEN_WINDOW.days,
                )
                % {"days": REOPEN_WINDOW.days},
                code="reopen_window_passed",
                details={"from": from_status.value, "to": to_status.value},
            )
        if not reason.strip():
            raise ValidationFailed(
                _("Say why the ticket is reopened."),
                code="reason_required",
                details={"reason": [_("Required.")]},
            )
        locked.reopened_at, locked.responded_at, locked.closed_at = now, None, None
        changed += ["reopened_at", "responded_at", "closed_at"]
    stamp = STAMPS.get(to_status)
    if stamp and getattr(locked, stamp) is None:
        setattr(locked, stamp, now)
        changed.append(stamp)
    locked.status = to_status
    locked.save(update_fields=sorted(set(changed)))
    _clocks_follow(locked, from_status, to_status, now)
    TicketEvent.objects.create(
        ticket=locked,
        kind=TicketEvent.Kind.STATUS_CHANGE,
        actor=actor,
        at=now,
        from_status=from_status,
        to_status=to_status,
        reason=reason.strip(),
    )
    if notify and is_reopen(from_status, to_status):
        queue_ticket_notice("reopened", locked)
    elif notify and to_status in _STATUS_NOTICES:
        queue_ticket_notice(_STATUS_NOTICES[to_status], locked)
    return locked


def _clocks_follow(ticket: Ticket, from_status: Status, to_status: Status, now: datetime) -> None:
    """The SLA clocks follow the workflow: this is the one place that says how.

    Waiting for the citizen pauses them, leaving that status resumes them; acknowledging
    meets the acknowledgement target; an answer (responded, closed) meets every target; a
    reopen starts a new resolution clock; a merge stops the duplicate's clocks.
    """
    if from_status == Status.AWAITING_CITIZEN:
        clock_services.clocks_resume(ticket=ticket, now=now)
    if to_status == Status.AWAITING_CITIZEN:
        clock_services.clocks_pause(ticket=ticket, now=now)
    if is_reopen(from_status, to_status):
        clock_services.clocks_reopen(ticket=ticket, at=now)
    elif to_status == Status.ACKNOWLEDGED:
        clock_services.clocks_meet(ticket=ticket, targets=[Target.ACKNOWLEDGEMENT], at=now)
    elif to_status in (Status.RESPONDED, Status.CLOSED):
        clock_services.clocks_meet(ticket=ticket, targets=list(Target), at=now)
    elif to_status == Status.MERGED:
        clock_services.clocks_stop(ticket=ticket, at=now)


@transaction.atomic
def ticket_transition(
    *, ticket: Ticket, to_status: str, actor: User, reason: str = "", now: datetime | None = None
) -> Ticket:
    """Move a ticket along the workflow (see ``workflow.ALLOWED_MOVES``); refuse any other move."""
    _ensure(selectors.can_work(actor, ticket))
    if to_status not in Status.values:
        raise ValidationFailed(_("Unknown status."), code="unknown_status", details={"to_status": []})
    if to_status == Status.MERGED:
        raise TicketTransitionError(
            _("Use “merge” to fold a duplicate into its original."),
            code="use_merge",
            details={"to": to_status},
        )
    # Judged on the locked row: an escalation opened a moment ago holds the ticket.
    locked = _lock(ticket)
    if to_status in MOVES_NEEDING_A_SERVICE or locked.status in HELD_BY_A_SERVICE:
        raise TicketTransitionError(
            _(
                "Escalations to senior management are opened, with a reason, and answered from "
                "“Under Your Command”; the ticket cannot be moved into or out of it here."
            ),
            code="use_escalation",
            details={"from": locked.status, "to": to_status},
        )
    return _move(
        ticket=locked, to_status=to_status, actor=actor, reason=reason or "", now=now or timezone.now()
    )


@transaction.atomic
def ticket_move_for_escalation(
    *, ticket: Ticket, to_status: str, actor: User | None, now: datetime | None = None
) -> Ticket:
    """The "Under Your Command" module's moves of a ticket: into ESCALATED when a case opens,
    out of it (to RESPONDED) when the decision reaches the citizen.

    The escalations service has checked its own permissions (senior management need not be
    able to work tickets). The ticket's timeline records only the move and when — no reason:
    what the case is about stays in the case. The citizen hears from the case, not from here.
    """
    locked = _lock(ticket)
    if Status(to_status) not in HELD_BY_A_SERVICE and locked.status not in HELD_BY_A_SERVICE:
        raise TicketTransitionError(
            _("Only moves into or out of an escalation are made here."),
            code="not_an_escalation_move",
            details={"from": locked.status, "to": to_status},
        )
    return _move(
        ticket=locked, to_status=to_status, actor=actor, reason="", now=now or timezone.now(), notify=False
    )


# --- timeline entries ----------------------------------------------------------------


def ensure_unchanged(*, locked: Ticket, actor: User, seen_event_id: int | None) -> None:
    """Refuse (``TicketChanged``) when someone other than the actor added to the ticket's
    timeline after the event ``seen_event_id``, the newest one on the actor's page. ``None``:
    no check (callers that do not say what they saw). The caller holds the ticket's row lock,
    so nothing can slip in between this check and its write."""
    if seen_event_id is None:
        return
    newer = list(
        TicketEvent.objects.filter(ticket_id=locked.pk, pk__gt=seen_event_id)
        .exclude(actor_id=actor.pk)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if newer:
        raise TicketChanged(
            _("Someone changed this ticket while you were writing. Read what is new, then send again."),
            details={"newer_event_ids": newer, "latest_event_id": newer[-1]},
        )


@transaction.atomic
def ticket_reply(
    *,
    ticket: Ticket,
    body: str,
    actor: User,
    uploads: Iterable = (),
    now: datetime | None = None,
    seen_event_id: int | None = None,
) -> TicketEvent:
    """A reply the citizen will read on the tracking page (and be told about by SMS).

    ``seen_event_id``: the newest timeline event the actor had in front of them; a reply
    written over a newer change by someone else is refused (``TicketChanged``)."""
    _ensure(selectors.can_work(actor, ticket))
    body = _required(body, "body")
    now = now or timezone.now()
    locked = _lock(ticket)
    ensure_unchanged(locked=locked, actor=actor, seen_event_id=seen_event_id)
    checked = _check_uploads(uploads, existing=locked.attachments.count())
    if locked.status in NO_REPLY_STATUSES:
        raise Conflict(
            _("This ticket is %(status)s: reopen it before replying.")
            % {"status": Status(locked.status).label},
            code="ticket_not_open_for_reply",
        )
    event = TicketEvent.objects.create(
        ticket=locked, kind=TicketEvent.Kind.PUBLIC_REPLY, actor=actor, at=now, body=body
    )
    if locked.first_response_at is None:
        locked.first_response_at = now
        locked.save(update_fields=["first_response_at", "updated_at"])
        # The first public reply answers the citizen: it acknowledges and first-responds.
        clock_services.clocks_meet(
            ticket=locked, targets=[Target.ACKNOWLEDGEMENT, Target.FIRST_RESPONSE], at=now
        )
    _store(ticket=locked, checked=checked, actor=actor, event=event)
    queue_ticket_notice("replied", locked)
    return event


@transaction.atomic
def ticket_citizen_reply(
    *,
    ticket: Ticket,
    body: str,
    via: str = "",
    uploads: Iterable = (),
    reason: str = "",
    now: datetime | None = None,
) -> TicketEvent:
    """What the citizen sends about their own ticket with no staff actor (SMS, e-mail, Tawasul…).

    The caller has matched the citizen to the ticket. The reply joins the timeline (``via``
    says how it came) with its files, within the attachment rules. A ticket awaiting the
    citizen goes back to "in progress" through the one transition, so its clocks resume; on
    any other open or resolved ticket the reply is simply added. A closed or merged ticket is
    refused: the caller files the message another way (a new ticket or contact).
    """
    body = _required(clean_text(body or ""), "body")
    now = now or timezone.now()
    locked = _lock(ticket)
    if locked.status in NO_REPLY_STATUSES:
        raise Conflict(
            _("This ticket is %(status)s: it takes no more replies.")
            % {"status": Status(locked.status).label},
            code="ticket_not_open_for_reply",
        )
    checked = _check_uploads(uploads, existing=locked.attachments.count()) if uploads else []
    event = TicketEvent.objects.create(
        ticket=locked, kind=TicketEvent.Kind.CITIZEN_REPLY, actor=None, at=now, body=body, reason=via[:40]
    )
    if checked:
        _store(ticket=locked, checked=checked, actor=None, event=event)
    if locked.status == Status.AWAITING_CITIZEN:
        _move(
            ticket=locked,
            to_status=Status.IN_PROGRESS,
            actor=None,
            reason=reason or via[:40] or _("The citizen replied."),
            now=now,
            notify=False,
        )
    return event


@transaction.atomic
def ticket_note(
    *, ticket: Ticket, body: str, actor: User, uploads: Iterable = (), now: datetime | None = None
) -> TicketEvent:
    """An internal note: staff only, never shown or sent to a citizen."""
    _ensure(selectors.can_work(actor, ticket))
    body = _required(body, "body")
    locked = _lock(ticket)
    checked = _check_uploads(uploads, existing=locked.attachments.count())
    event = TicketEvent.objects.create(
        ticket=locked, kind=TicketEvent.Kind.INTERNAL_NOTE, actor=actor, at=now or timezone.now(), body=body
    )
    _store(ticket=locked, checked=checked, actor=actor, event=event)
    return event


@transaction.atomic
def ticket_assign(
    *,
    ticket: Ticket,
    actor: User,
    assignee: User | None,
    department: Department | None = None,
    keep_department: bool = True,
    reason: str = "",
    now: datetime | None = None,
) -> Ticket:
    """Give the ticket to a person and/or a department; an officer stays within their own."""
    _ensure(selectors.can_assign(actor, ticket))
    locked = _lock(ticket)
    if locked.status == Status.MERGED:
        raise Conflict(_("A merged ticket cannot be assigned."), code="ticket_merged")
    new_department = (
        department if department is not None else (locked.department if keep_department else None)
    )
    if assignee is not None:
        if not selectors.assignable_users(actor).filter(pk=assignee.pk).exists():
            raise ValidationFailed(
                _("This person cannot be given tickets."), code="invalid_assignee", details={"assignee": []}
            )
        if new_department is None and assignee.department_id:
            new_department = assignee.department
    if (
        new_department is not None
        and not selectors.assignable_departments(actor).filter(pk=new_department.pk).exists()
    ):
        raise PermissionDenied(_("You cannot send tickets to this department."))
    if locked.assignee_id == getattr(assignee, "pk", None) and locked.department_id == getattr(
        new_department, "pk", None
    ):
        return locked
    TicketEvent.objects.create(
        ticket=locked,
        kind=TicketEvent.Kind.ASSIGNMENT_CHANGE,
        actor=actor,
        at=now or timezone.now(),
        from_assignee=locked.assignee,
        to_assignee=assignee,
        from_department=locked.department,
        to_department=new_department,
        reason=(reason or "").strip(),
    )
    newly_assigned = assignee is not None and locked.assignee_id != assignee.pk
    locked.assignee, locked.department = assignee, new_department
    locked.save(update_fields=["assignee", "department", "updated_at"])
    if newly_assigned:
        assignment_notify(ticket=locked, assignee=assignee, actor=actor)
    return locked


@transaction.atomic
def ticket_reclassify(
    *,
    ticket: Ticket,
    actor: User,
    kind: str | None = None,
    channel: str | None = None,
    priority: str | None = None,
    urgency: str | None = None,
    reason: str = "",
    now: datetime | None = None,
) -> Ticket:
    """Correct a ticket's kind, channel or priority (maintenance: its urgency); the SLA
    deadlines follow (the policy in force when the ticket was created, for the new keys).

    The change is recorded on the timeline as an internal note with the reason. A
    confidential ticket ("Under Your Command") stays confidential whatever its channel
    becomes; only someone who may read it may move it out of "Under Your Command" — with a
    reason, recorded — and moving a ticket into that channel makes it confidential. Senior
    management may do that even without the right to work tickets.
    """
    _ensure(
        selectors.can_work(actor, ticket)
        or (ticket.confidential and confidentiality.can_read(actor) and selectors.can_view(actor, ticket))
    )
    now = now or timezone.now()
    locked = _lock(ticket)
    if not locked.is_open:
        raise Conflict(_("Only an open ticket can be reclassified."), code="ticket_not_open")
    new_kind = _choice(kind, Ticket.Kind, "kind") if kind else locked.kind
    new_channel = _choice(channel, Ticket.Channel, "channel") if channel else locked.channel
    if new_kind == Ticket.Kind.MAINTENANCE:
        new_urgency = _choice(urgency or locked.urgency or Ticket.Urgency.ROUTINE, Ticket.Urgency, "urgency")
        default_priority = URGENCY_PRIORITY[Ticket.Urgency(new_urgency)]
        new_priority = _choice(priority, Ticket.Priority, "priority") if priority else default_priority
    else:
        new_urgency = ""
        new_priority = _choice(priority, Ticket.Priority, "priority") if priority else locked.priority
    if locked.is_anonymous and new_kind != Ticket.Kind.SUGGESTION:
        raise ValidationFailed(
            _("Only a suggestion may be sent without a name."),
            code="anonymous_not_allowed",
            details={"kind": [_("An anonymous ticket stays a suggestion.")]},
        )
    before = (locked.kind, locked.channel, locked.priority, locked.urgency)
    after = (new_kind, new_channel, new_priority, new_urgency)
    if before == after:
        return locked
    reason = (reason or "").strip()
    confidential = locked.confidential or new_channel == Ticket.Channel.UYC
    moved_out = locked.confidential and new_channel != locked.channel and new_channel != Ticket.Channel.UYC
    if moved_out:
        if not confidentiality.can_read(actor):
            raise PermissionDenied(
                _(
                    "This ticket came through “Under Your Command”: only senior management may "
                    "change its channel."
                ),
                code="confidential_channel",
            )
        if not reason:
            raise ValidationFailed(
                _("Say why this ticket leaves “Under Your Command”: its text becomes visible to all staff."),
                code="reason_required",
                details={"reason": [_("Required.")]},
            )
        confidential = False
    locked.kind, locked.channel, locked.priority, locked.urgency = after
    locked.confidential = confidential
    locked.save(update_fields=["kind", "channel", "confidential", "priority", "urgency", "updated_at"])
    clock_services.clocks_reclassify(ticket=locked, now=now)
    labels = [
        str(Ticket.Kind(new_kind).label),
        str(Ticket.Channel(new_channel).label),
        str(Ticket.Priority(new_priority).label),
    ]
    body = _("Reclassified: %(what)s.") % {"what": " · ".join(labels)}
    if moved_out:
        body = _("Moved out of “Under Your Command” (no longer confidential); reclassified: %(what)s.") % {
            "what": " · ".join(labels)
        }
        logger.info("tickets: %s moved out of Under Your Command by user %s", locked.review_number, actor.pk)
    TicketEvent.objects.create(
        ticket=locked, kind=TicketEvent.Kind.INTERNAL_NOTE, actor=actor, at=now, body=body, reason=reason
    )
    return locked


@transaction.atomic
def ticket_extend_deadline(
    *,
    ticket: Ticket,
    actor: User,
    new_due,
    reason: str,
    target: str = "resolution",
    now: datetime | None = None,
):
    """More time to answer, with a reason the citizen is told (``apps.sla.clock_services.clock_extend``)."""
    _ensure(selectors.can_work(actor, ticket))
    locked = _lock(ticket)
    if not locked.is_open:
        raise Conflict(_("Only an open ticket's deadline can be extended."), code="ticket_not_open")
    return clock_services.clock_extend(
        ticket=locked, new_due=new_due, reason=reason or "", actor=actor, target=target, now=now
    )


@transaction.atomic
def ticket_merge(
    *, duplicate: Ticket, original: Ticket, actor: User, reason: str = "", now: datetime | None = None
) -> Ticket:
    """Fold a duplicate into its original: the duplicate keeps its review number, points
    to the original and moves to MERGED; both timelines record it."""
    _ensure(selectors.can_merge(actor, duplicate) and selectors.can_view(actor, original))
    if duplicate.pk == original.pk:
        raise ValidationFailed(_("A ticket cannot be merged into itself."), code="merge_into_itself")
    now = now or timezone.now()
    # Lock both rows in id order, so two merges of the same pair cannot deadlock.
    first, second = sorted([duplicate.pk, original.pk])
    locked = {
        t.pk: t for t in Ticket.objects.select_for_update().filter(pk__in=[first, second]).order_by("pk")
    }
    target = locked[original.pk]
    if target.status == Status.MERGED:
        raise Conflict(
            _("%(number)s is itself a duplicate: merge into the ticket it points to.")
            % {"number": target.review_number},
            code="merge_into_duplicate",
        )
    text = (reason or "").strip() or _("Duplicate of %(number)s.") % {"number": target.review_number}
    moved = _move(ticket=locked[duplicate.pk], to_status=Status.MERGED, actor=actor, reason=text, now=now)
    moved.duplicate_of = target
    moved.save(update_fields=["duplicate_of", "updated_at"])
    TicketEvent.objects.create(
        ticket=target, kind=TicketEvent.Kind.MERGE, actor=actor, at=now, related_ticket=moved, reason=text
    )
    queue_ticket_notice("merged", moved)
    return moved


# --- the citizen's side --------------------------------------------------------------


@transaction.atomic
def ticket_rate(*, ticket: Ticket, rating: int, comment: str = "", now: datetime | None = None) -> Ticket:
    """The citizen rates the answer, once. A 1 or 2 lets them ask to reopen."""
    try:
        rating = int(rating)
    except (TypeError, ValueError):
        rating = 0
    if not 1 <= rating <= 5:
        raise ValidationFailed(
            _("Choose a rating from 1 to 5."), code="invalid_rating", details={"rating": [_("From 1 to 5.")]}
        )
    now = now or timezone.now()
    locked = _lock(ticket)
    if locked.status not in RATEABLE_STATUSES:
        raise Conflict(_("This request can be rated once it has been answered."), code="not_rateable")
    if locked.rating is not None:
        raise Conflict(_("This request has already been rated."), code="already_rated")
    locked.rating, locked.rating_comment, locked.rated_at = rating, (comment or "").strip()[:2000], now
    locked.save(update_fields=["rating", "rating_comment", "rated_at", "updated_at"])
    TicketEvent.objects.create(
        ticket=locked, kind=TicketEvent.Kind.RATING, at=now, body=locked.rating_comment, reason=str(rating)
    )
    return locked


@transaction.atomic
def ticket_reopen_by_citizen(*, ticket: Ticket, reason: str = "", now: datetime | None = None) -> Ticket:
    """After a rating of 1 or 2, the citizen asks for the ticket to be worked on again."""
    now = now or timezone.now()
    locked = _lock(ticket)
    if not selectors.citizen_may_reopen(locked, now=now):
        raise Conflict(_("This request cannot be reopened."), code="reopen_not_allowed")
    text = (reason or "").strip() or _(
        "The citizen rated the answer %(rating)d of 5 and asked to reopen."
    ) % {"rating": locked.rating}
    return _move(ticket=locked, to_status=Status.IN_PROGRESS, actor=None, reason=text, now=now)


# --- attachments ---------------------------------------------------------------------


def _check_uploads(uploads: Iterable, *, existing: int) -> list:
    """Check every file before anything is written, so a refused file saves nothing."""
    checked = []
    for index, upload in enumerate(uploads):
        checked.append((upload, attachment_rules.check_upload(upload, existing=existing + index)))
    return checked


def _store(
    *, ticket: Ticket, checked: list, actor: User | None, event: TicketEvent | None
) -> list[TicketAttachment]:
    """Write checked files under random names, then their rows (last, after every other
    write, so a refusal never leaves a file behind; see ``tickets_sweep_files`` for the
    rare database failure after the write)."""
    stored = []
    for upload, facts in checked:
        attachment = TicketAttachment(
            ticket=ticket,
            event=event,
            original_name=facts.original_name,
            content_type=facts.content_type,
            size=facts.size,
            source=TicketAttachment.Source.CITIZEN if actor is None else TicketAttachment.Source.STAFF,
            uploaded_by=actor,
        )
        upload.seek(0)
        attachment.file.save(attachment_rules.random_name(facts.extension), upload, save=False)
        attachment.save()
        stored.append(attachment)
    return stored


@transaction.atomic
def ticket_attach(*, ticket: Ticket, upload, actor: User, now: datetime | None = None) -> TicketAttachment:
    """Staff add a file to a ticket (listed on the timeline; staff-only to download)."""
    _ensure(selectors.can_work(actor, ticket))
    locked = _lock(ticket)
    checked = _check_uploads([upload], existing=locked.attachments.count())
    event = TicketEvent.objects.create(
        ticket=locked,
        kind=TicketEvent.Kind.ATTACHMENT,
        actor=actor,
        at=now or timezone.now(),
        body=checked[0][1].original_name,
    )
    return _store(ticket=locked, checked=checked, actor=actor, event=event)[0]


# --- categories ----------------------------------------------------------------------


@transaction.atomic
def category_upsert(
    *,
    code: str,
    name_ar: str,
    name_en: str,
    parent: Category | None = None,
    default_department: Department | None = None,
    position: int = 100,
    actor: User | None = None,
) -> Category:
    category = Category.objects.filter(code=code).first() or Category(code=code)
    category.name_ar, category.name_en, category.parent = name_ar, name_en, parent
    category.default_department, category.position = default_department, position
    category.full_clean()
    category.save()
    return category


# --- tags ----------------------------------------------------------------------------


@transaction.atomic
def tag_save(
    *,
    actor: User,
    name_ar: str,
    name_en: str,
    colour: str = Tag.Colour.GREY,
    is_active: bool = True,
    tag: Tag | None = None,
) -> Tag:
    """Create a tag (``tag=None``) or change one. Names are unique in each language,
    whatever the letter case; a clash is refused naming the tag that has the name."""
    _ensure(actor.has_perm("tickets.change_tag" if tag else "tickets.add_tag"))
    name_ar, name_en = _required(clean_line(name_ar), "name_ar"), _required(clean_line(name_en), "name_en")
    colour = _choice(colour, Tag.Colour, "colour")
    others = Tag.objects.exclude(pk=getattr(tag, "pk", None))
    for field, value in (("name_ar", name_ar), ("name_en", name_en)):
        clash = others.filter(**{f"{field}__iexact": value}).first()
        if clash is not None:
            raise ValidationFailed(
                _("There is already a tag named “%(name)s”.") % {"name": value},
                code="tag_name_taken",
                details={field: [_("Choose another name.")]},
            )
    tag = tag or Tag()
    tag.name_ar, tag.name_en, tag.colour, tag.is_active = name_ar, name_en, colour, is_active
    tag.save()
    return tag


def tag_names(tags) -> list[dict]:
    """Tags as a change records them: names in both languages and the colour, as they were."""
    return [{"id": t.pk, "ar": t.name_ar, "en": t.name_en, "colour": t.colour} for t in tags]


def tags_apply(*, locked, add: Iterable[Tag] = (), remove: Iterable[Tag] = ()) -> dict | None:
    """Add and remove tags on a locked row with a ``tags`` relation (a ticket, a contact), in
    the caller's transaction: ``{"added": [...], "removed": [...]}`` (``tag_names``), None when
    nothing changed. Only active tags may be added; removing a retired tag is allowed."""
    add, remove = list(add), list(remove)
    retired = [t for t in add if not t.is_active]
    if retired:
        raise ValidationFailed(
            _("The tag “%(name)s” is no longer in use.") % {"name": retired[0].display_name()},
            code="tag_inactive",
            details={"tags": []},
        )
    current = set(locked.tags.values_list("pk", flat=True))
    added = [t for t in add if t.pk not in current]
    removed = [t for t in remove if t.pk in current and t not in added]
    if not added and not removed:
        return None
    if added:
        locked.tags.add(*added)
    if removed:
        locked.tags.remove(*removed)
    locked.save(update_fields=["updated_at"])
    return {"added": tag_names(added), "removed": tag_names(removed)}


@transaction.atomic
def ticket_tags_change(
    *,
    ticket: Ticket,
    actor: User,
    add: Iterable[Tag] = (),
    remove: Iterable[Tag] = (),
    now: datetime | None = None,
) -> TicketEvent | None:
    """Add and remove tags on a ticket (``tags_apply``); the timeline records what changed
    (None: nothing did)."""
    _ensure(selectors.can_work(actor, ticket))
    locked = _lock(ticket)
    changed = tags_apply(locked=locked, add=add, remove=remove)
    if changed is None:
        return None
    return TicketEvent.objects.create(
        ticket=locked, kind=TicketEvent.Kind.TAGS, actor=actor, at=now or timezone.now(), details=changed
    )


def attachment_sweep_orphans(*, min_age_seconds: int = 3600) -> tuple[int, int]:
    """Delete stored files that no attachment row points to (left by a transaction that
    failed after writing its file); files younger than ``min_age_seconds`` are left alone,
    so an upload in flight is never touched. Returns (removed, kept)."""
    import time
    from pathlib import Path

    root = Path(attachment_rules.storage().location)
    if not root.exists():
        return 0, 0
    cutoff = time.time() - min_age_seconds
    on_disk = {
        str(p.relative_to(root)): p for p in root.rglob("*") if p.is_file() and p.stat().st_mtime < cutoff
    }
    known = set(TicketAttachment.objects.filter(file__in=list(on_disk)).values_list("file", flat=True))
    removed = 0
    for name, path in on_disk.items():
        if name not in known:
            path.unlink(missing_ok=True)
            removed += 1
    return removed, len(known)
