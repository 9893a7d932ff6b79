"""Properties of the calendar checked on generated instants across 2025–2027 (weekends,
Bahrain's holidays, a closure, Ramadan hours and two year ends), against a slow reference
that walks day by day."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from apps.sla.clocks import TargetSpec, Unit, target_due

BH = ZoneInfo("Asia/Bahrain")

instants = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2027, 10, 31), timezones=st.just(BH)
).map(lambda t: t.replace(microsecond=0))
amounts = st.integers(min_value=1, max_value=400 * 3600).map(lambda s: timedelta(seconds=s))
day_counts = st.integers(min_value=1, max_value=60)
fast = settings(max_examples=300, deadline=None)


def reference_working_time(calendar, start, end):
    """Day by day: the overlap of [start, end] with each day's working hours."""
    total = timedelta(0)
    day = start.astimezone(BH).date()
    while day <= end.astimezone(BH).date():
        hours = calendar.working_hours(day)
        if hours:
            opens = datetime.combine(day, hours[0], BH)
            closes = datetime.combine(day, hours[1], BH)
            overlap = min(closes, end) - max(opens, start)
            total += max(overlap, timedelta(0))
        day += timedelta(days=1)
    return total


@fast
@given(start=instants, span=st.integers(min_value=0, max_value=40 * 86400))
def test_working_time_between_matches_a_day_by_day_count(calendar, start, span):
    end = start + timedelta(seconds=span)
    assert calendar.working_time_between(start, end) == reference_working_time(calendar, start, end)


@fast
@given(start=instants, amount=amounts)
def test_adding_working_time_then_measuring_it_gives_the_same_amount(calendar, start, amount):
    due = calendar.add_working_time(start, amount)
    assert calendar.working_time_between(start, due) == amount


@fast
@given(start=instants, amount=amounts)
def test_added_working_time_ends_inside_the_hours_of_a_working_day(calendar, start, amount):
    due = calendar.add_working_time(start, amount)
    hours = calendar.working_hours(due.date())
    assert hours is not None
    assert hours[0] < due.timetz().replace(tzinfo=None) <= hours[1]


@fast
@given(start=instants, amount=amounts, more=amounts)
def test_more_working_time_never_ends_earlier(calendar, start, amount, more):
    assert calendar.add_working_time(start, amount) < calendar.add_working_time(start, amount + more)


@fast
@given(a=instants, b=instants, c=instants)
def test_working_time_between_adds_up_over_consecutive_stretches(calendar, a, b, c):
    a, b, c = sorted([a, b, c])
    assert calendar.working_time_between(a, b) + calendar.working_time_between(
        b, c
    ) == calendar.working_time_between(a, c)


@fast
@given(start=instants, days=day_counts)
def test_n_working_days_end_at_the_close_of_the_nth_working_day_after_receipt(calendar, start, days):
    due = calendar.add_working_days(start, days)
    received_on = start.astimezone(BH).date()
    worked_between = [
        received_on + timedelta(days=i)
        for i in range(1, (due.date() - received_on).days + 1)
        if calendar.is_working_day(received_on + timedelta(days=i))
    ]
    assert len(worked_between) == days
    assert worked_between[-1] == due.date()
    assert due.timetz().replace(tzinfo=None) == calendar.working_hours(due.date())[1]


@fast
@given(start=instants, days=st.integers(min_value=1, max_value=90))
def test_calendar_days_keep_the_local_time_of_day(calendar, start, days):
    due = calendar.add_calendar_days(start, days)
    assert due - start == timedelta(days=days)  # Bahrain keeps no daylight saving
    assert due.astimezone(BH).time() == start.astimezone(BH).time()


@fast
@given(
    start=instants,
    value=st.integers(min_value=1, max_value=40),
    unit=st.sampled_from(list(Unit)),
    offset=st.integers(min_value=0, max_value=30 * 86400),
)
def test_a_zero_length_pause_leaves_every_due_instant_where_it_was(calendar, start, value, unit, offset):
    spec = TargetSpec(value, unit)
    instant = start + timedelta(seconds=offset)
    assert target_due(
        spec=spec, started_at=start, calendar=calendar, paused_intervals=[(instant, instant)]
    ) == (target_due(spec=spec, started_at=start, calendar=calendar))


@fast
@given(
    start=instants,
    days=day_counts,
    pause_start=st.integers(0, 20 * 86400),
    pause_length=st.integers(1, 10 * 86400),
)
def test_a_pause_moves_a_due_instant_by_exactly_the_working_time_it_covered(
    calendar, start, days, pause_start, pause_length
):
    spec = TargetSpec(days, Unit.WORKING_DAYS)
    due = target_due(spec=spec, started_at=start, calendar=calendar)
    begin = start + timedelta(seconds=pause_start)
    end = begin + timedelta(seconds=pause_length)
    paused_due = target_due(spec=spec, started_at=start, calendar=calendar, paused_intervals=[(begin, end)])
    if begin >= due:
        assert paused_due == due
    else:
        covered = calendar.working_time_between(begin, end)
        assert calendar.working_time_between(due, paused_due) == covered
