"""What each kind of record retention selects and what it does to it.

Each ``Sweep`` has ``eligible(cutoff)``: a queryset of the kind's root rows that are past
the cutoff, under no legal hold, part of no open case, and still hold personal data of
the kind's own fields; and ``apply(ids)``: the action on those rows (the root rows and
their dependants), answering how many root rows it handled.

Two rules keep the dry run equal to the real run and every run idempotent:
1. each kind's fields are its own (call notes are only ``Contact.notes``; the contacts
   kind never touches them), so no kind's selection depends on another kind's effect;
2. a row leaves the selection once handled (its fields hold the placeholder or are empty,
   or the row is gone), so a second run finds nothing.

Anonymisation never touches what the statistics read: kinds, channels, purposes,
departments, outcomes, statuses, dates, ratings' values and every foreign key. The only
subtle case is the chat figure "distinct visitors" (``coalesce(citizen, mobile)``): an
unidentified visitor's mobile becomes a keyed pseudonym of (month, mobile), so the month's
count of distinct visitors stays what it was, while nothing links the pseudonym back to the
number or across months.

Records are read here set-wise from the apps that own them: retention sits on the
privacy floor, above all of them, and the sweep is a bulk update no service offers.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from apps.appointments.models import Appointment, AppointmentEvent
from apps.appointments.models import Status as AppointmentStatus
from apps.campaigns.models import Attempt
from apps.chat.models import Chat, ChatEvent, ChatMessage, VideoCall
from apps.citizens.models import Citizen, CitizenAccess, CitizenPhone, CitizenPhoneEvent, HousingFile
from apps.committee.models import Referral, ReferralStatus
from apps.contacts.models import Callback, Contact, FollowUp, FollowUpEvent
from apps.escalations.models import Escalation, EscalationEvent, InformationRequest
from apps.escalations.workflow import OPEN_STATUSES as OPEN_ESCALATION_STATUSES
from apps.notifications.models import Notification
from apps.privacy.history.services import history_forget
from apps.privacy.requests.models import DataSubjectRequest
from apps.privacy.requests.workflow import OPEN as OPEN_REQUEST_STATUSES
from apps.privacy.retention.kinds import Kind
from apps.privacy.retention.models import LegalHold
from apps.tickets.models import Ticket, TicketAttachment, TicketEvent
from apps.tickets.workflow import Status as TicketStatus

# What replaces free text and names. Short, so it fits every field it goes into.
ANON = "[محذوف · removed]"
ANON_NAME_AR = "مجهول الهوية"
ANON_NAME_EN = "Anonymised"
# An anonymised citizen's CPR: "X" and the id on eight digits (fits the nine characters up
# to 99,999,999 citizens); not nine digits, so never a real one, and still unique.
ANON_CPR_PREFIX = "X"

DONE_TICKET_STATUSES = (TicketStatus.CLOSED, TicketStatus.MERGED)
PENDING_REFERRAL_STATUSES = (ReferralStatus.PENDING, ReferralStatus.SCHEDULED)
ACTIVE_HOUSING_FILE_STATUSES = ("submitted", "under_review", "eligible", "allocated")


# --------------------------------------------------------------------- holds and open cases


def _active_holds() -> QuerySet:
    return LegalHold.objects.filter(released_at__isnull=True)


def _held(field: str, ref: str) -> Exists:
    return Exists(_active_holds().filter(**{field: OuterRef(ref)}))


def _open_escalation(ticket_ref: str) -> Exists:
    return Exists(
        Escalation.objects.filter(ticket_id=OuterRef(ticket_ref), status__in=list(OPEN_ESCALATION_STATUSES))
    )


def _pending_referral(ticket_ref: str) -> Exists:
    return Exists(
        Referral.objects.filter(ticket_id=OuterRef(ticket_ref), status__in=list(PENDING_REFERRAL_STATUSES))
    )


def _open_or_held_ticket(ref: str) -> Exists:
    """The ticket ``ref`` points at is an open case (not closed, or with an open "Under Your
    Command" case or a pending committee referral) or is under a hold (its own or its citizen's)."""
    return Exists(
        Ticket.objects.filter(pk=OuterRef(ref)).filter(
            ~Q(status__in=DONE_TICKET_STATUSES)
            | _open_escalation("pk")
            | _pending_referral("pk")
            | _held("ticket_id", "pk")
            | _held("citizen_id", "citizen_id")
        )
    )


def _has_text(field: str) -> Q:
    return Q(**{f"{field}__gt": ""}) & ~Q(**{field: ANON})


def _ids(ids) -> list[int]:
    return list(ids)


def after_anonymise(model, pks) -> int:
    """Forget the change history of rows just anonymised, so their old personal values do
    not survive there (the anonymisation's own history row included)."""
    pks = list(pks)
    if not pks:
        return 0
    return history_forget(model=model, pks=pks)


# --------------------------------------------------------------------------- the kinds


def _tickets(cutoff: datetime) -> QuerySet:
    return (
        Ticket.objects.filter(status__in=DONE_TICKET_STATUSES)
        .annotate(retention_ended=Coalesce("closed_at", "updated_at"))
        .filter(retention_ended__lt=cutoff)
        .exclude(description=ANON)
        .exclude(_open_escalation("pk") | _pending_referral("pk"))
        .exclude(_held("ticket_id", "pk") | _held("citizen_id", "citizen_id"))
    )


def _anonymise_tickets(ids: list[int]) -> int:
    n = Ticket.objects.filter(pk__in=ids).update(
        subject=ANON,
        description=ANON,
        contact_phone="",
        address="",
        latitude=None,
        longitude=None,
    )
    Ticket.objects.filter(pk__in=ids, rating_comment__gt="").update(rating_comment=ANON)
    events = TicketEvent.objects.filter(ticket_id__in=ids)
    events.filter(body__gt="").update(body=ANON)
    events.filter(reason__gt="").update(reason=ANON)
    after_anonymise(Ticket, ids)
    return n


def _attachments(cutoff: datetime) -> QuerySet:
    return (
        TicketAttachment.objects.filter(uploaded_at__lt=cutoff)
        .annotate(ticket_ended=Coalesce("ticket__closed_at", "ticket__updated_at"))
        .filter(ticket_ended__lt=cutoff)
        .exclude(_open_or_held_ticket("ticket_id"))
    )


def _delete_attachments(ids: list[int]) -> int:
    from apps.tickets.attachments import storage

    names = list(TicketAttachment.objects.filter(pk__in=ids).values_list("file", flat=True))
    n, _ = TicketAttachment.objects.filter(pk__in=ids).delete()
    # The files go after the rows: a file left behind by a crash here is swept by
    # tickets.sweep_orphan_files, while a row pointing at no file would break a download.
    from django.db import transaction

    def remove():
        for name in names:
            storage().delete(name)

    transaction.on_commit(remove)
    return len(names)


def _contact_base(cutoff: datetime) -> QuerySet:
    return (
        Contact.objects.filter(offered_at__lt=cutoff)
        .exclude(Exists(FollowUp.objects.filter(contact_id=OuterRef("pk"), status=FollowUp.Status.OPEN)))
        .exclude(Exists(Callback.objects.filter(contact_id=OuterRef("pk"), status=Callback.Status.SCHEDULED)))
        .exclude(_open_or_held_ticket("ticket_id"))
        .exclude(_held("contact_id", "pk") | _held("citizen_id", "citizen_id"))
    )


def _contacts(cutoff: datetime) -> QuerySet:
    return _contact_base(cutoff).filter(
        Q(caller_number__gt="")
        | Exists(FollowUp.objects.filter(_has_text("answer"), contact_id=OuterRef("pk")))
        | Exists(Callback.objects.filter(contact_id=OuterRef("pk"), number__gt=""))
        | Exists(Attempt.objects.filter(Q(phone__gt="") | _has_text("notes"), contact_id=OuterRef("pk")))
    )


def _anonymise_contacts(ids: list[int]) -> int:
    Contact.objects.filter(pk__in=ids).update(caller_number="")
    FollowUp.objects.filter(contact_id__in=ids, answer__gt="").update(answer=ANON)
    FollowUpEvent.objects.filter(follow_up__contact_id__in=ids, note__gt="").update(note=ANON)
    Callback.objects.filter(contact_id__in=ids).update(number="")
    Attempt.objects.filter(contact_id__in=ids).update(phone="")
    Attempt.objects.filter(contact_id__in=ids, notes__gt="").update(notes=ANON)
    after_anonymise(Contact, ids)
    return len(ids)


def _call_notes(cutoff: datetime) -> QuerySet:
    return _contact_base(cutoff).filter(_has_text("notes"))


def _purge_call_notes(ids: list[int]) -> int:
    n = Contact.objects.filter(pk__in=ids).update(notes=ANON)
    after_anonymise(Contact, ids)
    return n


def _uyc_cases(cutoff: datetime) -> QuerySet:
    return (
        Escalation.objects.filter(status=Escalation.Status.CLOSED)
        .annotate(retention_ended=Coalesce("closed_at", "updated_at"))
        .filter(retention_ended__lt=cutoff)
        .filter(
            _has_text("reason")
            | _has_text("summary")
            | _has_text("decision_public")
            | _has_text("decision_internal")
        )
        .exclude(_open_or_held_ticket("ticket_id"))
        .exclude(_held("citizen_id", "citizen_id"))
    )


def _anonymise_uyc_cases(ids: list[int]) -> int:
    """The case's texts go (what the citizen wrote, the study, both decisions); its dates,
    status, source and priority stay for the statement's "Under Your Command" figures.
    A text is replaced only where there was one, so the model's constraints still hold."""
    cases = Escalation.objects.filter(pk__in=ids)
    for field in ("reason", "summary", "decision_public", "decision_internal"):
        cases.filter(**{f"{field}__gt": ""}).update(**{field: ANON})
    EscalationEvent.objects.filter(escalation_id__in=ids, body__gt="").update(body=ANON)
    requests = InformationRequest.objects.filter(escalation_id__in=ids)
    requests.filter(question__gt="").update(question=ANON)
    requests.filter(answer__gt="").update(answer=ANON)
    after_anonymise(Escalation, ids)
    return len(ids)


def _chats(cutoff: datetime) -> QuerySet:
    return (
        Chat.objects.filter(
            status__in=[Chat.Status.CLOSED, Chat.Status.ABANDONED, Chat.Status.MESSAGE],
            requested_at__lt=cutoff,
        )
        .exclude(name=ANON)
        .exclude(_open_or_held_ticket("ticket_id"))
        .exclude(_held("citizen_id", "citizen_id") | _held("contact_id", "contact_id"))
    )


def visitor_pseudonym(mobile: str, requested_at: datetime) -> str:
    """A stand-in for an unidentified visitor's mobile: the same for the same number within
    one Bahrain month (so the month's distinct visitors are counted as before), different
    across months, and not reversible without the server's key."""
    if not mobile:
        return ""
    month = timezone.localtime(requested_at).strftime("%Y-%m")
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"retention:{month}:{mobile}".encode(), hashlib.sha256
    ).hexdigest()
    return "x" + digest[:19]


def _anonymise_chats(ids: list[int]) -> int:
    from apps.tickets.attachments import storage

    rows = list(Chat.objects.filter(pk__in=ids).values_list("pk", "mobile", "requested_at"))
    chats = []
    for pk, mobile, requested_at in rows:
        chats.append(Chat(pk=pk, mobile=visitor_pseudonym(mobile, requested_at)))
    Chat.objects.bulk_update(chats, ["mobile"])
    Chat.objects.filter(pk__in=ids).update(name=ANON, cpr="", email="")
    Chat.objects.filter(pk__in=ids, rating_comment__gt="").update(rating_comment=ANON)
    messages = ChatMessage.objects.filter(chat_id__in=ids)
    files = list(messages.filter(attachment_path__gt="").values_list("attachment_path", flat=True))
    messages.filter(body__gt="").update(body=ANON)
    messages.filter(attachment_path__gt="").update(
        attachment_name="", attachment_path="", attachment_type="", attachment_size=None
    )
    ChatEvent.objects.filter(chat_id__in=ids, note__gt="").update(note=ANON)
    if files:
        from django.db import transaction

        transaction.on_commit(lambda: [storage().delete(name) for name in files])
    after_anonymise(Chat, ids)
    return len(rows)


def _video_calls(cutoff: datetime) -> QuerySet:
    return (
        VideoCall.objects.filter(
            status__in=[VideoCall.Status.HELD, VideoCall.Status.CANCELLED], requested_at__lt=cutoff
        )
        .exclude(name=ANON)
        .exclude(_held("citizen_id", "citizen_id") | _held("contact_id", "contact_id"))
    )


def _anonymise_video_calls(ids: list[int]) -> int:
    n = VideoCall.objects.filter(pk__in=ids).update(
        name=ANON, mobile="", cpr="", preferred_time="", meeting_url=""
    )
    after_anonymise(VideoCall, ids)
    return n


def _appointments(cutoff: datetime) -> QuerySet:
    return (
        Appointment.objects.filter(
            status__in=[AppointmentStatus.SERVED, AppointmentStatus.NO_SHOW, AppointmentStatus.CANCELLED],
            slot_start__lt=cutoff,
        )
        .filter(Q(mobile__gt="") | _has_text("served_note") | _has_text("cancel_reason"))
        .exclude(_held("citizen_id", "citizen_id"))
    )


def _anonymise_appointments(ids: list[int]) -> int:
    Appointment.objects.filter(pk__in=ids).update(mobile="")
    Appointment.objects.filter(pk__in=ids, served_note__gt="").update(served_note=ANON)
    Appointment.objects.filter(pk__in=ids, cancel_reason__gt="").update(cancel_reason=ANON)
    AppointmentEvent.objects.filter(appointment_id__in=ids, reason__gt="").update(reason=ANON)
    after_anonymise(Appointment, ids)
    return len(ids)


def _held_citizen_refs() -> list[str]:
    held = _active_holds().filter(citizen__isnull=False).values_list("citizen_id", flat=True)
    return [Citizen(pk=pk).notification_ref for pk in held]


def _outbox(cutoff: datetime) -> QuerySet:
    return (
        Notification.objects.filter(
            state__in=[Notification.State.SENT, Notification.State.FAILED, Notification.State.SKIPPED],
            created_at__lt=cutoff,
        )
        .exclude(body=ANON)
        .exclude(recipient_ref__in=_held_citizen_refs())
    )


def _anonymise_outbox(ids: list[int]) -> int:
    n = Notification.objects.filter(pk__in=ids).update(
        to_phone="", to_email="", body=ANON, link_url="", last_error=""
    )
    Notification.objects.filter(pk__in=ids, subject__gt="").update(subject=ANON)
    after_anonymise(Notification, ids)
    return n


def _read_log(cutoff: datetime) -> QuerySet:
    return CitizenAccess.objects.filter(at__lt=cutoff).exclude(_held("citizen_id", "citizen_id"))


def _delete_read_log(ids: list[int]) -> int:
    n, _ = CitizenAccess.objects.filter(pk__in=ids).delete()
    return n


def _citizens(cutoff: datetime) -> QuerySet:
    """Citizens whose every record is older than the cutoff and who have no open case and
    no hold on them, their tickets or their contacts: the file itself is anonymised."""
    c = OuterRef("pk")
    recent_or_open = [
        Ticket.objects.filter(citizen_id=c).filter(
            ~Q(status__in=DONE_TICKET_STATUSES) | Q(received_at__gte=cutoff) | Q(closed_at__gte=cutoff)
        ),
        Contact.objects.filter(citizen_id=c, offered_at__gte=cutoff),
        Chat.objects.filter(citizen_id=c).filter(Q(requested_at__gte=cutoff) | Q(status__in=Chat.OPEN)),
        VideoCall.objects.filter(citizen_id=c, requested_at__gte=cutoff),
        Appointment.objects.filter(citizen_id=c).filter(
            Q(slot_start__gte=cutoff) | Q(status__in=[AppointmentStatus.BOOKED, AppointmentStatus.CHECKED_IN])
        ),
        Escalation.objects.filter(citizen_id=c).filter(
            Q(status__in=list(OPEN_ESCALATION_STATUSES)) | Q(received_at__gte=cutoff)
        ),
        Referral.objects.filter(citizen_id=c).filter(
            Q(status__in=list(PENDING_REFERRAL_STATUSES)) | Q(referred_at__gte=cutoff)
        ),
        DataSubjectRequest.objects.filter(citizen_id=c).filter(
            Q(status__in=list(OPEN_REQUEST_STATUSES)) | Q(received_at__gte=cutoff)
        ),
        FollowUp.objects.filter(citizen_id=c, status=FollowUp.Status.OPEN),
        Callback.objects.filter(citizen_id=c, status=Callback.Status.SCHEDULED),
        HousingFile.objects.filter(citizen_id=c).filter(
            Q(status__in=ACTIVE_HOUSING_FILE_STATUSES) | Q(updated_at__gte=cutoff)
        ),
        _active_holds().filter(citizen_id=c),
        _active_holds().filter(ticket__citizen_id=c),
        _active_holds().filter(contact__citizen_id=c),
    ]
    queryset = Citizen.objects.filter(created_at__lt=cutoff, updated_at__lt=cutoff).exclude(
        cpr__startswith=ANON_CPR_PREFIX
    )
    for subquery in recent_or_open:
        queryset = queryset.exclude(Exists(subquery))
    return queryset


def _anonymise_citizens(ids: list[int]) -> int:
    citizens = [Citizen(pk=pk, cpr=f"{ANON_CPR_PREFIX}{pk:08d}") for pk in ids]
    Citizen.objects.bulk_update(citizens, ["cpr"])
    n = Citizen.objects.filter(pk__in=ids).update(
        name_ar=ANON_NAME_AR, name_en=ANON_NAME_EN, email="", block="", road="", building="", flat="", area=""
    )
    phone_ids = list(CitizenPhone.objects.filter(citizen_id__in=ids).values_list("pk", flat=True))
    CitizenPhone.objects.filter(pk__in=phone_ids).delete()
    CitizenPhoneEvent.objects.filter(citizen_id__in=ids).update(number="")
    files = list(HousingFile.objects.filter(citizen_id__in=ids).values_list("pk", flat=True))
    HousingFile.objects.bulk_update(
        [HousingFile(pk=pk, application_number=f"ANON-{pk}", project="") for pk in files],
        ["application_number", "project"],
    )
    after_anonymise(Citizen, ids)
    after_anonymise(CitizenPhone, phone_ids)
    after_anonymise(HousingFile, files)
    return n


@dataclass(frozen=True)
class Sweep:
    kind: str
    eligible: Callable[[datetime], QuerySet]
    apply: Callable[[list[int]], int]


SWEEPS: dict[str, Sweep] = {
    Kind.CLOSED_TICKETS: Sweep(Kind.CLOSED_TICKETS, _tickets, _anonymise_tickets),
    Kind.ATTACHMENTS: Sweep(Kind.ATTACHMENTS, _attachments, _delete_attachments),
    Kind.CONTACTS: Sweep(Kind.CONTACTS, _contacts, _anonymise_contacts),
    Kind.CALL_NOTES: Sweep(Kind.CALL_NOTES, _call_notes, _purge_call_notes),
    Kind.UYC_CASES: Sweep(Kind.UYC_CASES, _uyc_cases, _anonymise_uyc_cases),
    Kind.CHATS: Sweep(Kind.CHATS, _chats, _anonymise_chats),
    Kind.VIDEO_CALLS: Sweep(Kind.VIDEO_CALLS, _video_calls, _anonymise_video_calls),
    Kind.APPOINTMENTS: Sweep(Kind.APPOINTMENTS, _appointments, _anonymise_appointments),
    Kind.OUTBOX: Sweep(Kind.OUTBOX, _outbox, _anonymise_outbox),
    Kind.READ_LOG: Sweep(Kind.READ_LOG, _read_log, _delete_read_log),
    Kind.CITIZENS: Sweep(Kind.CITIZENS, _citizens, _anonymise_citizens),
}
