"""Twenty checkouts race for the last places of a slot and the last units of a quota.

Each test forces the interleaving that breaks a naive read-check-write: every
buyer reads the count in one transaction, all of them wait at a barrier, then
each writes in a second transaction. SQLite's BEGIN IMMEDIATE would otherwise
serialise whole transactions and hide the race; with the read and the write
apart it shows on both databases.

The control writes with a plain increment after its own check and oversells.
The real services, run from the same interleaving, check and write in one
conditional upsert under the row lock: exactly the capacity is sold.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date

import pytest
from django.db import connection, transaction
from django.db.models import F

from comptoir.domain.fulfilment.errors import QuotaExceeded, SlotFull
from comptoir.domain.fulfilment.models import DailyQuotaUsage, SlotBooking
from comptoir.domain.fulfilment.services import quota_consume, slot_reserve
from tests.domain.fulfilment.support import open_every_day, paris
from tests.factories import make_product

BUYERS = 20
CAPACITY = 4
QUOTA = 5
NOW = paris("2026-03-10 08:00")
NINE = paris("2026-03-10 09:00")
CHRISTMAS_EVE = date(2026, 12, 24)

pytestmark = pytest.mark.django_db(transaction=True)


class SoldOut(Exception):
    """The naive control's own refusal."""


def race(read: Callable[[], int], limit: int, write: Callable[[], object]) -> list[str]:
    """Every buyer reads, all wait, then every buyer writes; returns each buyer's outcome."""
    barrier = threading.Barrier(BUYERS, timeout=30)
    outcomes: list[str] = []

    def buyer() -> None:
        try:
            with transaction.atomic():
                seen = read()
            barrier.wait()
            if seen >= limit:
                raise SoldOut
            with transaction.atomic():
                write()
            outcomes.append("ok")
        except (SoldOut, SlotFull, QuotaExceeded) as refused:
            outcomes.append(type(refused).__name__)
        except BaseException as error:  # any other failure fails the test
            outcomes.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=buyer) for _ in range(BUYERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes)


def slot_shop(shop):
    shop.slot_capacity = CAPACITY
    shop.save()
    return open_every_day(shop, ("09:00", "19:00"))


def read_booked(shop) -> Callable[[], int]:
    slot = SlotBooking.objects.filter(shop=shop, kind="collect", starts_at=NINE)
    return lambda: slot.values_list("booked", flat=True).first() or 0


def test_without_the_guard_a_slot_is_overbooked(shop):
    shop = slot_shop(shop)
    SlotBooking.objects.create(city=shop.city, shop=shop, kind="collect", starts_at=NINE)
    slot = SlotBooking.objects.filter(shop=shop, kind="collect", starts_at=NINE)

    outcomes = race(read_booked(shop), CAPACITY, lambda: slot.update(booked=F("booked") + 1))

    assert outcomes == ["ok"] * BUYERS
    assert slot.get().booked == BUYERS


def test_with_the_guard_exactly_the_capacity_is_booked(shop):
    shop = slot_shop(shop)

    outcomes = race(
        read_booked(shop),
        CAPACITY,
        lambda: slot_reserve(shop=shop, kind="collect", starts_at=NINE, now=NOW),
    )

    assert outcomes == ["SlotFull"] * (BUYERS - CAPACITY) + ["ok"] * CAPACITY
    assert list(SlotBooking.objects.values_list("booked", flat=True)) == [CAPACITY]


def test_with_the_guard_the_last_places_of_a_busy_slot_go_to_exactly_that_many(shop):
    shop = slot_shop(shop)
    SlotBooking.objects.create(city=shop.city, shop=shop, kind="collect", starts_at=NINE, booked=2)

    outcomes = race(
        read_booked(shop),
        CAPACITY,
        lambda: slot_reserve(shop=shop, kind="collect", starts_at=NINE, now=NOW),
    )

    assert outcomes == ["SlotFull"] * (BUYERS - 2) + ["ok"] * 2
    assert list(SlotBooking.objects.values_list("booked", flat=True)) == [CAPACITY]


def read_used(product) -> Callable[[], int]:
    usage = DailyQuotaUsage.objects.filter(product=product, day=CHRISTMAS_EVE)
    return lambda: usage.values_list("used", flat=True).first() or 0


def test_without_the_guard_a_daily_quota_is_oversold(shop):
    log = make_product(shop, daily_quota=QUOTA)
    DailyQuotaUsage.objects.create(city=shop.city, product=log, day=CHRISTMAS_EVE)
    usage = DailyQuotaUsage.objects.filter(product=log, day=CHRISTMAS_EVE)

    outcomes = race(read_used(log), QUOTA, lambda: usage.update(used=F("used") + 1))

    assert outcomes == ["ok"] * BUYERS
    assert usage.get().used == BUYERS


def test_with_the_guard_exactly_the_daily_quota_is_sold(shop):
    log = make_product(shop, daily_quota=QUOTA)

    outcomes = race(
        read_used(log),
        QUOTA,
        lambda: quota_consume(product=log, day=CHRISTMAS_EVE, quantity=1),
    )

    assert outcomes == ["QuotaExceeded"] * (BUYERS - QUOTA) + ["ok"] * QUOTA
    assert list(DailyQuotaUsage.objects.values_list("used", flat=True)) == [QUOTA]
