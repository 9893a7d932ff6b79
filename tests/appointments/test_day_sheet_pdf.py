"""The desk's day sheet PDF tells a screen reader its language and a viewer its title."""

import io
from datetime import date

import pytest
from django.utils import translation
from pypdf import PdfReader

from apps.appointments.day_sheet import day_sheet_pdf

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["ar", "en"])
def test_the_day_sheet_carries_its_language_and_title(catalogue, language):
    branch = catalogue["hq"]
    with translation.override(language):
        pdf = PdfReader(io.BytesIO(day_sheet_pdf(branch=branch, day=date(2026, 6, 7), rows=[])))
        name = branch.display_name()
    root = pdf.trailer["/Root"]
    assert root["/Lang"] == language
    assert root["/ViewerPreferences"]["/DisplayDocTitle"] == True  # noqa: E712 (a PDF boolean object)
    assert name in pdf.metadata.title
