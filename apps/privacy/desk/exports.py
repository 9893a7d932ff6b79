"""The read log as CSV and XLSX: the same rows, headers in the exporter's language, times in
Bahrain's local time, the CPR in full (the officer holds the identity permission)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _

from apps.privacy.desk.selectors import ReadRow


def _headers() -> list[str]:
    return [
        _("Time"),
        _("Read by"),
        _("Username"),
        _("What was read"),
        _("CPR number"),
        _("Citizen"),
        _("Detail"),
    ]


def _cells(row: ReadRow) -> list:
    return [
        timezone.localtime(row.at).replace(tzinfo=None),
        row.user.display_name() if row.user else "",
        row.user.username if row.user else "",
        str(row.kind_label),
        row.citizen.cpr if row.citizen else "",
        row.citizen.display_name() if row.citizen else "",
        row.detail or "",
    ]


def as_csv(rows: Iterable[ReadRow]) -> tuple[bytes, int]:
    """UTF-8 with a byte-order mark (Excel opens the Arabic right); returns (bytes, rows)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(_headers())
    count = 0
    for row in rows:
        cells = _cells(row)
        cells[0] = cells[0].strftime("%Y-%m-%d %H:%M:%S")
        writer.writerow(cells)
        count += 1
    return ("\ufeff" + out.getvalue()).encode("utf-8"), count


def as_xlsx(rows: Iterable[ReadRow], *, language: str) -> tuple[bytes, int]:
    """One sheet, right-to-left in Arabic, times as real date-times; returns (bytes, rows)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=_("Read log")[:31])
    sheet.sheet_view.rightToLeft = language == "ar"
    for column, width in zip("ABCDEFG", (20, 28, 18, 26, 14, 30, 20), strict=True):
        sheet.column_dimensions[column].width = width
    from openpyxl.cell import WriteOnlyCell

    header = []
    for text in _headers():
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    count = 0
    for row in rows:
        cells = _cells(row)
        stamp = WriteOnlyCell(sheet, value=cells[0])
        stamp.number_format = "yyyy-mm-dd hh:mm:ss"
        sheet.append([stamp, *cells[1:]])
        count += 1
    out = io.BytesIO()
    book.save(out)
    return out.getvalue(), count
