"""Reading one raw e-mail safely, whatever shape it arrives in.

Nothing here raises on bad mail: broken MIME, a charset Python does not know, raw 8-bit
bytes in a header, a missing subject or an undecodable attachment all give a best-effort
``ParsedMail``. Bodies in Windows-1256 or ISO-8859-6 (still common for Arabic) are decoded
by their declared charset; undeclared bytes are tried as UTF-8, then Windows-1256.

``noise`` says whether the message must never be answered (RFC 3834 and what mail servers
do in practice): an automatic reply, a delivery report (bounce) or a mailing-list message.
"""

from __future__ import annotations

import codecs
import email
import hashlib
import html
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.header import decode_header
from email.message import Message
from email.utils import getaddresses, parsedate_to_datetime

from django.utils import timezone
from django.utils.html import strip_tags

from apps.core.text import latin_digits

AUTO_REPLY, BOUNCE, MAILING_LIST = "auto_reply", "bounce", "mailing_list"

# Charsets declared by Arabic mail clients, and what to try when none is declared.
_FALLBACKS = ("utf-8", "cp1256")
_SURROGATES = re.compile("[\udc80-\udcff]")
_BOUNCE_SENDERS = re.compile(r"^(mailer-daemon|postmaster|mail-daemon|mailerdaemon)@", re.I)
_REVIEW_NUMBER = re.compile(r"(?<!\d)(\d{4})[\s\-\u2010-\u2015]?(\d{6,9})[\s\-\u2010-\u2015]?(\d)(?!\d)")
_CPR = re.compile(r"(?<!\d)(\d{9})(?!\d)")


@dataclass
class Attachment:
    name: str
    content: bytes


@dataclass
class ParsedMail:
    message_id: str = ""
    sender: str = ""
    sender_name: str = ""
    subject: str = ""
    sent_at: datetime | None = None
    text: str = ""
    attachments: list[Attachment] = field(default_factory=list)
    noise: str = ""


def decode_bytes(data: bytes, charset: str | None = None) -> str:
    """Text from bytes in ``charset``; undeclared or wrong charsets fall back, never raise."""
    candidates = []
    if charset:
        name = charset.strip().strip('"').lower()
        try:
            candidates.append(codecs.lookup(name).name)
        except LookupError:
            pass
    candidates += [c for c in _FALLBACKS if c not in candidates]
    for candidate in candidates:
        try:
            return data.decode(candidate)
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode(candidates[0] if candidates else "utf-8", errors="replace")


def header_text(message: Message, name: str) -> str:
    """A header as text: RFC 2047 words decoded, raw 8-bit bytes guessed, never raising."""
    # The raw value: the parser's own header objects turn raw 8-bit bytes into U+FFFD.
    values = [v for k, v in message.raw_items() if k.lower() == name.lower()]
    if not values:
        return ""
    value = str(values[0])
    if _SURROGATES.search(value):
        return " ".join(decode_bytes(value.encode("ascii", "surrogateescape")).split())
    try:
        parts = decode_header(value)
    except Exception:
        return value.strip()
    text = "".join(
        decode_bytes(chunk, charset) if isinstance(chunk, bytes) else chunk for chunk, charset in parts
    )
    return " ".join(text.split())


def message_key(message_id: str, raw: bytes) -> str:
    if message_id:
        return message_id.strip().lower()[:255]
    return "sha256:" + hashlib.sha256(raw).hexdigest()


def _noise(message: Message, sender: str) -> str:
    content_type = (message.get_content_type() or "").lower()
    report_type = (message.get_param("report-type") or "") if content_type == "multipart/report" else ""
    if (
        str(report_type).lower() in ("delivery-status", "disposition-notification")
        or _BOUNCE_SENDERS.match(sender)
        or header_text(message, "X-Failed-Recipients")
        or header_text(message, "Return-Path").strip() == "<>"
    ):
        return BOUNCE
    auto_submitted = header_text(message, "Auto-Submitted").lower()
    precedence = header_text(message, "Precedence").lower()
    if (
        (auto_submitted and not auto_submitted.startswith("no"))
        or header_text(message, "X-Autoreply")
        or header_text(message, "X-Autorespond")
        or header_text(message, "X-Auto-Response-Suppress")
        or precedence in ("auto_reply", "bulk", "junk")
    ):
        return AUTO_REPLY
    if precedence == "list" or any(
        header_text(message, name) for name in ("List-Id", "List-Unsubscribe", "List-Post", "List-Help")
    ):
        return MAILING_LIST
    return ""


def _payload(part: Message) -> bytes:
    try:
        data = part.get_payload(decode=True)
    except Exception:
        data = None
    if data is None:
        raw = part.get_payload()
        data = raw.encode("utf-8", "surrogateescape") if isinstance(raw, str) else b""
    return data


def _filename(part: Message) -> str:
    try:
        name = part.get_filename() or ""
    except Exception:
        name = ""
    if _SURROGATES.search(name):
        name = decode_bytes(name.encode("ascii", "surrogateescape"))
    elif "=?" in name:
        name = " ".join(
            decode_bytes(c, cs) if isinstance(c, bytes) else c for c, cs in decode_header(name)
        ).strip()
    return name.replace("/", "_").replace("\\", "_")[:200]


def parse(raw: bytes) -> ParsedMail:
    """Everything the product needs from one raw message (see the module docstring)."""
    message = email.message_from_bytes(raw)
    addresses = getaddresses([header_text(message, "From")])
    sender_name, sender = addresses[0] if addresses else ("", "")
    sender = sender.strip().lower()[:254]
    try:
        sent_at = parsedate_to_datetime(header_text(message, "Date"))
        if sent_at is not None and timezone.is_naive(sent_at):
            sent_at = sent_at.replace(tzinfo=UTC)
    except (TypeError, ValueError, IndexError, OverflowError):
        sent_at = None
    mail = ParsedMail(
        message_id=header_text(message, "Message-ID")[:255],
        sender=sender,
        sender_name=sender_name.strip()[:200],
        subject=header_text(message, "Subject")[:300],
        sent_at=sent_at,
        noise=_noise(message, sender),
    )
    plain, rich = [], []
    for part in message.walk():
        if part.is_multipart():
            continue
        content_type = (part.get_content_type() or "text/plain").lower()
        try:
            disposition = (part.get_content_disposition() or "").lower()
        except Exception:
            disposition = ""
        name = _filename(part)
        if name or disposition == "attachment" or not content_type.startswith("text/"):
            if content_type.startswith("message/"):
                continue  # a forwarded message or a report: kept in the raw message only
            data = _payload(part)
            if data:
                mail.attachments.append(Attachment(name or "attachment", data))
            continue
        text = decode_bytes(_payload(part), part.get_content_charset())
        (rich if content_type == "text/html" else plain).append(text)
    if plain:
        mail.text = "\n\n".join(plain)
    elif rich:
        mail.text = "\n\n".join(html.unescape(strip_tags(t)) for t in rich)
    mail.text = mail.text.replace("\r\n", "\n").strip()
    return mail


def review_number_candidates(*texts: str) -> list[str]:
    """Every review-number-looking token in ``texts``, in order (checked by the caller)."""
    found = []
    for text in texts:
        for match in _REVIEW_NUMBER.finditer(latin_digits(text or "")):
            candidate = "-".join(match.groups())
            if candidate not in found:
                found.append(candidate)
    return found


def cpr_candidates(*texts: str) -> list[str]:
    found = []
    for text in texts:
        for match in _CPR.finditer(latin_digits(text or "")):
            if match.group(1) not in found:
                found.append(match.group(1))
    return found
