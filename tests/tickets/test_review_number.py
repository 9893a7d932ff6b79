import itertools
import threading
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, connections

from apps.tickets import review_numbers
from apps.tickets.models import Ticket
from apps.tickets.review_numbers import (
    DAMM_TABLE,
    MalformedReviewNumber,
    ReviewNumber,
    ReviewNumberCheckFailed,
    damm_check_digit,
    damm_is_valid,
)

from .factories import CitizenFactory, TicketFactory

BAHRAIN = ZoneInfo("Asia/Bahrain")


def test_the_format_is_year_sequence_and_check_digit():
    number = ReviewNumber(2026, 4817)
    assert str(number) == f"2026-004817-{damm_check_digit('2026004817')}"
    assert damm_is_valid(str(number).replace("-", ""))


def test_the_damm_table_is_a_latin_square_with_a_zero_diagonal():
    for row in DAMM_TABLE:
        assert sorted(row) == list(range(10))
    for column in zip(*DAMM_TABLE, strict=True):
        assert sorted(column) == list(range(10))
    assert all(DAMM_TABLE[i][i] == 0 for i in range(10))


def test_the_damm_table_is_weakly_totally_anti_symmetric():
    # (c*x)*y == (c*y)*x only if x == y: the property that makes every neighbour swap show.
    for c, x, y in itertools.product(range(10), repeat=3):
        if x != y:
            assert DAMM_TABLE[DAMM_TABLE[c][x]][y] != DAMM_TABLE[DAMM_TABLE[c][y]][x]


def _all_numbers_of_width(width: int):
    for value in range(10**width):
        payload = f"{value:0{width}d}"
        yield payload + damm_check_digit(payload)


def test_check_character_catches_every_single_digit_error():
    # Exhaustively over every 4-digit payload with its check digit, and over every position
    # and wrong digit of real-format numbers at both ends of a year's range. (The table
    # tests above prove it for any length: a wrong digit changes the running value, and
    # each later step is a permutation, so the end can no longer be zero.)
    samples = list(_all_numbers_of_width(4)) + [
        str(ReviewNumber(year, seq)).replace("-", "")
        for year in (2000, 2026, 2999)
        for seq in (*range(1, 600), *range(999_700, 1_000_000), 1_234_567)
    ]
    for number in samples:
        for position, wrong in itertools.product(range(len(number)), "0123456789"):
            if number[position] == wrong:
                continue
            mutated = number[:position] + wrong + number[position + 1 :]
            assert not damm_is_valid(mutated), (number, mutated)


def test_check_character_catches_every_neighbour_swap():
    samples = list(_all_numbers_of_width(4)) + [
        str(ReviewNumber(year, seq)).replace("-", "")
        for year in (2000, 2026, 2999)
        for seq in (*range(1, 2000), *range(998_000, 1_000_000))
    ]
    for number in samples:
        for position in range(len(number) - 1):
            a, b = number[position], number[position + 1]
            if a == b:
                continue
            swapped = number[:position] + b + a + number[position + 2 :]
            assert not damm_is_valid(swapped), (number, swapped)


@pytest.mark.parametrize(
    "typed",
    [
        "٢٠٢٦-٠٠٤٨١٧-{c}",
        "۲۰۲۶-۰۰۴۸۱۷-{c}",
        "2026 004817 {c}",
        "2026004817{c}",
        " 2026 - 004817-{c} ",
        "\u20662026-004817-{c}\u2069",
    ],
)
def test_lookup_accepts_arabic_indic_digits_spaces_and_missing_dashes(typed):
    check = damm_check_digit("2026004817")
    assert review_numbers.parse(typed.format(c=latin_to(check, typed))) == ReviewNumber(2026, 4817)


def latin_to(digit: str, sample: str) -> str:
    if "٢" in sample:
        return "٠١٢٣٤٥٦٧٨٩"[int(digit)]
    if "۲" in sample:
        return "۰۱۲۳۴۵۶۷۸۹"[int(digit)]
    return digit


@pytest.mark.parametrize(
    "typed", ["", "2026", "2026-4817-3", "abcd-004817-1", "1999-000001-x", "2026-000000-0", "12"]
)
def test_something_that_is_not_a_review_number_is_refused(typed):
    with pytest.raises(MalformedReviewNumber):
        review_numbers.parse(typed)


def test_a_wrong_check_digit_is_refused_before_any_database_lookup(db, django_assert_num_queries):
    good = str(ReviewNumber(2026, 4817))
    wrong = good[:-1] + str((int(good[-1]) + 1) % 10)
    with django_assert_num_queries(0), pytest.raises(ReviewNumberCheckFailed) as error:
        review_numbers.parse(wrong)
    assert error.value.code == "review_number_check_failed"


def test_the_ticket_gets_a_check_valid_number_of_its_year_at_creation(ticket):
    from django.utils import timezone

    number = review_numbers.parse(ticket.review_number)
    assert number.year == timezone.localtime(ticket.received_at).year
    assert ticket.review_number == str(number)


def test_it_restarts_each_year(agent):
    citizen = CitizenFactory()
    late = [
        TicketFactory(citizen=citizen, actor=agent, now=datetime(2030, 12, 31, 23, 50, tzinfo=BAHRAIN))
        for _ in range(3)
    ]
    early = TicketFactory(citizen=citizen, actor=agent, now=datetime(2031, 1, 1, 0, 5, tzinfo=BAHRAIN))
    assert [review_numbers.parse(t.review_number) for t in late] == [ReviewNumber(2030, n) for n in (1, 2, 3)]
    assert review_numbers.parse(early.review_number) == ReviewNumber(2031, 1)


def test_the_year_is_the_bahrain_year_of_receipt(agent):
    # 21:30 UTC on 31 December is already 00:30 on 1 January in Bahrain.
    ticket = TicketFactory(actor=agent, now=datetime(2032, 12, 31, 21, 30, tzinfo=ZoneInfo("UTC")))
    assert ticket.review_number.startswith("2033-")


def test_a_year_without_a_sequence_gets_one_on_first_use(agent):
    citizen = CitizenFactory()
    first = TicketFactory(citizen=citizen, actor=agent, now=datetime(2150, 6, 1, 9, tzinfo=BAHRAIN))
    second = TicketFactory(citizen=citizen, actor=agent, now=datetime(2150, 6, 1, 10, tzinfo=BAHRAIN))
    assert [first.review_number[:12], second.review_number[:12]] == ["2150-000001-", "2150-000002-"]


@pytest.mark.django_db(transaction=True)
def test_it_is_unique_under_concurrent_creation(agent):
    citizen = CitizenFactory()
    start = threading.Barrier(50)
    numbers, errors = [], []

    def create():
        try:
            start.wait(timeout=30)
            numbers.append(TicketFactory(citizen=citizen, actor=agent).review_number)
        except Exception as exc:  # collected and reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=create) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(numbers) == len(set(numbers)) == 50
    assert all(review_numbers.parse(number) for number in numbers)
    assert Ticket.objects.count() == 50
    sequences = sorted(review_numbers.parse(n).sequence for n in numbers)
    assert sequences == list(range(sequences[0], sequences[0] + 50))
    connection.close()


@pytest.mark.django_db(transaction=True)
def test_the_first_numbers_of_a_new_year_are_unique_while_its_sequence_is_created(agent):
    # 2160 has no sequence yet: the concurrent creations race to create it.
    citizen = CitizenFactory()
    start = threading.Barrier(10)
    numbers, errors = [], []

    def create():
        try:
            start.wait(timeout=30)
            when = datetime(2160, 3, 1, 9, tzinfo=BAHRAIN)
            numbers.append(TicketFactory(citizen=citizen, actor=agent, now=when).review_number)
        except Exception as exc:  # collected and reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=create) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(review_numbers.parse(n).sequence for n in numbers) == list(range(1, 11))
    connection.close()
