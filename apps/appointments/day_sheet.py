"""The front desk's printable day sheet: one branch's appointments of one day, as an Arabic
(right-to-left) or English PDF.

It is drawn on the product's one PDF set-up (``apps.core.pdf``: fpdf2 with HarfBuzz shaping,
Noto Sans Arabic instanced once and cached, the glyph-text fix that keeps extracted Arabic
whole); CPR numbers are masked as in every list.
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from apps.core.pdf import FAMILY, ArabicDocument
from apps.core.templatetags.dates import hijri_date
from apps.core.text import isolate_ltr


class DaySheet(ArabicDocument):
    def __init__(self, *, rtl: bool, language: str):
        super().__init__(language=language, margins=(12, 12, 12), bottom=14)
        self.rtl = rtl

    def row(self, values: list[str], widths: list[float], *, bold: bool = False, height: float = 7) -> None:
        self.set_font(FAMILY, "B" if bold else "", 9.5)
        cells = list(zip(values, widths, strict=True))
        if self.rtl:
            cells.reverse()  # the first column stands at the right
        for value, width in cells:
            self.cell(width, height, value, border=1, align="R" if self.rtl else "L")
        self.ln(height)


def day_sheet_pdf(*, branch, day: date, rows) -> bytes:
    language = translation.get_language() or "ar"
    with translation.override(language):
        pdf = DaySheet(rtl=language == "ar", language=language)
        title = _("Day sheet — %(branch)s") % {"branch": branch.display_name()}
        pdf.set_title(title)
        pdf.add_page()
        pdf.set_font(FAMILY, "B", 14)
        align = "R" if pdf.rtl else "L"
        pdf.cell(
            0,
            9,
            title,
            align=align,
            new_x="LMARGIN",
            new_y="NEXT",
        )
        pdf.set_font(FAMILY, "", 10.5)
        pdf.cell(
            0,
            7,
            _("Date: %(date)s (%(hijri)s)")
            % {"date": isolate_ltr(day.isoformat()), "hijri": hijri_date(day)},
            align=align,
            new_x="LMARGIN",
            new_y="NEXT",
        )
        pdf.ln(2)
        widths = [16, 28, 52, 24, 46, 20]
        pdf.row(
            [
                _("Time"),
                _("Reference"),
                _("Citizen"),
                _("CPR"),
                pgettext("appointments", "Service"),
                _("Status"),
            ],
            widths,
            bold=True,
        )
        for appointment in rows:
            pdf.row(
                [
                    isolate_ltr(timezone.localtime(appointment.slot_start).strftime("%H:%M")),
                    isolate_ltr(appointment.reference),
                    appointment.citizen.display_name()[:40],
                    isolate_ltr(appointment.citizen.masked_cpr),
                    appointment.service.display_name()[:34],
                    appointment.get_status_display(),
                ],
                widths,
            )
        pdf.ln(3)
        pdf.set_font(FAMILY, "", 9)
        pdf.cell(
            0,
            6,
            _("Appointments on the sheet: %(count)s") % {"count": isolate_ltr(str(len(rows)))},
            align=align,
        )
        return bytes(pdf.output())
