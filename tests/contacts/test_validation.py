"""The import's fast phone path agrees with the full phonenumbers check."""

import pytest

from apps.citizens.validation import normalize_phone
from apps.contacts.validation import _bahraini_e164, parse_datetime_value
from apps.core.errors import ValidationFailed


def full_check(value):
    try:
        return normalize_phone(value)
    except ValidationFailed:
        return None


def test_the_fast_path_never_accepts_a_number_the_full_check_refuses():
    for number in range(0, 100_000_000, 7_919):
        text = f"{number:08d}"
        fast = _bahraini_e164(text)
        assert fast is None or fast == full_check(text), text


@pytest.mark.parametrize(
    "text", ["36001234", "+97336001234", "00973 3600 1234", "1700-1234", "+973 17001234"]
)
def test_the_fast_path_reads_the_usual_bahraini_forms(text):
    assert _bahraini_e164(text) == full_check(text) is not None


def test_a_time_without_offset_is_bahrain_time():
    assert parse_datetime_value("2026-07-01 08:00:00").utcoffset().total_seconds() == 3 * 3600
