"""Finding citizens by name: Arabic spelling variants, the article, "عبد الله"/"عبدالله",
partial names in any order, and the Latin spellings kept on the file.

How it is fast at a million citizens:

1. The query is folded exactly as ``Citizen.search_names`` was (``apps.core.arabic``); the
   connectors (بن، بنت، ابن، bin, bint) and one-letter words are dropped.
2. Every remaining term is one ``LIKE`` the trigram GIN index ``citizen_search_names_trgm``
   serves (``%term%``; a two-letter term must start a word, `` te%``, which gives it
   trigrams the index can use). PostgreSQL ANDs the bitmaps, so only rows holding every
   term are read, and at most ``CANDIDATES`` of them.
3. Those candidates are ranked in the same statement: every term an exact word beats a
   word prefix beats a piece of a word; then the terms side by side in the order typed,
   then in that order further apart; then trigram similarity to the whole query (for the
   best ``SHORTLIST`` of those only: it is the costly part); the best ``limit`` are returned.

A common name ("محمد علي") matches tens of thousands of citizens; ranking all of them would
cost a sort of that many rows per key press, so the ranking sees the first ``CANDIDATES``
the index gives. The agent narrows such a search by typing more of the name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import connection
from django.utils.translation import gettext_lazy as _

from apps.citizens.models import Citizen
from apps.core.arabic import name_key
from apps.core.errors import ValidationFailed

MAX_QUERY_LENGTH = 100
MAX_TERMS = 6
CANDIDATES = 500
SHORTLIST = 60
DEFAULT_LIMIT = 20
# Skipped in a query: "son/daughter of", and the Latin article ("Al Dosari" finds "Aldosari"
# too, and an index scan for "al" alone would read half the table).
CONNECTORS = frozenset({"بن", "بنت", "ابن", "bin", "bint", "binti", "ben", "al", "el"})

_TERM = re.compile(r"[^\W_]+")  # letters and digits only: safe inside LIKE and regex


def looks_like_name(query: str) -> bool:
    """A query with a letter in it is a name (a CPR or phone number has none)."""
    return any(ch.isalpha() for ch in query or "")


def name_terms(query: str) -> list[str]:
    """The words of a name as typed, folded like the column, connectors and single letters
    dropped, duplicates once, in the order typed.

    Raises ``ValidationFailed`` for a query too long to be a name."""
    if len(query or "") > MAX_QUERY_LENGTH:
        raise ValidationFailed(
            _("A name to search for is at most %(max)d characters.") % {"max": MAX_QUERY_LENGTH},
            code="name_query_too_long",
            details={"q": [_("Type fewer words of the name.")]},
        )
    words = _TERM.findall(name_key(query or ""))
    terms = [w for w in words if len(w) >= 2 and w not in CONNECTORS]
    return list(dict.fromkeys(terms))[:MAX_TERMS]


@dataclass(frozen=True)
class NameMatch:
    """One citizen in a ranked pick-list: enough to choose, not the file (opening the file
    is the read that is logged)."""

    pk: int
    name_ar: str
    name_en: str
    latin_names: str
    cpr: str  # masked unless the viewer may see identities
    masked_cpr: str
    language: str

    @property
    def id(self) -> int:
        return self.pk

    def display_name(self) -> str:
        from django.utils import translation

        if translation.get_language() == "en" and self.name_en:
            return self.name_en
        return self.name_ar


def _sql(terms: list[str]) -> tuple[str, list]:
    table = Citizen._meta.db_table
    where, params = [], []
    for term in terms:
        where.append("search_names LIKE %s")
        params.append(f"% {term}%" if len(term) == 2 else f"%{term}%")
    words = []
    word_params = []
    for term in terms:
        # 2 for an exact word, 1 for a word's start, 0 for a piece of a word.
        words.append(
            "(CASE WHEN c.search_names LIKE %s THEN 2 WHEN c.search_names LIKE %s THEN 1 ELSE 0 END)"
        )
        word_params += [f"% {term} %", f"% {term}%"]
    # The terms as typed, side by side ("محمد علي" in "محمد علي حسن") beat the same terms
    # further apart in that order ("محمد حسن علي"), which beat them in another order.
    side_by_side = "% " + " ".join(terms) + "%"
    in_order = "%" + "%".join(terms) + "%"
    # Trigram similarity costs as much as the rest together, so it is computed only for the
    # best ``SHORTLIST`` by the cheap scores (the shorter name first among equals: the same
    # words in fewer others is what similarity rewards too).
    sql = f"""
        SELECT r.id, r.cpr, r.name_ar, r.name_en, r.latin_names, r.language
        FROM (
            SELECT c.*,
                   {" + ".join(words)} AS words,
                   (CASE WHEN c.search_names LIKE %s THEN 2 WHEN c.search_names LIKE %s THEN 1 ELSE 0 END)
                       AS typed_order
            FROM (
                SELECT id, cpr, name_ar, name_en, latin_names, language, search_names
                FROM {table}
                WHERE {" AND ".join(where)}
                LIMIT {CANDIDATES}
            ) c
            ORDER BY words DESC, typed_order DESC, length(c.search_names), c.id
            LIMIT {SHORTLIST}
        ) r
        ORDER BY r.words DESC, r.typed_order DESC, similarity(r.search_names, %s) DESC, r.id
        LIMIT %s
    """
    return sql, [*word_params, side_by_side, in_order, *params, " ".join(terms)]


def citizen_name_search(*, query: str, show_identity: bool, limit: int = DEFAULT_LIMIT) -> list[NameMatch]:
    """The citizens whose names match ``query``, best first, in one statement; the caller
    has checked the viewer may search (``selectors.citizen_search``)."""
    terms = name_terms(query)
    if not terms:
        return []
    sql, params = _sql(terms)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, max(1, min(limit, 50))])
        rows = cursor.fetchall()
    matches = []
    for pk, cpr, name_ar, name_en, latin_names, language in rows:
        masked = "*****" + cpr[-4:]
        matches.append(
            NameMatch(
                pk=pk,
                name_ar=name_ar,
                name_en=name_en,
                latin_names=latin_names,
                cpr=cpr if show_identity else masked,
                masked_cpr=masked,
                language=language,
            )
        )
    return matches
