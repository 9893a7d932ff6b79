"""A citizen's text message: threaded to their open ticket, or logged as a contact.

The gateway posts each message signed (``apps.integrations.signing``, secrets
``HOUSING_SMS_SECRETS``) as ``{"message_id", "from", "text", "received_at"?}``; see README.md.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.citizens import selectors as citizen_selectors
from apps.contacts import services as contact_services
from apps.contacts.models import Channel as ContactChannel
from apps.core.errors import ValidationFailed
from apps.core.text import latin_digits
from apps.integrations import http, signing
from apps.integrations.sms.models import InboundSms
from apps.notifications.sms import UnusablePhone, normalise_mobile
from apps.tickets import review_numbers
from apps.tickets import services as ticket_services
from apps.tickets.models import Ticket
from apps.tickets.workflow import NO_REPLY_STATUSES, OPEN_STATUSES

logger = logging.getLogger(__name__)

PARTNER = "sms"
FIELDS = ("message_id", "from", "text", "received_at")
MAX_TEXT = 2000
# Digits (any script: read through latin_digits first) with what people type between them.
_CANDIDATE = re.compile(r"\d[\d\s\-\u2010-\u2015\u2212_./\u200e\u200f\u061c\u2066-\u2069]{8,40}\d")
_GAP = re.compile(r"\s+")


@dataclass(frozen=True)
class Filed:
    sms: InboundSms
    duplicate: bool

    def as_json(self) -> dict:
        return {
            "message_id": self.sms.message_id,
            "outcome": self.sms.outcome,
            "duplicate": self.duplicate,
        }


def review_numbers_in(text: str) -> list[str]:
    """Every well-formed review number in a text, canonical (``2026-004817-3``), in order.

    Arabic-Indic digits, spaces and dashes are read as the tracking page reads them
    (``review_numbers.parse``). A run of digits that is not one review number as a whole
    (a number typed right after it, say) is tried piece by piece between its spaces.
    """
    found: list[str] = []
    for match in _CANDIDATE.finditer(latin_digits(text or "")):
        pieces = [p for p in _GAP.split(match.group()) if p]
        for start in range(len(pieces)):
            for end in range(len(pieces), start, -1):
                try:
                    number = str(review_numbers.parse(" ".join(pieces[start:end])))
                except ValidationFailed:
                    continue
                if number not in found:
                    found.append(number)
                break
    return found


def _owned_open_ticket(*, numbers: list[str], mobile: str) -> Ticket | None:
    """The first of these tickets that is open and belongs to this mobile: the ticket's own
    contact phone or one of its citizen's numbers. Someone else's number threads nothing."""
    if not numbers:
        return None
    tickets = (
        Ticket.objects.filter(review_number__in=numbers, status__in=OPEN_STATUSES)
        .exclude(status__in=NO_REPLY_STATUSES)
        .select_related("citizen")
        .prefetch_related("citizen__phones")
    )
    by_number = {t.review_number: t for t in tickets}
    for number in numbers:
        ticket = by_number.get(number)
        if ticket is None:
            continue
        phones = {ticket.contact_phone}
        if ticket.citizen is not None:
            phones |= {str(p.number) for p in ticket.citizen.phones.all()}
        if mobile in phones:
            return ticket
    return None


def _parse(data: dict) -> tuple[str, str, str, datetime | None]:
    http.refuse_unknown(data, FIELDS)
    message_id = http.text_field(data, "message_id", required=True, max_length=100)
    raw_from = http.text_field(data, "from", required=True, max_length=40)
    text = http.text_field(data, "text", required=True, max_length=MAX_TEXT)
    try:
        mobile = normalise_mobile(raw_from)
    except UnusablePhone as error:
        raise ValidationFailed(code="invalid_phone", details={"from": [str(error.message)]}) from None
    received_at = http.datetime_field(data, "received_at")
    return message_id, mobile, text, received_at


@transaction.atomic
def sms_receive(*, headers, body: bytes, now: datetime | None = None) -> Filed:
    """File one signed inbound text message, once per gateway id.

    1. Verify the signature (window, rotation) and the fields.
    2. The same gateway id again: answer with the first outcome, write nothing.
    3. A review number in the text of an open ticket that belongs to this mobile: the text
       is added as the citizen's reply (``tickets.services.ticket_citizen_reply``: a ticket
       awaiting the citizen resumes its clocks).
    4. Otherwise it is logged as a contact on the SMS channel (the citizen found by the
       number when known), for an agent to deal with. Nothing is ever dropped.
    """
    now = now or timezone.now()
    # No receipt of the signature is kept: filing is idempotent on the gateway's id, so the
    # very same bytes again (the gateway's retry after a time-out) get the first outcome.
    signing.verify(secrets=signing.partner_secrets(PARTNER), headers=headers, body=body, now=now)
    message_id, mobile, text, received_at = _parse(http.parse_object(body))
    existing = InboundSms.objects.filter(message_id=message_id).first()
    if existing is not None:
        return Filed(existing, duplicate=True)
    at = min(received_at or now, now)
    try:
        with transaction.atomic():
            ticket = _owned_open_ticket(numbers=review_numbers_in(text), mobile=mobile)
            contact = None
            if ticket is not None:
                ticket_services.ticket_citizen_reply(ticket=ticket, body=text, via="sms", now=now)
                outcome = InboundSms.Outcome.THREADED
            else:
                contact = contact_services.contact_message_received(
                    channel=ContactChannel.SMS,
                    received_at=at,
                    purpose=None,
                    citizen=citizen_selectors.citizen_by_phone(phone=mobile),
                    caller_number=mobile,
                    notes=text,
                )
                outcome = InboundSms.Outcome.LOGGED
            sms = InboundSms.objects.create(
                message_id=message_id,
                from_number=mobile,
                text=text,
                received_at=at,
                outcome=outcome,
                ticket=ticket,
                contact=contact,
            )
    except IntegrityError:
        # The same gateway id arriving twice at once: the first one filed it.
        existing = InboundSms.objects.filter(message_id=message_id).first()
        if existing is None:
            raise
        return Filed(existing, duplicate=True)
    logger.info("sms: message %s from %s %s", message_id, mobile[:-4] + "****", outcome)
    return Filed(sms, duplicate=False)


def max_body_bytes() -> int:
    return int(getattr(settings, "HOUSING_SMS_INBOUND_MAX_BODY_BYTES", 16 * 1024))
