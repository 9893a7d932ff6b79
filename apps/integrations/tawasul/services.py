"""Writes of the Tawasul integration: receiving a message (webhook or poll) as a ticket, and
queuing what goes back to Tawasul through the partner outbox.

Tawasul's contract as this product assumes it is in README.md beside this module.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.citizens import selectors as citizen_selectors
from apps.core import confidentiality
from apps.core.errors import ApplicationError, ValidationFailed
from apps.integrations import http, signing
from apps.integrations.outbound.services import delivery_queue
from apps.integrations.tawasul import conf
from apps.integrations.tawasul.models import TawasulMessage
from apps.tickets import services as ticket_services
from apps.tickets.models import Ticket, TicketEvent
from apps.tickets.workflow import HELD_BY_A_SERVICE

logger = logging.getLogger(__name__)

PARTNER = "tawasul"
KINDS = (Ticket.Kind.COMPLAINT, Ticket.Kind.INQUIRY, Ticket.Kind.SUGGESTION)
FIELDS = ("reference", "kind", "subject", "text", "submitted_at", "citizen")
CITIZEN_FIELDS = ("cpr", "name", "mobile", "email", "language")
_REFERENCE_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_./")


_FIELD_NAMES = {
    "cpr": "citizen.cpr",
    "name_ar": "citizen.name",
    "phones": "citizen.mobile",
    "contact_phone": "citizen.mobile",
    "email": "citizen.email",
    "description": "text",
}


class UnknownKind(ValidationFailed):
    code = "unknown_kind"


@dataclass(frozen=True)
class Received:
    ticket: Ticket
    reference: str
    created: bool

    def as_json(self) -> dict[str, Any]:
        return {
            "reference": self.reference,
            "review_number": self.ticket.review_number,
            "status": self.ticket.status,
            "created": self.created,
        }


@dataclass(frozen=True)
class Message:
    reference: str
    kind: str
    subject: str
    text: str
    submitted_at: datetime | None
    citizen: dict[str, str] | None


def parse_message(data: dict[str, Any]) -> Message:
    """Check one message against the contract (README.md); unknown fields are refused."""
    http.refuse_unknown(data, FIELDS)
    reference = http.text_field(data, "reference", required=True, max_length=60)
    if not set(reference) <= _REFERENCE_CHARS:
        raise ValidationFailed(
            code="invalid_reference",
            details={"reference": [_("Use Latin letters, digits and - _ . / only.")]},
        )
    kind = http.text_field(data, "kind", required=True, max_length=20)
    if kind not in KINDS:
        raise UnknownKind(
            _("Unknown kind: use complaint, inquiry or suggestion."),
            details={"kind": [_("Use complaint, inquiry or suggestion.")]},
        )
    subject = http.text_field(data, "subject", required=True, max_length=200)
    text = http.text_field(data, "text", required=True, max_length=settings.HOUSING_TEXT_MAX_CHARS)
    submitted_at = http.datetime_field(data, "submitted_at")
    citizen = data.get("citizen")
    if citizen is not None:
        if not isinstance(citizen, dict):
            raise ValidationFailed(details={"citizen": [_("Give an object.")]})
        http.refuse_unknown(citizen, CITIZEN_FIELDS, where="citizen")
        citizen = {
            name: http.text_field(citizen, name, required=False, max_length=200, where="citizen")
            for name in CITIZEN_FIELDS
        }
        if not any(citizen.values()):
            citizen = None
    if citizen is None and kind != Ticket.Kind.SUGGESTION:
        raise ValidationFailed(
            _("Only a suggestion may come without the citizen's details."),
            code="citizen_required",
            details={"citizen": [_("Required.")]},
        )
    if citizen is not None:
        for name in ("cpr", "name", "mobile"):
            if not citizen[name]:
                raise ValidationFailed(
                    _("Some required information is missing."),
                    code="required",
                    details={f"citizen.{name}": [_("Required.")]},
                )
    return Message(reference, kind, subject, text, submitted_at, citizen)


def _existing(reference: str) -> TawasulMessage | None:
    return TawasulMessage.objects.select_related("ticket").filter(reference=reference).first()


def message_accept(*, message: Message, via: str, now: datetime | None = None) -> Received:
    """File one Tawasul message as a ticket, once per Tawasul reference.

    1. A reference already received answers with its ticket; nothing new is written.
    2. The citizen is found by CPR, or added with the name and mobile Tawasul gave (in this
       same transaction, so a refused ticket leaves no citizen behind); a suggestion
       without the citizen's details is anonymous.
    3. The ticket is created through ``tickets.services.ticket_create`` (channel Tawasul,
       Tawasul's reference as its external reference, searchable), the message row written,
       and the acknowledgement with our review number queued for Tawasul — all in one
       transaction. Two deliveries of one reference at once: the second one's insert waits
       on the unique index, fails, its whole transaction rolls back, and it answers with
       the first one's ticket.

    The look-ups of step 1 and 2 read committed rows and need no transaction of their own;
    the transaction holds the writes only, with no read-back (the answer is built from the
    ticket just written).
    """
    now = now or timezone.now()
    found = _existing(message.reference)
    if found is not None:
        return Received(found.ticket, message.reference, created=False)
    try:
        citizen = new_citizen = None
        anonymous = message.citizen is None
        language = "ar"
        if message.citizen is not None:
            language = message.citizen["language"] if message.citizen["language"] in ("ar", "en") else "ar"
            citizen = citizen_selectors.citizen_by_cpr(cpr=message.citizen["cpr"])
            if citizen is None:
                new_citizen = {
                    "cpr": message.citizen["cpr"],
                    "name_ar": message.citizen["name"],
                    "phones": [message.citizen["mobile"]],
                    "email": message.citizen["email"],
                    "language": language,
                }
        with transaction.atomic():
            ticket = ticket_services.ticket_create(
                kind=message.kind,
                channel=Ticket.Channel.TAWASUL,
                subject=message.subject,
                description=message.text,
                actor=None,
                citizen=citizen,
                new_citizen=new_citizen,
                anonymous=anonymous,
                contact_phone=message.citizen["mobile"] if message.citizen else "",
                external_reference=message.reference,
                language=language,
                now=now,
            )
            TawasulMessage.objects.create(
                reference=message.reference,
                ticket=ticket,
                via=via,
                received_at=now,
                submitted_at=message.submitted_at,
            )
            _queue(
                ticket=ticket,
                reference=message.reference,
                event="acknowledgement",
                body={"received_at": now.isoformat()},
                dedupe_key=f"tawasul:ack:{ticket.pk}",
                now=now,
                fresh=True,  # the ticket was created just now: no acknowledgement of it can exist
            )
    except IntegrityError:
        found = _existing(message.reference)
        if found is None:
            raise
        return Received(found.ticket, message.reference, created=False)
    except ValidationFailed as error:
        # Name the fields as Tawasul sent them, not as the tickets and citizens apps call them.
        error.details = {_FIELD_NAMES.get(k, k): v for k, v in (error.details or {}).items()}
        raise
    logger.info("tawasul: message %s filed as ticket %s (%s)", message.reference, ticket.review_number, via)
    return Received(ticket, message.reference, created=True)


def message_receive(*, headers, body: bytes, now: datetime | None = None) -> Received:
    """A webhook delivery: verified (signature within its window), then accepted.

    No receipt of the signature is kept: receiving is idempotent on Tawasul's reference,
    so a resend of the very same bytes (Tawasul's own retry after a time-out, or a copy
    replayed within the window) gets the answer the first one got and creates nothing.
    """
    now = now or timezone.now()
    signing.verify(secrets=signing.partner_secrets(PARTNER), headers=headers, body=body, now=now)
    message = parse_message(http.parse_object(body))
    return message_accept(message=message, via=TawasulMessage.Via.WEBHOOK, now=now)


# --------------------------------------------------------------------------- outbound


def _status_labels(status: str) -> dict[str, str]:
    labels = {}
    for language in ("ar", "en"):
        with translation.override(language):
            labels[language] = str(Ticket.Status(status).label)
    return labels


def _queue(
    *,
    ticket: Ticket,
    reference: str,
    event: str,
    body: dict,
    dedupe_key: str,
    now: datetime,
    fresh: bool = False,
) -> None:
    url = conf.get("HOUSING_TAWASUL_OUTBOUND_URL")
    if not url:
        logger.info("tawasul: no HOUSING_TAWASUL_OUTBOUND_URL; %s for %s not queued", event, reference)
        return
    delivery_queue(
        partner=PARTNER,
        event=f"tawasul.{event}",
        target_url=url,
        payload={
            "event": event,
            "reference": reference,
            "review_number": ticket.review_number,
            "status": ticket.status,
            "status_label": _status_labels(ticket.status),
            **body,
        },
        secret_ref=PARTNER,
        source=f"tickets.ticket:{ticket.pk}",
        dedupe_key=dedupe_key,
        fresh=fresh,
        now=now,
    )


def ticket_event_forward(*, event: TicketEvent) -> None:
    """Queue for Tawasul what it must hear of one timeline entry of a Tawasul ticket.

    Only public replies and status changes travel, never an internal note, an assignment
    or a status change's reason (staff text); nothing at all of a ticket the one
    confidentiality policy marks confidential ("Under Your Command"), whatever its channel.
    Runs inside the transaction that wrote the entry, so a rolled-back reply sends nothing.
    """
    if event.kind not in (TicketEvent.Kind.PUBLIC_REPLY, TicketEvent.Kind.STATUS_CHANGE):
        return
    ticket = event.ticket
    if confidentiality.is_confidential(ticket) or confidentiality.is_confidential(event):
        return
    if event.kind == TicketEvent.Kind.STATUS_CHANGE and event.to_status in HELD_BY_A_SERVICE:
        # A move into "Under Your Command" is that module's business: Tawasul hears the
        # answer (responded) when the decision reaches the citizen, not that it went there.
        return
    link = TawasulMessage.objects.filter(ticket_id=ticket.pk).only("reference").first()
    if link is None:
        return
    if event.kind == TicketEvent.Kind.PUBLIC_REPLY:
        body = {"reply_id": event.pk, "text": event.body, "replied_at": event.at.isoformat()}
        name = "reply"
    else:
        body = {
            "status": event.to_status,
            "status_label": _status_labels(event.to_status),
            "previous_status": event.from_status,
            "changed_at": event.at.isoformat(),
        }
        name = "status"
    _queue(
        ticket=ticket,
        reference=link.reference,
        event=name,
        body=body,
        dedupe_key=f"tawasul:event:{event.pk}",
        now=event.at,
    )


# --------------------------------------------------------------------------- polling


@dataclass
class PollResult:
    fetched: int = 0
    created: int = 0
    existing: int = 0
    refused: int = 0


class PollFailed(ApplicationError):
    code = "tawasul_poll_failed"
    status = 502


def tawasul_poll(*, now: datetime | None = None) -> PollResult:
    """Fetch Tawasul's new messages (the alternative to its webhook) and file each one.

    The request is signed like every other one (empty body); the answer must be signed by
    Tawasul too, since it is authenticated the same way a webhook is. Each message is
    filed in its own transaction (``message_accept``), idempotent on its reference, so a
    message fetched twice, or both polled and delivered by webhook, is one ticket. A
    message that breaks the contract is logged and skipped; the others are filed.
    """
    now = now or timezone.now()
    url = conf.get("HOUSING_TAWASUL_POLL_URL")
    result = PollResult()
    if not url:
        return result
    secrets = signing.partner_secrets(PARTNER)
    if not secrets:
        raise PollFailed(_("No Tawasul secret is configured."))
    try:
        response = httpx.get(url, headers=signing.sign(secrets[0], b"", now=now), timeout=10.0)
    except httpx.HTTPError as error:
        raise PollFailed(_("Tawasul could not be reached: %(error)s") % {"error": error}) from None
    if response.status_code != 200:
        raise PollFailed(_("Tawasul answered %(code)d.") % {"code": response.status_code})
    signing.verify(secrets=secrets, headers=response.headers, body=response.content, now=now)
    data = http.parse_object(response.content)
    messages = data.get("messages")
    if not isinstance(messages, list):
        raise PollFailed(_("Tawasul's answer has no list of messages."))
    for item in messages:
        result.fetched += 1
        try:
            if not isinstance(item, dict):
                raise http.MalformedJson()
            received = message_accept(message=parse_message(item), via=TawasulMessage.Via.POLL, now=now)
        except ApplicationError as error:
            result.refused += 1
            reference = item.get("reference") if isinstance(item, dict) else None
            logger.warning("tawasul: polled message %r refused: %s %s", reference, error.code, error.details)
            continue
        if received.created:
            result.created += 1
        else:
            result.existing += 1
    return result
