"""Properties of the slot grid for any week, any moment, any slot length (pure, no database)."""

from datetime import UTC, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from comptoir.domain.fulfilment.slots import slot_times
from comptoir.domain.shops.hours import Range, Schedule, local_datetime, merge_ranges

PARIS = ZoneInfo("Europe/Paris")


@st.composite
def day_ranges(draw: st.DrawFn) -> tuple[Range, ...]:
    minutes = sorted(draw(st.sets(st.integers(0, 24 * 60 - 1), max_size=6)))
    pairs = list(zip(minutes[::2], minutes[1::2], strict=False))
    return merge_ranges(
        Range(time(a // 60, a % 60), time(b // 60, b % 60)) for a, b in pairs if a < b
    )


moments = st.datetimes(
    min_value=datetime(2026, 1, 1),  # noqa: DTZ001 - hypothesis wants naive bounds
    max_value=datetime(2027, 12, 31),  # noqa: DTZ001
    timezones=st.just(UTC),
)


@settings(max_examples=150, deadline=None)
@given(
    week=st.tuples(*[day_ranges()] * 7),
    ready=moments,
    minutes=st.sampled_from([5, 10, 15, 20, 30, 45, 60, 90]),
    days=st.integers(1, 9),
)
def test_every_slot_is_on_the_grid_inside_a_range_after_the_ready_time(week, ready, minutes, days):
    schedule = Schedule(zone=PARIS, week=week, closures=())
    step = timedelta(minutes=minutes)

    times = slot_times(schedule=schedule, minutes=minutes, ready=ready, days=days)

    first_day = ready.astimezone(PARIS).date()
    for start, end in times:
        day = start.astimezone(PARIS).date()
        assert end - start == step
        assert start >= ready
        assert 0 <= (day - first_day).days < days
        fitting = [
            opening
            for opening in schedule.week[day.weekday()]
            if local_datetime(day, opening.opens, PARIS) <= start
            and end <= local_datetime(day, opening.closes, PARIS)
            and (start - local_datetime(day, opening.opens, PARIS)) % step == timedelta(0)
        ]
        assert len(fitting) == 1
    starts = [start for start, _ in times]
    assert starts == sorted(starts)
    assert all(a[1] <= b[0] for a, b in pairwise(times))


@settings(max_examples=100, deadline=None)
@given(week=st.tuples(*[day_ranges()] * 7), ready=moments)
def test_no_slot_of_the_grid_is_missed_after_the_ready_time(week, ready):
    schedule = Schedule(zone=PARIS, week=week, closures=())
    step = timedelta(minutes=15)

    offered = set(slot_times(schedule=schedule, minutes=15, ready=ready, days=3))

    first_day = ready.astimezone(PARIS).date()
    expected = set()
    for offset in range(3):
        day = first_day + timedelta(days=offset)
        for opening in schedule.week[day.weekday()]:
            start = local_datetime(day, opening.opens, PARIS).astimezone(UTC)
            closes = local_datetime(day, opening.closes, PARIS).astimezone(UTC)
            while start + step <= closes:
                if start >= ready:
                    expected.add((start, start + step))
                start += step
    assert offered == expected
