"""Reading exports back in tests: CSV from a streamed answer, XLSX with openpyxl."""

from __future__ import annotations

import csv
import io


def csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))


def xlsx_book(content: bytes):
    from openpyxl import load_workbook

    return load_workbook(io.BytesIO(content))


def xlsx_rows(response_or_bytes) -> list[list]:
    content = (
        response_or_bytes
        if isinstance(response_or_bytes, bytes)
        else b"".join(response_or_bytes.streaming_content)
    )
    book = xlsx_book(content)
    return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]


def column(rows: list[list], header: str) -> list:
    index = rows[0].index(header)
    return [row[index] for row in rows[1:]]
