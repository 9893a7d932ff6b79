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


# --- Invisible and direction-changing characters in what people type -------------------
#
# A right-to-left override (U+202E) typed into a subject turns "‮exe.fdp" into "pdf.exe" on
# screen, and an embedding or isolate left open runs on into whatever is shown after it (the
# next cell of a table). Zero-width characters make two names that look the same differ.
# Single-line fields (names, subjects, references) lose all of them at input; free text
# keeps direction controls only in balanced pairs, closed at the end of each line.

EMBEDDING_OPENERS = "\u202a\u202b\u202d\u202e"  # LRE, RLE, LRO, RLO …
POP_DIRECTIONAL_FORMATTING = "\u202c"  # … closed by PDF
ISOLATE_OPENERS = "\u2066\u2067\u2068"  # LRI, RLI, FSI …
POP_DIRECTIONAL_ISOLATE = PDI  # … closed by PDI
DIRECTION_MARKS = "\u200e\u200f\u061c"  # LRM, RLM, ALM
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"  # ZWSP, ZWNJ, ZWJ, word joiner, BOM

BIDI_CONTROLS = EMBEDDING_OPENERS + POP_DIRECTIONAL_FORMATTING + ISOLATE_OPENERS + POP_DIRECTIONAL_ISOLATE
_REMOVED_FROM_LINES = {ord(c): None for c in BIDI_CONTROLS + DIRECTION_MARKS + ZERO_WIDTH}
# Line and paragraph breaks, tabs and the other C0/C1 controls become one space in a line.
_BREAKS = {ord(c): " " for c in "\t\n\v\f\r\x1c\x1d\x1e\x85\u2028\u2029"}
_OTHER_CONTROLS = {i: None for i in [*range(0x00, 0x20), *range(0x7F, 0xA0)] if i not in _BREAKS}
# Free text keeps its line breaks and tabs; the other control characters go.
_TEXT_CONTROLS = {i: None for i in [*range(0x00, 0x20), *range(0x7F, 0xA0)] if i not in (0x09, 0x0A)}


def clean_line(value: str) -> str:
    """A single-line field as it should be stored: no direction controls, no zero-width
    characters, no control characters, line breaks turned into spaces, ends trimmed."""
    if not value:
        return value
    value = value.replace("\r\n", "\n").translate(_REMOVED_FROM_LINES)
    return value.translate(_BREAKS).translate(_OTHER_CONTROLS).strip()


def clean_text(value: str) -> str:
    """Free text as it should be stored: line breaks as ``\\n``, other control characters
    dropped, and direction controls balanced on every line.

    Per line (the Unicode bidi algorithm's paragraph ends there too): a closing PDF or PDI
    without its opener is dropped, and whatever is still open at the end of the line is
    closed there, innermost first. A PDI closes the embeddings opened inside its isolate,
    so they are closed explicitly just before it.
    """
    if not value:
        return value
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = value.translate({0x2028: "\n", 0x2029: "\n", 0x85: "\n"}).translate(_TEXT_CONTROLS)
    return "\n".join(_balance(line) for line in value.split("\n"))


def _close(kind: str) -> str:
    return POP_DIRECTIONAL_ISOLATE if kind == "isolate" else POP_DIRECTIONAL_FORMATTING


def _balance(line: str) -> str:
    if not any(c in BIDI_CONTROLS for c in line):
        return line
    out: list[str] = []
    stack: list[str] = []
    for char in line:
        if char in EMBEDDING_OPENERS:
            stack.append("embedding")
        elif char in ISOLATE_OPENERS:
            stack.append("isolate")
        elif char == POP_DIRECTIONAL_FORMATTING:
            if not stack or stack[-1] != "embedding":
                continue  # nothing of its own to close (an isolate stands in between)
            stack.pop()
        elif char == POP_DIRECTIONAL_ISOLATE:
            if "isolate" not in stack:
                continue
            while stack[-1] != "isolate":
                out.append(_close(stack.pop()))
            stack.pop()
        out.append(char)
    out.extend(_close(kind) for kind in reversed(stack))
    return "".join(out)


def too_long_message(length: int, limit: int) -> str:
    """The one message for a text over its limit, in the active language."""
    from django.utils.translation import ngettext

    return ngettext(
        "This text is too long: at most %(limit)s character is accepted, it has %(length)s.",
        "This text is too long: at most %(limit)s characters are accepted, it has %(length)s.",
        limit,
    ) % {"limit": f"{limit:,}", "length": f"{length:,}"}


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
