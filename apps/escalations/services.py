"""Every write to "Under Your Command" cases: opening (citizen, staff, missed deadline),
the one transition service, owner, notes, summary, extensions, requests for information,
the decision, informing the citizen, delegations, and the log of reads."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.accounts.models import Department, User
from apps.citizens import code_sign_in
from apps.citizens import selectors as citizen_selectors
from apps.citizens.validation import normalize_cpr
from apps.core import otp
from apps.core.errors import ApplicationError, Conflict, NotFound, PermissionDenied, ValidationFailed
from apps.core.templatetags.dates import format_moment
from apps.escalations import clock, letters, selectors
from apps.escalations.models import (
    Delegation,
    Escalation,
    EscalationAccess,
    EscalationEvent,
    InformationRequest,
    Priority,
    Source,
)
from apps.escalations.workflow import DECIDABLE, MOVES_NEEDING_A_SERVICE, OPEN_STATUSES, Status, is_allowed
from apps.sla import selectors as sla_selectors
from apps.tickets import selectors as ticket_selectors
from apps.tickets import services as ticket_services
from apps.tickets.models import Ticket
from apps.tickets.workflow import Status as TicketStatus

logger = logging.getLogger(__name__)

OTP_PURPOSE = "uyc"
# What a citizen may send through the form (maintenance has its own path).
CITIZEN_KINDS = (Ticket.Kind.COMPLAINT, Ticket.Kind.INQUIRY, Ticket.Kind.SUGGESTION)


class EscalationTransitionError(ApplicationError):
    code = "illegal_transition"
    status = 409


def _required(value: str, field: str, message) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationFailed(message, code=f"{field}_required", details={field: [_("Required.")]})
    return value


def _ensure_work(actor, escalation: Escalation, now: datetime) -> None:
    if not selectors.can_work(actor, escalation, now=now):
        raise PermissionDenied()


def _lock(escalation: Escalation) -> Escalation:
    return Escalation.objects.select_for_update().get(pk=escalation.pk)


def _locked_for_work(actor, escalation: Escalation, now: datetime) -> Escalation:
    """Lock the case, then judge the actor on the locked row (its owner decides a deputy's say)."""
    locked = _lock(escalation)
    _ensure_work(actor, locked, now)
    return locked


def _event(escalation: Escalation, kind: str, *, actor, at: datetime, **fields) -> EscalationEvent:
    return EscalationEvent.objects.create(
        escalation=escalation, kind=kind, actor=actor if getattr(actor, "pk", None) else None, at=at, **fields
    )


def _move(
    *,
    escalation: Escalation,
    to_status: str,
    actor,
    now: datetime,
    reason: str = "",
    kind: str = EscalationEvent.Kind.STATUS_CHANGE,
    also_save: Iterable[str] = (),
    data: dict | None = None,
) -> Escalation:
    """Check the move against ``workflow.ALLOWED_MOVES``, stamp, save and record it.

    ``escalation`` is already locked by the caller, inside the caller's transaction; the
    one event records from, to, who, when and why (its kind names the action).
    """
    from_status, to = Status(escalation.status), Status(to_status)
    if not is_allowed(from_status, to):
        raise EscalationTransitionError(
            _("A case cannot go from “%(from)s” to “%(to)s”.") % {"from": from_status.label, "to": to.label},
            details={"from": from_status.value, "to": to.value},
        )
    changed = {"status", "updated_at", *also_save}
    if to == Status.CLOSED:
        escalation.closed_at = now
        changed.add("closed_at")
    escalation.status = to
    escalation.save(update_fields=sorted(changed))
    _event(
        escalation,
        kind,
        actor=actor,
        at=now,
        from_status=from_status,
        to_status=to,
        body=(reason or "").strip(),
        data=data or {},
    )
    return escalation


# --- opening a case ------------------------------------------------------------------


def _open(
    *,
    ticket: Ticket,
    source: str,
    actor,
    now: datetime,
    reason: str = "",
    summary: str = "",
    priority: str = "",
) -> Escalation:
    """Open the case and move the ticket to "escalated", both or neither.

    1. One open case per ticket (the partial unique index decides a race).
    2. The clock: the SLA policy in force now for the ticket's kind on the "uyc" channel.
    3. The ticket's workflow decides whether it may be escalated from where it stands.
    """
    if selectors.open_case_for_ticket(ticket=ticket) is not None:
        raise Conflict(
            _("This ticket is already with senior management."),
            code="already_escalated",
            details={"ticket": [ticket.review_number]},
        )
    if priority and priority not in Priority.values:
        raise ValidationFailed(
            _("Some of the information is not valid."),
            code="invalid_priority",
            details={"priority": [_("Choose one of the offered values.")]},
        )
    version = clock.policy_version_for(kind=ticket.kind, priority=ticket.priority, at=now)
    try:
        with transaction.atomic():
            escalation = Escalation.objects.create(
                ticket=ticket,
                citizen_id=ticket.citizen_id,
                source=source,
                reason=reason,
                summary=summary,
                priority=priority
                or (ticket.priority if ticket.priority in Priority.values else Priority.NORMAL),
                status=Status.RECEIVED,
                received_at=now,
                due_at=clock.due_at(version=version, received_at=now),
                policy_version=version,
                created_by=actor if getattr(actor, "pk", None) else None,
            )
    except IntegrityError:
        raise Conflict(
            _("This ticket is already with senior management."), code="already_escalated"
        ) from None
    _event(
        escalation, EscalationEvent.Kind.CREATED, actor=actor, at=now, to_status=Status.RECEIVED, body=reason
    )
    escalation.ticket = ticket_services.ticket_move_for_escalation(
        ticket=ticket,
        to_status=TicketStatus.ESCALATED,
        actor=actor if getattr(actor, "pk", None) else None,
        now=now,
    )
    return escalation


@transaction.atomic
def escalation_create(
    *,
    ticket: Ticket,
    reason: str,
    actor: User,
    summary: str = "",
    priority: str = "",
    now: datetime | None = None,
) -> Escalation:
    """An agent or supervisor sends a ticket to senior management, saying why."""
    now = now or timezone.now()
    if not selectors.can_escalate(actor) or not ticket_selectors.can_view(actor, ticket):
        raise PermissionDenied()
    reason = _required(reason, "reason", _("Say why this ticket needs senior management."))
    return _open(
        ticket=ticket,
        source=Source.STAFF,
        actor=actor,
        now=now,
        reason=reason,
        summary=(summary or "").strip(),
        priority=priority,
    )


@transaction.atomic
def escalation_open_from_breach(*, ticket: Ticket, now: datetime | None = None) -> Escalation | None:
    """A ticket missed its deadline at the second level: open a case (once).

    Idempotent: a ticket already with senior management keeps its case. A ticket the
    workflow cannot escalate from where it stands (answered, closed, with the committee) is
    left alone and logged — the breach stays on the ticket's own clock.
    """
    now = now or timezone.now()
    existing = selectors.open_case_for_ticket(ticket=ticket)
    if existing is not None:
        return existing
    with translation.override(settings.LANGUAGE_CODE):
        reason = _("The ticket's deadline was missed at the second level; opened automatically.")
    try:
        with transaction.atomic():
            return _open(ticket=ticket, source=Source.SLA_BREACH, actor=None, now=now, reason=reason)
    except (ticket_services.TicketTransitionError, Conflict) as error:
        logger.info("uyc: ticket %s not escalated after its breach: %s", ticket.review_number, error.code)
        return selectors.open_case_for_ticket(ticket=ticket)


@transaction.atomic
def escalation_receive(*, ticket: Ticket, now: datetime | None = None) -> Escalation:
    """A citizen's "Under Your Command" message (a ticket on the "uyc" channel) becomes a
    case. The portal form calls it once the one-time code proved the mobile; the demo data
    and any future intake of such messages (Tawasul, a letter) call it the same way."""
    if ticket.channel != Ticket.Channel.UYC:
        raise ValidationFailed(
            _("Only a message sent to “Under Your Command” opens a case by itself."), code="not_a_uyc_message"
        )
    return _open(ticket=ticket, source=Source.CITIZEN, actor=None, now=now or timezone.now())


# --- the citizen's form --------------------------------------------------------------


def _otp_subject(cpr: str, phone: str) -> str:
    return f"{cpr}|{phone}"


def uyc_code_request(*, cpr: str, mobile: str, ip: str, now: datetime | None = None) -> None:
    """Send a one-time code to the mobile, if the CPR's file has that mobile.

    The answer is the same either way: when the CPR is unknown or its file does not hold
    this mobile, a decoy code is issued (counted against the limits, never sent, never
    verifying), so the form reveals nothing about whose number is whose.
    """
    code_sign_in.code_request(
        purpose=OTP_PURPOSE, cpr=cpr, mobile=mobile, ip=ip, send=letters.queue_code, now=now
    )


def _check_message(*, kind: str, subject: str, message: str) -> tuple[str, str, str]:
    errors = {}
    if kind not in CITIZEN_KINDS:
        errors["kind"] = [_("Choose one of the offered values.")]
    subject = (subject or "").strip()
    message = (message or "").strip()
    if not subject:
        errors["subject"] = [_("Required.")]
    if not message:
        errors["message"] = [_("Required.")]
    if errors:
        raise ValidationFailed(_("Some required information is missing."), code="required", details=errors)
    return kind, subject[:200], message


def uyc_check_message(*, kind: str, subject: str, message: str, cpr: str, mobile: str) -> dict:
    """Check the form before a code is sent, so a citizen never waits for an SMS in vain."""
    kind, subject, message = _check_message(kind=kind, subject=subject, message=message)
    return {
        "kind": kind,
        "subject": subject,
        "message": message,
        "cpr": normalize_cpr(cpr),
        "mobile": code_sign_in.mobile_for_code(mobile),
    }


def uyc_submit(
    *,
    cpr: str,
    mobile: str,
    kind: str,
    subject: str,
    message: str,
    code: str,
    ip: str,
    language: str = "ar",
    now: datetime | None = None,
) -> Escalation:
    """The citizen's message to senior management, accepted once the code proves the mobile.

    1. The form is checked first (a refusal there costs no try of the code).
    2. ``otp_verify`` checks the code; only a right code for this CPR and mobile goes on, and
       then — in the transaction that uses the code — the ticket (channel "uyc", its review
       number at once) and its case are created: all three, or none.
    3. A wrong code counts a try even though nothing else is saved.
    Called outside any transaction (see ``otp_verify``).
    """
    now = now or timezone.now()
    kind, subject, message = _check_message(kind=kind, subject=subject, message=message)
    cpr = normalize_cpr(cpr)
    phone = code_sign_in.mobile_for_code(mobile)

    def accept() -> Escalation:
        citizen = citizen_selectors.citizen_by_cpr(cpr=cpr)
        if citizen is None:  # cannot happen for a real code; a decoy never verifies
            raise otp.OtpWrong()
        ticket = ticket_services.ticket_create(
            kind=kind,
            channel=Ticket.Channel.UYC,
            subject=subject,
            description=message,
            actor=None,
            citizen=citizen,
            contact_phone=phone,
            language=language,
            now=now,
        )
        return escalation_receive(ticket=ticket, now=now)

    return otp.otp_verify(
        purpose=OTP_PURPOSE, subject=_otp_subject(cpr, phone), code=code, ip=ip, then=accept, now=now
    )


# --- the one transition service ------------------------------------------------------


@transaction.atomic
def escalation_transition(
    *, escalation: Escalation, to_status: str, actor: User, reason: str = "", now: datetime | None = None
) -> Escalation:
    """Move a case: start the study, take it back to study, close it after informing."""
    now = now or timezone.now()
    locked = _locked_for_work(actor, escalation, now)
    if to_status not in Status.values:
        raise ValidationFailed(_("Unknown status."), code="unknown_status", details={"to_status": []})
    if to_status in MOVES_NEEDING_A_SERVICE:
        raise EscalationTransitionError(
            _("Use the action for this step: it needs more than a status."),
            code="use_the_action",
            details={"to": to_status},
        )
    return _move(escalation=locked, to_status=to_status, actor=actor, now=now, reason=reason)


# --- owner, notes, summary -----------------------------------------------------------


def _assign_locked(locked: Escalation, owner: User | None, actor, now: datetime) -> bool:
    if locked.status == Status.CLOSED:
        raise Conflict(_("A closed case cannot be given to anyone."), code="escalation_closed")
    if locked.owner_id == getattr(owner, "pk", None):
        return False
    _event(
        locked,
        EscalationEvent.Kind.ASSIGNMENT,
        actor=actor,
        at=now,
        data={"from": locked.owner_id, "to": getattr(owner, "pk", None)},
        body=owner.display_name() if owner else "",
    )
    locked.owner = owner
    locked.save(update_fields=["owner", "updated_at"])
    return True


def _check_owner(owner: User | None) -> None:
    if owner is not None and not selectors.owners().filter(pk=owner.pk).exists():
        raise ValidationFailed(
            _("Cases are owned by members of the senior management office."),
            code="invalid_owner",
            details={"owner": [_("Choose a member of the senior management office.")]},
        )


@transaction.atomic
def escalation_assign(
    *, escalation: Escalation, owner: User | None, actor: User, now: datetime | None = None
) -> Escalation:
    now = now or timezone.now()
    locked = _locked_for_work(actor, escalation, now)
    _check_owner(owner)
    _assign_locked(locked, owner, actor, now)
    return locked


@transaction.atomic
def escalation_bulk_assign(
    *, escalation_ids: Iterable[int], owner: User | None, actor: User, now: datetime | None = None
) -> int:
    """Give several cases to one owner: all of them, or none (an unknown, closed or foreign
    case refuses the whole batch). Rows are locked in id order so two batches cannot deadlock."""
    now = now or timezone.now()
    ids = sorted({int(i) for i in escalation_ids})
    if not ids:
        raise ValidationFailed(
            _("Choose at least one case."), code="nothing_chosen", details={"escalations": [_("Required.")]}
        )
    _check_owner(owner)
    rows = list(
        selectors.visible_escalations(actor, now=now).filter(pk__in=ids).select_for_update().order_by("pk")
    )
    if len(rows) != len(ids):
        raise NotFound(_("No such case, or it is not yours to see."), code="escalation_not_found")
    for row in rows:
        _ensure_work(actor, row, now)
    return sum(_assign_locked(row, owner, actor, now) for row in rows)


@transaction.atomic
def escalation_note(
    *, escalation: Escalation, body: str, actor: User, now: datetime | None = None
) -> EscalationEvent:
    """A note on the case: senior management only, never shown or sent to anyone else."""
    now = now or timezone.now()
    locked = _locked_for_work(actor, escalation, now)
    body = _required(body, "body", _("Write the note."))
    return _event(locked, EscalationEvent.Kind.NOTE, actor=actor, at=now, body=body)


@transaction.atomic
def escalation_update_summary(
    *, escalation: Escalation, summary: str, priority: str, actor: User, now: datetime | None = None
) -> Escalation:
    now = now or timezone.now()
    locked = _locked_for_work(actor, escalation, now)
    if priority not in Priority.values:
        raise ValidationFailed(
            _("Some of the information is not valid."),
            code="invalid_priority",
            details={"priority": [_("Choose one of the offered values.")]},
        )
    if locked.status == Status.CLOSED:
        raise Conflict(_("This case is closed."), code="escalation_closed")
    summary = (summary or "").strip()
    if (locked.summary, locked.priority) == (summary, priority):
        return locked
    locked.summary, locked.priority = summary, priority
    locked.save(update_fields=["summary", "priority", "updated_at"])
    _event(
        locked, EscalationEvent.Kind.SUMMARY, actor=actor, at=now, body=summary, data={"priority": priority}
    )
    return locked


# --- the clock -----------------------------------------------------------------------


@transaction.atomic
def escalation_extend(
    *, escalation: Escalation, new_due: datetime, reason: str, actor: User, now: datetime | None = None
) -> Escalation:
    """Move the decision's deadline later, with a reason the citizen is told.

    1. Only while the decision is still owed (the clock stops when the citizen is told).
    2. The SLA engine measures the time added (``ExtensionRefused`` without a reason, or
       for a date not later than the current deadline); it is added to the case's allowance
       and the deadline recomputed from the policy, so the two never disagree.
    3. The citizen's message is queued, and the tracking page shows the new date and reason.
    """
    now = now or timezone.now()
    locked = _locked_for_work(actor, escalation, now)
    if locked.status not in OPEN_STATUSES or locked.informed_at is not None:
        raise Conflict(
            _("The citizen already has the decision: there is no deadline to extend."), code="clock_stopped"
        )
    if timezone.is_naive(new_due):
        new_due = timezone.make_aware(new_due)
    reason = (reason or "").strip()
    added = clock.extension(
        version=locked.policy_version, current_due=locked.due_at, new_due=new_due, reason=reason
    )
    previous = locked.due_at
    locked.extra_allowance += added
    locked.due_at = clock.due_at(
        version=locked.policy_version, received_at=locked.received_at, extra_allowance=locked.extra_allowance
    )
    locked.save(update_fields=["extra_allowance", "due_at", "updated_at"])
    _event(
        locked,
        EscalationEvent.Kind.EXTENSION,
        actor=actor,
        at=now,
        body=reason,
        data={"previous_due": previous.isoformat(), "new_due": locked.due_at.isoformat()},
    )
    letters.queue_extension_notice(locked, reason=reason, actor=actor, now=now)
    return locked


# --- requests for information --------------------------------------------------------


@transaction.atomic
def information_request_create(
    *, escalation: Escalation, department: Department, question: str, actor: User, now: datetime | None = None
) -> InformationRequest:
    """Ask a department a question about the case; its answer is due in working days."""
    now = now or timezone.now()
    locked = _locked_for_work(actor, escalation, now)
    question = _required(question, "question", _("Write the question for the department."))
    if department is None or not department.is_active:
        raise ValidationFailed(
            _("Choose the department to ask."),
            code="department_required",
            details={"department": [_("Required.")]},
        )
    if locked.status == Status.CLOSED:
        raise Conflict(_("This case is closed."), code="escalation_closed")
    due = sla_selectors.get_calendar().add_working_days(
        now, int(settings.HOUSING_UYC_INFO_REQUEST_WORKING_DAYS)
    )
    request = InformationRequest.objects.create(
        escalation=locked,
        department=department,
        question=question,
        requested_by=actor,
        requested_at=now,
        due_at=due,
    )
    _event(
        locked,
        EscalationEvent.Kind.INFO_REQUESTED,
        actor=actor,
        at=now,
        body=question,
        data={"request": request.pk, "department": department.pk, "due": due.isoformat()},
    )
    return request


@transaction.atomic
def information_request_answer(
    *, request: InformationRequest, answer: str, actor: User, now: datetime | None = None
) -> InformationRequest:
    """The department's answer: an officer of the asked department, once."""
    now = now or timezone.now()
    if not selectors.can_answer(actor, request):
        raise PermissionDenied(_("Only the department that was asked can answer."))
    answer = _required(answer, "answer", _("Write the department's answer."))
    locked = InformationRequest.objects.select_for_update().get(pk=request.pk)
    target = InformationRequest.Status.ANSWERED
    if target not in InformationRequest.ALLOWED_MOVES[InformationRequest.Status(locked.status)]:
        raise Conflict(_("This question has already been answered."), code="already_answered")
    locked.status, locked.answer, locked.answered_by, locked.answered_at = target, answer, actor, now
    locked.save(update_fields=["status", "answer", "answered_by", "answered_at", "updated_at"])
    _event(
        locked.escalation,
        EscalationEvent.Kind.INFO_ANSWERED,
        actor=actor,
        at=now,
        body=answer,
        data={"request": locked.pk, "department": locked.department_id},
    )
    return locked


# --- the housing committee ----------------------------------------------------------


@transaction.atomic
def escalation_refer_to_committee(
    *, escalation: Escalation, committee, summary: str, actor: User, now: datetime | None = None
) -> Escalation:
    """Hand the case to the committee (``apps.committee``) for a ruling.

    The referral joins the committee's pending pool with source "escalation" and the
    review number as its reference. It carries the summary written here for the committee
    and a neutral subject — never the citizen's own words or the case's notes. The
    committee's final decision comes back through ``committee_decision_received``.
    """
    from apps.committee import services as committee_services
    from apps.committee.models import SourceKind

    now = now or timezone.now()
    locked = _locked_for_work(actor, escalation, now)
    summary = _required(summary, "summary", _("Write what the committee is asked to decide."))
    if committee is None or not committee.is_active:
        raise ValidationFailed(
            _("Choose the committee."), code="committee_required", details={"committee": [_("Required.")]}
        )
    if not is_allowed(locked.status, Status.REFERRED_TO_COMMITTEE):
        raise EscalationTransitionError(
            _("A case cannot go from “%(from)s” to “%(to)s”.")
            % {"from": Status(locked.status).label, "to": Status.REFERRED_TO_COMMITTEE.label},
            details={"from": locked.status, "to": Status.REFERRED_TO_COMMITTEE},
        )
    ticket = Ticket.objects.select_related("citizen").get(pk=locked.ticket_id)
    if ticket.citizen_id is None:
        raise ValidationFailed(
            _("A case without a named citizen cannot go to the committee."), code="citizen_required"
        )
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Under Your Command case %(number)s") % {"number": ticket.review_number}
    referral = committee_services.referral_create(
        committee=committee,
        citizen=ticket.citizen,
        subject=subject,
        summary=summary,
        actor=actor,
        source_kind=SourceKind.ESCALATION,
        source_reference=ticket.review_number,
        referred_at=now,
    )
    locked.committee_referral_id, locked.committee_reference = referral.pk, referral.reference
    return _move(
        escalation=locked,
        to_status=Status.REFERRED_TO_COMMITTEE,
        actor=actor,
        now=now,
        reason=summary,
        kind=EscalationEvent.Kind.COMMITTEE_REFERRAL,
        also_save=("committee_referral_id", "committee_reference"),
        data={"referral": referral.pk, "reference": referral.reference, "committee": committee.pk},
    )


def committee_decision_received(effect) -> None:
    """The committee's decision listener (``apps.committee.listeners``), inside its sign-off.

    The case's timeline gets the committee's ruling; an approval or a rejection takes the
    case back to study so senior management records its own decision (and the citizen's
    letter); a deferral leaves it with the committee. Referrals of other sources are ignored.
    """
    from apps.committee import texts

    referral = effect.referral
    if referral.source_kind != "escalation":
        return
    case = Escalation.objects.select_for_update().filter(committee_referral_id=referral.pk).first()
    if case is None:
        return
    decision = effect.decision
    now = decision.final_at or timezone.now()
    data = {
        "referral": referral.pk,
        "reference": referral.reference,
        "outcome": decision.outcome,
        "meeting": decision.meeting.label,
        "amendment": effect.is_amendment,
    }
    text = texts.decision_text(decision, settings.LANGUAGE_CODE)
    if decision.outcome != "deferred" and case.status == Status.REFERRED_TO_COMMITTEE:
        _move(
            escalation=case,
            to_status=Status.UNDER_STUDY,
            actor=effect.actor,
            now=now,
            reason=text,
            kind=EscalationEvent.Kind.COMMITTEE_DECISION,
            data=data,
        )
    else:
        _event(
            case, EscalationEvent.Kind.COMMITTEE_DECISION, actor=effect.actor, at=now, body=text, data=data
        )


# --- the decision and the citizen ----------------------------------------------------


@transaction.atomic
def escalation_decide(
    *,
    escalation: Escalation,
    public_text: str,
    actor: User,
    internal_text: str = "",
    now: datetime | None = None,
) -> Escalation:
    """Record senior management's decision: the text the citizen will read, and the one
    that stays inside. A decision without its public text is refused."""
    now = now or timezone.now()
    locked = _locked_for_work(actor, escalation, now)
    public_text = _required(public_text, "public_text", _("Write the decision as the citizen will read it."))
    if locked.status not in DECIDABLE:
        raise EscalationTransitionError(
            _("This case already has its decision."),
            code="already_decided",
            details={"from": locked.status, "to": Status.DECIDED},
        )
    locked.decision_public = public_text
    locked.decision_internal = (internal_text or "").strip()
    locked.decided_at, locked.decided_by = now, actor
    return _move(
        escalation=locked,
        to_status=Status.DECIDED,
        actor=actor,
        now=now,
        kind=EscalationEvent.Kind.DECISION,
        also_save=("decision_public", "decision_internal", "decided_at", "decided_by"),
    )


@transaction.atomic
def escalation_inform(*, escalation: Escalation, actor: User, now: datetime | None = None) -> Escalation:
    """Send the citizen the decision letter and record when (the 30-day clock is met or
    missed at that instant). Refused before a decision, and a second time."""
    now = now or timezone.now()
    locked = _locked_for_work(actor, escalation, now)
    if locked.informed_at is not None:
        raise Conflict(
            _("The citizen was already told this decision, on %(date)s.")
            % {"date": format_moment(locked.informed_at)},
            code="already_informed",
        )
    if locked.decided_at is None or locked.status != Status.DECIDED:
        raise Conflict(_("Record the decision before informing the citizen."), code="not_decided")
    locked.informed_at, locked.informed_by = now, actor
    _move(
        escalation=locked,
        to_status=Status.CITIZEN_INFORMED,
        actor=actor,
        now=now,
        kind=EscalationEvent.Kind.INFORMED,
        also_save=("informed_at", "informed_by"),
    )
    ticket = Ticket.objects.get(pk=locked.ticket_id)
    if ticket.status == TicketStatus.ESCALATED:
        ticket_services.ticket_move_for_escalation(
            ticket=ticket, to_status=TicketStatus.RESPONDED, actor=actor, now=now
        )
    letters.queue_decision_letter(locked, actor=actor, now=now)
    return locked


# --- delegation ----------------------------------------------------------------------


@transaction.atomic
def delegation_create(
    *,
    delegator: User,
    deputy: User,
    starts_at: datetime,
    ends_at: datetime,
    actor: User,
    reason: str = "",
    now: datetime | None = None,
) -> Delegation:
    """A senior manager hands their queue to a named deputy from ``starts_at`` until
    ``ends_at`` (an administrator may record it for them)."""
    now = now or timezone.now()
    if not selectors.can_delegate(actor) or (
        actor.pk != delegator.pk and not actor.has_perm("accounts.administer")
    ):
        raise PermissionDenied()
    if not selectors.owners().filter(pk=delegator.pk).exists():
        raise ValidationFailed(
            _("Only a member of the senior management office delegates a queue."),
            code="not_a_senior_manager",
            details={"delegator": [_("Choose a member of the senior management office.")]},
        )
    errors = {}
    if deputy is None or not deputy.is_active:
        errors["deputy"] = [_("Choose an active member of staff.")]
    elif deputy.pk == delegator.pk:
        errors["deputy"] = [_("Choose someone other than yourself.")]
    if starts_at is None or ends_at is None:
        errors["ends_at"] = [_("Give the start and the end.")]
    elif ends_at <= starts_at:
        errors["ends_at"] = [_("The end must come after the start.")]
    elif ends_at <= now:
        errors["ends_at"] = [_("The end is already past.")]
    if errors:
        raise ValidationFailed(
            _("Some of the information is not valid."), code="invalid_delegation", details=errors
        )
    overlapping = Delegation.objects.filter(
        delegator=delegator,
        deputy=deputy,
        revoked_at__isnull=True,
        starts_at__lt=ends_at,
        ends_at__gt=starts_at,
    )
    if overlapping.exists():
        raise Conflict(
            _("This deputy already holds your queue for part of this period."), code="delegation_overlaps"
        )
    return Delegation.objects.create(
        delegator=delegator,
        deputy=deputy,
        starts_at=starts_at,
        ends_at=ends_at,
        reason=(reason or "").strip()[:300],
        created_by=actor,
        created_at=now,
    )


@transaction.atomic
def delegation_end(*, delegation: Delegation, actor: User, now: datetime | None = None) -> Delegation:
    """End a delegation now (before its planned end)."""
    now = now or timezone.now()
    if actor.pk != delegation.delegator_id and not actor.has_perm("accounts.administer"):
        raise PermissionDenied()
    locked = Delegation.objects.select_for_update().get(pk=delegation.pk)
    if locked.revoked_at is not None or locked.ends_at <= now:
        raise Conflict(_("This delegation has already ended."), code="delegation_ended")
    locked.revoked_at, locked.revoked_by = now, actor
    locked.save(update_fields=["revoked_at", "revoked_by"])
    return locked


# --- the log of reads ----------------------------------------------------------------


def escalation_access_record(
    *, escalation: Escalation, viewer: User, via: str, now: datetime | None = None
) -> EscalationAccess:
    return EscalationAccess.objects.create(
        escalation=escalation, user=viewer, via=via, at=now or timezone.now()
    )
