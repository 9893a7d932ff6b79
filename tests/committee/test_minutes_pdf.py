"""The minutes PDF: Arabic shaped and in logical order when extracted, English on request."""

import io
import re
import shutil
import subprocess

import pypdf
import pytest

from apps.committee import services
from apps.committee.minutes import minutes_pdf
from apps.committee.models import Outcome

BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
ARABIC_WORD = re.compile("[\u0621-\u064a\u0651\u0660-\u0669]+")


def _normalise(text: str) -> str:
    return " ".join(BIDI_CONTROLS.sub("", text).split())


def _words(text: str) -> list[str]:
    """The Arabic words in reading order (punctuation and left-to-right runs left out:
    extractors place neutral characters by their own bidi guesses)."""
    return ARABIC_WORD.findall(text)


def _contains_in_order(haystack: list[str], needle: list[str]) -> bool:
    return any(haystack[i : i + len(needle)] == needle for i in range(len(haystack) - len(needle) + 1))


@pytest.fixture
def decided(quorate, make_referral, secretary, decide, reason):
    approved, rejected, deferred = make_referral(), make_referral(), make_referral()
    services.agenda_add(meeting=quorate, referrals=[approved, rejected, deferred], actor=secretary)
    decide(quorate, approved, Outcome.APPROVED, conditions="تقديم عقد الإيجار الموثق")
    decide(quorate, rejected, Outcome.REJECTED, reason_note="بحسب كشف الراتب الأخير")
    decide(quorate, deferred, Outcome.DEFERRED, needs="تقرير البحث الاجتماعي")
    return quorate


ARABIC_TEXTS = [
    "الموافقة بالشروط التالية: تقديم عقد الإيجار الموثق",
    "الاعتذار. السبب: الدخل يتجاوز الحد المسموح. بحسب كشف الراتب الأخير",
    "التأجيل لمزيد من الدراسة. المطلوب: تقرير البحث الاجتماعي",
]


@pytest.mark.skipif(
    shutil.which("pdftotext") is None,
    reason="POPPLER-UTILS' pdftotext IS NOT INSTALLED: the Arabic extraction test cannot run (CI installs it)",
)
def test_the_extracted_arabic_decisions_read_in_logical_order(decided, tmp_path):
    path = tmp_path / "minutes.pdf"
    path.write_bytes(minutes_pdf(meeting=decided, language="ar"))
    extracted = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    words = _words(extracted)
    for sentence in ARABIC_TEXTS:
        assert _contains_in_order(words, _words(sentence)), sentence
    assert _contains_in_order(words, _words("اكتمل النصاب"))


def test_a_reversed_sentence_is_not_taken_for_logical_order():
    sentence = _words("التأجيل لمزيد من الدراسة")
    assert not _contains_in_order(list(reversed(sentence)), sentence)
    assert not _contains_in_order(_words("ةساردلا نم ديزمل ليجأتلا"), sentence)


def test_the_english_minutes_are_made_on_request(decided):
    reader = pypdf.PdfReader(io.BytesIO(minutes_pdf(meeting=decided, language="en")))
    text = _normalise(" ".join(page.extract_text() for page in reader.pages))
    assert "Minutes of meeting" in text and "Housing Committee" in text
    assert "Deferred for more study. Needed:" in text
    assert "Draft: awaiting the chair's signature." in text


def test_the_minutes_use_the_embedded_noto_sans_arabic_font(decided):
    reader = pypdf.PdfReader(io.BytesIO(minutes_pdf(meeting=decided, language="ar")))
    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert any("NotoSansArabic" in name for name in fonts)


def test_the_minutes_name_the_cases_by_reference(decided):
    reader = pypdf.PdfReader(io.BytesIO(minutes_pdf(meeting=decided, language="ar")))
    text = " ".join(page.extract_text() for page in reader.pages)
    for item in decided.agenda.all():
        assert item.referral.reference in text


@pytest.mark.parametrize("language", ["ar", "en"])
def test_the_minutes_carry_their_language_and_title(decided, language):
    reader = pypdf.PdfReader(io.BytesIO(minutes_pdf(meeting=decided, language=language)))
    root = reader.trailer["/Root"]
    assert root["/Lang"] == language
    assert root["/ViewerPreferences"]["/DisplayDocTitle"] == True  # noqa: E712 (a PDF boolean object)
    assert decided.label in reader.metadata.title
