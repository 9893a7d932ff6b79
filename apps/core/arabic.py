"""Arabic text folding shared by every search: one table of letter variants drives both the
database (``translate(text, SQL_FROM, SQL_TO)`` in a generated column) and what a person
typed (``fold``), so the two sides cannot drift apart.

The table folds the spellings people mix up when typing Arabic: alef with hamza above,
below, madda or wasla → bare alef; alef maqsura and Persian yeh → yaa; taa marbuta → haa;
hamza on waw/yaa → waw/yaa; Persian kaf → kaf; Arabic-Indic digits → 0-9. Diacritics
(tashkeel), the dagger alef, tatweel and the lone hamza are dropped.

Names need a little more than free text (``name_key``): the article "ال" is dropped from
the start of every word, "عبد"/"أبو" are joined to the word after them ("عبد الله" and
"عبدالله" are one name), and punctuation separates words. ``NAME_KEY_SQL`` is the same
rule written for PostgreSQL, for a stored generated column.
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


def fold(value: str) -> str:
    """Lower-case ``value`` and fold its Arabic letter variants and diacritics away."""
    return (value or "").lower().translate(_TABLE)


# --- names ---------------------------------------------------------------------------
#
# Each step below exists twice, in Python and in SQL (POSIX regular expressions that mean
# the same in both); tests/citizens/test_name_search.py checks the stored column equals
# ``name_key`` for names that exercise every step. Only ASCII classes are used (" ", \S):
# the database's collation (C.UTF-8) does not count Arabic letters as [[:alnum:]].

# Separators between words in a name, and between spellings ("Mohammed/Muhammad").
NAME_PUNCTUATION = "-_.,;/|()'\"`’‘،؛"
# "عبد الله" → "عبدالله", "أبو بكر" → "ابوبكر" (after folding).
_JOIN_SQL = r"(^| )(عبد|ابو) +"
_JOIN = re.compile(_JOIN_SQL)
# The article at the start of a word, when at least two letters follow it ("الشيخ" → "شيخ";
# "آل" — the family — stays).
_ARTICLE_SQL = r"(^| )ال(\S\S)"
_ARTICLE = re.compile(r"(^| )ال(?=\S\S)")
_PUNCTUATION = str.maketrans({c: " " for c in NAME_PUNCTUATION})
_SPACES = re.compile(r" +")


def name_key(value: str) -> str:
    """A name as the search column keeps it: folded, words separated by one space, "عبد"
    and "أبو" joined to the next word, the article dropped, with a space at each end (so a
    word's start is always " word")."""
    text = " " + fold(value).translate(_PUNCTUATION) + " "
    text = _SPACES.sub(" ", text)
    text = _JOIN.sub(r"\1\2", text)
    text = _ARTICLE.sub(r"\1", text)
    # Joining can eat the last space ("عبد " at the end); keep one at each end.
    return " " + text.strip() + " "


def name_key_sql(expression):
    """``name_key`` as a Django expression over ``expression`` (text), for a generated column.

    Every function used is immutable, as PostgreSQL requires of a generated column."""
    from django.db.models import Func, TextField, Value
    from django.db.models.functions import Concat, Lower

    def func(name, *args):
        return Func(*args, function=name, output_field=TextField())

    text = func("translate", Lower(expression), Value(SQL_FROM), Value(SQL_TO))
    text = func("translate", text, Value(NAME_PUNCTUATION), Value(" " * len(NAME_PUNCTUATION)))
    text = Concat(Value(" "), text, Value(" "), output_field=TextField())
    text = func("regexp_replace", text, Value(" +"), Value(" "), Value("g"))
    text = func("regexp_replace", text, Value(_JOIN_SQL), Value(r"\1\2"), Value("g"))
    text = func("regexp_replace", text, Value(_ARTICLE_SQL), Value(r"\1\2"), Value("g"))
    text = func("btrim", text)
    return Concat(Value(" "), text, Value(" "), output_field=TextField())
