"""The PBX/ACD export as CSV: decoding (UTF-8 with or without BOM, or Windows-1256) and
the documented column set. Problems with the file as a whole refuse the whole file;
problems in a row are that row's errors."""

from __future__ import annotations

import csv
import io

from django.utils.translation import gettext as _

from apps.contacts.validation import COLUMNS, REQUIRED_COLUMNS, RowError
from apps.core import textfiles
from apps.core.errors import ValidationFailed


def decode(data: bytes, encoding: str | None = None) -> str:
    """The file's text (``apps.core.textfiles.decode_text``), or this app's bilingual error."""
    try:
        return textfiles.decode_text(data, encoding)
    except textfiles.UnknownEncoding:
        raise ValidationFailed(
            _("Only UTF-8 and Windows-1256 files are accepted."),
            code="csv_encoding",
            details={"encoding": [_("Use utf-8 or windows-1256.")]},
        ) from None
    except textfiles.NotText:
        raise _encoding_error() from None


def _encoding_error() -> ValidationFailed:
    return ValidationFailed(
        _("The file is not UTF-8 or Windows-1256 text."),
        code="csv_encoding",
        details={"file": [_("Save the export as CSV in UTF-8 or Windows-1256.")]},
    )


def read_rows(text: str, *, max_rows: int) -> tuple[list[tuple[int, dict]], list[RowError]]:
    """``[(line, record)]`` for every data row, plus the rows that could not be read.

    The header must hold every required column, no unknown column and no column twice;
    otherwise the whole file is refused and nothing is read.
    """
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise ValidationFailed(_("The file is empty."), code="csv_empty") from None
    except csv.Error as exc:
        raise _columns_error({"file": [str(exc)]}) from None
    names = [h.strip().lower() for h in header]
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    unknown = [n for n in names if n not in COLUMNS]
    twice = sorted({n for n in names if names.count(n) > 1})
    if missing or unknown or twice:
        details = {}
        if missing:
            details["missing"] = missing
        if unknown:
            details["unknown"] = unknown
        if twice:
            details["repeated"] = twice
        raise _columns_error(details)
    rows: list[tuple[int, dict]] = []
    errors: list[RowError] = []
    line = reader.line_num
    while True:
        start = line + 1
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            errors.append(
                RowError(
                    start, "", "unreadable_row", _("This row cannot be read: %(error)s") % {"error": exc}
                )
            )
            line = reader.line_num
            continue
        line = reader.line_num
        if not fields or all(not f.strip() for f in fields):
            continue
        if len(fields) != len(names):
            errors.append(
                RowError(
                    start,
                    "",
                    "field_count",
                    _("This row has %(found)s fields; the header has %(expected)s.")
                    % {"found": len(fields), "expected": len(names)},
                )
            )
            continue
        rows.append((start, dict(zip(names, fields, strict=True))))
        if len(rows) > max_rows:
            raise ValidationFailed(
                _("A file may hold at most %(limit)s rows; split the export.") % {"limit": max_rows},
                code="csv_too_many_rows",
                details={"file": [str(max_rows)]},
            )
    return rows, errors


def _columns_error(details: dict) -> ValidationFailed:
    return ValidationFailed(
        _("The file's columns are not the documented contact columns."),
        code="csv_columns",
        details={**details, "expected": list(COLUMNS), "required": list(REQUIRED_COLUMNS)},
    )
