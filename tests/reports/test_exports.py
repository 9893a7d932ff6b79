"""The API, the CSV, the XLSX (read back with openpyxl) and the PDF (pdftotext) all carry
the fixture month's hand-computed figures."""

import csv
import io
import re
import subprocess

import pytest
from openpyxl import load_workbook

from apps.reports.pdf import pdf_change, pdf_number
from tests.reports.conftest import EXPECTED

BASE = "/reports/monthly/"
UNITS = {"pct": "pct", "pt": "pt", "diff": "diff"}


@pytest.fixture
def api_figures(client, supervisor, fixture_month):
    client.force_login(supervisor)
    return client.get("/api/v1/reports/monthly/", {"month": "2026-07"}).json()["figures"]


def _number(text):
    if text in ("", None):
        return None
    value = float(text)
    return int(value) if value.is_integer() and "." not in str(text) else value


def test_the_csv_agrees_with_the_hand_computation(client, api_figures):
    response = client.get(BASE + "statement.csv", {"month": "2026-07"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert list(rows[0]) == ["code", "label_ar", "label_en", "value", "previous", "change", "ytd"]
    by_code = {row["code"]: row for row in rows}
    for code, expected in EXPECTED.items():
        row = by_code[code]
        got = tuple(_number(row[k]) for k in ("value", "previous", "change", "ytd"))
        assert got == expected, code
        assert row["label_ar"] == api_figures[code]["label_ar"]


@pytest.mark.parametrize("language", ["ar", "en"])
def test_the_xlsx_agrees_and_stores_numbers_as_numbers(client, api_figures, language):
    response = client.get(BASE + "statement.xlsx", {"month": "2026-07", "language": language})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert len(book.sheetnames) == 5
    found = {}
    for sheet in book.worksheets:
        assert sheet.sheet_view.rightToLeft is (language == "ar")
        for row in sheet.iter_rows(min_row=3):
            code, _label, value, previous, change, ytd, definition = (c.value for c in row)
            found[code] = (value, previous, change, ytd)
            assert definition
            if isinstance(value, (int, float)):
                assert row[2].number_format != "General"
    for code, expected in EXPECTED.items():
        assert found[code] == expected, code
    assert isinstance(found["calls.inbound"][0], int)
    assert found["calls.success_rate"][0] == 70.0


def _pdf_text(content: bytes) -> str:
    result = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True
    )
    # pdftotext marks the direction of each run (U+202A…U+202E, U+2066…U+2069): drop the marks.
    return re.sub("[\u202a-\u202e\u2066-\u2069]", "", result.stdout.decode())


def test_the_english_pdf_agrees_with_the_hand_computation(client, api_figures):
    response = client.get(BASE + "statement.pdf", {"month": "2026-07", "language": "en"})
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    text = _pdf_text(response.content)
    assert "Ministry of Housing" in text and "Page 1 of" in text
    lines = {line.split()[0]: line for line in text.splitlines() if line.strip() and "." in line.split()[0]}
    for code, (value, previous, change, ytd) in EXPECTED.items():
        line = lines[code]
        unit = api_figures[code]["unit"]
        for token in (
            pdf_number(value, unit),
            pdf_number(previous, unit),
            pdf_change(change, api_figures[code]["change_unit"]),
        ):
            assert token in line, (code, token, line)
        if ytd is not None:
            assert pdf_number(ytd) in line


def test_the_arabic_pdf_is_shaped_right_to_left_with_the_figures(client, api_figures):
    response = client.get(BASE + "statement.pdf", {"month": "2026-07", "language": "ar"})
    content = response.content
    assert b"/Lang (ar)" in content or b"/Lang(ar)" in content
    text = _pdf_text(content)
    assert "وزارة الإسكان" in text and "البيان الشهري" in text
    assert "المكالمات الواردة" in text
    line = next(line for line in text.splitlines() if "calls.inbound" in line.split())
    assert "13" in line and "+160.00%" in line
