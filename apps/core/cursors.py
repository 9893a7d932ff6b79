"""Keyset page links: an opaque token for "after the row at (instant, id)".

Lists sorted by an instant and then the id (tickets by receipt, cases by deadline) page by
keyset rather than OFFSET; the link carries the last row's sort key. A link that does not
decode to an aware instant and an id is refused as bad input.
"""

from __future__ import annotations

import base64
import binascii
from datetime import datetime

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from apps.core.errors import ValidationFailed
from apps.core.parsing import to_id


def encode(when: datetime, pk: int) -> str:
    raw = f"{when.isoformat()}|{pk}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor: str) -> tuple[datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        stamp, pk = raw.split("|")
        when = parse_datetime(stamp)
        if when is None or when.tzinfo is None:
            raise ValueError(stamp)
        number = to_id(pk)
        if number is None:
            raise ValueError(pk)
        return when, number
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise ValidationFailed(_("This page link is not valid."), code="invalid_cursor") from None
