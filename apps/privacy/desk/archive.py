"""The subject-access archive: everything held about one citizen, for the citizen.

Bahrain's Personal Data Protection Law gives a citizen the right to know what the ministry
holds about them. ``subject_access_archive_build`` gathers it through each owning app's
selectors and hands back one ``.zip`` holding:

- ``subject-access.json``: the machine-readable copy, one key per category (codes, not
  labels; ISO 8601 instants);
- ``subject-access.pdf``: the same, readable, in Arabic (right to left) then English, drawn
  on the product's one PDF set-up (``apps.core.pdf``);
- ``README.txt``: what the two files are, in both languages.

What is *about* the citizen but written by staff for staff (internal notes on tickets, call
notes, follow-ups between departments, committee case summaries, documents and
deliberations, "Under Your Command" routing) is listed as a **withheld category** with a
count: the archive says it exists and why it is withheld, never what it says. The rule is a
whitelist: a field reaches the archive only if it is written below.

Text the producing officer may not read ("Under Your Command" tickets and letters, through
``apps.core.confidentiality``, the one policy) is withheld too, counted under
``confidential``; an officer with that clearance produces the complete archive.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.appointments import selectors as appointment_selectors
from apps.citizens import selectors as citizen_selectors
from apps.committee import selectors as committee_selectors
from apps.contacts import selectors as contact_selectors
from apps.core import confidentiality
from apps.core.errors import NotFound, PermissionDenied
from apps.escalations import selectors as escalation_selectors
from apps.notifications import selectors as notification_selectors
from apps.privacy.desk.models import SubjectAccessLog
from apps.tickets import selectors as ticket_selectors

PERMISSION = "privacy_desk.produce_subject_access_archive"
FORMAT_VERSION = 1

# The categories the archive gives back, in the order the PDF shows them.
CATEGORIES = {
    "file": _("Personal file"),
    "phones": _("Phone numbers"),
    "housing_files": _("Housing files"),
    "contacts": _("Contacts with the ministry"),
    "tickets": _("Tickets and the replies sent"),
    "appointments": _("Appointments"),
    "messages": _("Messages sent"),
    "ratings": _("Satisfaction ratings"),
    "committee_decisions": _("Committee decisions told to the citizen"),
}

# What is withheld, and why: named in the archive, counted, never included.
WITHHELD = {
    "internal_notes": (
        _("Internal notes on tickets"),
        _("Notes staff write to one another while working a ticket."),
    ),
    "call_notes": (_("Call notes"), _("Notes the agent wrote about a call for colleagues.")),
    "follow_ups": (
        _("Follow-ups between departments"),
        _("Questions and answers passed between departments about a contact."),
    ),
    "committee_deliberations": (
        _("Committee case summaries and deliberations"),
        _("The case summary prepared for the committee, its discussion and its minutes."),
    ),
    "committee_documents": (
        _("Documents in committee cases"),
        _("Papers attached to a committee case by staff."),
    ),
    "uyc_internal": (
        _("“Under Your Command” internal routing"),
        _("How senior management routed, studied and decided a case internally."),
    ),
    "appointment_notes": (
        _("Front-desk notes on appointments"),
        _("Notes the branch staff wrote when serving an appointment."),
    ),
    "one_time_codes": (
        _("One-time codes"),
        _("Codes sent to sign in or confirm a request: secrets, not data about the person."),
    ),
    "confidential": (
        _("Confidential “Under Your Command” text"),
        _("Text that only officers with that clearance may read; they produce the complete archive."),
    ),
}


@dataclass(frozen=True)
class SubjectAccessArchive:
    filename: str
    content: bytes  # a .zip
    categories: dict[str, int]
    withheld: list[str]
    sha256: str = ""
    log_id: int | None = None


@dataclass
class Held:
    """Everything gathered, as the owning apps' rows; rendered to JSON and to the PDF."""

    citizen: object
    generated_at: datetime
    request_id: int | None
    tickets: list = field(default_factory=list)
    replies: dict[int, tuple] = field(default_factory=dict)
    hidden_tickets: set[int] = field(default_factory=set)
    contacts: list = field(default_factory=list)
    appointments: list = field(default_factory=list)
    messages: list = field(default_factory=list)
    decisions: list = field(default_factory=list)
    withheld: dict[str, int] = field(default_factory=dict)

    @property
    def ratings(self) -> list:
        return [t for t in self.tickets if t.rating is not None]

    def counts(self) -> dict[str, int]:
        return {
            "file": 1,
            "phones": len(self.citizen.phones.all()),
            "housing_files": len(self.citizen.housing_files.all()),
            "contacts": len(self.contacts),
            "tickets": len(self.tickets),
            "appointments": len(self.appointments),
            "messages": len(self.messages),
            "ratings": len(self.ratings),
            "committee_decisions": len(self.decisions),
        }


def can_produce(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.has_perm(PERMISSION))


def gather(*, citizen_id: int, actor, now: datetime, request_id: int | None = None) -> Held:
    """Read every category through its app's selectors (a fixed number of queries plus one or
    two per ticket for its public replies)."""
    citizen = citizen_selectors.citizen_for_subject_access(citizen_id=citizen_id)
    if citizen is None:
        raise NotFound()
    held = Held(citizen=citizen, generated_at=now, request_id=request_id)

    tickets = ticket_selectors.tickets_for_subject_access(citizen_id=citizen.pk)
    confidentiality.redact(actor, tickets)
    held.tickets = tickets
    for ticket in tickets:
        if confidentiality.is_redacted(ticket):
            held.hidden_tickets.add(ticket.pk)
            continue
        held.replies[ticket.pk] = ticket_selectors.public_replies(ticket)

    held.contacts = contact_selectors.contacts_for_subject_access(citizen_id=citizen.pk)
    held.appointments = list(
        appointment_selectors.citizen_appointments(citizen=citizen).order_by("slot_start")
    )

    phones = [str(phone.number) for phone in citizen.phones.all()]
    messages, codes = notification_selectors.messages_for_subject_access(
        ref=citizen.notification_ref, phones=phones, email=citizen.email
    )
    confidentiality.redact(actor, messages)
    held.messages = [m for m in messages if not confidentiality.is_redacted(m)]

    held.decisions = committee_selectors.decisions_told_to_citizen(citizen_id=citizen.pk)

    internal = contact_selectors.internal_contact_counts(citizen_id=citizen.pk)
    committee = committee_selectors.internal_committee_counts(citizen_id=citizen.pk)
    held.withheld = {
        "internal_notes": sum(t.internal_notes for t in tickets),
        "call_notes": internal["call_notes"],
        "follow_ups": internal["follow_ups"],
        "committee_deliberations": committee["committee_cases"],
        "committee_documents": committee["committee_documents"],
        "uyc_internal": escalation_selectors.escalation_count_for_citizen(citizen_id=citizen.pk),
        "appointment_notes": sum(1 for a in held.appointments if a.served_note),
        "one_time_codes": codes,
        "confidential": len(held.hidden_tickets) + (len(messages) - len(held.messages)),
    }
    return held


# --- the machine-readable copy -------------------------------------------------------------


def _iso(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _label(obj, name: str) -> str:
    return str(getattr(obj, f"get_{name}_display")())


def as_json(held: Held) -> dict:
    c = held.citizen
    hidden = held.hidden_tickets
    return {
        "format": "housing-contact/subject-access",
        "version": FORMAT_VERSION,
        "generated_at": _iso(held.generated_at),
        "request_id": held.request_id,
        "file": {
            "cpr": c.cpr,
            "name_ar": c.name_ar,
            "name_en": c.name_en,
            "email": c.email,
            "language": c.language,
            "address": {
                "flat": c.flat,
                "building": c.building,
                "road": c.road,
                "block": c.block,
                "area": c.area,
            },
            "created_at": _iso(c.created_at),
            "updated_at": _iso(c.updated_at),
        },
        "phones": [
            {
                "number": str(p.number),
                "kind": p.kind,
                "is_primary": p.is_primary,
                "confirmed_at": _iso(p.confirmed_at),
                "added_at": _iso(p.created_at),
            }
            for p in c.phones.all()
        ],
        "housing_files": [
            {
                "application_number": h.application_number,
                "service": h.service,
                "application_date": _iso(h.application_date),
                "status": h.status,
                "project": h.project,
                "queue_position": h.queue_position,
                "status_changed_at": _iso(h.status_changed_at),
            }
            for h in c.housing_files.all()
        ],
        "contacts": [
            {
                "channel": k.channel,
                "offered_at": _iso(k.offered_at),
                "answered_at": _iso(k.answered_at),
                "ended_at": _iso(k.ended_at),
                "outcome": k.outcome,
                "from_number": k.caller_number,
                "purpose": {"ar": k.purpose.name_ar, "en": k.purpose.name_en} if k.purpose_id else None,
                "referred_to": (
                    {"ar": k.department.name_ar, "en": k.department.name_en} if k.department_id else None
                ),
                "ticket": k.ticket_review_number,
            }
            for k in held.contacts
        ],
        "tickets": [
            {
                "review_number": t.review_number,
                "kind": t.kind,
                "channel": t.channel,
                "category": ({"ar": t.category.name_ar, "en": t.category.name_en} if t.category_id else None),
                "subject": None if t.pk in hidden else t.subject,
                "description": None if t.pk in hidden else t.description,
                "withheld": t.pk in hidden,
                "status": t.status,
                "received_at": _iso(t.received_at),
                "responded_at": _iso(t.responded_at),
                "closed_at": _iso(t.closed_at),
                "merged_into": t.duplicate_of.review_number if t.duplicate_of_id else None,
                "public_replies": [{"at": _iso(r.at), "text": r.body} for r in held.replies.get(t.pk, ())],
            }
            for t in held.tickets
        ],
        "appointments": [
            {
                "reference": a.reference,
                "service": {"ar": a.service.name_ar, "en": a.service.name_en},
                "branch": {"ar": a.branch.name_ar, "en": a.branch.name_en},
                "slot_start": _iso(a.slot_start),
                "slot_end": _iso(a.slot_end),
                "status": a.status,
                "booked_through": a.channel,
                "booked_at": _iso(a.booked_at),
                "checked_in_at": _iso(a.checked_in_at),
                "served_at": _iso(a.served_at),
                "cancelled_at": _iso(a.cancelled_at),
                "cancel_reason": a.cancel_reason,
                "mobile": a.mobile,
            }
            for a in held.appointments
        ],
        "messages": [
            {
                "channel": m.channel,
                "to": m.to_phone or m.to_email,
                "language": m.language,
                "subject": m.subject,
                "text": m.body,
                "state": m.state,
                "created_at": _iso(m.created_at),
                "sent_at": _iso(m.sent_at),
            }
            for m in held.messages
        ],
        "ratings": [
            {
                "ticket": t.review_number,
                "rating": t.rating,
                "comment": None if t.pk in hidden else t.rating_comment,
                "rated_at": _iso(t.rated_at),
            }
            for t in held.ratings
        ],
        "committee_decisions": [
            {
                "case": d.referral.reference,
                "committee": {"ar": d.meeting.committee.name_ar, "en": d.meeting.committee.name_en},
                "meeting": d.meeting.label,
                "meeting_date": _iso(d.meeting.date),
                "outcome": d.outcome,
                "conditions": d.conditions,
                "reason": (
                    {"ar": d.rejection_reason.text_ar, "en": d.rejection_reason.text_en}
                    if d.rejection_reason_id
                    else None
                ),
                "explanation": d.reason_note,
                "what_is_needed": d.needs,
                "decided_at": _iso(d.final_at),
                "corrects_an_earlier_decision": bool(d.amends_id),
            }
            for d in held.decisions
        ],
        "withheld": [
            {
                "category": key,
                "count": count,
                "label_en": str(WITHHELD[key][0]),
                "reason_en": str(WITHHELD[key][1]),
            }
            for key, count in held.withheld.items()
            if count
        ],
    }


README = """subject-access.pdf  - everything held about you, in Arabic then in English.
subject-access.json - the same, machine-readable (UTF-8 JSON).
Categories that are withheld are named with a count in both files.

subject-access.pdf  - كل ما تحتفظ به الوزارة عنك، بالعربية ثم بالإنجليزية.
subject-access.json - البيانات نفسها بصيغة يقرؤها الحاسوب (JSON بترميز UTF-8).
الفئات المحجوبة مذكورة بعددها في الملفين.
"""


def _zip(*, pdf: bytes, data: dict, stamp: datetime) -> bytes:
    buffer = io.BytesIO()
    moment = timezone.localtime(stamp).timetuple()[:6]
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in (
            ("subject-access.pdf", pdf),
            ("subject-access.json", json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")),
            ("README.txt", README.encode("utf-8")),
        ):
            info = zipfile.ZipInfo(name, date_time=moment)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, content)
    return buffer.getvalue()


def subject_access_archive_build(
    *, citizen, actor, now: datetime | None = None, request_id: int | None = None
) -> SubjectAccessArchive:
    """Build the citizen's archive and log its production.

    1. Refuse unless ``actor`` holds ``privacy_desk.produce_subject_access_archive``.
    2. Gather every category through the owning apps' selectors; confidential text the
       actor may not read is withheld (``apps.core.confidentiality``).
    3. Render the JSON and the bilingual PDF, zip them with a README.
    4. Log the production (who, for whom, when, the request, the counts and the SHA-256 of
       the archive) in the same transaction; the bytes are not kept.
    """
    from apps.privacy.desk.archive_pdf import archive_pdf

    if not can_produce(actor):
        raise PermissionDenied()
    now = now or timezone.now()
    held = gather(citizen_id=citizen.pk, actor=actor, now=now, request_id=request_id)
    data = as_json(held)
    content = _zip(pdf=archive_pdf(held), data=data, stamp=now)
    digest = hashlib.sha256(content).hexdigest()
    filename = f"subject-access-{held.citizen.cpr}-{timezone.localtime(now):%Y%m%d-%H%M}.zip"
    counts = held.counts()
    withheld = [key for key, count in held.withheld.items() if count]
    with transaction.atomic():
        log = SubjectAccessLog.objects.create(
            citizen=held.citizen,
            actor=actor,
            at=now,
            request_id=request_id,
            filename=filename,
            size=len(content),
            sha256=digest,
            categories=counts,
            withheld=[{"category": key, "count": held.withheld[key]} for key in withheld],
        )
    return SubjectAccessArchive(
        filename=filename, content=content, categories=counts, withheld=withheld, sha256=digest, log_id=log.pk
    )
