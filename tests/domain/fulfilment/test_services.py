"""Booking slots and consuming daily quotas: what is taken, what is refused."""

from datetime import date

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from comptoir.domain.fulfilment.errors import QuotaExceeded, SlotFull, SlotUnavailable
from comptoir.domain.fulfilment.models import DailyQuotaUsage, SlotBooking
from comptoir.domain.fulfilment.selectors import quota_remaining
from comptoir.domain.fulfilment.services import (
    delivery_settings_set,
    quota_consume,
    quota_release,
    slot_release,
    slot_reserve,
)
from comptoir.domain.shops.models import Closure
from tests.domain.fulfilment.support import open_every_day, paris
from tests.factories import make_product

pytestmark = pytest.mark.django_db

NOW = paris("2026-03-10 08:00")  # a Tuesday
NINE = paris("2026-03-10 09:00")
CHRISTMAS_EVE = date(2026, 12, 24)


@pytest.fixture
def open_shop(shop):
    return open_every_day(shop, ("09:00", "12:00"), ("14:00", "19:00"))


def booked() -> list[tuple[str, str, int]]:
    return [
        (kind, f"{starts_at:%Y-%m-%d %H:%M}", count)
        for kind, starts_at, count in SlotBooking.objects.order_by("kind", "starts_at").values_list(
            "kind", "starts_at", "booked"
        )
    ]


def reserve(shop, starts_at, *, kind="collect", products=(), now=NOW):
    with transaction.atomic():
        slot_reserve(shop=shop, kind=kind, starts_at=starts_at, products=products, now=now)


def test_it_books_a_place_in_an_offered_slot(open_shop):
    reserve(open_shop, NINE)
    reserve(open_shop, NINE)

    assert booked() == [("collect", "2026-03-10 08:00", 2)]
    assert SlotBooking.objects.get().city_id == open_shop.city_id


def test_a_slots_first_booking_and_a_quotas_first_use_are_one_write_each(open_shop):
    """Before, the ORM wrote a first booking in five statements: UPDATE, exists, savepoint…"""
    cake = make_product(open_shop, daily_quota=3)
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        slot_reserve(shop=open_shop, kind="collect", starts_at=NINE, now=NOW)
        quota_consume(product=cake, day=CHRISTMAS_EVE, quantity=2)

    writes = [
        q["sql"].split()[0] for q in queries.captured_queries if not q["sql"].startswith("SELECT")
    ]
    assert writes == ["INSERT", "INSERT"]
    assert booked() == [("collect", "2026-03-10 08:00", 1)]
    assert DailyQuotaUsage.objects.get().used == 2


def test_pickup_and_delivery_slots_are_counted_apart(open_shop):
    open_shop.delivery_enabled = True
    open_shop.save()

    reserve(open_shop, NINE)
    reserve(open_shop, NINE, kind="delivery")

    assert booked() == [("collect", "2026-03-10 08:00", 1), ("delivery", "2026-03-10 08:00", 1)]


def test_it_refuses_a_full_slot_and_keeps_the_count(open_shop):
    for _ in range(4):
        reserve(open_shop, NINE)

    with pytest.raises(SlotFull) as refused:
        reserve(open_shop, NINE)

    assert refused.value.code == "slot_full"
    assert booked() == [("collect", "2026-03-10 08:00", 4)]


def test_delivery_slots_use_the_delivery_capacity(open_shop):
    open_shop.delivery_enabled = True
    open_shop.save()
    delivery_settings_set(shop=open_shop, slot_capacity=1)

    reserve(open_shop, NINE, kind="delivery")
    with pytest.raises(SlotFull):
        reserve(open_shop, NINE, kind="delivery")

    assert booked() == [("delivery", "2026-03-10 08:00", 1)]


@pytest.mark.parametrize(
    ("starts_at", "why"),
    [
        ("2026-03-10 09:07", "off the grid"),
        ("2026-03-10 12:00", "lunch break"),
        ("2026-03-10 18:50", "would end after closing"),
        ("2026-03-10 07:00", "before opening"),
        ("2026-03-10 08:15", "before the preparation time"),
        ("2026-03-09 10:00", "in the past"),
        ("2026-03-18 09:00", "beyond the week offered"),
    ],
)
def test_it_refuses_a_time_that_is_not_an_offered_slot_and_writes_nothing(
    open_shop, starts_at, why
):
    with pytest.raises(SlotUnavailable) as refused:
        reserve(open_shop, paris(starts_at))

    assert refused.value.code == "slot_unavailable", why
    assert booked() == []


def test_it_refuses_a_slot_on_a_closed_day(open_shop):
    Closure.objects.create(shop=open_shop, starts_on=date(2026, 3, 10), ends_on=date(2026, 3, 10))

    with pytest.raises(SlotUnavailable):
        reserve(open_shop, NINE)

    assert booked() == []


def test_it_refuses_a_slot_before_a_cakes_preparation_time(open_shop):
    cake = make_product(open_shop, lead_time_minutes=2880)
    bread = make_product(open_shop)

    with pytest.raises(SlotUnavailable):
        reserve(open_shop, NINE, products=[bread, cake])
    reserve(open_shop, NINE, products=[bread])
    reserve(open_shop, paris("2026-03-12 09:00"), products=[bread, cake])

    assert booked() == [("collect", "2026-03-10 08:00", 1), ("collect", "2026-03-12 08:00", 1)]


def test_it_refuses_a_preorder_product_on_another_day(open_shop):
    log = make_product(open_shop, preorder_on=CHRISTMAS_EVE)

    with pytest.raises(SlotUnavailable):
        reserve(open_shop, NINE, products=[log])
    reserve(open_shop, paris("2026-12-24 09:00"), products=[log])

    assert booked() == [("collect", "2026-12-24 08:00", 1)]


def test_it_refuses_a_delivery_slot_of_a_shop_that_does_not_deliver(open_shop):
    with pytest.raises(SlotUnavailable):
        reserve(open_shop, NINE, kind="delivery")

    assert booked() == []


def test_releasing_gives_a_place_back_and_never_goes_below_zero(open_shop):
    reserve(open_shop, NINE)
    reserve(open_shop, NINE)

    with transaction.atomic():
        slot_release(shop=open_shop, kind="collect", starts_at=NINE)
    assert booked() == [("collect", "2026-03-10 08:00", 1)]

    with transaction.atomic():
        slot_release(shop=open_shop, kind="collect", starts_at=NINE)
        slot_release(shop=open_shop, kind="collect", starts_at=NINE)
        slot_release(shop=open_shop, kind="collect", starts_at=paris("2026-03-10 10:00"))
    assert booked() == [("collect", "2026-03-10 08:00", 0)]


def test_a_released_place_can_be_booked_again(open_shop):
    for _ in range(4):
        reserve(open_shop, NINE)
    with transaction.atomic():
        slot_release(shop=open_shop, kind="collect", starts_at=NINE)

    reserve(open_shop, NINE)

    assert booked() == [("collect", "2026-03-10 08:00", 4)]


@pytest.mark.django_db(transaction=True)
def test_the_guards_refuse_to_run_outside_a_transaction(open_shop):
    product = make_product(open_shop, daily_quota=5)
    calls = [
        lambda: slot_reserve(shop=open_shop, kind="collect", starts_at=NINE, now=NOW),
        lambda: slot_release(shop=open_shop, kind="collect", starts_at=NINE),
        lambda: quota_consume(product=product, day=CHRISTMAS_EVE, quantity=1),
        lambda: quota_release(product=product, day=CHRISTMAS_EVE, quantity=1),
    ]

    for call in calls:
        with pytest.raises(RuntimeError, match=r"inside transaction\.atomic\(\)"):
            call()

    assert booked() == []
    assert not DailyQuotaUsage.objects.exists()


def consume(product, quantity, day=CHRISTMAS_EVE):
    with transaction.atomic():
        quota_consume(product=product, day=day, quantity=quantity)


def used() -> list[tuple[str, int]]:
    return [(f"{day}", n) for day, n in DailyQuotaUsage.objects.values_list("day", "used")]


def test_it_consumes_a_daily_quota_up_to_the_last_unit(shop):
    log = make_product(shop, daily_quota=5)

    consume(log, 3)
    consume(log, 2)

    assert used() == [("2026-12-24", 5)]
    assert DailyQuotaUsage.objects.get().city_id == shop.city_id
    assert quota_remaining(product=log, day=CHRISTMAS_EVE) == 0


def test_it_refuses_more_than_the_quota_left_naming_what_remains(shop):
    log = make_product(shop, name="Bûche praliné", daily_quota=5)
    consume(log, 3)

    with pytest.raises(QuotaExceeded) as refused:
        consume(log, 3)

    assert refused.value.code == "quota_exceeded"
    assert refused.value.params == {"product": "Bûche praliné", "remaining": 2}
    assert used() == [("2026-12-24", 3)]


def test_it_refuses_more_than_the_whole_quota_and_writes_nothing(shop):
    log = make_product(shop, daily_quota=5)

    with pytest.raises(QuotaExceeded) as refused:
        consume(log, 6)

    assert refused.value.params["remaining"] == 5
    assert used() == []


def test_quotas_are_counted_per_day(shop):
    log = make_product(shop, daily_quota=5)

    consume(log, 5)
    consume(log, 5, day=date(2026, 12, 31))

    assert sorted(used()) == [("2026-12-24", 5), ("2026-12-31", 5)]
    assert quota_remaining(product=log, day=date(2026, 12, 23)) == 5


def test_a_product_without_quota_is_not_counted(shop):
    bread = make_product(shop)

    consume(bread, 500)

    assert used() == []
    assert quota_remaining(product=bread, day=CHRISTMAS_EVE) is None


def test_releasing_a_quota_gives_units_back_and_never_goes_below_zero(shop):
    log = make_product(shop, daily_quota=5)
    consume(log, 4)

    with transaction.atomic():
        quota_release(product=log, day=CHRISTMAS_EVE, quantity=3)
    assert used() == [("2026-12-24", 1)]

    with transaction.atomic():
        quota_release(product=log, day=CHRISTMAS_EVE, quantity=3)
    assert used() == [("2026-12-24", 0)]


@pytest.mark.parametrize("quantity", [0, -1, True, 1.5])
def test_it_refuses_a_quantity_that_is_not_a_positive_whole_number(shop, quantity):
    log = make_product(shop, daily_quota=5)

    with pytest.raises(ValueError, match="positive whole number"):
        consume(log, quantity)

    assert used() == []
