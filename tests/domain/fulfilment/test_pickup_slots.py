"""Which click & collect slots a customer is offered."""

from datetime import UTC, date, datetime

import pytest
from django.db import transaction
from django.db.models import Prefetch

from comptoir.domain.fulfilment.selectors import (
    earliest_pickup_slot,
    pickup_slots,
)
from comptoir.domain.fulfilment.services import slot_reserve
from comptoir.domain.fulfilment.slots import Slot, earliest_ready
from comptoir.domain.shops.models import Closure, OpeningHours, Shop
from comptoir.domain.shops.selectors import load_schedules
from tests.domain.fulfilment.support import PARIS, hhmm, local_starts, open_every_day, paris
from tests.factories import make_opening_hours, make_product

pytestmark = pytest.mark.django_db

TUESDAY_8AM = paris("2026-03-10 08:00")


def test_it_offers_quarter_hours_inside_each_range_around_the_lunch_break(shop):
    make_opening_hours(shop, 1, "09:00", "12:30")
    make_opening_hours(shop, 1, "14:00", "16:00")

    slots = pickup_slots(shop=shop, products=[], now=TUESDAY_8AM, days=1)

    assert hhmm(slots) == [
        "09:00", "09:15", "09:30", "09:45", "10:00", "10:15", "10:30",
        "10:45", "11:00", "11:15", "11:30", "11:45", "12:00", "12:15",
        "14:00", "14:15", "14:30", "14:45", "15:00", "15:15", "15:30", "15:45",
    ]  # fmt: skip
    assert slots[0] == Slot(
        kind="collect",
        starts_at=datetime(2026, 3, 10, 8, 0, tzinfo=UTC),
        ends_at=datetime(2026, 3, 10, 8, 15, tzinfo=UTC),
        remaining=4,
    )


def test_it_starts_the_grid_at_each_opening_and_drops_a_slot_that_does_not_fit(shop):
    make_opening_hours(shop, 1, "09:05", "10:10")

    slots = pickup_slots(shop=shop, products=[], now=TUESDAY_8AM, days=1)

    assert hhmm(slots) == ["09:05", "09:20", "09:35", "09:50"]
    assert f"{slots[-1].ends_at.astimezone(PARIS):%H:%M}" == "10:05"


def test_it_uses_the_shops_slot_length(shop):
    shop.slot_minutes = 30
    shop.save()
    make_opening_hours(shop, 1, "09:00", "11:00")

    slots = pickup_slots(shop=shop, products=[], now=TUESDAY_8AM, days=1)

    assert hhmm(slots) == ["09:00", "09:30", "10:00", "10:30"]


def test_it_preselects_the_first_slot_after_the_preparation_time(shop):
    open_every_day(shop, ("09:00", "19:00"))

    slot = earliest_pickup_slot(shop=shop, products=[], now=paris("2026-03-10 10:07"))

    # Ready at 10:37 (30 minutes): the next slot on the grid starts at 10:45.
    assert slot is not None
    assert local_starts([slot]) == ["2026-03-10 10:45"]


def test_it_skips_slots_already_started_when_there_is_no_preparation_time(shop):
    shop.lead_time_minutes = 0
    shop.save()
    open_every_day(shop, ("09:00", "19:00"))

    slots = pickup_slots(shop=shop, products=[], now=paris("2026-03-10 10:07"), days=1)

    assert hhmm(slots)[:2] == ["10:15", "10:30"]
    assert len(slots) == 35


def test_it_offers_a_slot_starting_exactly_when_the_order_is_ready(shop):
    open_every_day(shop, ("09:00", "19:00"))

    slot = earliest_pickup_slot(shop=shop, products=[], now=paris("2026-03-10 10:15"))

    assert slot is not None
    assert local_starts([slot]) == ["2026-03-10 10:45"]


def test_it_moves_to_the_next_day_after_closing_time(shop):
    open_every_day(shop, ("09:00", "19:00"))

    slot = earliest_pickup_slot(shop=shop, products=[], now=paris("2026-03-10 18:40"))

    assert slot is not None
    assert local_starts([slot]) == ["2026-03-11 09:00"]


def test_it_offers_seven_days_by_default_and_none_on_days_without_hours(shop):
    make_opening_hours(shop, 1, "09:00", "09:30")  # Tuesdays only

    slots = pickup_slots(shop=shop, products=[], now=TUESDAY_8AM)

    assert local_starts(slots) == ["2026-03-10 09:00", "2026-03-10 09:15"]


def test_it_offers_the_days_asked_for(shop):
    open_every_day(shop, ("09:00", "09:30"))

    slots = pickup_slots(shop=shop, products=[], now=TUESDAY_8AM, days=3)

    assert local_starts(slots) == [
        "2026-03-10 09:00",
        "2026-03-10 09:15",
        "2026-03-11 09:00",
        "2026-03-11 09:15",
        "2026-03-12 09:00",
        "2026-03-12 09:15",
    ]


def test_it_skips_the_days_of_an_exceptional_closure(shop):
    open_every_day(shop, ("09:00", "09:30"))
    Closure.objects.create(shop=shop, starts_on=date(2026, 3, 11), ends_on=date(2026, 3, 12))

    slots = pickup_slots(shop=shop, products=[], now=TUESDAY_8AM, days=4)

    assert [s[:10] for s in local_starts(slots)] == [
        "2026-03-10",
        "2026-03-10",
        "2026-03-13",
        "2026-03-13",
    ]


def test_a_cake_made_to_order_waits_48_hours_where_bread_waits_30_minutes(shop):
    open_every_day(shop, ("09:00", "19:00"))
    bread = make_product(shop)
    cake = make_product(shop, lead_time_minutes=2880)

    bread_slot = earliest_pickup_slot(shop=shop, products=[bread], now=TUESDAY_8AM)
    basket_slot = earliest_pickup_slot(shop=shop, products=[bread, cake], now=TUESDAY_8AM)

    assert bread_slot is not None
    assert basket_slot is not None
    assert local_starts([bread_slot]) == ["2026-03-10 09:00"]
    assert local_starts([basket_slot]) == ["2026-03-12 09:00"]


def test_a_long_preparation_time_still_leaves_a_week_of_choice(shop):
    open_every_day(shop, ("09:00", "09:15"))
    cake = make_product(shop, lead_time_minutes=2880)

    slots = pickup_slots(shop=shop, products=[cake], now=TUESDAY_8AM)

    assert [s[:10] for s in local_starts(slots)] == [
        "2026-03-12",
        "2026-03-13",
        "2026-03-14",
        "2026-03-15",
        "2026-03-16",
        "2026-03-17",
        "2026-03-18",
    ]


def test_a_product_shorter_than_the_shop_does_not_shorten_the_shops_lead_time(shop):
    open_every_day(shop, ("09:00", "19:00"))
    quick = make_product(shop, lead_time_minutes=0)

    slot = earliest_pickup_slot(shop=shop, products=[quick], now=paris("2026-03-10 10:07"))

    assert slot is not None
    assert local_starts([slot]) == ["2026-03-10 10:45"]


def test_a_preorder_product_is_only_offered_on_its_date_even_weeks_ahead(shop):
    open_every_day(shop, ("08:00", "09:00"))
    log = make_product(shop, name="Bûche", preorder_on=date(2026, 12, 24))
    bread = make_product(shop)

    slots = pickup_slots(shop=shop, products=[bread, log], now=paris("2026-12-01 10:00"))

    assert local_starts(slots) == [
        "2026-12-24 08:00",
        "2026-12-24 08:15",
        "2026-12-24 08:30",
        "2026-12-24 08:45",
    ]


def test_a_preorder_date_still_respects_the_preparation_time(shop):
    open_every_day(shop, ("08:00", "09:00"))
    log = make_product(shop, preorder_on=date(2026, 12, 24), lead_time_minutes=2880)

    late = pickup_slots(shop=shop, products=[log], now=paris("2026-12-22 08:20"))
    in_time = pickup_slots(shop=shop, products=[log], now=paris("2026-12-22 07:00"))

    assert local_starts(late) == ["2026-12-24 08:30", "2026-12-24 08:45"]
    assert len(in_time) == 4


def test_a_preorder_date_that_has_passed_offers_nothing(shop):
    open_every_day(shop, ("08:00", "09:00"))
    log = make_product(shop, preorder_on=date(2026, 12, 24))

    assert pickup_slots(shop=shop, products=[log], now=paris("2026-12-26 07:00")) == []


def test_two_different_preorder_dates_cannot_share_a_pickup(shop):
    open_every_day(shop, ("08:00", "09:00"))
    log = make_product(shop, preorder_on=date(2026, 12, 24))
    galette = make_product(shop, preorder_on=date(2027, 1, 6))

    assert pickup_slots(shop=shop, products=[log, galette], now=paris("2026-12-01 07:00")) == []


def test_a_preorder_date_on_a_closed_day_offers_nothing(shop):
    open_every_day(shop, ("08:00", "09:00"))
    Closure.objects.create(shop=shop, starts_on=date(2026, 12, 24), ends_on=date(2026, 12, 24))
    log = make_product(shop, preorder_on=date(2026, 12, 24))

    assert pickup_slots(shop=shop, products=[log], now=paris("2026-12-01 07:00")) == []


def test_opening_hours_stay_wall_clock_times_across_the_spring_change(shop):
    make_opening_hours(shop, 6, "09:00", "09:30")  # Sundays

    before = pickup_slots(shop=shop, products=[], now=paris("2026-03-21 12:00"), days=2)
    after = pickup_slots(shop=shop, products=[], now=paris("2026-03-28 12:00"), days=2)

    assert [s.starts_at for s in before] == [
        datetime(2026, 3, 22, 8, 0, tzinfo=UTC),
        datetime(2026, 3, 22, 8, 15, tzinfo=UTC),
    ]
    assert [s.starts_at for s in after] == [
        datetime(2026, 3, 29, 7, 0, tzinfo=UTC),
        datetime(2026, 3, 29, 7, 15, tzinfo=UTC),
    ]


def test_a_range_spanning_the_spring_change_has_one_hour_less(shop):
    shop.slot_minutes = 60
    shop.save()
    make_opening_hours(shop, 6, "01:00", "04:00")  # 2:00 → 3:00 on 29 March 2026

    slots = pickup_slots(shop=shop, products=[], now=paris("2026-03-28 12:00"), days=2)

    assert local_starts(slots) == ["2026-03-29 01:00", "2026-03-29 03:00"]
    assert [s.ends_at - s.starts_at for s in slots] == [slots[0].ends_at - slots[0].starts_at] * 2
    assert slots[1].starts_at == datetime(2026, 3, 29, 1, 0, tzinfo=UTC)


def test_a_range_spanning_the_autumn_change_has_one_hour_more(shop):
    shop.slot_minutes = 60
    shop.save()
    make_opening_hours(shop, 6, "01:00", "04:00")  # 3:00 → 2:00 on 25 October 2026

    slots = pickup_slots(shop=shop, products=[], now=paris("2026-10-24 12:00"), days=2)

    assert [s.starts_at for s in slots] == [
        datetime(2026, 10, 24, 23, 0, tzinfo=UTC),
        datetime(2026, 10, 25, 0, 0, tzinfo=UTC),
        datetime(2026, 10, 25, 1, 0, tzinfo=UTC),
        datetime(2026, 10, 25, 2, 0, tzinfo=UTC),
    ]
    assert hhmm(slots) == ["01:00", "02:00", "02:00", "03:00"]


def test_a_full_slot_disappears_and_a_booked_one_shows_what_is_left(shop):
    shop.slot_capacity = 2
    shop.save()
    make_opening_hours(shop, 1, "09:00", "09:45")
    nine, quarter_past = paris("2026-03-10 09:00"), paris("2026-03-10 09:15")
    with transaction.atomic():
        slot_reserve(shop=shop, kind="collect", starts_at=nine, now=TUESDAY_8AM)
        slot_reserve(shop=shop, kind="collect", starts_at=nine, now=TUESDAY_8AM)
        slot_reserve(shop=shop, kind="collect", starts_at=quarter_past, now=TUESDAY_8AM)

    slots = pickup_slots(shop=shop, products=[], now=TUESDAY_8AM, days=1)

    assert [(hhmm([s])[0], s.remaining) for s in slots] == [("09:15", 1), ("09:30", 2)]
    assert earliest_pickup_slot(shop=shop, products=[], now=TUESDAY_8AM) == slots[0]


def test_the_earliest_slot_skips_full_ones_up_to_the_last_and_is_none_when_all_are(shop):
    shop.slot_capacity = 1
    shop.save()
    make_opening_hours(shop, 1, "09:00", "09:30")
    nine, quarter_past = paris("2026-03-10 09:00"), paris("2026-03-10 09:15")
    with transaction.atomic():
        slot_reserve(shop=shop, kind="collect", starts_at=nine, now=TUESDAY_8AM)

    earliest = earliest_pickup_slot(shop=shop, products=[], now=TUESDAY_8AM, days=1)
    assert earliest is not None
    assert (earliest.starts_at, earliest.remaining) == (quarter_past, 1)

    with transaction.atomic():  # the window's last slot: its booking is read too
        slot_reserve(shop=shop, kind="collect", starts_at=quarter_past, now=TUESDAY_8AM)

    assert earliest_pickup_slot(shop=shop, products=[], now=TUESDAY_8AM, days=1) is None
    assert pickup_slots(shop=shop, products=[], now=TUESDAY_8AM, days=1) == []


def test_it_offers_nothing_when_click_and_collect_is_off(shop):
    shop.collect_enabled = False
    shop.save()
    open_every_day(shop, ("09:00", "19:00"))

    assert pickup_slots(shop=shop, products=[], now=TUESDAY_8AM) == []
    assert earliest_pickup_slot(shop=shop, products=[], now=TUESDAY_8AM) is None


def test_with_hours_and_closures_prefetched_it_runs_one_query(shop, django_assert_num_queries):
    open_every_day(shop, ("09:00", "12:00"), ("14:00", "19:00"))
    loaded = Shop.objects.select_related("city").prefetch_related(
        Prefetch("opening_hours", queryset=OpeningHours.objects.all()),
        Prefetch("closures", queryset=Closure.objects.all()),
    )
    prefetched = loaded.get(pk=shop.pk)

    with django_assert_num_queries(1):
        slots = pickup_slots(shop=prefetched, products=[], now=TUESDAY_8AM)

    assert len(slots) == 7 * (12 + 20)


def test_with_schedules_loaded_for_all_shops_it_runs_one_query_per_shop(
    shop, django_assert_num_queries
):
    open_every_day(shop, ("09:00", "12:00"), ("14:00", "19:00"))
    make_opening_hours(shop, 1, "11:30", "13:00")  # overlaps: merged into 9:00-13:00
    Closure.objects.create(shop=shop, starts_on=date(2026, 3, 11), ends_on=date(2026, 3, 12))
    Closure.objects.create(shop=shop, starts_on=date(2026, 3, 1), ends_on=date(2026, 3, 2))
    loaded = Shop.objects.select_related("city").get(pk=shop.pk)

    with django_assert_num_queries(2):
        load_schedules([loaded], from_day=date(2026, 3, 10))
    with django_assert_num_queries(1):
        slots = pickup_slots(shop=loaded, products=[], now=TUESDAY_8AM, days=4)

    # What the shop's own rows give, read without the loaded schedule.
    assert slots == pickup_slots(shop=shop, products=[], now=TUESDAY_8AM, days=4)
    days = sorted({s[:10] for s in local_starts(slots)})
    assert days == ["2026-03-10", "2026-03-13"]
    assert hhmm(slots)[:2] == ["09:00", "09:15"]
    assert "12:45" in hhmm(slots)
    assert "13:00" not in hhmm(slots)


def test_schedules_loaded_from_a_later_day_are_not_used_for_an_earlier_one(
    shop, django_assert_num_queries
):
    open_every_day(shop, ("09:00", "09:30"))
    Closure.objects.create(shop=shop, starts_on=date(2026, 3, 10), ends_on=date(2026, 3, 10))
    loaded = Shop.objects.select_related("city").get(pk=shop.pk)
    load_schedules([loaded], from_day=date(2026, 3, 11))  # the closure ends before: not read

    with django_assert_num_queries(3):  # hours and closures again, then the bookings
        slots = pickup_slots(shop=loaded, products=[], now=TUESDAY_8AM, days=2)

    assert [s[:10] for s in local_starts(slots)] == ["2026-03-11", "2026-03-11"]


def test_earliest_ready_is_the_longest_lead_time_after_now(shop):
    cake = make_product(shop, lead_time_minutes=2880)
    bread = make_product(shop)

    assert earliest_ready(shop, [bread], TUESDAY_8AM) == datetime(2026, 3, 10, 7, 30, tzinfo=UTC)
    assert earliest_ready(shop, [bread, cake], TUESDAY_8AM) == datetime(
        2026, 3, 12, 7, 0, tzinfo=UTC
    )


def test_earliest_ready_is_no_sooner_than_the_start_of_a_preorder_day(shop):
    log = make_product(shop, preorder_on=date(2026, 12, 24))

    assert earliest_ready(shop, [log], paris("2026-12-01 10:00")) == datetime(
        2026, 12, 23, 23, 0, tzinfo=UTC
    )
