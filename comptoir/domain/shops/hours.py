"""When a shop is open: pure functions over its already-fetched hours and closures.

Nothing here queries the database. Callers pass a shop whose schedule was
loaded (`shops.selectors.load_schedule`, kept by `remember_schedule`), or
whose `opening_hours` and `closures` were prefetched, and whose `city` is
loaded; the functions read those and the city's time zone.

Moments go in as aware datetimes (any zone, usually UTC) and come out in the
city's zone. Weekly hours are wall-clock times, so comparing them with the
local wall clock is right on both sides of a daylight-saving change.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils.functional import Promise

from comptoir.domain.shops.models import Closure, OpeningHours, Shop, Weekday

LOOK_AHEAD_DAYS = 14


@dataclass(frozen=True, slots=True)
class Range:
    """One opening range of a weekday, wall-clock times, `opens < closes`."""

    opens: time
    closes: time


@dataclass(frozen=True, slots=True)
class Schedule:
    """A shop's week (ranges merged per weekday, 0 = Monday) and its closures."""

    zone: ZoneInfo
    week: tuple[tuple[Range, ...], ...]
    closures: tuple[tuple[date, date], ...]

    def is_closed_on(self, day: date) -> bool:
        return any(starts_on <= day <= ends_on for starts_on, ends_on in self.closures)

    def ranges_on(self, day: date) -> tuple[Range, ...]:
        """The opening ranges of a calendar day: none if an exceptional closure covers it."""
        return () if self.is_closed_on(day) else self.week[day.weekday()]


def merge_ranges(ranges: Iterable[Range]) -> tuple[Range, ...]:
    """Sorted ranges with overlapping or touching ones joined (9-12 + 12-19 → 9-19)."""
    merged: list[Range] = []
    for current in sorted(ranges, key=lambda r: r.opens):
        if merged and current.opens <= merged[-1].closes:
            last = merged[-1]
            merged[-1] = Range(last.opens, max(last.closes, current.closes))
        else:
            merged.append(current)
    return tuple(merged)


def build_schedule(
    zone: ZoneInfo, opening_hours: Iterable[OpeningHours], closures: Iterable[Closure]
) -> Schedule:
    return schedule_from_rows(
        zone,
        ((hours.weekday, hours.opens, hours.closes) for hours in opening_hours),
        ((closure.starts_on, closure.ends_on) for closure in closures),
    )


def schedule_from_rows(
    zone: ZoneInfo,
    opening_hours: Iterable[tuple[int, time, time]],
    closures: Iterable[tuple[date, date]],
) -> Schedule:
    """The schedule of (weekday, opens, closes) and (starts_on, ends_on) rows, in any order."""
    by_day: list[list[Range]] = [[] for _ in range(7)]
    for weekday, opens, closes in opening_hours:
        by_day[weekday].append(Range(opens, closes))
    return Schedule(
        zone=zone,
        week=tuple(merge_ranges(day) for day in by_day),
        closures=tuple((starts_on, ends_on) for starts_on, ends_on in closures),
    )


#: Where a selector leaves a shop's schedule, built once from its rows:
#: (the day its closures were read from, the schedule).
LOADED_SCHEDULE = "_loaded_schedule"


def remember_schedule(shop: Shop, schedule: Schedule, *, from_day: date) -> None:
    """Keep `schedule` (closures read from `from_day` on) on the shop, for `schedule_of`."""
    setattr(shop, LOADED_SCHEDULE, (from_day, schedule))


def loaded_schedule(shop: Shop) -> tuple[date, Schedule] | None:
    """What `remember_schedule` kept on the shop, if anything."""
    loaded: tuple[date, Schedule] | None = getattr(shop, LOADED_SCHEDULE, None)
    return loaded


def schedule_of(shop: Shop) -> Schedule:
    """The schedule of a shop whose schedule was loaded (`shops.selectors.load_schedule`),
    or whose hours, closures and city are (prefetched).
    """
    loaded = loaded_schedule(shop)
    if loaded is not None:
        return loaded[1]
    return build_schedule(shop.city.zone, shop.opening_hours.all(), shop.closures.all())


def local_datetime(day: date, at: time, zone: ZoneInfo) -> datetime:
    """`day` at wall-clock `at` in `zone`; a time skipped by the spring change moves forward."""
    naive_guess = datetime.combine(day, at, tzinfo=zone)
    return naive_guess.astimezone(UTC).astimezone(zone)


def _current_range(schedule: Schedule, local: datetime) -> Range | None:
    now = local.time().replace(tzinfo=None)
    for opening in schedule.ranges_on(local.date()):
        if opening.opens <= now < opening.closes:
            return opening
    return None


def _next_opening(schedule: Schedule, local: datetime) -> datetime | None:
    now = local.time().replace(tzinfo=None)
    for offset in range(LOOK_AHEAD_DAYS + 1):
        day = local.date() + timedelta(days=offset)
        for opening in schedule.ranges_on(day):
            if offset > 0 or opening.opens > now:
                return local_datetime(day, opening.opens, schedule.zone)
    return None


def is_open_at(shop: Shop, moment: datetime) -> bool:
    schedule = schedule_of(shop)
    return _current_range(schedule, moment.astimezone(schedule.zone)) is not None


def next_opening(shop: Shop, moment: datetime) -> datetime | None:
    """When the shop next opens strictly after `moment` (local time), within 14 days.

    While the shop is open this is the start of its next range, not the current one.
    """
    schedule = schedule_of(shop)
    return _next_opening(schedule, moment.astimezone(schedule.zone))


class OpensOn(enum.StrEnum):
    """How far away the next opening is, which decides how to say it."""

    TODAY = "today"
    TOMORROW = "tomorrow"
    WEEKDAY = "weekday"  # within the coming week: "opens Monday at 7:30"
    DATE = "date"  # further away: "opens on 12 August at 7:30"


@dataclass(frozen=True, slots=True)
class OpeningStatus:
    """What a customer needs on a shop card: open until when, or when it opens."""

    is_open: bool
    closes_at: datetime | None = None  # local; set when open
    opens_at: datetime | None = None  # local; set when closed and opening within 14 days
    opens_on: OpensOn | None = None


def opening_status_from(schedule: Schedule, moment: datetime) -> OpeningStatus:
    local = moment.astimezone(schedule.zone)
    current = _current_range(schedule, local)
    if current is not None:
        return OpeningStatus(
            is_open=True, closes_at=local_datetime(local.date(), current.closes, schedule.zone)
        )
    opens_at = _next_opening(schedule, local)
    if opens_at is None:
        return OpeningStatus(is_open=False)
    days = (opens_at.date() - local.date()).days
    if days == 0:
        opens_on = OpensOn.TODAY
    elif days == 1:
        opens_on = OpensOn.TOMORROW
    elif days < 7:
        opens_on = OpensOn.WEEKDAY
    else:
        opens_on = OpensOn.DATE
    return OpeningStatus(is_open=False, opens_at=opens_at, opens_on=opens_on)


def opening_status(shop: Shop, moment: datetime) -> OpeningStatus:
    return opening_status_from(schedule_of(shop), moment)


@dataclass(frozen=True, slots=True)
class DayHours:
    """One row of a shop page's week table."""

    weekday: int
    ranges: Sequence[Range]
    is_today: bool

    @property
    def label(self) -> Promise:
        return Weekday(self.weekday).label


def week_table(shop: Shop, moment: datetime) -> list[DayHours]:
    """Monday to Sunday regular hours, with the shop's local today flagged."""
    schedule = schedule_of(shop)
    today = moment.astimezone(schedule.zone).weekday()
    return [
        DayHours(weekday=day, ranges=schedule.week[day], is_today=day == today) for day in range(7)
    ]
