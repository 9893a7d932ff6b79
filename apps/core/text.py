"""Text helpers shared by every app: digits and bidirectional isolation."""

from __future__ import annotations

# Arabic-Indic (U+0660…) and Extended Arabic-Indic / Persian (U+06F0…) digits to 0-9.
_DIGITS = {ord(c): str(i) for i, c in enumerate("٠١٢٣٤٥٦٧٨٩")}
_DIGITS.update({ord(c): str(i) for i, c in enumerate("۰۱۲۳۴۵۶۷۸۹")})

LRI, PDI = "\u2066", "\u2069"  # left-to-right isolate … pop directional isolate


def latin_digits(value: str) -> str:
    """Return ``value`` with every Arabic-Indic digit replaced by its Western digit."""
    return value.translate(_DIGITS)


def isolate_ltr(value: str) -> str:
    """Wrap a left-to-right token (review number, phone) so it reads correctly in Arabic text."""
    return f"{LRI}{value}{PDI}"
