"""Arabic-aware free-text search over a ticket's subject and description.

The letter variants are folded by one table (``apps.core.arabic``), shared with the
citizen name search, that drives both sides so they cannot drift apart:

* the database keeps ``Ticket.search_text``, a stored generated column
  ``translate(lower(subject || ' ' || description), FROM, TO)`` with a trigram (pg_trgm)
  GIN index, so ``LIKE '%word%'`` finds words in Arabic and English on millions of rows;
* ``normalize_text`` applies the same table to what a person typed.
"""

from __future__ import annotations

import re

from apps.core.arabic import SQL_FROM, SQL_TO, fold

__all__ = ["SQL_FROM", "SQL_TO", "MAX_TERMS", "normalize_text", "search_terms"]

_WORD = re.compile(r"\w+", re.UNICODE)
MAX_TERMS = 6


def normalize_text(value: str) -> str:
    return fold(value)


def search_terms(query: str) -> list[str]:
    """The words of a query, folded like the column; words of one letter are ignored."""
    words = _WORD.findall(normalize_text(query))
    terms = list(dict.fromkeys(w for w in words if len(w) >= 2))
    # The longest words narrow the search most; a handful is enough.
    return sorted(terms, key=len, reverse=True)[:MAX_TERMS]
