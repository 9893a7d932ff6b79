"""The statement as a PDF in Arabic (shaped, right to left) or English, with the
ministry's header and page numbers. It reuses the committee minutes' machinery: fpdf2 with
HarfBuzz shaping, the Noto Sans Arabic instances and the font class that keeps the
extracted Arabic text whole (``apps.committee.minutes``)."""

from __future__ import annotations

from django.utils import formats, translation

from apps.core.pdf import FAMILY, ArabicDocument
from apps.core.text import isolate_ltr
from apps.reports.statement import Statement

MINISTRY = {"ar": "مملكة البحرين — وزارة الإسكان", "en": "Kingdom of Bahrain — Ministry of Housing"}
TITLE = {"ar": "البيان الشهري لمركز الاتصال", "en": "Monthly statement of the contact centre"}
HEADERS = {
    "ar": ("الرمز", "البند", "الشهر", "السابق", "التغير", "منذ بداية العام"),
    "en": ("Code", "Figure", "Month", "Previous", "Change", "Year to date"),
}
PAGE = {"ar": "صفحة {page} من {pages}", "en": "Page {page} of {pages}"}
# Column widths (mm) on a landscape A4 page with 18 mm margins: 261 mm in all.
WIDTHS = (58, 105, 24, 24, 28, 22)


def pdf_number(value, unit: str = "count") -> str:
    """Latin digits with grouping, as the ministry prints them; empty for no value."""
    if value is None:
        return ""
    if unit == "percent":
        return f"{value:,.2f}%"
    if unit == "minutes":
        return f"{value:,.1f}"
    return f"{value:,}"


def pdf_change(change, unit) -> str:
    if change is None or unit is None:
        return ""
    if change == 0:
        return {"pct": "0.00%", "pt": "0.00 pt"}.get(unit, "0")
    if unit == "pct":
        return f"{change:+,.2f}%"
    if unit == "pt":
        return f"{change:+,.2f} pt"
    return f"{change:+,}"


class StatementDocument(ArabicDocument):
    def __init__(self, *, language: str, month_label: str):
        super().__init__(language=language, orientation="L", margins=(18, 14, 18), bottom=16)
        self.month_label = month_label
        self.alias_nb_pages()

    def header(self):
        self.set_font(FAMILY, "B", 11)
        self.cell(0, 6, MINISTRY[self.language], align=self.align, new_x="LMARGIN", new_y="NEXT")
        self.set_font(FAMILY, "", 9)
        self.cell(
            0,
            5,
            f"{TITLE[self.language]} · {self.month_label}",
            align=self.align,
            new_x="LMARGIN",
            new_y="NEXT",
        )
        self.set_draw_color(31, 111, 80)
        self.line(self.l_margin, self.get_y() + 1, self.w - self.r_margin, self.get_y() + 1)
        self.ln(4)

    def footer(self):
        self.set_y(-12)
        self.set_font(FAMILY, "", 8)
        self.set_text_color(110, 110, 110)
        wrap = isolate_ltr if self.rtl else str
        text = PAGE[self.language].format(page=wrap(str(self.page_no())), pages=wrap("{nb}"))
        self.cell(0, 5, text, align="C")
        self.set_text_color(0, 0, 0)

    def row(self, cells: list[str], *, bold: bool = False, size: float = 8.5, fill: bool = False):
        """One table row; in Arabic the first column sits at the right edge."""
        height = 5.6
        if self.will_page_break(height):
            self.add_page()
        y = self.get_y()
        x = self.w - self.r_margin if self.rtl else self.l_margin
        for index, (text, width) in enumerate(zip(cells, WIDTHS, strict=True)):
            font = size
            self.set_font(FAMILY, "B" if bold else "", font)
            while font > 5.5 and self.get_string_width(text) > width - 2:
                font -= 0.5
                self.set_font(FAMILY, "B" if bold else "", font)
            left = x - width if self.rtl else x
            self.set_xy(left, y)
            numeric = index >= 2
            if self.rtl and text and (numeric or index == 0):
                text = isolate_ltr(text)  # "+160.00%" keeps its sign in front in Arabic
            align = ("L" if self.rtl else "R") if numeric else self.align
            self.cell(width, height, text, border="B", align=align, fill=fill)
            x = left if self.rtl else x + width
        self.set_xy(self.l_margin, y + height)


def statement_pdf(statement: Statement, *, language: str = "ar") -> bytes:
    with translation.override(language):
        month_label = formats.date_format(statement.month, "YEAR_MONTH_FORMAT")
        previous_label = formats.date_format(statement.previous_month, "YEAR_MONTH_FORMAT")
    pdf = StatementDocument(language=language, month_label=month_label)
    pdf.set_title(f"{TITLE[language]} · {month_label}")
    pdf.set_subject(MINISTRY[language])
    pdf.add_page()
    pdf.set_font(FAMILY, "B", 14)
    pdf.cell(0, 8, f"{TITLE[language]} — {month_label}", align=pdf.align, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, "", 9)
    note = (
        f"مقارنة بشهر {previous_label}. الأرقام محسوبة من السجلات؛ التعريفات في الملحق."
        if language == "ar"
        else f"Compared with {previous_label}. Figures computed from the records; definitions in the annex."
    )
    pdf.cell(0, 6, note, align=pdf.align, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_fill_color(232, 242, 237)
    for group, rows in statement.groups():
        if pdf.will_page_break(20):
            pdf.add_page()
        pdf.set_font(FAMILY, "B", 11)
        pdf.cell(
            0,
            8,
            group.label_ar if language == "ar" else group.label_en,
            align=pdf.align,
            new_x="LMARGIN",
            new_y="NEXT",
        )
        pdf.row(list(HEADERS[language]), bold=True, fill=True)
        for f in rows:
            pdf.row(
                [
                    f.code,
                    f.label(language),
                    pdf_number(f.value, f.unit),
                    pdf_number(f.previous, f.unit),
                    pdf_change(f.change, f.change_unit),
                    pdf_number(f.ytd) if f.ytd is not None else "",
                ]
            )
        pdf.ln(3)
    pdf.add_page()
    pdf.set_font(FAMILY, "B", 12)
    pdf.cell(
        0,
        8,
        "التعريفات" if language == "ar" else "Definitions",
        align=pdf.align,
        new_x="LMARGIN",
        new_y="NEXT",
    )
    for f in statement.figures:
        definition = f.definition(language)
        pdf.set_font(FAMILY, "", 8)
        pdf.multi_cell(
            0, 4.5, f"{isolate_ltr(f.code)}: {definition}", align=pdf.align, new_x="LMARGIN", new_y="NEXT"
        )
    return bytes(pdf.output())
