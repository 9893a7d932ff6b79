"""The pure clock engine: due instants with pauses and extensions, and clock states."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from apps.sla.clocks import (
    ClockState,
    Target,
    TargetSpec,
    Unit,
    clock_status,
    compute_due,
    extension_allowance,
    target_due,
)
from apps.sla.errors import ExtensionRefused
from apps.sla.models import PolicyVersion

BH = ZoneInfo("Asia/Bahrain")
INQUIRY = TargetSpec(5, Unit.WORKING_DAYS)
TEN_HOURS = TargetSpec(10, Unit.WORKING_HOURS)
UYC = TargetSpec(30, Unit.CALENDAR_DAYS)


def at(year, month, day, hour=0, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=BH)


def complaint_policy():
    return PolicyVersion(
        acknowledgement_value=0,
        acknowledgement_unit="working_hours",
        first_response_value=2,
        first_response_unit="working_days",
        resolution_value=10,
        resolution_unit="working_days",
    )


# --- due instants ----------------------------------------------------------------------------


def test_a_complaint_on_thursday_1350_before_eid_gets_all_three_due_instants(calendar):
    received = at(2025, 3, 27, 13, 50)  # Eid al-Fitr: Sunday 30 March – Tuesday 1 April 2025
    assert compute_due(policy=complaint_policy(), started_at=received, calendar=calendar) == {
        Target.ACKNOWLEDGEMENT: received,
        Target.FIRST_RESPONSE: at(2025, 4, 3, 14, 0),
        Target.RESOLUTION: at(2025, 4, 15, 14, 0),
    }


def test_a_policy_without_a_target_gives_no_due_instant_for_it(calendar):
    inquiry = PolicyVersion(resolution_value=5, resolution_unit="working_days")
    assert set(compute_due(policy=inquiry, started_at=at(2025, 4, 6, 9), calendar=calendar)) == {
        Target.RESOLUTION
    }


def test_a_pause_moves_the_due_instant_by_the_working_time_it_covered(calendar):
    started = at(2025, 4, 6, 9, 0)  # Sunday; five working days end Sunday 13 April 14:00
    pause = (at(2025, 4, 7, 10, 0), at(2025, 4, 8, 10, 0))  # seven working hours
    assert target_due(spec=INQUIRY, started_at=started, calendar=calendar) == at(2025, 4, 13, 14, 0)
    assert target_due(spec=INQUIRY, started_at=started, calendar=calendar, paused_intervals=[pause]) == at(
        2025, 4, 14, 14, 0
    )


def test_a_pause_over_a_weekend_does_not_move_a_working_time_deadline(calendar):
    started = at(2025, 4, 6, 9, 0)
    weekend = (at(2025, 4, 10, 14, 0), at(2025, 4, 13, 7, 0))
    assert target_due(spec=INQUIRY, started_at=started, calendar=calendar, paused_intervals=[weekend]) == at(
        2025, 4, 13, 14, 0
    )


def test_overlapping_pauses_are_counted_once(calendar):
    started = at(2025, 4, 6, 9, 0)
    pauses = [(at(2025, 4, 7, 10, 0), at(2025, 4, 8, 10, 0)), (at(2025, 4, 7, 12, 0), at(2025, 4, 7, 13, 0))]
    assert target_due(spec=INQUIRY, started_at=started, calendar=calendar, paused_intervals=pauses) == at(
        2025, 4, 14, 14, 0
    )


def test_a_pause_after_the_due_instant_does_not_move_it(calendar):
    started = at(2025, 4, 6, 9, 0)
    late = (at(2025, 4, 14, 8, 0), at(2025, 4, 15, 8, 0))
    assert target_due(spec=INQUIRY, started_at=started, calendar=calendar, paused_intervals=[late]) == at(
        2025, 4, 13, 14, 0
    )


def test_a_clock_still_paused_has_no_due_instant_yet(calendar):
    started = at(2025, 4, 6, 9, 0)
    open_pause = (at(2025, 4, 7, 10, 0), None)
    assert (
        target_due(spec=INQUIRY, started_at=started, calendar=calendar, paused_intervals=[open_pause]) is None
    )


def test_the_thirty_calendar_day_window_counts_weekends_and_holidays(calendar):
    received = at(2026, 3, 1, 10, 15)
    assert target_due(spec=UYC, started_at=received, calendar=calendar) == at(2026, 3, 31, 10, 15)


def test_a_pause_moves_a_calendar_day_window_by_real_time(calendar):
    received = at(2026, 3, 1, 10, 15)
    pause = (at(2026, 3, 10, 9, 0), at(2026, 3, 12, 9, 0))
    assert target_due(spec=UYC, started_at=received, calendar=calendar, paused_intervals=[pause]) == at(
        2026, 4, 2, 10, 15
    )


# --- states ----------------------------------------------------------------------------------


def test_a_clock_is_running_before_three_quarters_of_its_time_are_used(plain_calendar):
    status = clock_status(
        spec=TEN_HOURS, started_at=at(2026, 4, 5, 7, 0), calendar=plain_calendar, now=at(2026, 4, 5, 14, 0)
    )
    assert (status.state, status.at_risk, status.remaining) == (ClockState.RUNNING, False, timedelta(hours=3))


def test_a_clock_is_at_risk_once_three_quarters_of_its_time_are_used(plain_calendar):
    status = clock_status(
        spec=TEN_HOURS, started_at=at(2026, 4, 5, 7, 0), calendar=plain_calendar, now=at(2026, 4, 6, 7, 30)
    )
    assert (status.state, status.at_risk, status.remaining) == (
        ClockState.RUNNING,
        True,
        timedelta(hours=2.5),
    )


def test_a_clock_past_its_due_instant_is_breached(plain_calendar):
    status = clock_status(
        spec=TEN_HOURS, started_at=at(2026, 4, 5, 7, 0), calendar=plain_calendar, now=at(2026, 4, 6, 10, 1)
    )
    assert (status.state, status.at_risk, status.remaining) == (ClockState.BREACHED, False, timedelta(0))


def test_a_clock_is_paused_while_a_pause_is_open(plain_calendar):
    status = clock_status(
        spec=TEN_HOURS,
        started_at=at(2026, 4, 5, 7, 0),
        calendar=plain_calendar,
        now=at(2026, 4, 9, 9, 0),
        paused_intervals=[(at(2026, 4, 5, 9, 0), None)],
    )
    assert (status.state, status.due_at, status.remaining) == (ClockState.PAUSED, None, timedelta(hours=8))


def test_paused_time_does_not_count_as_used(plain_calendar):
    status = clock_status(
        spec=TEN_HOURS,
        started_at=at(2026, 4, 5, 7, 0),
        calendar=plain_calendar,
        now=at(2026, 4, 6, 9, 0),
        paused_intervals=[(at(2026, 4, 5, 9, 0), at(2026, 4, 6, 8, 0))],
    )
    assert (status.state, status.used, status.due_at) == (
        ClockState.RUNNING,
        timedelta(hours=3),
        at(2026, 4, 7, 9, 0),
    )


def test_a_target_reached_in_time_is_met_and_stays_met(plain_calendar):
    status = clock_status(
        spec=TEN_HOURS,
        started_at=at(2026, 4, 5, 7, 0),
        calendar=plain_calendar,
        now=at(2026, 5, 1),
        met_at=at(2026, 4, 6, 9, 0),
    )
    assert (status.state, status.at_risk) == (ClockState.MET, False)


def test_a_target_reached_late_is_breached(plain_calendar):
    status = clock_status(
        spec=TEN_HOURS,
        started_at=at(2026, 4, 5, 7, 0),
        calendar=plain_calendar,
        now=at(2026, 5, 1),
        met_at=at(2026, 4, 6, 11, 0),
    )
    assert status.state is ClockState.BREACHED


def test_an_acknowledgement_at_once_is_met_when_sent_on_receipt(plain_calendar):
    received = at(2026, 4, 10, 22, 0)  # a Friday night
    status = clock_status(
        spec=TargetSpec(0, Unit.WORKING_HOURS),
        started_at=received,
        calendar=plain_calendar,
        now=received,
        met_at=received,
    )
    assert (status.state, status.due_at) == (ClockState.MET, received)


def test_a_custom_at_risk_share_is_honoured(plain_calendar):
    status = clock_status(
        spec=TEN_HOURS,
        started_at=at(2026, 4, 5, 7, 0),
        calendar=plain_calendar,
        now=at(2026, 4, 5, 12, 0),
        at_risk_fraction=0.5,
    )
    assert status.at_risk


# --- extensions ------------------------------------------------------------------------------


def test_an_extension_adds_the_working_time_up_to_its_new_date(calendar):
    started = at(2025, 4, 6, 9, 0)
    current_due = at(2025, 4, 13, 14, 0)
    extra = extension_allowance(
        spec=INQUIRY,
        current_due=current_due,
        new_due=at(2025, 4, 15, 14, 0),
        reason="Awaiting the site survey",
        calendar=calendar,
    )
    assert extra == timedelta(hours=14)
    assert target_due(spec=INQUIRY, started_at=started, calendar=calendar, extra_allowance=extra) == at(
        2025, 4, 15, 14, 0
    )


def test_a_pause_after_an_extension_still_pushes_the_deadline(calendar):
    started = at(2025, 4, 6, 9, 0)
    extra = timedelta(hours=14)
    pause = (at(2025, 4, 14, 9, 0), at(2025, 4, 14, 11, 0))
    assert target_due(
        spec=INQUIRY, started_at=started, calendar=calendar, extra_allowance=extra, paused_intervals=[pause]
    ) == at(2025, 4, 16, 9, 0)


def test_an_extension_without_a_reason_is_refused(calendar):
    with pytest.raises(ExtensionRefused) as refused:
        extension_allowance(
            spec=INQUIRY,
            current_due=at(2025, 4, 13, 14),
            new_due=at(2025, 4, 15, 14),
            reason="  ",
            calendar=calendar,
        )
    assert refused.value.code == "sla_extension_reason_required"


def test_an_extension_to_an_earlier_date_is_refused(calendar):
    with pytest.raises(ExtensionRefused) as refused:
        extension_allowance(
            spec=INQUIRY,
            current_due=at(2025, 4, 13, 14),
            new_due=at(2025, 4, 10, 14),
            reason="x",
            calendar=calendar,
        )
    assert refused.value.code == "sla_extension_not_later"


def test_an_extension_to_the_same_instant_is_refused(calendar):
    with pytest.raises(ExtensionRefused) as refused:
        extension_allowance(
            spec=INQUIRY,
            current_due=at(2025, 4, 13, 14),
            new_due=at(2025, 4, 13, 14),
            reason="x",
            calendar=calendar,
        )
    assert refused.value.code == "sla_extension_not_later"


def test_an_extension_into_the_weekend_after_the_deadline_is_refused_as_adding_no_time(calendar):
    with pytest.raises(ExtensionRefused) as refused:
        extension_allowance(
            spec=INQUIRY,
            current_due=at(2025, 4, 10, 14),
            new_due=at(2025, 4, 12, 12),
            reason="x",
            calendar=calendar,
        )
    assert refused.value.code == "sla_extension_adds_no_time"


def test_an_extension_of_a_calendar_day_window_adds_real_time(calendar):
    extra = extension_allowance(
        spec=UYC,
        current_due=at(2026, 3, 31, 10),
        new_due=at(2026, 4, 4, 10),
        reason="Committee meets on the 4th",
        calendar=calendar,
    )
    assert extra == timedelta(days=4)
