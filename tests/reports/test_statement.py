import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.reports.statement import monthly_statement
from tests.reports.conftest import EXPECTED

JULY = dt.date(2026, 7, 1)


def _rows(statement):
    return {f.code: (f.value, f.previous, f.change, f.ytd) for f in statement.figures}


def test_every_figure_of_the_fixture_month_matches_the_hand_computation(fixture_month):
    rows = _rows(monthly_statement(JULY))
    for code, expected in EXPECTED.items():
        assert rows.get(code) == expected, code
    assert set(rows) - set(EXPECTED) == set()


def test_a_rate_with_no_denominator_is_empty_and_counts_are_zero(db):
    rows = _rows(monthly_statement(dt.date(2026, 2, 1)))
    assert rows["calls.success_rate"] == (None, None, None, None)
    assert rows["calls.inbound"] == (0, 0, None, None)
    assert rows["tawasul.received"][3] == 0


def test_every_figure_has_its_definition_in_both_languages(fixture_month):
    for figure in monthly_statement(JULY).figures:
        assert figure.definition_ar and figure.definition_en, figure.code
        assert figure.label_ar and figure.label_en, figure.code


def test_it_takes_the_same_bounded_number_of_queries_whatever_the_data(fixture_month):
    with CaptureQueriesContext(connection) as first:
        monthly_statement(JULY)
    with CaptureQueriesContext(connection) as empty:
        monthly_statement(dt.date(2025, 1, 1))
    # The committee's selector skips its deferrals query for a month with no ruling (an
    # empty IN list): the count varies by that one query, never with the number of rows.
    assert len(empty.captured_queries) <= len(first.captured_queries) <= len(empty.captured_queries) + 2
    assert len(first.captured_queries) <= 60


def test_appointment_pairs_are_listed_largest_first(fixture_month):
    codes = [f.code for f in monthly_statement(JULY).figures if f.code.startswith("appointments.booked.")]
    assert codes[:2] == ["appointments.booked.hq.new-application", "appointments.booked.bank-moayyed.mazaya"]
    assert len(codes) == 7


def test_topics_are_listed_largest_first(fixture_month):
    codes = [f.code for f in monthly_statement(JULY).figures if f.code.startswith("calls.topic.")]
    assert codes[0] == "calls.topic.new_application"
    assert codes[-2:] == ["calls.topic.complaint", "calls.topic.eligibility"]


def test_in_january_the_previous_year_to_date_is_last_years(fixture_month):
    rows = _rows(monthly_statement(dt.date(2026, 1, 1)))
    # The only Tawasul ticket of 2025 was received on 20 December.
    assert rows["tawasul.ytd"][:2] == (0, 1)
    assert rows["tawasul.received"] == (0, 1, -100.0, 0)
