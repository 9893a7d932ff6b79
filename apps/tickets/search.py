"""Arabic-aware free-text search over a ticket's subject and description.

One table of letter variants drives both sides, so they cannot drift apart:

* the database keeps ``Ticket.search_text``, a stored generated column
  ``translate(lower(subject || ' ' || description), FROM, TO)`` with a trigram (pg_trgm)
  GIN index, so ``LIKE '%word%'`` finds words in Arabic and English on millions of rows;
* ``normalize_text`` applies the same table to what a person typed.

The table folds the spellings people mix up when typing Arabic: alef with hamza above,
below, madda or wasla → bare alef; alef maqsura and Persian yeh → yaa; taa marbuta → haa;
hamza on waw/yaa → waw/yaa; Persian kaf → kaf; Arabic-Indic digits → 0-9. Diacritics
(tashkeel), the dagger alef, tatweel and the lone hamza are dropped.
"""

from __future__ import annotations

import re

_FOLD = {
    "أ": "ا",
    "إ": "ا",
    "آ": "ا",
    "ٱ": "ا",
    "ى": "ي",
    "ی": "ي",
    "ئ": "ي",
    "ة": "ه",
    "ؤ": "و",
    "ک": "ك",
    **{c: str(i) for i, c in enumerate("٠١٢٣٤٥٦٧٨٩")},
    **{c: str(i) for i, c in enumerate("۰۱۲۳۴۵۶۷۸۹")},
}
# Dropped: fathatan … sukun (U+064B–U+0652), dagger alef, tatweel, lone hamza.
_DROP = "".join(chr(c) for c in range(0x064B, 0x0653)) + "\u0670\u0640\u0621"

# translate(text, FROM, TO) maps FROM[i] → TO[i] and deletes FROM characters past TO's end.
SQL_FROM = "".join(_FOLD) + _DROP
SQL_TO = "".join(_FOLD.values())

_TABLE = str.maketrans({**_FOLD, **{c: None for c in _DROP}})
_WORD = re.compile(r"\w+", re.UNICODE)
MAX_TERMS = 6


def normalize_text(value: str) -> str:
    return (value or "").lower().translate(_TABLE)


def search_terms(query: str) -> list[str]:
    """The words of a query, folded like the column; words of one letter are ignored."""
    words = _WORD.findall(normalize_text(query))
    terms = list(dict.fromkeys(w for w in words if len(w) >= 2))
    # The longest words narrow the search most; a handful is enough.
    return sorted(terms, key=len, reverse=True)[:MAX_TERMS]
