"""Numbers and dates typed into query strings and forms, parsed in one place.

``str.isdigit()`` is true for "²" and "١٢" that ``int()`` then refuses or reads another way,
and ``int()`` happily builds a 100-digit number that overflows ``date()`` or a bigint
column. Every view, API and form reads an id, a count, a year or a date from request data
through these helpers, so "not a number" is always a plain answer (``None`` for a filter
to ignore, or a ``ValidationFailed`` 400 for a value the request cannot do without) and
never a server error.

- Arabic-Indic and Eastern Arabic-Indic digits count as digits (a citizen's keyboard
  types them); superscripts, fractions and other "digit-like" characters do not.
- Integers are bounded: ids to a positive PostgreSQL bigint, years to
  ``YEAR_MIN``..``YEAR_MAX`` (far wider than any record, far narrower than ``date``'s).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from django.utils.translation import gettext_lazy as _

from apps.core.errors import ValidationFailed
from apps.core.text import latin_digits

BIGINT_MAX = 2**63 - 1
YEAR_MIN = 1900
YEAR_MAX = 2200

_INTEGER = re.compile(r"[+-]?[0-9]{1,19}")


def to_int(value, *, minimum: int | None = None, maximum: int | None = None) -> int | None:
    """``value`` as an integer within ``minimum``..``maximum``, else ``None``.

    Leading and trailing spaces are ignored; anything else that is not an optional sign
    followed by ASCII or Arabic-Indic digits is ``None`` — so is a number out of range.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    else:
        text = latin_digits(str(value)).strip()
        if not _INTEGER.fullmatch(text):
            return None
        number = int(text)
    if minimum is not None and number < minimum:
        return None
    if maximum is not None and number > maximum:
        return None
    return number


def to_id(value) -> int | None:
    """A primary key: a positive integer that fits a bigint column, else ``None``."""
    return to_int(value, minimum=1, maximum=BIGINT_MAX)


def to_ids(values: Iterable) -> list[int]:
    """The valid primary keys among ``values`` (e.g. ``request.POST.getlist(...)``), in order."""
    ids = []
    for value in values:
        number = to_id(value)
        if number is not None and number not in ids:
            ids.append(number)
    return ids


def to_date(value) -> date | None:
    """A ``YYYY-MM-DD`` date within the supported years, else ``None``."""
    text = latin_digits(str(value or "")).strip()
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        return None
    try:
        parsed = date.fromisoformat(text)
    except ValueError:
        return None
    return parsed if YEAR_MIN <= parsed.year <= YEAR_MAX else None


def page_size(value, *, default: int = 25, minimum: int = 1, maximum: int = 100) -> int:
    """A page size clamped to ``minimum``..``maximum``; anything unreadable is the default."""
    number = to_int(value)
    if number is None:
        return default
    return max(minimum, min(maximum, number))


def year_month(year, month, *, default: date) -> tuple[int, int] | None:
    """A (year, month) from two separate values, each defaulting to ``default``'s.

    ``None`` when either is given but is not a year within the supported range or a month
    from 1 to 12.
    """
    y = default.year if year in (None, "") else to_int(year, minimum=YEAR_MIN, maximum=YEAR_MAX)
    m = default.month if month in (None, "") else to_int(month, minimum=1, maximum=12)
    if y is None or m is None:
        return None
    return y, m


def parse_month(value) -> tuple[int, int] | None:
    """A ``YYYY-MM`` month as (year, month), else ``None``."""
    text = latin_digits(str(value or "")).strip()
    found = re.fullmatch(r"([0-9]{4})-([0-9]{1,2})", text)
    if not found:
        return None
    return year_month(found.group(1), found.group(2), default=date(YEAR_MIN, 1, 1))


def require_year_month(year, month, *, default: date, field: str = "month") -> tuple[int, int]:
    """Like ``year_month`` but a bad value is a 400 naming the supported range."""
    result = year_month(year, month, default=default)
    if result is None:
        raise ValidationFailed(
            _("Give a year from %(min)d to %(max)d and a month from 1 to 12.")
            % {"min": YEAR_MIN, "max": YEAR_MAX},
            code="invalid_month",
            details={field: [str(_("Not a valid month."))]},
        )
    return result
