"""SMS length in segments: GSM-7 160/153, UCS-2 70/67."""

import pytest

from apps.core.text import isolate_ltr
from apps.notifications.sms import sms_length


@pytest.mark.parametrize("length, segments", [(0, 0), (1, 1), (160, 1), (161, 2), (306, 2), (307, 3)])
def test_gsm_text_takes_160_characters_then_153_a_segment(length, segments):
    result = sms_length("a" * length)

    assert (result.encoding, result.segments) == ("GSM-7", segments)


@pytest.mark.parametrize("length, segments", [(70, 1), (71, 2), (134, 2), (135, 3)])
def test_arabic_text_takes_70_characters_then_67_a_segment(length, segments):
    result = sms_length("ب" * length)

    assert (result.encoding, result.segments) == ("UCS-2", segments)


def test_characters_of_the_gsm_extension_table_count_twice():
    result = sms_length("€" * 80)

    assert (result.encoding, result.units, result.segments) == ("GSM-7", 160, 1)


def test_an_extension_character_is_not_split_across_segments():
    # 152 plain characters then a 2-septet character: it cannot fit in the first 153.
    assert sms_length("a" * 152 + "€" + "a" * 10).segments == 2
    assert sms_length("a" * 152 + "€" + "a" * 152).segments == 3


def test_one_isolate_mark_turns_english_into_ucs2():
    assert sms_length("Review number " + isolate_ltr("2026-1")).encoding == "UCS-2"


def test_a_character_outside_the_basic_plane_counts_as_two_units():
    assert sms_length("😀" * 35).units == 70
    assert sms_length("😀" * 35).segments == 1
    assert sms_length("😀" * 36).segments == 2
