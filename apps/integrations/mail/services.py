"""Inbound e-mail: read the mailbox, and file each message once.

``mail_fetch`` reads the new messages over IMAP with TLS; ``mail_receive`` decides what one
raw message becomes. Every message seen leaves an ``InboundEmail`` row (its raw bytes kept),
keyed by its Message-ID, so fetching twice files once and nothing is lost even when filing
fails.
"""

from __future__ import annotations

import imaplib
import logging
import re
import ssl
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.citizens import selectors as citizen_selectors
from apps.core.errors import ApplicationError
from apps.integrations.mail import notify, parsing
from apps.integrations.mail.models import InboundEmail, MailboxState
from apps.notifications.choices import Channel
from apps.notifications.services import notification_queue
from apps.tickets import attachments as attachment_rules
from apps.tickets import review_numbers
from apps.tickets import selectors as ticket_selectors
from apps.tickets import services as ticket_services
from apps.tickets.models import Ticket

logger = logging.getLogger(__name__)

Outcome = InboundEmail.Outcome
_NOISE = {parsing.AUTO_REPLY: Outcome.AUTO_REPLY, parsing.BOUNCE: Outcome.BOUNCE}
_NOISE[parsing.MAILING_LIST] = Outcome.MAILING_LIST
FETCH_BATCH = 100


class MailboxUnavailable(ApplicationError):
    code = "mailbox_unavailable"
    status = 503


# --- one message -----------------------------------------------------------------------


def mail_receive(
    *,
    raw: bytes,
    size: int | None = None,
    folder: str = "",
    uidvalidity: int | None = None,
    uid: int | None = None,
    now: datetime | None = None,
) -> InboundEmail:
    """What one message becomes; a message seen before returns its earlier row, unchanged.

    1. Parse it safely (``parsing.parse``) and key it by Message-ID (or its hash).
    2. Noise (automatic replies, bounces, mailing lists): kept, never answered.
    3. Over ``HOUSING_MAIL_MAX_BYTES``: its headers kept, a polite refusal to the sender.
    4. A sender over the flood limit: kept, neither filed nor answered.
    5. A review number of an open ticket of the same sender (matched by the e-mail on file):
       the citizen's reply on that ticket (resuming it when it awaited the citizen). Anyone
       else's review number changes nothing: the message becomes a new ticket.
    6. Otherwise a new e-mail ticket for the citizen matched by address (or by a CPR number in
       the message), with its acceptable attachments; ``ticket_create`` queues the
       acknowledgement with the review number. A sender no file holds is asked for the CPR.

    Each message is decided in its own transaction; when filing fails the message is kept
    with the reason (outcome ``failed``) for staff, and the failure is logged.
    """
    now = now or timezone.now()
    size = len(raw) if size is None else size
    parsed = parsing.parse(raw)
    key = parsing.message_key(parsed.message_id, raw)
    seen = InboundEmail.objects.filter(key=key).first()
    if seen is not None:
        return seen
    record = InboundEmail(
        key=key,
        message_id=parsed.message_id,
        folder=folder,
        uidvalidity=uidvalidity,
        uid=uid,
        sender=parsed.sender,
        sender_name=parsed.sender_name,
        subject=parsed.subject,
        sent_at=parsed.sent_at,
        received_at=now,
        size=size,
        raw=raw,
    )
    try:
        with transaction.atomic():
            _decide(record, parsed, now=now)
            record.save()
        return record
    except IntegrityError:
        # The same message filed a moment ago by a concurrent fetch (unique key or UID).
        existing = InboundEmail.objects.filter(key=key).first()
        if existing is not None:
            return existing
        raise
    except Exception as error:  # noqa: BLE001 - nothing is lost: kept for staff with the reason
        logger.exception("inbound e-mail %s could not be filed", key)
        record.pk, record.ticket = None, None
        record.outcome = Outcome.FAILED
        record.note = str(getattr(error, "message", "") or error)[:2000]
        record.save()
        return record


def _decide(record: InboundEmail, parsed: parsing.ParsedMail, *, now: datetime) -> None:
    if parsed.noise:
        record.outcome = _NOISE[parsed.noise]
        return
    limit = settings.HOUSING_MAIL_MAX_BYTES
    if record.size > limit:
        record.outcome = Outcome.TOO_LARGE
        record.raw = _headers_only(bytes(record.raw))
        _answer(record, notify.TOO_LARGE, {"limit": filesizeformat(limit)})
        return
    window = now - timedelta(seconds=settings.HOUSING_MAIL_FLOOD_WINDOW_SECONDS)
    recent = InboundEmail.objects.filter(sender=record.sender, received_at__gte=window).count()
    if record.sender and recent >= settings.HOUSING_MAIL_FLOOD_LIMIT:
        record.outcome = Outcome.THROTTLED
        return

    citizen = citizen_selectors.citizen_by_email(email=parsed.sender)
    files, refused = _acceptable(parsed.attachments)
    if citizen is not None:
        ticket = _own_open_ticket(citizen, parsed)
        if ticket is not None:
            room = max(attachment_rules.max_per_ticket() - ticket.attachments.count(), 0)
            refused += [upload.name for upload in files[room:]]
            with translation.override(citizen.language):
                ticket_services.ticket_citizen_reply(
                    ticket=ticket,
                    body=parsed.text or _("(The e-mail had no text.)"),
                    uploads=files[:room],
                    reason=_("The citizen replied by e-mail."),
                    now=now,
                )
            record.outcome, record.ticket = Outcome.THREADED, ticket
            record.note = _refused_note(refused)
            return
    if citizen is None:
        for cpr in parsing.cpr_candidates(parsed.subject, parsed.text):
            citizen = citizen_selectors.citizen_by_cpr(cpr=cpr)
            if citizen is not None:
                break
    if citizen is None:
        record.outcome = Outcome.UNKNOWN_SENDER
        _answer(record, notify.CITIZEN_UNKNOWN, {})
        return
    room = attachment_rules.max_per_ticket()
    refused += [upload.name for upload in files[room:]]
    with translation.override(citizen.language):
        subject = parsed.subject or _first_line(parsed.text) or _("E-mail without a subject")
        ticket = ticket_services.ticket_create(
            kind=settings.HOUSING_MAIL_TICKET_KIND,
            channel=Ticket.Channel.EMAIL,
            subject=subject,
            description=parsed.text or _("(The e-mail had no text.)"),
            actor=None,
            citizen=citizen,
            uploads=files[:room],
            now=now,
        )
    record.outcome, record.ticket = Outcome.FILED, ticket
    record.note = _refused_note(refused)


def _own_open_ticket(citizen, parsed: parsing.ParsedMail) -> Ticket | None:
    """The first review number in the subject or text that names an open ticket of ``citizen``."""
    for candidate in parsing.review_number_candidates(parsed.subject, parsed.text):
        try:
            number = review_numbers.parse(candidate)
        except ApplicationError:
            continue
        ticket = ticket_selectors.citizen_open_ticket(number=number, citizen_id=citizen.pk)
        if ticket is not None:
            return ticket
    return None


def _acceptable(attachments: list[parsing.Attachment]) -> tuple[list[ContentFile], list[str]]:
    """The attachments the ticket rules accept (type by content, size); the names of the others."""
    files, refused = [], []
    for attachment in attachments:
        upload = ContentFile(attachment.content, name=attachment.name)
        try:
            attachment_rules.check_upload(upload, existing=0)
        except ApplicationError:
            refused.append(attachment.name)
            continue
        files.append(upload)
    return files, refused


def _refused_note(names: list[str]) -> str:
    if not names:
        return ""
    return _("Attachments not added (type, size or number refused; kept in the raw message): %(names)s") % {
        "names": ", ".join(names)
    }


def _first_line(text: str) -> str:
    for line in (text or "").splitlines():
        if line.strip():
            return line.strip()[:80]
    return ""


def _headers_only(raw: bytes) -> bytes:
    end = re.search(rb"\r?\n\r?\n", raw)
    return raw[: end.start()] if end else raw[:65536]


def _answer(record: InboundEmail, event: str, context: dict) -> None:
    if not record.sender or "@" not in record.sender:
        return
    notification_queue(
        event=event, context=context, to_email=record.sender, language="ar", channels=[Channel.EMAIL]
    )


# --- the mailbox -----------------------------------------------------------------------


@dataclass
class FetchResult:
    seen: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"seen": self.seen, **self.outcomes}


def _connect() -> imaplib.IMAP4_SSL:
    host = settings.HOUSING_MAIL_IMAP_HOST
    context = ssl.create_default_context(cafile=settings.HOUSING_MAIL_IMAP_CA_FILE or None)
    if settings.HOUSING_MAIL_IMAP_CA_FILE:
        # A private authority's certificate for this one server: trusted by its file, and
        # the loopback address it is reached on need not be among its names.
        context.check_hostname = False
    try:
        imap = imaplib.IMAP4_SSL(host, settings.HOUSING_MAIL_IMAP_PORT, ssl_context=context, timeout=30)
        imap.login(settings.HOUSING_MAIL_IMAP_USER, settings.HOUSING_MAIL_IMAP_PASSWORD)
    except (OSError, imaplib.IMAP4.error) as error:
        raise MailboxUnavailable(_("The mailbox cannot be reached: %(error)s") % {"error": error}) from error
    return imap


def _uids(data) -> list[int]:
    return [int(uid) for uid in (data[0] or b"").split() if uid.isdigit()] if data else []


def _fetched(data) -> dict[int, tuple[int, bytes]]:
    """UID → (size, bytes) from an IMAP FETCH answer."""
    found: dict[int, tuple[int, bytes]] = {}
    for item in data or []:
        if not isinstance(item, tuple) or len(item) < 2:
            continue
        meta = item[0].decode("ascii", "replace")
        uid = re.search(r"UID (\d+)", meta)
        size = re.search(r"RFC822\.SIZE (\d+)", meta)
        if uid:
            found[int(uid.group(1))] = (int(size.group(1)) if size else len(item[1]), item[1])
    return found


def mail_fetch(*, now: datetime | None = None, limit: int | None = None) -> FetchResult:
    """Read the messages that arrived since the last fetch and file each (``mail_receive``).

    1. Open the folder; a new UIDVALIDITY means the server renumbered it: read it all again
       (the Message-ID keys keep that from filing anything twice).
    2. Ask for the UIDs above the last one read, then fetch them in batches: the size first,
       the whole message for those within the limit, the headers only for the others.
    3. File each, mark it seen on the server, and move the mark of how far we read.
    """
    folder = settings.HOUSING_MAIL_IMAP_FOLDER
    if not settings.HOUSING_MAIL_IMAP_HOST:
        return FetchResult()
    result = FetchResult()
    imap = _connect()
    try:
        status, data = imap.select(_quoted(folder))
        if status != "OK":
            raise MailboxUnavailable(_("The mail folder %(folder)s cannot be opened.") % {"folder": folder})
        validity = int((imap.response("UIDVALIDITY")[1] or [b"0"])[0] or 0)
        state, _created = MailboxState.objects.get_or_create(folder=folder)
        if state.uidvalidity != validity:
            state.uidvalidity, state.last_uid = validity, 0
        status, data = imap.uid("SEARCH", None, f"UID {state.last_uid + 1}:*")
        # "N:*" always includes the newest message, even when it is older than N.
        uids = sorted(uid for uid in _uids(data) if uid > state.last_uid)
        if limit is not None:
            uids = uids[:limit]
        max_bytes = settings.HOUSING_MAIL_MAX_BYTES
        for start in range(0, len(uids), FETCH_BATCH):
            batch = uids[start : start + FETCH_BATCH]
            sizes = _fetched_sizes(imap, batch)
            small = [uid for uid in batch if sizes.get(uid, 0) <= max_bytes]
            large = [uid for uid in batch if sizes.get(uid, 0) > max_bytes]
            messages: dict[int, tuple[int, bytes]] = {}
            if small:
                messages.update(_fetched(imap.uid("FETCH", _set(small), "(RFC822.SIZE BODY.PEEK[])")[1]))
            if large:
                messages.update(
                    _fetched(imap.uid("FETCH", _set(large), "(RFC822.SIZE BODY.PEEK[HEADER])")[1])
                )
            for uid in batch:
                if uid not in messages:
                    continue  # expunged meanwhile
                size, raw = messages[uid]
                record = mail_receive(
                    raw=raw, size=sizes.get(uid, size), folder=folder, uidvalidity=validity, uid=uid, now=now
                )
                result.seen += 1
                outcome = str(record.outcome)
                result.outcomes[outcome] = result.outcomes.get(outcome, 0) + 1
            imap.uid("STORE", _set(batch), "+FLAGS.SILENT", r"(\Seen)")
            state.last_uid = max(batch)
            state.fetched_at = timezone.now()
            state.save()
        state.fetched_at = timezone.now()
        state.save()
    finally:
        try:
            imap.logout()
        except (OSError, imaplib.IMAP4.error):
            pass
    return result


def _fetched_sizes(imap: imaplib.IMAP4_SSL, uids: list[int]) -> dict[int, int]:
    sizes: dict[int, int] = {}
    for item in imap.uid("FETCH", _set(uids), "(RFC822.SIZE)")[1] or []:
        line = item.decode("ascii", "replace") if isinstance(item, bytes) else ""
        uid, size = re.search(r"UID (\d+)", line), re.search(r"RFC822\.SIZE (\d+)", line)
        if uid and size:
            sizes[int(uid.group(1))] = int(size.group(1))
    return sizes


def _set(uids: list[int]) -> str:
    return ",".join(str(uid) for uid in uids)


def _quoted(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'
