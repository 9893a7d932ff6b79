"""SMS written to files, for development and tests: nothing leaves the machine.

Format — one directory (``HOUSING_SMS_FILE_DIR``, default ``var/sms/``), one file per
recipient named after the number in E.164 (``+97336001234.jsonl``), one JSON object per
line, newest last, UTF-8 and readable as is::

    {"id": "file-6f1c…", "to": "+97336001234", "from": "MOH", "text": "…",
     "reference": "<outbox row reference>", "sent_at": "2026-11-28T10:15:02.123456+00:00",
     "encoding": "UCS-2", "segments": 2}

Read it with ``latest_sms("+97336001234")`` or ``sms_sent_to(...)`` (browser tests use
them to read one-time codes), or simply ``tail -n1 var/sms/+97336001234.jsonl``.
"""

from __future__ import annotations

import fcntl
import json
import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from apps.notifications import conf
from apps.notifications.backends import OutgoingSms, SmsBackend
from apps.notifications.sms import normalise_phone_key, sms_length


def sms_directory() -> Path:
    configured = conf.get("HOUSING_SMS_FILE_DIR")
    return Path(configured) if configured else Path(settings.BASE_DIR) / "var" / "sms"


_E164 = re.compile(r"\+[1-9][0-9]{6,14}")


def _path_for(phone: str, directory: Path | None = None) -> Path:
    number = phone if _E164.fullmatch(phone) else normalise_phone_key(phone)
    if not number or "/" in number or number.startswith("."):
        raise ValueError(f"not a phone number: {phone!r}")
    return (directory or sms_directory()) / f"{number}.jsonl"


class FileSmsBackend(SmsBackend):
    def send(self, message: OutgoingSms) -> str:
        path = _path_for(message.to)
        path.parent.mkdir(parents=True, exist_ok=True)
        message_id = f"file-{uuid.uuid4()}"
        length = sms_length(message.text)
        line = json.dumps(
            {
                "id": message_id,
                "to": message.to,
                "from": message.sender_id,
                "text": message.text,
                "reference": message.reference,
                "sent_at": timezone.now().isoformat(),
                "encoding": length.encoding,
                "segments": length.segments,
            },
            ensure_ascii=False,
        )
        # Several workers may write to the same number at once: lock, then append a line.
        with path.open("a", encoding="utf-8") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                handle.write(line + "\n")
                handle.flush()
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
        return message_id


@dataclass(frozen=True)
class SentSms:
    id: str
    to: str
    sender: str
    text: str
    reference: str
    sent_at: datetime
    encoding: str
    segments: int


def sms_sent_to(phone: str, *, directory: Path | None = None) -> list[SentSms]:
    """Every SMS the file backend wrote to ``phone``, oldest first."""
    path = _path_for(phone, directory)
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_SH)
        try:
            lines = handle.read().splitlines()
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
    messages = []
    for line in lines:
        if not line.strip():
            continue
        data = json.loads(line)
        messages.append(
            SentSms(
                id=data["id"],
                to=data["to"],
                sender=data.get("from", ""),
                text=data["text"],
                reference=data.get("reference", ""),
                sent_at=datetime.fromisoformat(data["sent_at"]),
                encoding=data.get("encoding", ""),
                segments=data.get("segments", 0),
            )
        )
    return messages


def latest_sms(phone: str, *, directory: Path | None = None) -> SentSms | None:
    """The newest SMS the file backend wrote to ``phone`` (any format of the number), or None."""
    messages = sms_sent_to(phone, directory=directory)
    return messages[-1] if messages else None
