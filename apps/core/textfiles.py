"""Bytes of an uploaded text file (CSV exports) to text: UTF-8 with or without a BOM, or
Windows-1256, the usual Arabic export encoding. Callers turn the two failures into their own
bilingual error."""

from __future__ import annotations

import re

ENCODINGS = {"utf-8": "utf-8-sig", "utf8": "utf-8-sig", "windows-1256": "cp1256", "cp1256": "cp1256"}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class UnknownEncoding(ValueError):
    """An explicit encoding other than UTF-8 or Windows-1256."""


class NotText(ValueError):
    """Bytes that are neither UTF-8 nor Windows-1256 text (UTF-16, binary, control bytes)."""


def decode_text(data: bytes, encoding: str | None = None) -> str:
    """The file's text. Without an explicit ``encoding``: UTF-8 (a BOM is dropped) when the
    bytes are valid UTF-8, else Windows-1256."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data:
        raise NotText()
    if encoding:
        codec = ENCODINGS.get(encoding.strip().lower())
        if codec is None:
            raise UnknownEncoding(encoding)
        candidates = [codec]
    else:
        candidates = ["utf-8-sig", "cp1256"]
    for codec in candidates:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if not _CONTROL.search(text):
            return text
    raise NotText()
