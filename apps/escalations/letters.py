"""What a case tells the citizen: the one-time code, the decision letter, an extension.

Every function here is called inside the service's transaction and hands the message over
only after commit, so a rolled-back action never messages anyone.

- The decision and an extension go through the ticket's own notices
  (``apps.tickets.notify``): an SMS with the review number and the tracking link; the text
  itself (the decision's public text, or the extension's reason and date) is read on the
  tracking page behind the second factor (``selectors.public_replies`` feeds it).
- The one-time code is written by ``_write_sms`` as one JSON line per message under
  ``HOUSING_SMS_FILE_DIR/<E.164>.jsonl`` — the format of the notifications app's file SMS
  backend, so development and the browser tests read codes the same way before and after
  that app takes over sending.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.tickets.notify import queue_ticket_notice


def queue_decision_letter(escalation) -> None:
    queue_ticket_notice("escalation_decided", escalation.ticket)


def queue_extension_notice(escalation) -> None:
    queue_ticket_notice("escalation_extended", escalation.ticket)


def code_text(*, code: str, minutes: int) -> str:
    return _(
        "Ministry of Housing: your code for “Under Your Command” is %(code)s. "
        "It is valid for %(minutes)d minutes. Do not share it with anyone."
    ) % {"code": code, "minutes": minutes}


def queue_code(*, phone: str, code: str, minutes: int, language: str) -> None:
    with translation.override(language):
        text = code_text(code=code, minutes=minutes)
    transaction.on_commit(lambda: _write_sms(phone, text))


def sms_directory() -> Path:
    configured = getattr(settings, "HOUSING_SMS_FILE_DIR", "")
    return Path(configured) if configured else Path(settings.BASE_DIR) / "var" / "sms"


def _write_sms(phone: str, text: str) -> None:
    directory = sms_directory()
    directory.mkdir(parents=True, exist_ok=True)
    line = json.dumps(
        {
            "id": f"file-{uuid.uuid4()}",
            "to": phone,
            "from": "MOH",
            "text": text,
            "reference": "uyc-code",
            "sent_at": timezone.now().isoformat(),
        },
        ensure_ascii=False,
    )
    with (directory / f"{phone}.jsonl").open("a", encoding="utf-8") as handle:
        handle.write(line + "\n")


def latest_sms_text(phone: str) -> str | None:
    """The newest message written to ``phone`` (development and tests)."""
    path = sms_directory() / f"{phone}.jsonl"
    if not path.exists():
        return None
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return json.loads(lines[-1])["text"] if lines else None
