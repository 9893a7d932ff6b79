"""One parser for numbers and dates from requests; JSON bodies with a depth limit."""

from datetime import date

import pytest

from apps.core import parsing
from apps.core.errors import ValidationFailed
from apps.core.parsers import JsonTooDeep, json_loads


@pytest.mark.parametrize(
    "text", ["²", "¹²", "½", "1e3", "0x10", "1_000", "", " ", "-", "1.0", "9" * 40, None]
)
def test_to_int_refuses_what_is_not_a_plain_integer(text):
    assert parsing.to_int(text) is None


@pytest.mark.parametrize(("text", "value"), [("42", 42), (" 7 ", 7), ("٤٢", 42), ("۱۲", 12), ("-3", -3)])
def test_to_int_reads_western_and_arabic_indic_digits(text, value):
    assert parsing.to_int(text) == value


def test_an_id_is_positive_and_fits_a_bigint():
    assert parsing.to_id("0") is None
    assert parsing.to_id("-1") is None
    assert parsing.to_id(str(2**63)) is None
    assert parsing.to_id(str(2**63 - 1)) == 2**63 - 1


def test_to_ids_keeps_the_valid_ids_once_in_order():
    assert parsing.to_ids(["3", "²", "1", "x", "3", "٢"]) == [3, 1, 2]


def test_dates_and_months_stay_within_the_supported_years():
    assert parsing.to_date("2026-02-28") == date(2026, 2, 28)
    assert parsing.to_date("2026-02-30") is None
    assert parsing.to_date("9999-12-31") is None
    assert parsing.parse_month("2026-07") == (2026, 7)
    assert parsing.parse_month("99999999999-1") is None
    assert parsing.parse_month("2026-13") is None
    assert parsing.year_month("99999999999", "1", default=date(2026, 1, 1)) is None
    assert parsing.year_month(None, "", default=date(2026, 5, 1)) == (2026, 5)
    with pytest.raises(ValidationFailed):
        parsing.require_year_month("2026", "²", default=date(2026, 1, 1))


def test_page_size_is_clamped_and_defaults_on_anything_unreadable():
    assert parsing.page_size("²") == 25
    assert parsing.page_size("100000000000000000000000") == 25
    assert parsing.page_size("1000") == 100
    assert parsing.page_size("0", minimum=5) == 5


def test_json_deeper_than_the_limit_is_refused_however_deep():
    assert json_loads("[" * 64 + "]" * 64) is not None
    for depth in (65, 100_000):
        with pytest.raises(JsonTooDeep):
            json_loads("[" * depth + "]" * depth)
