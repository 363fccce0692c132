"""Opening hours in the city's time zone: UTC in, local out, DST-correct."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from comptoir.domain.shops.hours import (
    OpeningStatus,
    OpensOn,
    Range,
    is_open_at,
    local_datetime,
    merge_ranges,
    next_opening,
    opening_status,
    week_table,
)
from comptoir.domain.shops.models import Closure, Shop, Weekday
from comptoir.domain.shops.selectors import shop_for_storefront
from tests.factories import make_opening_hours

PARIS = ZoneInfo("Europe/Paris")

pytestmark = pytest.mark.django_db


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def paris(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=PARIS)


@pytest.fixture
def bakery(shop) -> Shop:
    """Tuesday to Saturday 7:30-13:00 and 15:00-19:30, Sunday 8:00-12:30, closed Monday."""
    for day in range(Weekday.TUESDAY, Weekday.SATURDAY + 1):
        make_opening_hours(shop, day, "07:30", "13:00")
        make_opening_hours(shop, day, "15:00", "19:30")
    make_opening_hours(shop, Weekday.SUNDAY, "08:00", "12:30")
    return shop


def reload(shop: Shop) -> Shop:
    """The shop as customer pages get it: hours, closures and city prefetched."""
    return (
        Shop.objects.select_related("city")
        .prefetch_related("opening_hours", "closures")
        .get(pk=shop.pk)
    )


# 2026-06-09 is a Tuesday; Paris is UTC+2 in summer.


def test_it_is_open_inside_a_range_in_local_time(bakery):
    assert is_open_at(reload(bakery), utc(2026, 6, 9, 5, 30)) is True  # 7:30 in Paris


def test_it_is_closed_just_before_opening_in_local_time(bakery):
    # 7:29 in Paris: still closed, although 7:29 UTC would be inside the range.
    assert is_open_at(reload(bakery), utc(2026, 6, 9, 5, 29)) is False


def test_it_is_closed_at_the_closing_minute(bakery):
    assert is_open_at(reload(bakery), utc(2026, 6, 9, 11, 0)) is False  # 13:00 in Paris


def test_it_is_closed_over_the_lunch_break(bakery):
    assert is_open_at(reload(bakery), utc(2026, 6, 9, 12, 0)) is False  # 14:00 in Paris


def test_it_is_closed_on_a_day_without_hours(bakery):
    assert is_open_at(reload(bakery), utc(2026, 6, 8, 9, 0)) is False  # Monday 11:00


def test_it_is_closed_during_an_exceptional_closure(bakery):
    Closure.objects.create(shop=bakery, starts_on=date(2026, 6, 9), ends_on=date(2026, 6, 9))
    assert is_open_at(reload(bakery), utc(2026, 6, 9, 8, 0)) is False


def test_it_reopens_the_day_after_a_closure_ends(bakery):
    Closure.objects.create(shop=bakery, starts_on=date(2026, 6, 2), ends_on=date(2026, 6, 9))
    assert is_open_at(reload(bakery), utc(2026, 6, 10, 8, 0)) is True


def test_it_uses_the_local_date_near_midnight(bakery):
    # Monday 23:30 UTC is already Tuesday 1:30 in Paris: not Monday's hours, not open yet.
    assert next_opening(reload(bakery), utc(2026, 6, 8, 23, 30)) == paris(2026, 6, 9, 7, 30)


def test_it_finds_the_next_opening_later_today(bakery):
    assert next_opening(reload(bakery), utc(2026, 6, 9, 12, 0)) == paris(2026, 6, 9, 15, 0)


def test_it_finds_the_next_range_while_open(bakery):
    assert next_opening(reload(bakery), utc(2026, 6, 9, 6, 0)) == paris(2026, 6, 9, 15, 0)


def test_it_returns_the_next_opening_in_the_city_time_zone(bakery):
    opening = next_opening(reload(bakery), utc(2026, 6, 9, 18, 0))
    assert opening == paris(2026, 6, 10, 7, 30)
    assert opening is not None
    assert opening.tzinfo == PARIS
    assert opening.utcoffset() == timedelta(hours=2)


def test_it_skips_closed_days_when_looking_for_the_next_opening(bakery):
    # Sunday 13:00: closed Monday, so Tuesday 7:30.
    assert next_opening(reload(bakery), utc(2026, 6, 14, 11, 0)) == paris(2026, 6, 16, 7, 30)


def test_it_skips_an_exceptional_closure_when_looking_for_the_next_opening(bakery):
    Closure.objects.create(shop=bakery, starts_on=date(2026, 6, 10), ends_on=date(2026, 6, 12))
    assert next_opening(reload(bakery), utc(2026, 6, 9, 18, 0)) == paris(2026, 6, 13, 7, 30)


def test_it_gives_up_after_fourteen_days(bakery):
    Closure.objects.create(shop=bakery, starts_on=date(2026, 6, 10), ends_on=date(2026, 6, 24))
    assert next_opening(reload(bakery), utc(2026, 6, 9, 18, 0)) is None


def test_it_finds_an_opening_on_the_fourteenth_day(bakery):
    Closure.objects.create(shop=bakery, starts_on=date(2026, 6, 10), ends_on=date(2026, 6, 22))
    assert next_opening(reload(bakery), utc(2026, 6, 9, 18, 0)) == paris(2026, 6, 23, 7, 30)


def test_it_never_opens_without_hours(shop):
    assert next_opening(reload(shop), utc(2026, 6, 9, 8, 0)) is None


# Daylight saving time: clocks go forward on Sunday 29 March 2026 (2:00 → 3:00)
# and back on Sunday 25 October 2026 (3:00 → 2:00).


def test_it_opens_at_local_time_on_the_spring_forward_sunday(bakery):
    shop = reload(bakery)
    assert is_open_at(shop, utc(2026, 3, 29, 5, 59)) is False  # 7:59 CEST
    assert is_open_at(shop, utc(2026, 3, 29, 6, 0)) is True  # 8:00 CEST


def test_it_finds_the_opening_across_the_spring_forward_night(bakery):
    # Saturday 20:00 CET → Sunday 8:00 CEST, which is 6:00 UTC (not 7:00).
    opening = next_opening(reload(bakery), utc(2026, 3, 28, 19, 0))
    assert opening == utc(2026, 3, 29, 6, 0)
    assert opening is not None
    assert (opening.hour, opening.minute) == (8, 0)


def test_it_finds_the_opening_across_the_fall_back_night(bakery):
    # Saturday 20:00 CEST → Sunday 8:00 CET, which is 7:00 UTC (not 6:00).
    opening = next_opening(reload(bakery), utc(2026, 10, 24, 18, 0))
    assert opening == utc(2026, 10, 25, 7, 0)
    assert opening is not None
    assert (opening.hour, opening.minute) == (8, 0)


def test_it_opens_at_local_time_on_the_fall_back_sunday(bakery):
    shop = reload(bakery)
    assert is_open_at(shop, utc(2026, 10, 25, 6, 59)) is False  # 7:59 CET
    assert is_open_at(shop, utc(2026, 10, 25, 7, 0)) is True  # 8:00 CET


def test_it_moves_a_time_skipped_by_the_spring_change_forward():
    assert local_datetime(date(2026, 3, 29), time(2, 30), PARIS) == utc(2026, 3, 29, 1, 30)


def test_it_merges_touching_and_overlapping_ranges():
    ranges = [Range(time(15), time(19)), Range(time(9), time(12)), Range(time(12), time(14))]
    assert merge_ranges(ranges) == (Range(time(9), time(14)), Range(time(15), time(19)))


def test_it_says_open_until_the_end_of_the_current_range(bakery):
    assert opening_status(reload(bakery), utc(2026, 6, 9, 15, 0)) == OpeningStatus(
        is_open=True, closes_at=paris(2026, 6, 9, 19, 30)
    )


def test_it_says_open_until_the_end_of_touching_ranges(shop):
    make_opening_hours(shop, Weekday.TUESDAY, "09:00", "12:00")
    make_opening_hours(shop, Weekday.TUESDAY, "12:00", "18:00")
    status = opening_status(reload(shop), utc(2026, 6, 9, 8, 0))
    assert status.closes_at == paris(2026, 6, 9, 18, 0)


def test_it_says_closed_opens_today(bakery):
    assert opening_status(reload(bakery), utc(2026, 6, 9, 12, 0)) == OpeningStatus(
        is_open=False, opens_at=paris(2026, 6, 9, 15, 0), opens_on=OpensOn.TODAY
    )


def test_it_says_closed_opens_tomorrow(bakery):
    assert opening_status(reload(bakery), utc(2026, 6, 9, 18, 0)) == OpeningStatus(
        is_open=False, opens_at=paris(2026, 6, 10, 7, 30), opens_on=OpensOn.TOMORROW
    )


def test_it_says_closed_opens_on_a_weekday(bakery):
    # Sunday 13:00 → Tuesday.
    assert opening_status(reload(bakery), utc(2026, 6, 14, 11, 0)) == OpeningStatus(
        is_open=False, opens_at=paris(2026, 6, 16, 7, 30), opens_on=OpensOn.WEEKDAY
    )


def test_it_says_closed_opens_on_a_date_a_week_or_more_away(bakery):
    Closure.objects.create(shop=bakery, starts_on=date(2026, 6, 10), ends_on=date(2026, 6, 16))
    assert opening_status(reload(bakery), utc(2026, 6, 9, 18, 0)) == OpeningStatus(
        is_open=False, opens_at=paris(2026, 6, 17, 7, 30), opens_on=OpensOn.DATE
    )


def test_it_says_just_closed_without_an_opening_in_sight(shop):
    assert opening_status(reload(shop), utc(2026, 6, 9, 8, 0)) == OpeningStatus(is_open=False)


def test_it_lists_the_week_from_monday_with_today_flagged(bakery):
    week = week_table(reload(bakery), utc(2026, 6, 9, 23, 30))  # Wednesday 1:30 in Paris
    assert [day.weekday for day in week] == [0, 1, 2, 3, 4, 5, 6]
    assert [day.is_today for day in week] == [False, False, True, False, False, False, False]
    assert week[0].ranges == ()
    assert week[1].ranges == (Range(time(7, 30), time(13)), Range(time(15), time(19, 30)))
    with translation.override("fr"):
        assert str(week[6].label) == "dimanche"


def test_it_runs_no_query_on_a_prefetched_shop(bakery, django_assert_num_queries):
    shop = shop_for_storefront(bakery.city.slug, bakery.slug, now=utc(2026, 6, 9, 8, 0))
    with django_assert_num_queries(0):
        is_open_at(shop, utc(2026, 6, 9, 8, 0))
        next_opening(shop, utc(2026, 6, 9, 8, 0))
        opening_status(shop, utc(2026, 6, 9, 8, 0))
        week_table(shop, utc(2026, 6, 9, 8, 0))
