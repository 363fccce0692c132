"""Writes on fulfilment: booking slots, consuming daily quotas, delivery settings.

`slot_reserve`/`slot_release` and `quota_consume`/`quota_release` are meant
to run inside the checkout's (or the cancellation's) transaction, so that the
booking and the order commit or roll back together; they refuse to run
outside `transaction.atomic`.

The guard is one statement, an upsert with a condition (`INSERT … ON
CONFLICT (shop, kind, starts_at) DO UPDATE SET booked = booked + 1 WHERE
booked + 1 <= capacity`, core/inserts.py): the database applies it to the
row under its own row lock, so two checkouts can never both take the last
place. The first booking of a slot inserts its row; when two checkouts race
to insert it, the second waits for the first, then adds to the row the first
one committed. See docs/fulfilment.md.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import connection, models, transaction
from django.db.models import F
from django.utils import timezone

from comptoir.core.errors import full_clean_or_raise
from comptoir.core.inserts import insert_or_add
from comptoir.domain.catalogue.models import Product
from comptoir.domain.fulfilment.errors import QuotaExceeded, SlotFull, SlotUnavailable
from comptoir.domain.fulfilment.models import (
    DailyQuotaUsage,
    DeliveryPostcode,
    DeliverySettings,
    SlotBooking,
    normalise_postal_code,
)
from comptoir.domain.fulfilment.selectors import offered_slot_times
from comptoir.domain.fulfilment.slots import DEFAULT_DAYS
from comptoir.domain.shops.models import Shop


def require_atomic(what: str) -> None:
    """Refuse to guard a counter outside a transaction: the order would not commit with it."""
    if not connection.in_atomic_block:
        raise RuntimeError(
            f"{what} must run inside transaction.atomic(), in the same transaction as the order."
        )


def _bump(
    model: type[models.Model],
    *,
    key: dict[str, Any],
    create: dict[str, Any],
    field: str,
    amount: int,
    limit: int,
) -> bool:
    """Add `amount` to `field` of the row at `key` if it stays ≤ `limit`; True when done.

    One statement (`insert_or_add`): the row is created at its first use, and
    the database settles two transactions creating it at once. Writes
    nothing when refused.
    """
    row = model(**key, **create, **{field: amount})
    return insert_or_add(row, key=list(key), field=field, limit=limit)


def slot_reserve(
    *,
    shop: Shop,
    kind: str,
    starts_at: datetime,
    products: Iterable[Product] = (),
    now: datetime | None = None,
    days: int = DEFAULT_DAYS,
) -> None:
    """Take one place in a slot of `shop`, or refuse.

    `starts_at` must be a slot the shop offers right now for these `products`
    (on its grid, inside opening hours, not closed, not before the order can
    be ready, within `days`; see `slots.py`), else `SlotUnavailable`. A slot
    already at capacity raises `SlotFull`. Nothing is written when refused.
    """
    require_atomic("slot_reserve")
    rules, times = offered_slot_times(
        shop=shop, kind=kind, products=products, now=now or timezone.now(), days=days
    )
    if starts_at not in {start for start, _ in times}:
        raise SlotUnavailable(starts_at=starts_at)
    taken = _bump(
        SlotBooking,
        key={"shop": shop, "kind": kind, "starts_at": starts_at},
        create={"city_id": shop.city_id},
        field="booked",
        amount=1,
        limit=rules.capacity,
    )
    if not taken:
        raise SlotFull(starts_at=starts_at)


def slot_release(*, shop: Shop, kind: str, starts_at: datetime) -> None:
    """Give back one place of a slot (a cancelled or refused order); never below zero."""
    require_atomic("slot_release")
    SlotBooking.objects.filter(shop=shop, kind=kind, starts_at=starts_at, booked__gt=0).update(
        booked=F("booked") - 1
    )


def _check_quantity(quantity: int) -> None:
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
        raise ValueError(f"A quantity is a positive whole number, not {quantity!r}.")


def quota_consume(*, product: Product, day: date, quantity: int) -> None:
    """Promise `quantity` units of `product` for `day` within its daily quota, or refuse.

    `day` is the local date of the handover (the slot's day). A product
    without a quota is not counted. Raises `QuotaExceeded` naming how many
    are left; nothing is written when refused.
    """
    require_atomic("quota_consume")
    _check_quantity(quantity)
    if product.daily_quota is None:
        return
    consumed = _bump(
        DailyQuotaUsage,
        key={"product": product, "day": day},
        create={"city_id": product.city_id},
        field="used",
        amount=quantity,
        limit=product.daily_quota,
    )
    if not consumed:
        used = (
            DailyQuotaUsage.objects.filter(product=product, day=day)
            .values_list("used", flat=True)
            .first()
        )
        raise QuotaExceeded(
            product=product.name, remaining=max(product.daily_quota - (used or 0), 0)
        )


def quota_release(*, product: Product, day: date, quantity: int) -> None:
    """Give back `quantity` units of `day`'s quota (a cancelled order); never below zero."""
    require_atomic("quota_release")
    _check_quantity(quantity)
    usage = DailyQuotaUsage.objects.filter(product=product, day=day)
    if not usage.filter(used__gte=quantity).update(used=F("used") - quantity):
        usage.update(used=0)


def delivery_settings_set(
    *,
    shop: Shop,
    free_above: Decimal | None = None,
    slot_minutes: int = DeliverySettings.DEFAULT_SLOT_MINUTES,
    slot_capacity: int = DeliverySettings.DEFAULT_SLOT_CAPACITY,
) -> DeliverySettings:
    """Set when delivery is free and how delivery slots are cut; validated, then saved."""
    if isinstance(free_above, float):
        raise TypeError("Money is Decimal, never float.")
    settings = DeliverySettings(
        shop=shop, free_above=free_above, slot_minutes=slot_minutes, slot_capacity=slot_capacity
    )
    full_clean_or_raise(settings, exclude=["shop"])
    settings.save()
    shop.delivery_settings = settings
    return settings


def delivery_postcodes_set(*, shop: Shop, postal_codes: Iterable[str]) -> list[str]:
    """Replace the postcodes the shop delivers to (none: its radius decides); returns them."""
    codes = sorted({normalise_postal_code(code) for code in postal_codes} - {""})
    rows = [DeliveryPostcode(shop=shop, postal_code=code) for code in codes]
    for row in rows:
        full_clean_or_raise(row, exclude=["shop"])
    with transaction.atomic():
        DeliveryPostcode.objects.filter(shop=shop).delete()
        DeliveryPostcode.objects.bulk_create(rows)
    return codes


def delivery_update(
    *,
    shop: Shop,
    enabled: bool,
    fee: Decimal,
    minimum: Decimal,
    radius_km: Decimal,
    free_above: Decimal | None,
    postal_codes: Iterable[str] = (),
) -> Shop:
    """Home delivery in one go: on or off, fee, minimum, free-above amount and zone.

    The zone is the listed postcodes when there are any, else the radius
    around the shop. Everything is validated before anything is written.
    """
    for amount in (fee, minimum, radius_km, free_above):
        if isinstance(amount, float):
            raise TypeError("Money and distances are Decimal, never float.")
    current = DeliverySettings.objects.filter(shop=shop).first()
    with transaction.atomic():
        fresh = Shop.objects.select_for_update().get(pk=shop.pk)
        fresh.delivery_enabled = enabled
        fresh.delivery_fee, fresh.delivery_minimum = fee, minimum
        fresh.delivery_radius_km = radius_km
        full_clean_or_raise(fresh)
        delivery_settings_set(
            shop=fresh,
            free_above=free_above,
            slot_minutes=current.slot_minutes if current else DeliverySettings.DEFAULT_SLOT_MINUTES,
            slot_capacity=current.slot_capacity
            if current
            else DeliverySettings.DEFAULT_SLOT_CAPACITY,
        )
        delivery_postcodes_set(shop=fresh, postal_codes=postal_codes)
        fields = ["delivery_enabled", "delivery_fee", "delivery_minimum", "delivery_radius_km"]
        fresh.save(update_fields=[*fields, "updated_at"])
    for name in (*fields, "updated_at", "delivery_settings"):
        setattr(shop, name, getattr(fresh, name))
    return shop
