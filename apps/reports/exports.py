"""The statement in its formats: JSON (the API), CSV, XLSX and PDF. Every format reads the
same ``Statement`` rows, so the figures are identical across them."""

from __future__ import annotations

from apps.reports import publishing
from apps.reports.statement import Statement


def as_json(statement: Statement, *, record=None) -> dict:
    revision = publishing.revision(statement, record)
    figures = {}
    for f in statement.figures:
        row = {
            "group": f.group,
            "label_ar": f.label_ar,
            "label_en": f.label_en,
            "definition_ar": f.definition_ar,
            "definition_en": f.definition_en,
            "unit": f.unit,
            "change_unit": f.change_unit,
            "value": f.value,
            "previous": f.previous,
            "change": f.change,
            "ytd": f.ytd,
            "confidential": f.confidential,
        }
        if revision.published:
            row["published"] = revision.published_values.get(f.code)
            row["revised"] = f.code in revision.revised_codes
        figures[f.code] = row
    publication = getattr(record, "publication", None) if record else None
    return {
        "month": statement.key,
        "previous_month": f"{statement.previous_month:%Y-%m}",
        "computed_at": statement.computed_at,
        "status": record.status if record else "none",
        "published_at": publication.published_at if publication else None,
        "checksum": publication.checksum if publication else None,
        "revised_codes": sorted(revision.revised_codes),
        "groups": [
            {"key": g.key, "label_ar": g.label_ar, "label_en": g.label_en, "codes": [f.code for f in rows]}
            for g, rows in statement.groups()
        ],
        "figures": figures,
    }


# --- CSV ------------------------------------------------------------------------------

CSV_HEADER = ["code", "label_ar", "label_en", "value", "previous", "change", "ytd"]


def _plain(value) -> str:
    return "" if value is None else str(value)


def as_csv(statement: Statement) -> bytes:
    """UTF-8 with a byte-order mark (Excel opens the Arabic right), one row per figure."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for f in statement.figures:
        writer.writerow(
            [f.code, f.label_ar, f.label_en, *map(_plain, (f.value, f.previous, f.change, f.ytd))]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


# --- XLSX -----------------------------------------------------------------------------

_XLSX_FORMATS = {
    "count": "#,##0",
    "difference": "+#,##0;-#,##0;0",
    "percent": '0.00"%"',
    "minutes": "0.0",
}
_CHANGE_FORMATS = {
    "pct": '+0.00"%";-0.00"%";0.00"%"',
    "pt": '+0.00" pt";-0.00" pt";0.00" pt"',
    "diff": "+#,##0;-#,##0;0",
}


def as_xlsx(statement: Statement, *, language: str = "ar") -> bytes:
    """One sheet per group (right-to-left for Arabic), the numbers stored as numbers with a
    number format, the definition in its own column."""
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    arabic = language == "ar"
    headers = (
        ["الرمز", "البند", "الشهر", "الشهر السابق", "التغير", "منذ بداية العام", "التعريف"]
        if arabic
        else ["Code", "Figure", "Month", "Previous month", "Change", "Year to date", "Definition"]
    )
    book = Workbook()
    book.remove(book.active)
    for group, rows in statement.groups():
        title = (group.label_ar if arabic else group.label_en)[:31].replace("/", "-")
        sheet = book.create_sheet(title=title)
        sheet.sheet_view.rightToLeft = arabic
        sheet.append([statement.key, group.label_ar if arabic else group.label_en])
        sheet.append(headers)
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for f in rows:
            sheet.append(
                [f.code, f.label(language), f.value, f.previous, f.change, f.ytd, f.definition(language)]
            )
            row = sheet.max_row
            for column in (3, 4):
                sheet.cell(row=row, column=column).number_format = _XLSX_FORMATS.get(f.unit, "#,##0")
            sheet.cell(row=row, column=5).number_format = _CHANGE_FORMATS.get(f.change_unit or "", "General")
            sheet.cell(row=row, column=6).number_format = "#,##0"
            sheet.cell(row=row, column=7).alignment = Alignment(wrap_text=True, vertical="top")
        for column, width in zip("ABCDEFG", (34, 46, 12, 14, 12, 14, 70), strict=True):
            sheet.column_dimensions[column].width = width
        sheet.freeze_panes = "C3"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- PDF ------------------------------------------------------------------------------


def as_pdf(statement: Statement, *, language: str = "ar") -> bytes:
    from apps.reports.pdf import statement_pdf

    return statement_pdf(statement, language=language)
