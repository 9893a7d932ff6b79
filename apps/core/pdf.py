"""The project's PDFs: Arabic shaped and right-to-left, English left-to-right, one font set-up.

fpdf2 shapes the text with HarfBuzz (``set_text_shaping``) and orders it with its bidi
algorithm; the font is Noto Sans Arabic from the ``fontpkg-noto-sans-arabic`` wheel, which
also covers Latin letters and digits. Left-to-right tokens inside Arabic sentences
(references, review numbers, meeting numbers) are wrapped in U+2066…U+2069 by the callers
(``apps.core.text.isolate_ltr``).

``ArabicDocument`` is what every document of the product starts from (the committee's
minutes, the front desk's day sheet, the chat transcript, the monthly statement): fonts,
shaping, the document's language and creator, the viewer showing its title, wrapped
paragraphs and an optional footer with page numbers.
"""

from __future__ import annotations

import logging
import os
import tempfile
import unicodedata
from functools import lru_cache
from pathlib import Path

import fontpkg_noto_sans_arabic
from django.conf import settings
from django.utils.translation import gettext as _
from fpdf import FPDF, ViewerPreferences
from fpdf.fonts import TTFFont

from apps.core.text import isolate_ltr

FONT_FILE = Path(fontpkg_noto_sans_arabic.ROOT) / "files" / "NotoSansArabic[wdth,wght].ttf"
FAMILY = "noto"

# fontTools logs every subsetting step at INFO; one PDF would fill a log screen.
logging.getLogger("fontTools").setLevel(logging.WARNING)


@lru_cache(maxsize=4)
def static_font(weight: int) -> Path:
    """A static instance of the variable font at ``weight``, made once and cached on disk.

    Instancing the variable font takes about a second; every PDF after the first reuses
    the file (written atomically, so parallel processes never read half a font).
    """
    from fontTools.ttLib import TTFont
    from fontTools.varLib import instancer

    cache = Path(
        getattr(settings, "HOUSING_CACHE_DIR", "") or Path(tempfile.gettempdir()) / "housing-contact"
    )
    cache.mkdir(parents=True, exist_ok=True)
    stamp = f"{FONT_FILE.stat().st_size}-{int(FONT_FILE.stat().st_mtime)}"
    target = cache / f"NotoSansArabic-{weight}-{stamp}.ttf"
    if not target.exists():
        font = TTFont(str(FONT_FILE))
        instancer.instantiateVariableFont(font, {"wght": weight, "wdth": 100}, inplace=True, static=True)
        handle, partial = tempfile.mkstemp(dir=cache, suffix=".ttf")
        os.close(handle)
        font.save(partial)
        os.replace(partial, target)
    return target


class BaseGlyphTextFont(TTFFont):
    """fpdf2's font with one change: the text of a glyph cluster is attached to the
    cluster's widest glyph.

    Noto Sans Arabic draws many letters as a dotless base plus a separate dot mark, and
    HarfBuzz lists the mark first; fpdf2 attaches the cluster's characters to the first
    glyph, so text extraction (pdftotext, pypdf, screen readers, copy-and-paste) sees a
    zero-width letter and breaks words apart. Attaching the text to the base glyph keeps
    the extracted Arabic whole and in logical order. Drawing is unchanged.
    """

    __slots__ = ()

    def shape_text(self, text, font_size_pt, text_shaping_params):
        if not text:
            return []
        infos, positions = self.perform_harfbuzz_shaping(text, font_size_pt, text_shaping_params)
        starts = sorted({int(info.cluster) for info in infos})
        cluster_text = {
            start: text[start : (starts[i + 1] if i + 1 < len(starts) else len(text))]
            for i, start in enumerate(starts)
        }
        # A cluster of combining marks alone (shadda, harakat) travels with the letter
        # before it, so "وّ" extracts as one piece instead of a letter and a stray mark.
        owner = None
        for start in starts:
            chunk = cluster_text[start]
            if owner is not None and chunk and all(unicodedata.combining(ch) for ch in chunk):
                cluster_text[owner] += chunk
                cluster_text[start] = ""
            else:
                owner = start
        carrier: dict[int, int] = {}
        for index, (info, position) in enumerate(zip(infos, positions, strict=True)):
            cluster = int(info.cluster)
            if cluster not in carrier or position.x_advance > positions[carrier[cluster]].x_advance:
                carrier[cluster] = index
        shaped = []
        glyph_order, metrics = self.ttfont.getGlyphOrder(), self.ttfont["hmtx"].metrics
        for index, (info, position) in enumerate(zip(infos, positions, strict=True)):
            cluster = int(info.cluster)
            unicode = tuple(ord(ch) for ch in cluster_text[cluster]) if carrier[cluster] == index else ()
            name = glyph_order[info.codepoint]
            width = round(self.scale * metrics[name][0])
            glyph = self.subset.get_glyph(
                glyph=info.codepoint, unicode=unicode, glyph_name=name, glyph_width=width
            )
            if glyph is None:
                continue
            shaped.append(
                {
                    "mapped_char": self.subset.pick_glyph(glyph),
                    "x_advance": position.x_advance,
                    "y_advance": position.y_advance,
                    "x_offset": position.x_offset,
                    "y_offset": position.y_offset,
                    "force_positioning": bool(
                        width != position.x_advance
                        or position.x_offset
                        or position.y_offset
                        or position.y_advance
                    ),
                }
            )
        return shaped


class ArabicDocument(FPDF):
    """An A4 document in ``language`` ("ar" right-to-left, or "en")."""

    def __init__(
        self,
        *,
        language: str,
        orientation: str = "P",
        margins: tuple[float, float, float] = (18, 16, 18),
        bottom: float = 18,
        footer_text: str = "",
    ):
        super().__init__(orientation=orientation, unit="mm", format="A4")
        self.language = language
        self.rtl = language == "ar"
        self.footer_text = footer_text
        self.margins = margins
        for style, weight in (("", 400), ("B", 700)):
            key = FAMILY + style
            self.fonts[key] = BaseGlyphTextFont(self, static_font(weight), key, style)
        self.set_text_shaping(
            use_shaping_engine=True,
            direction="rtl" if self.rtl else "ltr",
            script="arab" if self.rtl else None,
            language="ara" if self.rtl else None,
        )
        self.set_margins(*margins)
        self.set_auto_page_break(True, margin=bottom)
        self.set_creator("Housing Contact")
        self.set_lang(language)
        self.viewer_preferences = ViewerPreferences(display_doc_title=True)  # the title, not the file name
        self._widths: dict[tuple[str, str, float], float] = {}

    @property
    def align(self) -> str:
        return "R" if self.rtl else "L"

    def footer(self):
        if not self.footer_text:
            return
        self.set_y(-13)
        self.set_font(FAMILY, "", 8)
        self.set_text_color(110, 110, 110)
        page = _("Page %(number)s") % {"number": isolate_ltr(str(self.page_no()))}
        self.cell(0, 5, f"{self.footer_text} · {page}", align="C")
        self.set_text_color(0, 0, 0)

    def para(
        self, text: str, *, size: float = 10.5, bold: bool = False, after: float = 1.2, indent: float = 0
    ):
        """A paragraph, wrapped here rather than by ``multi_cell``: with text shaping on,
        fpdf2's line breaker reshapes the growing line for every character (quadratic);
        measuring each word once keeps a 40-decision minutes well under a second."""
        style = "B" if bold else ""
        self.set_font(FAMILY, style, size)
        if self.rtl:
            self.set_right_margin(self.margins[2] + indent)
        else:
            self.set_left_margin(self.margins[0] + indent)
        self.set_x(self.l_margin)
        width = self.w - self.l_margin - self.r_margin
        for line in self._wrap(text, width, style, size):
            self.cell(0, size * 0.55, line, align=self.align, new_x="LMARGIN", new_y="NEXT")
        self.set_margins(*self.margins)
        self.set_x(self.l_margin)
        if after:
            self.ln(after)

    def _width(self, word: str, style: str, size: float) -> float:
        key = (word, style, size)
        if key not in self._widths:
            self._widths[key] = self.get_string_width(word)
        return self._widths[key]

    def _wrap(self, text: str, width: float, style: str, size: float) -> list[str]:
        """Break ``text`` (logical order) into lines at spaces, never inside an isolated
        left-to-right token (U+2066…U+2069); each line is then ordered on its own, as the
        bidi algorithm does after line breaking."""
        lines = []
        space = self._width(" ", style, size)
        for paragraph in text.split("\n"):
            words, depth, current = [], 0, ""
            for ch in paragraph:
                if ch in "\u2066\u2067\u2068":
                    depth += 1
                elif ch == "\u2069":
                    depth = max(0, depth - 1)
                if ch == " " and depth == 0:
                    words.append(current)
                    current = ""
                else:
                    current += ch
            words.append(current)
            line, line_width = "", 0.0
            for word in words:
                word_width = self._width(word, style, size)
                if line and line_width + space + word_width > width:
                    lines.append(line)
                    line, line_width = word, word_width
                elif line:
                    line, line_width = f"{line} {word}", line_width + space + word_width
                else:
                    line, line_width = word, word_width
            lines.append(line)
        return lines

    def rule(self):
        self.set_draw_color(180, 180, 180)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.ln(2)
