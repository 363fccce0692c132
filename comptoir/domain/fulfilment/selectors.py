"""Reads for checkout: the slots a shop offers now, and what delivering an address costs.

Opening hours and closures are read from the schedule
`shops.selectors.load_schedules` built for a basket's shops, or from the
shop's prefetched data (`Prefetch("opening_hours")`, `Prefetch("closures")`);
delivery settings and postcodes from `load_delivery`, or from
`select_related("delivery_settings")` and `Prefetch("delivery_postcodes")`;
else they are loaded here. The
bookings of the whole window come in one statement.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache

from django.db import connections, router

from comptoir.core.geo import distance_km
from comptoir.core.lean_reads import Names, attach, build, convert_values, select_list
from comptoir.domain.catalogue.models import Product
from comptoir.domain.fulfilment.errors import (
    AddressNotLocated,
    BelowDeliveryMinimum,
    DeliveryUnavailable,
    OutsideDeliveryZone,
)
from comptoir.domain.fulfilment.geocode import locate
from comptoir.domain.fulfilment.models import (
    DailyQuotaUsage,
    DeliveryPostcode,
    DeliverySettings,
    SlotBooking,
    SlotKind,
    normalise_postal_code,
)
from comptoir.domain.fulfilment.slots import (
    DEFAULT_DAYS,
    Slot,
    SlotRules,
    earliest_ready,
    first_with_room,
    preorder_days,
    slot_rules,
    slot_times,
    slots_with_remaining,
)
from comptoir.domain.shops.hours import (
    Schedule,
    build_schedule,
    loaded_schedule,
)
from comptoir.domain.shops.models import Closure, OpeningHours, Shop

KM = Decimal("0.01")


def _prefetched(shop: Shop, name: str) -> list | None:
    cache = getattr(shop, "_prefetched_objects_cache", {})
    return list(cache[name]) if name in cache else None


def schedule_for(shop: Shop, *, from_day: date) -> Schedule:
    """The shop's week and its closures from `from_day` on.

    The schedule `shops.selectors.load_schedules` built when it read closures from that day
    or earlier; else the prefetched lists when present; else two queries.
    """
    loaded = loaded_schedule(shop)
    if loaded is not None and loaded[0] <= from_day:
        return loaded[1]
    hours = _prefetched(shop, "opening_hours")
    if hours is None:
        hours = list(OpeningHours.objects.filter(shop=shop))
    closures = _prefetched(shop, "closures")
    if closures is None:
        closures = list(Closure.objects.filter(shop=shop, ends_on__gte=from_day))
    return build_schedule(shop.city.zone, hours, closures)


def delivery_settings_of(shop: Shop) -> DeliverySettings:
    """The shop's delivery settings, or the defaults (unsaved) when it has none."""
    try:
        return shop.delivery_settings
    except DeliverySettings.DoesNotExist:
        return DeliverySettings(shop=shop)


#: Where `load_delivery` leaves a shop's delivery postcodes.
LOADED_POSTCODES = "_loaded_delivery_postcodes"


def load_delivery(shops: Sequence[Shop]) -> None:
    """The delivery settings and postcodes of all `shops` in two statements, kept on each.

    Then `delivery_settings_of` and `delivery_postcodes_of` ask nothing. The
    statements are written once per process and number of shops
    (core/lean_reads.py): a checkout page and a cold shop page of a shop
    that delivers read them, and the ORM compiled a query for each (~0.25
    ms).
    """
    shops = list(shops)
    if not shops:
        return
    connection = connections[router.db_for_read(DeliverySettings)]
    alias = connection.alias
    settings_sql, postcodes_sql = _delivery_sql(alias, len(shops))
    ids = [shop.pk for shop in shops]
    postcodes: dict[int, set[str]] = defaultdict(set)
    with connection.cursor() as cursor:
        cursor.execute(settings_sql, ids)
        found = [build(DeliverySettings, alias, row) for row in cursor.fetchall()]
        cursor.execute(postcodes_sql, ids)
        for shop_id, postal_code in cursor.fetchall():
            postcodes[shop_id].add(postal_code)
    settings = {row.shop_id: row for row in found}
    for shop in shops:
        mine = settings.get(shop.pk)
        if mine is not None:
            attach(mine, "shop", shop)
        attach(shop, "delivery_settings", mine)  # None: the defaults (delivery_settings_of)
        setattr(shop, LOADED_POSTCODES, frozenset(postcodes[shop.pk]))


@cache
def _delivery_sql(alias: str, shops: int) -> tuple[str, str]:
    names = Names(alias)
    table, column = names.table, names.column
    among = ", ".join(["%s"] * shops)
    # The models' table and column names; values are parameters.
    settings = (
        f"SELECT {select_list(DeliverySettings, alias, 'd')} "  # noqa: S608
        f"FROM {table(DeliverySettings)} d "
        f"WHERE d.{column(DeliverySettings, 'shop')} IN ({among})"
    )
    postcodes = (
        f"SELECT {column(DeliveryPostcode, 'shop')}, "  # noqa: S608
        f"{column(DeliveryPostcode, 'postal_code')} FROM {table(DeliveryPostcode)} "
        f"WHERE {column(DeliveryPostcode, 'shop')} IN ({among})"
    )
    return settings, postcodes


def delivery_postcodes_of(shop: Shop) -> frozenset[str]:
    loaded: frozenset[str] | None = getattr(shop, LOADED_POSTCODES, None)
    if loaded is not None:
        return loaded
    rows = _prefetched(shop, "delivery_postcodes")
    if rows is None:
        return frozenset(
            DeliveryPostcode.objects.filter(shop=shop).values_list("postal_code", flat=True)
        )
    return frozenset(row.postal_code for row in rows)


def offered_slot_times(
    *,
    shop: Shop,
    kind: str,
    products: Iterable[Product],
    now: datetime,
    days: int = DEFAULT_DAYS,
) -> tuple[SlotRules, list[tuple[datetime, datetime]]]:
    """The rules of `kind` slots and every slot the shop offers now, capacity aside."""
    products = list(products)
    enabled = shop.collect_enabled if kind == SlotKind.COLLECT else shop.delivery_enabled
    rules = slot_rules(
        shop, kind, delivery_settings_of(shop) if kind == SlotKind.DELIVERY else None
    )
    if not enabled:
        return rules, []
    ready = earliest_ready(shop, products, now)
    schedule = schedule_for(shop, from_day=ready.astimezone(shop.city.zone).date())
    times = slot_times(
        schedule=schedule,
        minutes=rules.minutes,
        ready=ready,
        only_days=preorder_days(products),
        days=days,
    )
    return rules, times


def _slots(
    *, shop: Shop, kind: str, products: Iterable[Product], now: datetime, days: int
) -> list[Slot]:
    rules, times = offered_slot_times(shop=shop, kind=kind, products=products, now=now, days=days)
    if not times:
        return []
    return slots_with_remaining(times, rules=rules, booked=_booked(shop, kind, times))


def _earliest(
    *, shop: Shop, kind: str, products: Iterable[Product], now: datetime, days: int
) -> Slot | None:
    rules, times = offered_slot_times(shop=shop, kind=kind, products=products, now=now, days=days)
    if not times:
        return None
    return first_with_room(times, rules=rules, booked=_booked(shop, kind, times))


#: The columns `_booked` reads, as `convert_values` names them.
BOOKED_COLUMNS = ("starts_at", "booked")


def _booked(shop: Shop, kind: str, times: list[tuple[datetime, datetime]]) -> dict[datetime, int]:
    """Orders booked per start of the shop's `kind` slots among `times` (in order; not empty).

    One statement, written once per process (core/lean_reads.py): every cold
    shop page, checkout page and checkout asks it, and the ORM compiled its
    queryset each time (~0.25 ms).
    """
    connection = connections[router.db_for_read(SlotBooking)]
    alias = connection.alias
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.execute(
            _bookings_sql(alias), [shop.pk, kind, adapt(times[0][0]), adapt(times[-1][0])]
        )
        rows = cursor.fetchall()
    return dict(convert_values(SlotBooking, alias, BOOKED_COLUMNS, row) for row in rows)


@cache
def _bookings_sql(alias: str) -> str:
    names = Names(alias)
    column = names.column
    starts_at = column(SlotBooking, "starts_at")
    # The model's table and column names; values are parameters.
    return (
        f"SELECT {starts_at}, {column(SlotBooking, 'booked')} "  # noqa: S608
        f"FROM {names.table(SlotBooking)} "
        f"WHERE {column(SlotBooking, 'shop')} = %s AND {column(SlotBooking, 'kind')} = %s "
        f"AND {starts_at} >= %s AND {starts_at} <= %s"
    )


def pickup_slots(
    *, shop: Shop, products: Sequence[Product], now: datetime, days: int = DEFAULT_DAYS
) -> list[Slot]:
    """Click & collect slots with room left, earliest first (empty if the shop has none)."""
    return _slots(shop=shop, kind=SlotKind.COLLECT, products=products, now=now, days=days)


def delivery_slots(
    *, shop: Shop, products: Sequence[Product], now: datetime, days: int = DEFAULT_DAYS
) -> list[Slot]:
    """Delivery slots with room left, earliest first (empty if the shop does not deliver)."""
    return _slots(shop=shop, kind=SlotKind.DELIVERY, products=products, now=now, days=days)


def earliest_pickup_slot(
    *, shop: Shop, products: Sequence[Product], now: datetime, days: int = DEFAULT_DAYS
) -> Slot | None:
    """The slot to preselect: the first with room left."""
    return _earliest(shop=shop, kind=SlotKind.COLLECT, products=products, now=now, days=days)


def earliest_delivery_slot(
    *, shop: Shop, products: Sequence[Product], now: datetime, days: int = DEFAULT_DAYS
) -> Slot | None:
    return _earliest(shop=shop, kind=SlotKind.DELIVERY, products=products, now=now, days=days)


@dataclass(frozen=True)
class DeliveryQuote:
    fee: Decimal  # what the customer pays for delivery (0.00 when free)
    free_above: Decimal | None  # orders from this amount are delivered free
    minimum: Decimal  # the smallest order delivered
    distance_km: Decimal | None  # from the shop, when the address has coordinates
    #: True when the distance was measured from the postcode's centre (geocode.py).
    approximate: bool = False


def delivery_quote(
    *,
    shop: Shop,
    latitude: Decimal | None,
    longitude: Decimal | None,
    postal_code: str,
    subtotal: Decimal,
    line1: str = "",
    locality: str = "",
) -> DeliveryQuote:
    """What delivering `subtotal` to an address costs, or why the shop cannot deliver it.

    A shop that lists postcodes delivers to those only; one that lists none
    delivers within its radius, measured from the address's coordinates or,
    when it has none (a guest's typed address), from the centre of its
    postcode (`geocode.locate`: approximate, and the quote says so).
    """
    if isinstance(subtotal, float):
        raise TypeError("Money is Decimal, never float.")
    if not shop.delivery_enabled:
        raise DeliveryUnavailable
    exact: Decimal | None = None
    approximate = False
    postcodes = delivery_postcodes_of(shop)
    if (latitude is None or longitude is None) and not postcodes:
        location = locate(
            line1=line1, postal_code=postal_code, locality=locality, country=shop.city.country
        )
        if location is not None:
            latitude, longitude = location.latitude, location.longitude
            approximate = location.approximate
    if latitude is not None and longitude is not None:
        exact = Decimal(str(distance_km(shop.latitude, shop.longitude, latitude, longitude)))
    if postcodes:
        if normalise_postal_code(postal_code) not in postcodes:
            raise OutsideDeliveryZone
    elif exact is None:
        raise AddressNotLocated
    elif exact > shop.delivery_radius_km:
        raise OutsideDeliveryZone
    if subtotal < shop.delivery_minimum:
        raise BelowDeliveryMinimum(
            minimum=shop.delivery_minimum, missing=shop.delivery_minimum - subtotal
        )
    free_above = delivery_settings_of(shop).free_above
    is_free = free_above is not None and subtotal >= free_above
    return DeliveryQuote(
        fee=Decimal("0.00") if is_free else shop.delivery_fee,
        free_above=free_above,
        minimum=shop.delivery_minimum,
        distance_km=None if exact is None else exact.quantize(KM),
        approximate=approximate,
    )


def quota_remaining(*, product: Product, day: date) -> int | None:
    """Units of `product` that can still be promised for `day` (None: no quota)."""
    if product.daily_quota is None:
        return None
    used = (
        DailyQuotaUsage.objects.filter(product=product, day=day)
        .values_list("used", flat=True)
        .first()
    )
    return max(product.daily_quota - (used or 0), 0)
