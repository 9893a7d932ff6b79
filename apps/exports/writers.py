"""The rows of a list, written as CSV or XLSX without ever holding the whole list.

Rows come from a server-side cursor (``QuerySet.iterator(chunk_size=…)``: PostgreSQL hands
them over in batches of ``BATCH`` and nothing is paged with OFFSET). Each batch is redacted
by the one confidentiality policy for the exporter, then the list's ``prepare`` fetches
what its columns need for the batch in one query. CSV is produced line by line (the view
streams it); XLSX goes through openpyxl's write-only workbook into a temporary file, so
memory stays flat whatever the number of rows.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from itertools import islice

from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core import confidentiality
from apps.exports.registry import DATE, DATETIME, NUMBER, Column, ExportList

BATCH = 2000

# A cell starting with one of these would be read as a formula by a spreadsheet (CSV
# injection): CSV text cells get a leading apostrophe, XLSX cells are typed as strings.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def columns_for(export_list: ExportList, *, personal: bool) -> list[Column]:
    return [c for c in export_list.columns if personal or not c.personal]


def omitted_note(export_list: ExportList, *, personal: bool) -> str:
    """What the export leaves out and why ("" when nothing is left out)."""
    left_out = [str(c.header) for c in export_list.columns if c.personal and not personal]
    if not left_out:
        return ""
    return _(
        "Personal data columns were left out (%(columns)s): exporting them needs the "
        "permission to export personal data."
    ) % {"columns": ", ".join(left_out)}


def rows(export_list: ExportList, queryset, *, viewer) -> Iterator:
    """The list's rows, redacted for ``viewer``, batch by batch from a server-side cursor."""
    iterator = queryset.iterator(chunk_size=BATCH)
    while True:
        batch = list(islice(iterator, BATCH))
        if not batch:
            return
        batch = confidentiality.redact(viewer, batch)
        if export_list.prepare is not None:
            export_list.prepare(viewer, batch)
        yield from batch


def _local(value):
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    return value


def _csv_cell(column: Column, value) -> str:
    if value is None:
        return ""
    if column.kind == DATETIME and isinstance(value, datetime):
        return _local(value).strftime("%Y-%m-%d %H:%M")
    if column.kind == DATE and isinstance(value, date):
        return value.isoformat()
    if column.kind == NUMBER:
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


class _Echo:
    """A file-like object whose ``write`` hands back the line (csv.writer into a generator)."""

    def write(self, value):
        return value


def csv_lines(export_list: ExportList, queryset, *, viewer, personal: bool, counter: list) -> Iterator[str]:
    """The CSV, line by line (UTF-8 with a byte-order mark so Excel reads Arabic right).

    ``counter[0]`` holds the number of rows written so far (the caller logs it at the end).
    """
    columns = columns_for(export_list, personal=personal)
    writer = csv.writer(_Echo(), lineterminator="\r\n")
    yield "\ufeff" + writer.writerow([str(c.header) for c in columns])
    for row in rows(export_list, queryset, viewer=viewer):
        counter[0] += 1
        yield writer.writerow([_csv_cell(c, c.value(row)) for c in columns])


def write_csv(path, export_list: ExportList, queryset, *, viewer, personal: bool) -> int:
    counter = [0]
    with open(path, "w", encoding="utf-8", newline="") as out:
        for line in csv_lines(export_list, queryset, viewer=viewer, personal=personal, counter=counter):
            out.write(line)
    return counter[0]


def _xlsx_value(column: Column, value):
    if value is None:
        return None
    if column.kind == NUMBER:
        return value if isinstance(value, int | float | Decimal) else value
    if column.kind in (DATETIME, DATE):
        return _local(value)
    return str(value)


def write_xlsx(path, export_list: ExportList, queryset, *, viewer, personal: bool, language: str) -> int:
    """One sheet of rows (right-to-left in Arabic) and, when columns were left out, a note sheet."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    columns = columns_for(export_list, personal=personal)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=str(export_list.title)[:31])
    sheet.sheet_view.rightToLeft = language == "ar"
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=str(column.header))
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    count = 0
    for row in rows(export_list, queryset, viewer=viewer):
        cells = []
        for column in columns:
            value = _xlsx_value(column, column.value(row))
            # Plain values go in as they are (a str is written as text, a number as a number);
            # a cell object only where a value needs more, as cells cost time at 100,000 rows.
            if value is None:
                cells.append(None)
            elif column.kind in (DATETIME, DATE):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = "yyyy-mm-dd hh:mm" if column.kind == DATETIME else "yyyy-mm-dd"
                cells.append(cell)
            elif isinstance(value, str) and value.startswith(_FORMULA_START):
                # Text stays text: never a formula.
                cell = WriteOnlyCell(sheet, value=value)
                cell.data_type = "s"
                cells.append(cell)
            else:
                cells.append(value)
        sheet.append(cells)
        count += 1
    note = omitted_note(export_list, personal=personal)
    if note:
        notes = book.create_sheet(title=_("Notes")[:31])
        notes.sheet_view.rightToLeft = language == "ar"
        notes.column_dimensions["A"].width = 100
        notes.append([note])
    book.save(path)
    return count


def temporary_path(suffix: str) -> str:
    handle = tempfile.NamedTemporaryFile(prefix="export-", suffix=suffix, delete=False)
    handle.close()
    return handle.name
