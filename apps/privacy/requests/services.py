"""Writes to data-subject requests: filing, review, the access answer, decisions, the sweep.

Every transition locks the row, checks ``workflow.can_move``, saves with ``update_fields``
and writes a ``DataSubjectRequestEvent`` in the same transaction; the citizen hears of it
through the notifications outbox, queued in that transaction too.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.errors import Conflict, PermissionDenied, ValidationFailed
from apps.core.text import clean_line
from apps.privacy.desk.archive import subject_access_archive_build
from apps.privacy.requests import conf, notify
from apps.privacy.requests.models import DataSubjectRequest, DataSubjectRequestEvent, DueFlag
from apps.privacy.requests.workflow import (
    OBJECTION_EVENTS,
    OPEN,
    RECTIFIABLE_FIELDS,
    Channel,
    Kind,
    ObjectionKind,
    Status,
    can_move,
)

DECIDE_PERMISSION = "privacy_requests.decide_datasubjectrequest"
FILE_ON_BEHALF_PERMISSION = "privacy_requests.file_datasubjectrequest_on_behalf"


class RequestTransitionError(Conflict):
    code = "request_transition"
    default_message = gettext_lazy("This request cannot move to that status.")


class NoChangeRequested(ValidationFailed):
    code = "no_change"
    default_message = gettext_lazy(
        "Your correction changes nothing: give at least one new value that differs from your file."
    )


class ReasonRequired(ValidationFailed):
    code = "reason_required"
    default_message = gettext_lazy("Give the reason of the decision: the citizen is told it.")


# --- references and deadlines ----------------------------------------------------------


def _sequence_name(year: int) -> str:
    return f"privacy_requests_seq_{int(year)}"


def next_reference(*, year: int) -> str:
    """``PDP-<year>-<six digits>`` from a PostgreSQL sequence of that year, made on first use.

    Two transactions making the sequence at once collide in the catalogue: the loser's
    ``CREATE`` fails inside a savepoint and it draws from the winner's sequence. Numbers are
    unique and increasing, not gapless (a rolled-back filing does not give its number back).
    """
    name = _sequence_name(year)
    with connection.cursor() as cursor:
        try:
            with transaction.atomic():
                cursor.execute("SELECT nextval(%s::regclass)", [name])
                return f"PDP-{year:04d}-{cursor.fetchone()[0]:06d}"
        except DatabaseError:  # the year's sequence does not exist yet
            pass
        try:
            with transaction.atomic():
                cursor.execute(f'CREATE SEQUENCE IF NOT EXISTS "{name}" AS bigint MINVALUE 1 START WITH 1')
        except DatabaseError:  # a concurrent transaction made it first
            pass
        cursor.execute("SELECT nextval(%s::regclass)", [name])
        return f"PDP-{year:04d}-{cursor.fetchone()[0]:06d}"


def request_due_at(*, received_at: datetime) -> datetime:
    """Close of business on the N-th working day after receipt (the SLA business calendar)."""
    from apps.sla.selectors import get_calendar

    days = conf.get("HOUSING_PRIVACY_REQUEST_WORKING_DAYS")
    return get_calendar().add_working_days(received_at, days)


# --- filing -----------------------------------------------------------------------------


def _clean_changes(citizen, changes) -> dict[str, str]:
    """The asked-for values that differ from the file, cleaned; unknown fields refused."""
    if not isinstance(changes, dict):
        raise NoChangeRequested()
    unknown = sorted(set(changes) - set(RECTIFIABLE_FIELDS))
    if unknown:
        raise ValidationFailed(
            _("These fields cannot be corrected through a request."),
            code="unknown_field",
            details={name: [_("Not a field of the file.")] for name in unknown},
        )
    cleaned = {}
    for name, value in changes.items():
        value = clean_line(str(value or ""))
        if name == "email":
            value = value.lower()
        current = str(getattr(citizen, name) or "")
        if value and value != current:
            cleaned[name] = value
    if not cleaned:
        raise NoChangeRequested()
    if "email" in cleaned:
        from django.core.exceptions import ValidationError
        from django.core.validators import validate_email

        try:
            validate_email(cleaned["email"])
        except ValidationError:
            raise ValidationFailed(
                _("Enter a valid e-mail address."), code="invalid_email", details={"email": [_("Not valid.")]}
            ) from None
    return cleaned


@transaction.atomic
def request_file(
    *,
    citizen,
    kind: str,
    channel: str,
    actor=None,
    details: str = "",
    requested_changes: dict | None = None,
    objection_kind: str = "",
    now: datetime | None = None,
) -> DataSubjectRequest:
    """File a request for ``citizen`` and tell them its reference and due date.

    1. Check the kind and its own part: a rectification must change at least one field of
       the file (a request that changes nothing is refused, nothing saved); an objection
       names a kind of messages that may be stopped.
    2. An agent files for the citizen only with the "file on behalf" permission.
    3. Draw the reference, compute the due date on the business calendar, save, record the
       first event and queue the acknowledgement, all in this transaction.
    """
    now = now or timezone.now()
    if kind not in Kind.values:
        raise ValidationFailed(
            _("Choose the kind of request."), code="unknown_kind", details={"kind": [_("Required.")]}
        )
    if channel not in Channel.values:
        raise ValidationFailed(_("Unknown channel."), code="unknown_channel")
    if channel == Channel.AGENT and not (actor and actor.has_perm(FILE_ON_BEHALF_PERMISSION)):
        raise PermissionDenied()
    changes: dict[str, str] = {}
    if kind == Kind.RECTIFICATION:
        changes = _clean_changes(citizen, requested_changes or {})
    if kind == Kind.OBJECTION:
        if objection_kind not in ObjectionKind.values:
            raise ValidationFailed(
                _("Choose which messages to stop."),
                code="objection_kind_required",
                details={"objection_kind": [_("Required.")]},
            )
    else:
        objection_kind = ""
    received_at = now
    request = DataSubjectRequest.objects.create(
        reference=next_reference(year=timezone.localtime(received_at).year),
        kind=kind,
        citizen=citizen,
        channel=channel,
        filed_by=actor if getattr(actor, "pk", None) else None,
        status=Status.RECEIVED,
        received_at=received_at,
        due_at=request_due_at(received_at=received_at),
        details=(details or "").strip()[:5000],
        requested_changes=changes,
        objection_kind=objection_kind,
    )
    _event(request, "", Status.RECEIVED, actor, "", now)
    notify.queue_received(request, actor=actor if getattr(actor, "pk", None) else None)
    return request


def _event(request, from_status: str, to_status: str, actor, reason: str, at: datetime) -> None:
    DataSubjectRequestEvent.objects.create(
        request=request,
        from_status=from_status,
        to_status=to_status,
        actor=actor if getattr(actor, "pk", None) else None,
        reason=reason,
        at=at,
    )


# --- the officer's moves ------------------------------------------------------------------


def _require_officer(actor) -> None:
    if not (actor and actor.is_authenticated and actor.has_perm(DECIDE_PERMISSION)):
        raise PermissionDenied()


def _locked(request: DataSubjectRequest, to_status: str) -> DataSubjectRequest:
    locked = DataSubjectRequest.objects.select_for_update().defer("archive").get(pk=request.pk)
    if not can_move(kind=locked.kind, from_status=locked.status, to_status=to_status):
        raise RequestTransitionError(
            _("A request that is “%(from)s” cannot become “%(to)s”.")
            % {"from": locked.get_status_display(), "to": Status(to_status).label},
            details={"status": [locked.status], "to": [to_status]},
        )
    return locked


@transaction.atomic
def request_start_review(
    *, request: DataSubjectRequest, actor, now: datetime | None = None
) -> DataSubjectRequest:
    _require_officer(actor)
    now = now or timezone.now()
    locked = _locked(request, Status.IN_REVIEW)
    from_status = locked.status
    locked.status = Status.IN_REVIEW
    locked.save(update_fields=["status"])
    _event(locked, from_status, Status.IN_REVIEW, actor, "", now)
    return locked


@transaction.atomic
def request_answer_access(
    *, request: DataSubjectRequest, actor, now: datetime | None = None
) -> DataSubjectRequest:
    """Answer an access request: build the archive (the desk's builder, which logs it), keep
    it on the request for the citizen to download, close the request and tell them."""
    _require_officer(actor)
    now = now or timezone.now()
    if request.kind != Kind.ACCESS:
        raise RequestTransitionError(_("Only an access request is answered with an archive."))
    locked = _locked(request, Status.ANSWERED)
    archive = subject_access_archive_build(citizen=locked.citizen, actor=actor, now=now, request_id=locked.pk)
    from_status = locked.status
    locked.status = Status.ANSWERED
    locked.answered_by, locked.answered_at = actor, now
    locked.archive = bytes(archive.content)
    locked.archive_filename = archive.filename
    locked.archive_categories = {str(key): count for key, count in archive.categories.items()}
    locked.archive_withheld = [str(c) for c in archive.withheld]
    locked.due_flag = DueFlag.NONE
    locked.save(
        update_fields=[
            "status",
            "answered_by",
            "answered_at",
            "archive",
            "archive_filename",
            "archive_categories",
            "archive_withheld",
            "due_flag",
        ]
    )
    _event(locked, from_status, Status.ANSWERED, actor, "", now)
    notify.queue_decided(locked, actor=actor)
    return locked


@transaction.atomic
def request_decide(
    *, request: DataSubjectRequest, actor, approve: bool, reason: str, now: datetime | None = None
) -> DataSubjectRequest:
    """Approve or refuse a request, always with a reason (the citizen is told it).

    1. Refuse a decision without a reason, or one the request's kind does not allow.
    2. Approving a rectification applies the change through ``citizen_update`` (so the
       change history records it, with the reference and reason); approving an objection
       stops the kind's messages in the notifications preferences.
    3. Close the request, record the event and queue the citizen's message, in this
       transaction: a failed change leaves the request as it was.
    """
    _require_officer(actor)
    now = now or timezone.now()
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired(details={"reason": [_("Required.")]})
    to_status = Status.APPROVED if approve else Status.REFUSED
    if approve and request.kind == Kind.ACCESS:
        raise RequestTransitionError(_("An access request is answered with its archive, not approved."))
    locked = _locked(request, to_status)
    citizen = locked.citizen
    update_fields = ["status", "answered_by", "answered_at", "decision_reason", "due_flag"]
    if approve and locked.kind == Kind.RECTIFICATION:
        from apps.citizens.services import citizen_update

        before = {name: str(getattr(citizen, name) or "") for name in locked.requested_changes}
        # A value the file already holds (changed since the request was filed) is not
        # changed again: ``citizen_update`` refuses a change that changes nothing.
        still = {name: value for name, value in locked.requested_changes.items() if before[name] != value}
        try:
            if still:
                citizen_update(citizen=citizen, actor=actor, reason=f"{locked.reference}: {reason}", **still)
        except DjangoValidationError as exc:  # the file's own rules (``full_clean``)
            messages = getattr(exc, "message_dict", None) or {"__all__": exc.messages}
            raise ValidationFailed(
                _("The correction could not be applied to the file."),
                code="rectification_invalid",
                details=messages,
            ) from None
        locked.applied_changes = {name: {"old": before[name], "new": value} for name, value in still.items()}
        update_fields.append("applied_changes")
    if approve and locked.kind == Kind.OBJECTION:
        from apps.notifications.services import notification_events_stop

        notification_events_stop(
            ref=citizen.notification_ref, event_keys=OBJECTION_EVENTS[locked.objection_kind], actor=actor
        )
    from_status = locked.status
    locked.status = to_status
    locked.answered_by, locked.answered_at = actor, now
    locked.decision_reason = reason[:5000]
    locked.due_flag = DueFlag.NONE
    locked.save(update_fields=update_fields)
    _event(locked, from_status, to_status, actor, reason, now)
    notify.queue_decided(locked, actor=actor)
    return locked


# --- the sweep ------------------------------------------------------------------------------


def requests_due_sweep(*, now: datetime | None = None) -> dict[str, int]:
    """Flag open requests that are due soon or overdue, and tell the officers of new ones.

    Set-based and idempotent: two conditional UPDATEs claim only rows whose flag changes
    (so a request is reported once as "due soon" and once as "overdue"); the officers get
    one bell message with the counts, and nothing when nothing changed.
    """
    from apps.sla.selectors import get_calendar

    now = now or timezone.now()
    horizon = get_calendar().add_working_days(now, conf.get("HOUSING_PRIVACY_REQUEST_WARN_DAYS"))
    open_rows = DataSubjectRequest.objects.filter(status__in=list(OPEN))
    with transaction.atomic():
        overdue = (
            open_rows.filter(due_at__lt=now)
            .exclude(due_flag=DueFlag.OVERDUE)
            .update(due_flag=DueFlag.OVERDUE, flagged_at=now)
        )
        near = open_rows.filter(due_at__gte=now, due_at__lte=horizon, due_flag=DueFlag.NONE).update(
            due_flag=DueFlag.NEAR, flagged_at=now
        )
        if near or overdue:
            from apps.accounts.models import User
            from apps.accounts.roles import Role

            for officer in User.objects.filter(is_active=True, groups__name=Role.DATA_PROTECTION_OFFICER):
                notify.queue_due(officer=officer, near=near, overdue=overdue)
    return {"near": near, "overdue": overdue}
