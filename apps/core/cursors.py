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


def encode(when: datetime, pk: int, sort: str = "") -> str:
    """``sort`` names the order the list was in (a list with several orders): a link made
    for one order is refused in another, whose key it does not carry."""
    raw = f"{sort}:{when.isoformat()}|{pk}" if sort else f"{when.isoformat()}|{pk}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode(cursor: str, sort: str = "") -> tuple[datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        if sort:
            named, _colon, raw = raw.partition(":")
            if named != sort:
                raise ValueError(named)
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
