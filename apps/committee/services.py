"""Every write of the committee: referrals, agendas, attendance, decisions, sign-off,
amendments and appeals. Each service checks who may act, locks what it changes, and
saves all or nothing."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

import filetype
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.db.models import Max, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.committee import letters, listeners
from apps.committee.models import (
    MEETING_MOVES,
    VOTING_ROLES,
    AgendaItem,
    Attendance,
    Committee,
    Decision,
    Meeting,
    MeetingEvent,
    MeetingStatus,
    MemberRole,
    Membership,
    Outcome,
    Referral,
    ReferralDocument,
    ReferralEvent,
    ReferralStatus,
    RejectionReason,
    SourceKind,
)
from apps.core import confidentiality
from apps.core.errors import ApplicationError, Conflict, NotFound, PermissionDenied, ValidationFailed
from apps.core.templatetags.dates import format_day
from apps.core.text import LRI, PDI, latin_digits

MANAGE_PERMISSION = "accounts.manage_committee"
VIEW_PERMISSION = "accounts.view_committee"
APPEAL_WINDOW_DAYS = 30
DOCUMENT_MAX_BYTES = 10 * 1024 * 1024
DOCUMENT_MAX_COUNT = 20
DOCUMENT_TYPES = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


# ---------------------------------------------------------------------------- who may act


# Each role acts only with the permission that goes with it.
_ROLE_PERMISSIONS = {MemberRole.SECRETARY: MANAGE_PERMISSION, MemberRole.CHAIR: VIEW_PERMISSION}


def roles_held(committee: Committee, user) -> set[str]:
    """The roles (secretary, chair) ``user`` may act in on ``committee``: an active
    membership in the role and the role's permission. One query for both."""
    if not (user and user.is_authenticated):
        return set()
    wanted = [role for role, permission in _ROLE_PERMISSIONS.items() if user.has_perm(permission)]
    if not wanted:
        return set()
    return set(
        Membership.objects.filter(
            committee=committee, user=user, role__in=wanted, is_active=True
        ).values_list("role", flat=True)
    )


def is_secretary(committee: Committee, user) -> bool:
    return MemberRole.SECRETARY in roles_held(committee, user)


def is_chair(committee: Committee, user) -> bool:
    return MemberRole.CHAIR in roles_held(committee, user)


def require_secretary(committee: Committee, actor) -> None:
    if not is_secretary(committee, actor):
        raise PermissionDenied(
            _("Only the secretary of this committee can do this."), code="not_committee_secretary"
        )


def _require_chair(committee: Committee, actor) -> None:
    if not is_chair(committee, actor):
        raise PermissionDenied(_("Only the chair of this committee can do this."), code="not_committee_chair")


# ---------------------------------------------------------------------------- configuration


@transaction.atomic
def committee_upsert(
    *,
    code: str,
    name_ar: str,
    name_en: str,
    quorum_minimum: int | None = None,
    quorum_requires_chair: bool = True,
    actor=None,
) -> Committee:
    committee, _created = Committee.objects.update_or_create(
        code=code,
        defaults={
            "name_ar": name_ar,
            "name_en": name_en,
            "quorum_minimum": quorum_minimum,
            "quorum_requires_chair": quorum_requires_chair,
        },
    )
    return committee


@transaction.atomic
def membership_add(*, committee: Committee, user, role: str, actor=None) -> Membership:
    """Give ``user`` a seat (or change their role); a second active chair is refused."""
    if role not in MemberRole.values:
        raise ValidationFailed(_("Unknown committee role."), code="unknown_role")
    Committee.objects.select_for_update().filter(pk=committee.pk).first()
    seat = Membership.objects.filter(committee=committee, user=user, is_active=True).first()
    if role == MemberRole.CHAIR:
        other_chair = Membership.objects.filter(committee=committee, role=MemberRole.CHAIR, is_active=True)
        if seat:
            other_chair = other_chair.exclude(pk=seat.pk)
        if other_chair.exists():
            raise Conflict(_("This committee already has a chair."), code="chair_taken")
    if seat is None:
        return Membership.objects.create(committee=committee, user=user, role=role)
    if seat.role != role:
        seat.role = role
        seat.save(update_fields=["role", "updated_at"])
    return seat


@transaction.atomic
def membership_end(*, membership: Membership, actor=None) -> Membership:
    membership.is_active = False
    membership.save(update_fields=["is_active", "updated_at"])
    return membership


@transaction.atomic
def rejection_reason_upsert(
    *, code: str, text_ar: str, text_en: str, order: int = 100, is_active: bool = True, actor=None
) -> RejectionReason:
    reason, _created = RejectionReason.objects.update_or_create(
        code=code, defaults={"text_ar": text_ar, "text_en": text_en, "order": order, "is_active": is_active}
    )
    return reason


# ---------------------------------------------------------------------------- referrals


def _next_reference(when: datetime) -> str:
    # A PostgreSQL sequence, never MAX()+1: unique under concurrent creation.
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval('committee_referral_reference_seq')")
        (value,) = cursor.fetchone()
    return f"CR-{timezone.localdate(when).year}-{value:06d}"


def normalize_reference(value: str) -> str:
    """``cr ٢٠٢٦ ٠٠٠١٢٣`` → ``CR-2026-000123``; anything else comes back cleaned but unparsed."""
    cleaned = "".join(latin_digits(str(value or "")).upper().split())
    cleaned = cleaned.replace("_", "-").replace(LRI, "").replace(PDI, "")  # as isolate_ltr wraps it
    digits = "".join(ch for ch in cleaned if "0" <= ch <= "9")  # not isdigit(): "²" is one
    if cleaned.startswith("CR") and len(digits) == 10:
        return f"CR-{digits[:4]}-{digits[4:]}"
    return cleaned


def _set_referral_status(referral: Referral, to_status: str, *, actor, reason: str = "", now=None) -> None:
    if referral.status == to_status:
        return
    ReferralEvent.objects.create(
        referral=referral,
        from_status=referral.status,
        to_status=to_status,
        actor=actor if getattr(actor, "pk", None) else None,
        reason=reason[:300],
        at=now or timezone.now(),
    )
    referral.status = to_status
    referral.save(update_fields=["status", "updated_at"])


@transaction.atomic
def referral_create(
    *,
    committee: Committee,
    citizen,
    subject: str,
    summary: str,
    actor,
    housing_application_number: str = "",
    source_kind: str = SourceKind.SECRETARY,
    source_reference: str = "",
    appeal_of: Referral | None = None,
    referred_at: datetime | None = None,
    ticket=None,
) -> Referral:
    """Put a case in the committee's pending pool.

    The secretary enters cases by hand; the tickets and escalations apps refer theirs
    (having checked their own permissions) with ``source_kind`` and the source's public
    reference; an appeal is created by ``appeal_submit``.
    """
    if ticket is not None:
        source_kind, source_reference = SourceKind.TICKET, ticket.review_number
        if ticket.citizen_id is None:
            raise ValidationFailed(
                _("An anonymous ticket cannot go to the committee: a decision needs a citizen."),
                code="ticket_without_citizen",
            )
        citizen = ticket.citizen
        if not getattr(actor, "pk", None):
            raise PermissionDenied(
                _("A ticket is referred by the staff member working it."), code="ticket_referrer_required"
            )
    if source_kind == SourceKind.SECRETARY:
        require_secretary(committee, actor)
    if not committee.is_active:
        raise ValidationFailed(_("This committee no longer takes referrals."), code="committee_inactive")
    errors = {}
    subject = (subject or "").strip()
    summary = (summary or "").strip()
    application = latin_digits(housing_application_number or "").strip()
    if not subject:
        errors["subject"] = [_("Required.")]
    if not summary:
        errors["summary"] = [_("Required.")]
    if len(subject) > 300:
        errors["subject"] = [_("At most 300 characters.")]
    if len(application) > 30:
        errors["housing_application_number"] = [_("At most 30 characters.")]
    if source_kind in (SourceKind.TICKET, SourceKind.ESCALATION) and not (source_reference or "").strip():
        errors["source_reference"] = [_("The source's reference is required.")]
    if source_kind == SourceKind.APPEAL and appeal_of is None:
        errors["appeal_of"] = [_("An appeal must name the referral it appeals.")]
    if errors:
        raise ValidationFailed(
            _("Some of the information is not valid."), code="invalid_referral", details=errors
        )
    when = referred_at or timezone.now()
    referral = Referral.objects.create(
        committee=committee,
        reference=_next_reference(when),
        citizen=citizen,
        subject=subject,
        summary=summary,
        housing_application_number=application,
        source_kind=source_kind,
        source_reference=(source_reference or "").strip(),
        appeal_of=appeal_of,
        ticket=ticket,
        referred_at=when,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    ReferralEvent.objects.create(
        referral=referral,
        to_status=ReferralStatus.PENDING,
        actor=referral.created_by,
        # No reason text: the source is the referral's own field, shown in the reader's
        # language; a label stored here would stay in the language of whoever created it.
        reason="",
        at=when,
    )
    return referral


@transaction.atomic
def referral_intake(
    *,
    committee: Committee,
    cpr: str,
    subject: str,
    summary: str,
    actor,
    housing_application_number: str = "",
    citizen_name_ar: str = "",
    citizen_phone: str = "",
    documents: Iterable = (),
) -> Referral:
    """The secretary's form in one transaction: find the citizen by CPR (or register them
    with a name and mobile), create the referral, keep its documents — all or nothing."""
    from apps.citizens import selectors as citizen_selectors
    from apps.citizens import services as citizen_services

    require_secretary(committee, actor)
    citizen = citizen_selectors.citizen_by_cpr(cpr=cpr)
    if citizen is None:
        if not (citizen_name_ar or "").strip():
            raise ValidationFailed(
                _("No citizen has this CPR yet: give their name in Arabic to register them."),
                code="citizen_name_required",
                details={"citizen_name_ar": [_("Required for a new citizen.")]},
            )
        citizen = citizen_services.citizen_create(
            cpr=cpr,
            name_ar=citizen_name_ar,
            phones=[citizen_phone] if (citizen_phone or "").strip() else [],
            actor=actor,
        )
    uploads = list(documents)
    for uploaded in uploads:  # refuse a bad file before anything is written
        _check_document(uploaded)
    if len(uploads) > DOCUMENT_MAX_COUNT:
        raise ValidationFailed(_("A referral keeps at most 20 documents."), code="too_many_documents")
    referral = referral_create(
        committee=committee,
        citizen=citizen,
        subject=subject,
        summary=summary,
        housing_application_number=housing_application_number,
        actor=actor,
    )
    for uploaded in uploads:
        referral_document_add(referral=referral, uploaded_file=uploaded, actor=actor)
    return referral


@transaction.atomic
def referral_from_ticket(
    *,
    committee: Committee,
    ticket,
    summary: str,
    actor,
    subject: str = "",
    housing_application_number: str = "",
) -> Referral:
    """Refer a ticket's case to the committee: the ticket moves to "referred to the
    committee" through the tickets workflow (so only someone who may work the ticket can
    refer it) and the referral joins the pending pool — both or neither."""
    from apps.tickets import services as ticket_services
    from apps.tickets.workflow import Status as TicketStatus

    waiting = committee.referrals.filter(ticket=ticket).exclude(
        status__in=[ReferralStatus.APPROVED, ReferralStatus.REJECTED]
    )
    if waiting.exists():
        raise Conflict(_("This ticket is already waiting for the committee."), code="ticket_already_referred")
    ticket_services.ticket_transition(
        ticket=ticket,
        to_status=TicketStatus.REFERRED_TO_COMMITTEE,
        actor=actor,
        reason=_("Referred to the %(committee)s") % {"committee": committee.name_in("ar")},
    )
    ticket.refresh_from_db()
    return referral_create(
        committee=committee,
        citizen=ticket.citizen,
        ticket=ticket,
        # The committee reads a confidential ticket's subject only if someone who may read it
        # writes one for them (apps.core.confidentiality).
        subject=subject or (confidentiality.neutral_title() if ticket.confidential else ticket.subject),
        summary=summary,
        housing_application_number=housing_application_number,
        actor=actor,
    )


def _check_document(uploaded_file) -> tuple[bytes, str]:
    """Read an upload and return its bytes and type, or refuse it (size, then content type)."""
    if uploaded_file.size > DOCUMENT_MAX_BYTES:
        raise ValidationFailed(
            _("The file is larger than 10 MB."),
            code="document_too_large",
            details={"file": [_("Too large.")]},
        )
    content = uploaded_file.read()
    uploaded_file.seek(0)
    kind = filetype.guess(content[:8192])
    if kind is None or kind.mime not in DOCUMENT_TYPES:
        raise ValidationFailed(
            _("Only PDF, JPEG and PNG documents are accepted."),
            code="document_type_refused",
            details={"file": [_("This file's content is not a PDF, JPEG or PNG document.")]},
        )
    return content, kind.mime


@transaction.atomic
def referral_document_add(*, referral: Referral, uploaded_file, actor) -> ReferralDocument:
    """Keep a document with the referral: type checked by content, size and count limited,
    stored outside the web root under a random name."""
    require_secretary(referral.committee, actor)
    Referral.objects.select_for_update().filter(pk=referral.pk).first()  # serialise the count check
    if referral.documents.count() >= DOCUMENT_MAX_COUNT:
        raise ValidationFailed(_("A referral keeps at most 20 documents."), code="too_many_documents")
    content, mime = _check_document(uploaded_file)
    document = ReferralDocument(
        referral=referral,
        original_name=(getattr(uploaded_file, "name", "") or "document")[-200:],
        content_type=mime,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=actor,
    )
    # The file is written before the row; should the transaction roll back, an unreferenced
    # file with a random name remains on disk, which leaks nothing and loses nothing.
    document.file.save("document", ContentFile(content), save=False)
    document.save()
    return document


# ---------------------------------------------------------------------------- meetings and agendas


@transaction.atomic
def meeting_create(
    *, committee: Committee, number: int, date: date, place: str, actor, starts_at: time | None = None
) -> Meeting:
    """Plan a meeting. Its number is unique in the committee's year: a reused number is refused."""
    require_secretary(committee, actor)
    errors = {}
    if not isinstance(number, int) or number < 1:
        errors["number"] = [_("A meeting number is a whole number from 1.")]
    if not (place or "").strip():
        errors["place"] = [_("Required.")]
    if date is None:
        errors["date"] = [_("Required.")]
    if errors:
        raise ValidationFailed(
            _("Some of the information is not valid."), code="invalid_meeting", details=errors
        )
    taken = _("Meeting number %(number)s of %(year)s already exists in this committee.") % {
        "number": number,
        "year": date.year,
    }
    if Meeting.objects.filter(committee=committee, year=date.year, number=number).exists():
        raise Conflict(taken, code="meeting_number_taken", details={"number": [taken]})
    try:
        with transaction.atomic():
            meeting = Meeting.objects.create(
                committee=committee,
                year=date.year,
                number=number,
                date=date,
                starts_at=starts_at,
                place=place.strip(),
                created_by=actor,
            )
    except IntegrityError:  # a concurrent creation took the number first
        raise Conflict(taken, code="meeting_number_taken", details={"number": [taken]}) from None
    return meeting


def next_meeting_number(committee: Committee, year: int) -> int:
    """A suggestion for the form; uniqueness is the constraint's job, not this query's."""
    top = Meeting.objects.filter(committee=committee, year=year).aggregate(top=Max("number"))["top"]
    return (top or 0) + 1


def _lock_meeting(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update().select_related("committee").get(pk=meeting.pk)


def _require_planned(meeting: Meeting) -> None:
    if meeting.status == MeetingStatus.SIGNED:
        raise Conflict(
            _("The minutes of meeting %(meeting)s are signed; nothing in it can change.")
            % {"meeting": meeting.label},
            code="meeting_signed",
        )
    if meeting.status == MeetingStatus.CLOSED:
        raise Conflict(
            _("Meeting %(meeting)s is closed; the chair can reopen it.") % {"meeting": meeting.label},
            code="meeting_closed",
        )


@transaction.atomic
def agenda_add(*, meeting: Meeting, referrals: Iterable[Referral], actor) -> list[AgendaItem]:
    """Put referrals on the meeting's agenda — all of them, or none if one cannot go."""
    meeting = _lock_meeting(meeting)
    require_secretary(meeting.committee, actor)
    _require_planned(meeting)
    ids = list(dict.fromkeys(r.pk for r in referrals))
    if not ids:
        raise ValidationFailed(_("Choose at least one referral."), code="nothing_chosen")
    # Lock in id order so two secretaries adding overlapping sets cannot deadlock.
    locked = {r.pk: r for r in Referral.objects.select_for_update().filter(pk__in=ids).order_by("pk")}
    position = (meeting.agenda.aggregate(top=Max("position"))["top"] or 0) + 1
    items = []
    for referral_id in ids:
        referral = locked.get(referral_id)
        if referral is None:
            raise NotFound(_("A chosen referral does not exist."))
        if referral.committee_id != meeting.committee_id:
            raise ValidationFailed(
                _("Referral %(reference)s belongs to another committee.") % {"reference": referral.reference},
                code="wrong_committee",
            )
        if referral.status == ReferralStatus.SCHEDULED:
            other = referral.agenda_items.filter(is_open=True).select_related("meeting").first()
            raise Conflict(
                _("Referral %(reference)s is already on the agenda of meeting %(meeting)s.")
                % {"reference": referral.reference, "meeting": other.meeting.label if other else "?"},
                code="already_on_agenda",
            )
        if referral.status != ReferralStatus.PENDING:
            raise Conflict(
                _("Referral %(reference)s has already been decided.") % {"reference": referral.reference},
                code="already_decided",
            )
        try:
            with transaction.atomic():
                item = AgendaItem.objects.create(
                    meeting=meeting, referral=referral, position=position, added_by=actor
                )
        except IntegrityError:  # the partial unique index: it is on another open agenda
            raise Conflict(
                _("Referral %(reference)s is already on an open agenda.") % {"reference": referral.reference},
                code="already_on_agenda",
            ) from None
        _set_referral_status(
            referral,
            ReferralStatus.SCHEDULED,
            actor=actor,
            reason=_("On the agenda of meeting %(meeting)s") % {"meeting": meeting.label},
        )
        items.append(item)
        position += 1
    return items


@transaction.atomic
def agenda_remove(*, meeting: Meeting, referral: Referral, actor) -> None:
    meeting = _lock_meeting(meeting)
    require_secretary(meeting.committee, actor)
    _require_planned(meeting)
    item = AgendaItem.objects.filter(meeting=meeting, referral=referral).first()
    if item is None:
        raise NotFound(_("This referral is not on the agenda."))
    if Decision.objects.filter(meeting=meeting, referral=referral).exists():
        raise Conflict(
            _("A decision is recorded for this referral; it cannot leave the agenda."), code="already_decided"
        )
    item.delete()
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    _set_referral_status(
        referral,
        ReferralStatus.PENDING,
        actor=actor,
        reason=_("Taken off the agenda of meeting %(meeting)s") % {"meeting": meeting.label},
    )


def quorum_required(committee: Committee) -> int:
    voting = Membership.objects.filter(committee=committee, is_active=True, role__in=VOTING_ROLES).count()
    return committee.quorum_minimum or (voting // 2 + 1)


@transaction.atomic
def meeting_record_attendance(
    *, meeting: Meeting, present_user_ids: Iterable[int], actor, now=None
) -> Meeting:
    """Record who of the committee's active members attended, and whether the quorum rule is met.

    Quorum: at least ``quorum_minimum`` voting members (chair and members; the secretary
    does not vote) present — a majority of the active voting members when no minimum is
    set — and, when the committee says so, the chair among them.
    """
    meeting = _lock_meeting(meeting)
    require_secretary(meeting.committee, actor)
    _require_planned(meeting)
    seats = list(
        Membership.objects.filter(committee=meeting.committee, is_active=True).select_related("user")
    )
    present = {int(pk) for pk in present_user_ids}
    unknown = present - {seat.user_id for seat in seats}
    if unknown:
        raise ValidationFailed(
            _("Only members of this committee can be recorded as present."), code="not_a_member"
        )
    present_voting = [s for s in seats if s.role in VOTING_ROLES and s.user_id in present]
    chair_present = any(s.role == MemberRole.CHAIR for s in present_voting)
    reached = len(present_voting) >= quorum_required(meeting.committee) and (
        chair_present or not meeting.committee.quorum_requires_chair
    )
    if not reached and meeting.decisions.exists():
        raise Conflict(
            _("Decisions are recorded in this meeting; attendance cannot fall below the quorum."),
            code="quorum_needed_by_decisions",
        )
    Attendance.objects.filter(meeting=meeting).delete()
    Attendance.objects.bulk_create(
        Attendance(meeting=meeting, user=seat.user, role=seat.role, present=seat.user_id in present)
        for seat in seats
    )
    meeting.quorum_reached = reached
    meeting.attendance_recorded_at = now or timezone.now()
    meeting.attendance_recorded_by = actor
    meeting.save(
        update_fields=["quorum_reached", "attendance_recorded_at", "attendance_recorded_by", "updated_at"]
    )
    return meeting


# ---------------------------------------------------------------------------- decisions


def _clean_decision_fields(
    *, outcome: str, conditions: str, rejection_reason, reason_note: str, needs: str
) -> dict:
    if outcome not in Outcome.values:
        raise ValidationFailed(
            _("Choose approved, rejected or deferred."),
            code="unknown_outcome",
            details={"outcome": [_("Required.")]},
        )
    fields = {
        "outcome": outcome,
        "conditions": "",
        "rejection_reason": None,
        "reason_note": "",
        "needs": "",
    }
    if outcome == Outcome.APPROVED:
        fields["conditions"] = (conditions or "").strip()
    elif outcome == Outcome.REJECTED:
        if rejection_reason is None or not getattr(rejection_reason, "is_active", False):
            raise ValidationFailed(
                _("A rejection must give a reason from the list."),
                code="rejection_reason_required",
                details={"rejection_reason": [_("Choose a reason.")]},
            )
        fields["rejection_reason"] = rejection_reason
        fields["reason_note"] = (reason_note or "").strip()
    else:
        fields["needs"] = (needs or "").strip()
        if not fields["needs"]:
            raise ValidationFailed(
                _("A deferral must say what is needed for the next study."),
                code="deferral_needs_required",
                details={"needs": [_("Say what is needed.")]},
            )
    return fields


@transaction.atomic
def decision_record(
    *,
    meeting: Meeting,
    referral: Referral,
    outcome: str,
    actor,
    conditions: str = "",
    rejection_reason: RejectionReason | None = None,
    reason_note: str = "",
    needs: str = "",
    now: datetime | None = None,
) -> Decision:
    """Record (or, before sign-off, change) the decision on one agenda item.

    1. Only the committee's secretary records decisions.
    2. Only while the meeting is in session: not once closed, never once signed.
    3. Only when attendance is recorded and the quorum reached.
    4. Only for a referral on this meeting's agenda.
    5. A rejection cites a reason from the managed list; a deferral says what is needed.
    6. Not before the meeting's day: a meeting yet to come has decided nothing.
    """
    meeting = _lock_meeting(meeting)
    require_secretary(meeting.committee, actor)
    if meeting.date > timezone.localdate(now or timezone.now()):
        raise Conflict(
            _("This meeting is on %(date)s: its decisions can be recorded from that day.")
            % {"date": format_day(meeting.date)},
            code="meeting_in_future",
        )
    if meeting.status == MeetingStatus.SIGNED:
        raise Conflict(
            _("The minutes are signed and their decisions are final. Record an amending decision instead."),
            code="decision_final",
        )
    _require_planned(meeting)
    if meeting.quorum_reached is None:
        raise Conflict(
            _("Record the attendance first: decisions need a recorded quorum."), code="quorum_not_recorded"
        )
    if not meeting.quorum_reached:
        raise Conflict(
            _("The quorum was not reached; this meeting cannot decide."), code="quorum_not_reached"
        )
    if not AgendaItem.objects.filter(meeting=meeting, referral=referral, is_open=True).exists():
        raise ValidationFailed(
            _("Referral %(reference)s is not on the agenda of meeting %(meeting)s.")
            % {"reference": referral.reference, "meeting": meeting.label},
            code="not_on_agenda",
        )
    fields = _clean_decision_fields(
        outcome=outcome,
        conditions=conditions,
        rejection_reason=rejection_reason,
        reason_note=reason_note,
        needs=needs,
    )
    decision = (
        Decision.objects.select_for_update().filter(meeting=meeting, referral=referral, amends=None).first()
    )
    when = now or timezone.now()
    if decision is None:
        return Decision.objects.create(
            meeting=meeting, referral=referral, recorded_by=actor, recorded_at=when, **fields
        )
    for name, value in fields.items():
        setattr(decision, name, value)
    decision.recorded_by, decision.recorded_at = actor, when
    decision.save()
    return decision


def _transition(meeting: Meeting, to_status: str, *, actor, reason: str = "", now=None) -> None:
    if to_status not in MEETING_MOVES[meeting.status]:
        raise Conflict(
            _("A meeting cannot go from “%(from)s” to “%(to)s”.")
            % {"from": MeetingStatus(meeting.status).label, "to": MeetingStatus(to_status).label},
            code="illegal_meeting_move",
        )
    MeetingEvent.objects.create(
        meeting=meeting,
        from_status=meeting.status,
        to_status=to_status,
        actor=actor,
        reason=reason[:300],
        at=now or timezone.now(),
    )
    meeting.status = to_status


@transaction.atomic
def meeting_close(*, meeting: Meeting, actor, now: datetime | None = None) -> Meeting:
    """Close the session: undecided agenda items go back to the pool ("not reached"), and the
    draft minutes are generated for the chair."""
    from apps.committee import minutes

    meeting = _lock_meeting(meeting)
    require_secretary(meeting.committee, actor)
    now = now or timezone.now()
    _transition(meeting, MeetingStatus.CLOSED, actor=actor, now=now)
    decided = set(Decision.objects.filter(meeting=meeting).values_list("referral_id", flat=True))
    for item in (
        meeting.agenda.filter(is_open=True).exclude(referral_id__in=decided).select_related("referral")
    ):
        item.is_open, item.not_reached = False, True
        item.save(update_fields=["is_open", "not_reached"])
        referral = Referral.objects.select_for_update().get(pk=item.referral_id)
        _set_referral_status(
            referral,
            ReferralStatus.PENDING,
            actor=actor,
            reason=_("Not reached at meeting %(meeting)s") % {"meeting": meeting.label},
            now=now,
        )
    meeting.closed_at = now
    meeting.save(update_fields=["status", "closed_at", "updated_at"])
    minutes.minutes_store(meeting=meeting)
    return meeting


@transaction.atomic
def meeting_reopen(*, meeting: Meeting, actor, reason: str, now: datetime | None = None) -> Meeting:
    """The chair sends closed (unsigned) minutes back to the secretary for corrections."""
    meeting = _lock_meeting(meeting)
    _require_chair(meeting.committee, actor)
    if not (reason or "").strip():
        raise ValidationFailed(
            _("Say what needs correcting."), code="reason_required", details={"reason": [_("Required.")]}
        )
    _transition(meeting, MeetingStatus.PLANNED, actor=actor, reason=reason.strip(), now=now)
    meeting.save(update_fields=["status", "updated_at"])
    return meeting


def _apply_decision(decision: Decision, *, actor, amended: Decision | None, now: datetime) -> None:
    """What a final decision does: the referral's status and deferral count, the source's
    listeners (ticket timeline, escalation), and the letter to the citizen."""
    referral = Referral.objects.select_for_update().get(pk=decision.referral_id)
    target = {
        Outcome.APPROVED: ReferralStatus.APPROVED,
        Outcome.REJECTED: ReferralStatus.REJECTED,
        Outcome.DEFERRED: ReferralStatus.PENDING,
    }[decision.outcome]
    reason = _("Meeting %(meeting)s: %(outcome)s") % {
        "meeting": decision.meeting.label,
        "outcome": Outcome(decision.outcome).label,
    }
    _set_referral_status(referral, target, actor=actor, reason=reason, now=now)
    tips = Decision.objects.filter(referral=referral, is_final=True, amended_by__isnull=True)
    referral.deferral_count = tips.filter(outcome=Outcome.DEFERRED).count()
    referral.save(update_fields=["deferral_count", "updated_at"])
    decision.referral = referral
    listeners.notify(
        listeners.DecisionEffect(decision=decision, referral=referral, amended=amended, actor=actor)
    )
    letters.letter_queue(decision=decision, actor=actor)


@transaction.atomic
def meeting_sign(*, meeting: Meeting, actor, now: datetime | None = None) -> Meeting:
    """The chair signs the minutes: every decision becomes final and takes effect.

    1. Lock the meeting; only its chair signs, only once closed.
    2. Mark each decision final (after this a trigger refuses any change to it).
    3. Close the agenda items; apply each decision (referral status, deferral count,
       listeners, the citizen's letter) — all in this one transaction.
    4. Store the signed minutes PDF and its SHA-256.
    """
    from apps.committee import minutes

    meeting = _lock_meeting(meeting)
    _require_chair(meeting.committee, actor)
    now = now or timezone.now()
    _transition(meeting, MeetingStatus.SIGNED, actor=actor, now=now)
    meeting.signed_at, meeting.signed_by = now, actor
    meeting.save(update_fields=["status", "signed_at", "signed_by", "updated_at"])
    decisions = list(
        Decision.objects.filter(meeting=meeting, amends=None)
        .select_related("referral__citizen", "rejection_reason", "meeting__committee")
        .order_by("pk")
    )
    Decision.objects.filter(pk__in=[d.pk for d in decisions]).update(is_final=True, final_at=now)
    AgendaItem.objects.filter(meeting=meeting, is_open=True).update(is_open=False)
    for decision in decisions:
        decision.is_final, decision.final_at = True, now
        _apply_decision(decision, actor=actor, amended=None, now=now)
    minutes.minutes_store(meeting=meeting)
    return meeting


@transaction.atomic
def decision_amend(
    *,
    decision: Decision,
    outcome: str,
    reason: str,
    actor,
    conditions: str = "",
    rejection_reason: RejectionReason | None = None,
    reason_note: str = "",
    needs: str = "",
    now: datetime | None = None,
) -> Decision:
    """Correct a signed decision with a new, final decision that records who and why.

    The signed decision itself never changes; the amendment points at it and takes effect
    at once (referral status, listeners, a new letter to the citizen).
    """
    meeting = _lock_meeting(decision.meeting)
    require_secretary(meeting.committee, actor)
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    if not decision.is_final:
        raise Conflict(
            _("This decision is not signed yet; change it on the meeting screen."), code="decision_not_final"
        )
    if Decision.objects.filter(amends=decision).exists():
        raise Conflict(
            _("This decision has already been amended; amend the latest amendment."), code="already_amended"
        )
    later = (
        Decision.objects.filter(referral_id=decision.referral_id, meeting__date__gt=meeting.date)
        .exclude(meeting=meeting)
        .exists()
    )
    if later:
        raise Conflict(
            _("A later meeting has decided this referral since; amend that decision instead."),
            code="not_latest_decision",
        )
    if not (reason or "").strip():
        raise ValidationFailed(
            _("An amendment must say why."),
            code="amendment_reason_required",
            details={"reason": [_("Required.")]},
        )
    fields = _clean_decision_fields(
        outcome=outcome,
        conditions=conditions,
        rejection_reason=rejection_reason,
        reason_note=reason_note,
        needs=needs,
    )
    referral = Referral.objects.select_for_update().get(pk=decision.referral_id)
    if referral.status == ReferralStatus.SCHEDULED:
        item = referral.agenda_items.filter(is_open=True).select_related("meeting").first()
        raise Conflict(
            _("Referral %(reference)s is on the agenda of meeting %(meeting)s; take it off first.")
            % {"reference": referral.reference, "meeting": item.meeting.label if item else "?"},
            code="already_on_agenda",
        )
    now = now or timezone.now()
    amendment = Decision.objects.create(
        meeting=meeting,
        referral=referral,
        amends=decision,
        amendment_reason=reason.strip(),
        recorded_by=actor,
        recorded_at=now,
        is_final=True,
        final_at=now,
        **fields,
    )
    _apply_decision(amendment, actor=actor, amended=decision, now=now)
    return amendment


# ---------------------------------------------------------------------------- appeals


def _appeal_subject(original: Referral) -> str:
    # Staff read referral subjects in the ministry's working language.
    with translation.override("ar"):
        return _("Appeal against the decision on %(reference)s") % {"reference": original.reference}


class AppealNotVerified(ValidationFailed):
    code = "appeal_not_verified"


def current_decision(referral: Referral) -> Decision | None:
    """The referral's decision in force: the latest final one that nothing amends."""
    return (
        Decision.objects.filter(referral=referral, is_final=True, amended_by__isnull=True)
        .select_related("meeting", "rejection_reason")
        .order_by("-meeting__date", "-final_at", "-pk")
        .first()
    )


def appeal_find(*, reference: str, cpr: str) -> Referral:
    """The rejected referral a citizen may appeal, by its reference or the ticket's review
    number, checked against the CPR. Every mismatch gets the same answer."""
    from apps.citizens.validation import normalize_cpr

    not_verified = AppealNotVerified(
        _("We could not find a committee decision for these details. Check the number and the CPR."),
    )
    try:
        cpr = normalize_cpr(cpr)
    except ValidationFailed:
        raise not_verified from None
    key = normalize_reference(reference)
    if not key:
        raise not_verified
    candidates = Referral.objects.filter(citizen__cpr=cpr).select_related("citizen", "committee", "ticket")
    if key.startswith("CR-"):
        referral = candidates.filter(reference=key).first()
    else:
        # A review number: the tickets app reads it (Arabic-Indic digits, spaces, missing
        # dashes) and refuses a wrong check digit before any look-up.
        from apps.tickets import review_numbers

        try:
            number = str(review_numbers.parse(reference))
        except ApplicationError:
            raise not_verified from None
        referral = (
            candidates.filter(
                Q(ticket__review_number=number) | Q(source_reference=number), appeal_of__isnull=True
            )
            .order_by("-referred_at")
            .first()
        )
    if referral is None:
        raise not_verified
    return referral


@transaction.atomic
def appeal_submit(*, reference: str, cpr: str, grounds: str, now: datetime | None = None) -> Referral:
    """A citizen appeals a rejection: once, within 30 days of the decision becoming final.
    The appeal is a new referral linked to the first."""
    now = now or timezone.now()
    found = appeal_find(reference=reference, cpr=cpr)
    original = Referral.objects.select_for_update().get(pk=found.pk)
    if original.source_kind == SourceKind.APPEAL or Referral.objects.filter(appeal_of=original).exists():
        raise Conflict(
            _("This decision has already been appealed. An appeal is allowed once."), code="already_appealed"
        )
    decision = current_decision(original)
    if decision is None or decision.outcome != Outcome.REJECTED or original.status != ReferralStatus.REJECTED:
        raise ValidationFailed(_("Only a rejection can be appealed."), code="nothing_to_appeal")
    deadline = decision.final_at + timedelta(days=APPEAL_WINDOW_DAYS)
    if now > deadline:
        raise ValidationFailed(
            _("The 30 days to appeal this decision ended on %(date)s.")
            % {"date": format_day(timezone.localdate(deadline))},
            code="appeal_window_closed",
        )
    grounds = (grounds or "").strip()
    if not grounds:
        raise ValidationFailed(
            _("Tell the committee why the decision should change."),
            code="appeal_grounds_required",
            details={"grounds": [_("Required.")]},
        )
    if len(grounds) > 5000:
        raise ValidationFailed(_("At most 5,000 characters."), code="appeal_grounds_too_long")
    try:
        with transaction.atomic():
            return referral_create(
                committee=original.committee,
                citizen=original.citizen,
                subject=_appeal_subject(original),
                summary=grounds,
                housing_application_number=original.housing_application_number,
                source_kind=SourceKind.APPEAL,
                source_reference=original.review_number,
                appeal_of=original,
                referred_at=now,
                actor=None,
            )
    except IntegrityError:  # a concurrent appeal of the same referral won
        raise Conflict(
            _("This decision has already been appealed. An appeal is allowed once."), code="already_appealed"
        ) from None
