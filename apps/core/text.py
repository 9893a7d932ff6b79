"""Text helpers shared by every app: digits and bidirectional isolation."""

from __future__ import annotations

import re

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


# Left-to-right tokens inside running text: URLs, e-mail addresses, review numbers
# (2026-004817-3), phone numbers (+973 3600 1234, 80008001) and other digit runs with dashes.
LTR_TOKEN = re.compile(
    r"https?://\S+[^\s.,;:!?،؛)\]]"
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
    r"|\+?\d[\d\- ]{4,}\d"
)


def isolate_ltr_tokens(text: str) -> str:
    """``text`` with every left-to-right token wrapped in U+2066…U+2069 (SMS, plain text)."""
    return LTR_TOKEN.sub(lambda m: isolate_ltr(m.group(0)), text)
