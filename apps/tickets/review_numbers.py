"""Review numbers (رقم المراجعة): ``YYYY-NNNNNN-C``.

* ``YYYY`` is the year the ticket was received, ``NNNNNN`` its place in that year (at least
  six digits, from a PostgreSQL sequence per year, so concurrent creations never collide
  and never read ``MAX()+1``), ``C`` a Damm check digit over the ten digits before it.
* The Damm check digit catches every single wrong digit and every swap of two neighbouring
  digits (including a swap with the check digit itself), with a digit, not a letter, so
  the whole number can be read and typed on a phone keypad. See README "Review numbers".
* ``parse`` accepts Arabic-Indic digits, spaces, dashes or none, and refuses a wrong check
  digit before anything touches the database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import DatabaseError, connection, transaction
from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from apps.core import inserts
from apps.core.errors import ValidationFailed
from apps.core.text import latin_digits

# Damm's quasigroup of order 10 (H. Michael Damm, 2004): every row and column is a
# permutation, the diagonal is zero, and (c*x)*y == (c*y)*x only when x == y.
DAMM_TABLE: tuple[tuple[int, ...], ...] = (
    (0, 3, 1, 7, 5, 9, 8, 6, 4, 2),
    (7, 0, 9, 2, 1, 5, 4, 8, 6, 3),
    (4, 2, 0, 6, 8, 7, 1, 3, 5, 9),
    (1, 7, 5, 0, 9, 8, 3, 4, 2, 6),
    (6, 1, 2, 3, 0, 4, 5, 9, 7, 8),
    (3, 6, 7, 4, 2, 0, 9, 5, 8, 1),
    (5, 8, 6, 9, 7, 2, 0, 1, 3, 4),
    (8, 9, 4, 5, 3, 6, 2, 0, 1, 7),
    (9, 4, 3, 8, 6, 1, 7, 2, 0, 5),
    (2, 5, 8, 1, 4, 3, 6, 7, 9, 0),
)

SEQUENCE_DIGITS = 6
MIN_YEAR, MAX_YEAR = 2000, 2999
# Anything a person may type between the digits: spaces, dashes of every kind, dots,
# slashes, and the invisible direction marks that copy-pasting Arabic text brings along.
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212_./\\\u200e\u200f\u061c\u2066-\u2069]")


class MalformedReviewNumber(ValidationFailed):
    code = "malformed_review_number"
    default_message = _("This is not a review number. It looks like 2026-004817-3.")


class ReviewNumberCheckFailed(ValidationFailed):
    code = "review_number_check_failed"
    default_message = _("This review number has a typing mistake: please check every digit.")


def damm_interim(digits: str) -> int:
    interim = 0
    for char in digits:
        interim = DAMM_TABLE[interim][ord(char) - 48]
    return interim


def damm_check_digit(digits: str) -> str:
    return str(damm_interim(digits))


def damm_is_valid(digits_with_check: str) -> bool:
    return damm_interim(digits_with_check) == 0


@dataclass(frozen=True, order=True)
class ReviewNumber:
    year: int
    sequence: int

    @property
    def payload(self) -> str:
        return f"{self.year:04d}{self.sequence:0{SEQUENCE_DIGITS}d}"

    @property
    def check_digit(self) -> str:
        return damm_check_digit(self.payload)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.sequence:0{SEQUENCE_DIGITS}d}-{self.check_digit}"


def parse(raw: str) -> ReviewNumber:
    """Read a review number as a person typed it; raise before any database look-up.

    Raises ``MalformedReviewNumber`` when it cannot be a review number at all and
    ``ReviewNumberCheckFailed`` when the check digit does not match (a typing mistake).
    """
    digits = _SEPARATORS.sub("", latin_digits(str(raw or "")))
    if (
        not digits.isascii()
        or not digits.isdecimal()
        or not 4 + SEQUENCE_DIGITS + 1 <= len(digits) <= 4 + 9 + 1
    ):
        raise MalformedReviewNumber(details={"review_number": [MalformedReviewNumber.default_message]})
    year, sequence = int(digits[:4]), int(digits[4:-1])
    if not MIN_YEAR <= year <= MAX_YEAR or sequence < 1:
        raise MalformedReviewNumber(details={"review_number": [MalformedReviewNumber.default_message]})
    if not damm_is_valid(digits):
        raise ReviewNumberCheckFailed(details={"review_number": [ReviewNumberCheckFailed.default_message]})
    number = ReviewNumber(year, sequence)
    if number.payload + number.check_digit != digits:  # e.g. a seven-digit sequence with a leading 0
        raise MalformedReviewNumber(details={"review_number": [MalformedReviewNumber.default_message]})
    return number


def normalize(raw: str) -> str:
    """The canonical text of a typed review number (``2026-004817-3``), or raise."""
    return str(parse(raw))


def sequence_name(year: int) -> str:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(f"year out of range: {year}")
    return f"tickets_review_seq_{year}"


# The sequences of these years are created by migration 0002, so drawing a number is one
# ``nextval``; another year's sequence is created on first use (see below).
PRECREATED_YEARS = range(2020, 2101)


def next_review_number(*, year: int, id_of: type[Model] | None = None) -> tuple[ReviewNumber, int | None]:
    """Draw the next number of ``year`` from its PostgreSQL sequence — and, with ``id_of``,
    the id the next row of that model will get, in the same statement (a new ticket's number
    and id: its clocks and event can then be written with it, ``apps.core.inserts``).

    Outside ``PRECREATED_YEARS`` the sequence is created on first use. Two transactions
    creating it at once collide in the catalogue: the loser's ``CREATE`` fails (inside a
    savepoint, so its transaction lives on) once the winner commits, and the loser then
    draws from the winner's sequence. Values taken by transactions that roll back are not
    reused: numbers are unique and increasing, not gapless.
    """
    name = sequence_name(year)
    sql = "SELECT nextval(%s::regclass)" + (f", {inserts.id_sequence_sql(id_of)}" if id_of else ", NULL")

    def draw(cursor) -> tuple[ReviewNumber, int | None]:
        cursor.execute(sql, [name])
        sequence, row_id = cursor.fetchone()
        return ReviewNumber(year, sequence), row_id

    with connection.cursor() as cursor:
        if year in PRECREATED_YEARS:
            return draw(cursor)
        try:
            with transaction.atomic():
                return draw(cursor)
        except DatabaseError:  # the sequence of this year does not exist yet
            pass
        try:
            with transaction.atomic():
                cursor.execute(f'CREATE SEQUENCE IF NOT EXISTS "{name}" AS bigint MINVALUE 1 START WITH 1')
        except DatabaseError:  # a concurrent transaction created it first
            pass
        return draw(cursor)
