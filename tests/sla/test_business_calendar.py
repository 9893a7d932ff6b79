"""The pure business calendar: working hours, working days, calendar days, working time."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from apps.sla.business_calendar import (
    Calendar,
    CalendarConfig,
    CalendarData,
    CalendarRangeError,
    ClosureRow,
    DayStatus,
    HolidayRow,
)

BH = ZoneInfo("Asia/Bahrain")


def at(year, month, day, hour=0, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=BH)


# --- working days ------------------------------------------------------------------------


def test_a_complaint_on_thursday_at_1350_before_eid_is_due_two_working_days_after_the_holiday(calendar):
    # Thursday 27 March 2025, 13:50; Eid al-Fitr falls on Sunday to Tuesday (30 March – 1 April).
    received = at(2025, 3, 27, 13, 50)
    assert calendar.add_working_days(received, 2) == at(2025, 4, 3, 14, 0)  # Thursday, close of business


def test_a_complaint_after_the_shortened_ramadan_close_counts_from_after_eid(calendar):
    # Thursday 19 March 2026, 13:50 is after the Ramadan close (13:00); Eid is 20–22 March.
    received = at(2026, 3, 19, 13, 50)
    assert calendar.add_working_hours(received, 1) == at(2026, 3, 23, 8, 0)
    assert calendar.add_working_days(received, 2) == at(2026, 3, 24, 14, 0)


def test_working_days_do_not_count_the_day_of_receipt_even_before_opening(plain_calendar):
    sunday_early = at(2026, 4, 5, 6, 0)
    assert plain_calendar.add_working_days(sunday_early, 1) == at(2026, 4, 6, 14, 0)


def test_working_days_from_a_friday_start_counting_on_sunday(plain_calendar):
    friday = at(2026, 4, 10, 9, 0)
    assert plain_calendar.add_working_days(friday, 1) == at(2026, 4, 12, 14, 0)


def test_ten_working_days_skip_two_weekends(plain_calendar):
    sunday = at(2026, 4, 5, 9, 0)
    assert plain_calendar.add_working_days(sunday, 10) == at(2026, 4, 19, 14, 0)


def test_working_days_skip_a_ministry_closure(calendar):
    thursday = at(2026, 2, 5, 10, 0)  # closure on Sunday 8 and Monday 9 February
    assert calendar.add_working_days(thursday, 1) == at(2026, 2, 10, 14, 0)


def test_working_days_in_ramadan_end_at_the_shortened_closing_time(calendar):
    sunday = at(2026, 3, 1, 9, 0)
    assert calendar.add_working_days(sunday, 1) == at(2026, 3, 2, 13, 0)


def test_a_deadline_crosses_the_year_end_over_new_years_day(calendar):
    wednesday_new_years_eve = at(2025, 12, 31, 12, 0)  # Thursday 1 January 2026 is a holiday
    assert calendar.add_working_days(wednesday_new_years_eve, 1) == at(2026, 1, 4, 14, 0)


def test_a_deadline_skips_national_day_in_december(calendar):
    monday = at(2026, 12, 14, 9, 0)  # National Day: Wednesday 16 and Thursday 17 December
    assert calendar.add_working_days(monday, 2) == at(2026, 12, 20, 14, 0)


# --- working hours -----------------------------------------------------------------------


def test_working_hours_run_over_the_weekend(plain_calendar):
    thursday = at(2026, 4, 9, 13, 0)
    assert plain_calendar.add_working_hours(thursday, 2) == at(2026, 4, 12, 8, 0)


def test_working_hours_from_before_opening_start_at_opening(plain_calendar):
    assert plain_calendar.add_working_hours(at(2026, 4, 5, 5, 0), 1) == at(2026, 4, 5, 8, 0)


def test_working_hours_from_after_closing_start_next_working_morning(plain_calendar):
    assert plain_calendar.add_working_hours(at(2026, 4, 5, 20, 0), 1) == at(2026, 4, 6, 8, 0)


def test_working_hours_that_end_exactly_at_closing_stay_on_that_day(plain_calendar):
    assert plain_calendar.add_working_hours(at(2026, 4, 5, 7, 0), 7) == at(2026, 4, 5, 14, 0)


def test_a_thursday_1350_plus_one_working_hour_runs_past_the_eid_holiday(calendar):
    assert calendar.add_working_hours(at(2025, 3, 27, 13, 50), 1) == at(2025, 4, 2, 7, 50)


def test_working_hours_in_ramadan_accrue_five_hours_a_day(calendar):
    # Sunday 1 March 2026 08:00–13:00: ten working hours are two full Ramadan days.
    assert calendar.add_working_hours(at(2026, 3, 1, 8, 0), 10) == at(2026, 3, 2, 13, 0)


def test_working_hours_skip_a_holiday_that_falls_midweek(calendar):
    # Wednesday 16 and Thursday 17 December 2026 are National Day.
    assert calendar.add_working_hours(at(2026, 12, 15, 13, 0), 2) == at(2026, 12, 20, 8, 0)


def test_an_instant_in_utc_is_read_in_bahrain_time(calendar):
    received_utc = datetime(2025, 3, 27, 10, 50, tzinfo=UTC)  # 13:50 in Bahrain
    assert calendar.add_working_days(received_utc, 2) == at(2025, 4, 3, 14, 0)


# --- calendar days -----------------------------------------------------------------------


def test_thirty_calendar_days_count_weekends_and_holidays(calendar):
    received = at(2026, 3, 1, 10, 15)
    assert calendar.add_calendar_days(received, 30) == at(2026, 3, 31, 10, 15)


def test_calendar_days_cross_the_year_end(calendar):
    assert calendar.add_calendar_days(at(2026, 12, 20, 9, 0), 30) == at(2027, 1, 19, 9, 0)


# --- working time between two instants ------------------------------------------------------


def test_working_time_between_excludes_nights_and_weekends(plain_calendar):
    assert plain_calendar.working_time_between(at(2026, 4, 9, 13, 0), at(2026, 4, 12, 8, 0)) == timedelta(
        hours=2
    )


def test_working_time_between_excludes_holidays(calendar):
    assert calendar.working_time_between(at(2025, 3, 27, 13, 50), at(2025, 4, 2, 7, 50)) == timedelta(hours=1)


def test_working_time_between_two_instants_of_a_closed_day_is_zero(calendar):
    assert calendar.working_time_between(at(2026, 3, 20, 8, 0), at(2026, 3, 20, 12, 0)) == timedelta(0)


def test_working_time_between_in_ramadan_counts_shortened_days(calendar):
    assert calendar.working_time_between(at(2026, 3, 1, 0, 0), at(2026, 3, 3, 0, 0)) == timedelta(hours=10)


def test_working_time_between_refuses_an_end_before_the_start(plain_calendar):
    with pytest.raises(ValueError):
        plain_calendar.working_time_between(at(2026, 4, 6), at(2026, 4, 5))


# --- zero, bad input, range ------------------------------------------------------------------


def test_zero_in_any_unit_is_the_instant_itself(calendar):
    friday_night = at(2026, 3, 20, 22, 0)
    assert calendar.add_working_days(friday_night, 0) == friday_night
    assert calendar.add_working_hours(friday_night, 0) == friday_night
    assert calendar.add_calendar_days(friday_night, 0) == friday_night


def test_naive_datetimes_are_refused(plain_calendar):
    with pytest.raises(ValueError):
        plain_calendar.add_working_days(datetime(2026, 4, 5, 9, 0), 1)


def test_negative_amounts_are_refused(plain_calendar):
    with pytest.raises(ValueError):
        plain_calendar.add_working_days(at(2026, 4, 5), -1)
    with pytest.raises(ValueError):
        plain_calendar.add_working_hours(at(2026, 4, 5), -1)


def test_an_instant_outside_the_calendar_years_is_refused(plain_calendar):
    with pytest.raises(CalendarRangeError):
        plain_calendar.add_working_days(at(2040, 1, 1), 1)


def test_a_result_past_the_last_year_is_refused(plain_calendar):
    with pytest.raises(CalendarRangeError):
        plain_calendar.add_working_days(at(2035, 12, 20), 30)


# --- days ------------------------------------------------------------------------------------


def test_a_holiday_on_a_weekend_is_reported_as_a_holiday(calendar):
    labour_day = calendar.day(date(2026, 5, 1))  # a Friday
    assert (labour_day.status, labour_day.name_en) == (DayStatus.HOLIDAY, "Labor Day")


def test_a_working_day_reports_its_hours(plain_calendar):
    day = plain_calendar.day(date(2026, 4, 5))
    assert (day.status, day.opens, day.closes, day.shortened) == (DayStatus.WORKING, time(7), time(14), False)


def test_a_ramadan_day_reports_its_shortened_hours(calendar):
    day = calendar.day(date(2026, 3, 1))
    assert (day.opens, day.closes, day.shortened, day.name_en) == (time(8), time(13), True, "Ramadan")


def test_a_holiday_inside_a_closure_is_reported_as_the_holiday():
    cal = Calendar(
        CalendarData(
            holidays=(HolidayRow(date(2026, 4, 6), "عطلة", "Holiday"),),
            closures=(ClosureRow(date(2026, 4, 5), date(2026, 4, 7), "إغلاق", "Closure"),),
        )
    )
    assert [d.status for d in cal.days(date(2026, 4, 5), date(2026, 4, 7))] == [
        DayStatus.CLOSURE,
        DayStatus.HOLIDAY,
        DayStatus.CLOSURE,
    ]


def test_friday_and_saturday_are_the_weekend(plain_calendar):
    statuses = [d.status for d in plain_calendar.days(date(2026, 4, 5), date(2026, 4, 11))]
    assert statuses == [DayStatus.WORKING] * 5 + [DayStatus.WEEKEND] * 2


def test_the_working_week_and_hours_come_from_the_config():
    six_day_week = CalendarConfig(
        working_weekdays=frozenset({5, 6, 0, 1, 2, 3}), opens=time(8), closes=time(12)
    )
    cal = Calendar(CalendarData(), six_day_week)
    assert cal.add_working_days(at(2026, 4, 9, 9, 0), 1) == at(2026, 4, 11, 12, 0)  # Saturday


# --- comparing calendars ---------------------------------------------------------------------


def test_changed_dates_lists_only_dates_whose_working_hours_changed(plain_calendar):
    wednesday, friday = date(2026, 4, 8), date(2026, 4, 10)
    before = Calendar(
        CalendarData(holidays=(HolidayRow(wednesday, "عطلة", "Holiday"),)), plain_calendar.config
    )
    after = Calendar(CalendarData(holidays=(HolidayRow(friday, "عطلة", "Holiday"),)), plain_calendar.config)
    assert before.changed_dates(after) == {wednesday}  # Friday was not worked either way


def test_renaming_a_holiday_changes_no_working_date(plain_calendar):
    day = date(2026, 4, 8)
    before = Calendar(CalendarData(holidays=(HolidayRow(day, "عطلة", "Holiday"),)), plain_calendar.config)
    after = Calendar(
        CalendarData(holidays=(HolidayRow(day, "عطلة رسمية", "Public holiday"),)), plain_calendar.config
    )
    assert before.changed_dates(after) == frozenset()
