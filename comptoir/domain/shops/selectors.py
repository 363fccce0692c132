"""Reads for customer pages: shops with what their pages need already loaded.

Opening hours and closures are prefetched so that `shops.hours` can say
"open now" for every shop without a query per shop.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from functools import cache

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, router, transaction
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
    Window,
)
from django.db.models.functions import RowNumber
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from comptoir.core.geo import distance_km
from comptoir.core.lean_reads import (
    Names,
    attach,
    build,
    read_one,
    select_list,
    select_lists,
)
from comptoir.core.recent import Recent
from comptoir.domain.cities.models import City
from comptoir.domain.shops.hours import LOOK_AHEAD_DAYS, remember_schedule, schedule_from_rows
from comptoir.domain.shops.models import Closure, OpeningHours, Shop, Trade

# The storefront lists trades in the order they are declared (food first), not
# alphabetically: an alphabetical order would change with the language.
TRADE_ORDER = Case(
    *(When(trade=value, then=Value(index)) for index, value in enumerate(Trade.values)),
    default=Value(len(Trade.values)),
    output_field=IntegerField(),
)

#: Kilometres per degree of latitude (and of longitude at the equator).
KM_PER_DEGREE = 111.32


def live_cities() -> QuerySet[City]:
    """Cities customers can see.

    Lives here until the cities domain grows a selectors module of its own.
    """
    return City.objects.filter(is_live=True).order_by("name")


#: slug → the live city's column values, for STOREFRONT_CITY_SECONDS (`city_for_storefront`).
_live_city_rows = Recent(size=1024)
_CITY_COLUMNS = tuple(field.attname for field in City._meta.concrete_fields)


def city_for_storefront(city_slug: str) -> City:
    """A live city by slug; raises `City.DoesNotExist` otherwise.

    Every storefront request starts here, so the row is kept per process
    for settings.STOREFRONT_CITY_SECONDS (0: read each time): a city saved
    or deleted in this process is forgotten once that commits; a change
    made by another process shows here that much later at most. Each call
    returns its own instance, built from the kept values.
    """
    seconds = float(settings.STOREFRONT_CITY_SECONDS)
    if seconds > 0:
        kept = _live_city_rows.get(city_slug)
        if kept is not None:
            return City.from_db(DEFAULT_DB_ALIAS, _CITY_COLUMNS, kept)
    city = live_cities().get(slug=city_slug)
    if seconds > 0:
        values = tuple(getattr(city, column) for column in _CITY_COLUMNS)
        _live_city_rows.put(city_slug, values, seconds)
    return city


@receiver(post_save, sender=City, dispatch_uid="shops.selectors.forget_cities.save")
@receiver(post_delete, sender=City, dispatch_uid="shops.selectors.forget_cities.delete")
def _forget_cities(**_: object) -> None:
    """A city changed in this process: the kept rows go once the change commits."""
    transaction.on_commit(_live_city_rows.clear)


def _hours_prefetch() -> Prefetch:
    return Prefetch("opening_hours", queryset=OpeningHours.objects.order_by("weekday", "opens"))


def _closures_prefetch(*, from_day: date, until_day: date | None = None) -> Prefetch:
    closures = Closure.objects.filter(ends_on__gte=from_day)
    if until_day is not None:
        closures = closures.filter(starts_on__lte=until_day)
    return Prefetch("closures", queryset=closures.order_by("starts_on"))


def _published_shops(city: City, *, query: str = "", trade: str | None = None) -> QuerySet[Shop]:
    shops = Shop.objects.filter(city=city, is_active=True)
    if query:
        shops = shops.filter(Q(name__icontains=query) | Q(tagline__icontains=query))
    if trade is not None:
        shops = shops.filter(trade=trade)
    return shops


def shops_for_city_home(
    city: City,
    *,
    now: datetime | None = None,
    query: str = "",
    trade: str | None = None,
    per_trade: int | None = None,
) -> QuerySet[Shop]:
    """Published shops of `city` by trade then name, ready for `shops.hours`.

    Only closures that can matter for the next 14 days are prefetched: enough
    to say "open now" or "opens Monday at 7:30". `query` narrows the list to
    shops whose name or tagline contains it (the real search comes later),
    `trade` to one trade, and `per_trade` keeps the first shops of each trade
    only, ranked in the database, so a city of 1,600 shops loads a screenful.
    """
    today = (now or timezone.now()).astimezone(city.zone).date()
    shops = _published_shops(city, query=query, trade=trade)
    if per_trade is not None:
        shops = shops.annotate(
            rank_in_trade=Window(
                RowNumber(), partition_by=[F("trade")], order_by=[F("name").asc(), F("pk").asc()]
            )
        ).filter(rank_in_trade__lte=per_trade)
    return (
        shops.select_related("city")
        .prefetch_related(
            _hours_prefetch(),
            _closures_prefetch(from_day=today, until_day=today + timedelta(days=LOOK_AHEAD_DAYS)),
        )
        .order_by(TRADE_ORDER, "name", "pk")
    )


def shop_counts_by_trade(city: City, *, query: str = "") -> dict[str, int]:
    """How many published shops each trade has in `city` (trades with none left out)."""
    rows = (
        _published_shops(city, query=query)
        .order_by()
        .values_list("trade")
        .annotate(count=Count("pk"))
    )
    counts = dict(rows)
    return {trade: counts[trade] for trade in Trade.values if trade in counts}


def published_shop(city_slug: str, shop_slug: str) -> Shop:
    """A published shop of a live city, with its city (one query); nothing else loaded.

    Raises `Shop.DoesNotExist` for an unknown or unpublished shop, or a city
    that is not live. Every shop page rendered afresh (and every checkout of
    a shop's products) asks it: its statement is written once per process
    (core/lean_reads.py), where the ORM compiled the join of ~70 columns
    each time (~0.4 ms).
    """
    shop: Shop
    shop, city = read_one(
        (Shop, City),
        _published_shop_sql,
        [city_slug, True, shop_slug, True],
        missing=f"No published shop {shop_slug!r} in a live city {city_slug!r}.",
    )
    attach(shop, "city", city)
    return shop


@cache
def _published_shop_sql(alias: str) -> str:
    names = Names(alias)
    column = names.column
    shops, cities = names.table(Shop), names.table(City)
    columns = select_lists(alias, (Shop, "s"), (City, "c"))
    # The models' table and column names; values are parameters. (city, slug) is unique.
    return (
        f"SELECT {columns} FROM {shops} s INNER JOIN {cities} c "  # noqa: S608
        f"ON c.{column(City, 'id')} = s.{column(Shop, 'city')} "
        f"WHERE c.{column(City, 'slug')} = %s AND c.{column(City, 'is_live')} = %s "
        f"AND s.{column(Shop, 'slug')} = %s AND s.{column(Shop, 'is_active')} = %s"
    )


def load_schedule(shop: Shop, *, now: datetime | None = None) -> Shop:
    """Load the shop's hours and upcoming closures (two statements), for `shops.hours`.

    The schedule is built once and kept on the shop (`hours.remember_schedule`):
    every later `opening_status`, `week_table` or slot of this shop reads it.
    The closures are kept too, as rows: the shop page lists them with their
    reason (`upcoming_closures`).
    """
    today = (now or timezone.now()).astimezone(shop.city.zone).date()
    load_schedules([shop], from_day=today)
    return shop


#: Where `load_schedules` leaves a shop's closures it read, as rows.
LOADED_CLOSURES = "_loaded_closures"


def load_schedules(shops: Sequence[Shop], *, from_day: date) -> None:
    """Hours and closures (from `from_day` on) of all `shops` in two statements.

    Each shop's schedule is built once and kept on it (`hours.remember_schedule`,
    read by `fulfilment.selectors.schedule_for` and `shops.hours`), and its
    closures as rows, by start (`upcoming_closures`). The statements are
    written once per process and number of shops (core/lean_reads.py): a
    cold shop page and each checkout read a schedule, and the ORM compiled
    its two querysets every time (~0.5 ms of a cold shop page).
    """
    shops = list(shops)
    if not shops:
        return
    connection = connections[router.db_for_read(OpeningHours)]
    alias = connection.alias
    hours_sql, closures_sql = _schedules_sql(alias, len(shops))
    ids = [shop.pk for shop in shops]
    hours: dict[int, list[tuple[int, time, time]]] = defaultdict(list)
    closures: dict[int, list[Closure]] = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(hours_sql, ids)
        for row in cursor.fetchall():
            opening = build(OpeningHours, alias, row)
            hours[opening.shop_id].append((opening.weekday, opening.opens, opening.closes))
        cursor.execute(closures_sql, [*ids, connection.ops.adapt_datefield_value(from_day)])
        for row in cursor.fetchall():
            closure = build(Closure, alias, row)
            closures[closure.shop_id].append(closure)
    for shop in shops:
        rows = closures[shop.pk]
        spans = [(closure.starts_on, closure.ends_on) for closure in rows]
        remember_schedule(
            shop, schedule_from_rows(shop.city.zone, hours[shop.pk], spans), from_day=from_day
        )
        setattr(shop, LOADED_CLOSURES, rows)


def upcoming_closures(shop: Shop) -> list[Closure]:
    """The closures `load_schedule(s)` read for the shop (ending on its day or later), by start."""
    loaded: list[Closure] | None = getattr(shop, LOADED_CLOSURES, None)
    if loaded is None:
        raise ValueError(f"The schedule of {shop.slug!r} was not loaded (load_schedule).")
    return loaded


@cache
def _schedules_sql(alias: str, shops: int) -> tuple[str, str]:
    names = Names(alias)
    table, column = names.table, names.column
    among = ", ".join(["%s"] * shops)
    # The models' table and column names; values are parameters.
    hours = (
        f"SELECT {select_list(OpeningHours, alias, 'h')} FROM {table(OpeningHours)} h "  # noqa: S608
        f"WHERE h.{column(OpeningHours, 'shop')} IN ({among})"
    )
    closures = (
        f"SELECT {select_list(Closure, alias, 'x')} FROM {table(Closure)} x "  # noqa: S608
        f"WHERE x.{column(Closure, 'shop')} IN ({among}) AND x.{column(Closure, 'ends_on')} >= %s "
        f"ORDER BY x.{column(Closure, 'starts_on')}, x.{column(Closure, 'id')}"
    )
    return hours, closures


def shop_for_storefront(city_slug: str, shop_slug: str, *, now: datetime | None = None) -> Shop:
    """A published shop of a live city, with its hours and upcoming closures loaded.

    Raises `Shop.DoesNotExist` for an unknown or unpublished shop, or a city
    that is not live.
    """
    return load_schedule(published_shop(city_slug, shop_slug), now=now)


def shops_to_suggest(*, instead_of: Shop, now: datetime, limit: int = 3) -> list[Shop]:
    """Up to `limit` other shops of the same trade and city a customer could turn to.

    Published and taking orders (not paused, nor paused until later); open at
    `now` first, then those opening soonest (within the 14 days `shops.hours`
    looks ahead); shops with no opening in sight are left out. Hours and
    closures are loaded, so `shops.hours.opening_status` works on each without
    a query.
    """
    from comptoir.domain.shops.hours import is_open_at, next_opening

    today = now.astimezone(instead_of.city.zone).date()
    candidates = (
        Shop.objects.filter(
            city_id=instead_of.city_id, trade=instead_of.trade, is_active=True, is_paused=False
        )
        .exclude(pk=instead_of.pk)
        .exclude(paused_until__gt=now)
        .select_related("city")
        .prefetch_related(
            _hours_prefetch(),
            _closures_prefetch(from_day=today, until_day=today + timedelta(days=LOOK_AHEAD_DAYS)),
        )
        .order_by("name", "pk")
    )
    ranked: list[tuple[datetime, str, int, Shop]] = []
    for shop in candidates:
        opens = now if is_open_at(shop, now) else next_opening(shop, now)
        if opens is not None:
            ranked.append((opens, shop.name, shop.pk, shop))
    ranked.sort(key=lambda item: item[:3])
    return [shop for *_, shop in ranked[:limit]]


def shops_near(
    shops: QuerySet[Shop], *, latitude: float, longitude: float, radius_km: float
) -> list[tuple[Shop, float]]:
    """The shops of `shops` within `radius_km` of a point, nearest first, with their distance.

    A bounding box narrows the rows in the database (an index-friendly
    comparison on latitude and longitude); the great-circle distance then
    decides in Python, on the few shops left.
    """
    lat_delta = radius_km / KM_PER_DEGREE
    lon_delta = radius_km / (KM_PER_DEGREE * max(math.cos(math.radians(latitude)), 0.01))
    boxed = shops.filter(
        latitude__gte=latitude - lat_delta,
        latitude__lte=latitude + lat_delta,
        longitude__gte=longitude - lon_delta,
        longitude__lte=longitude + lon_delta,
    )
    found = [
        (shop, distance_km(latitude, longitude, shop.latitude, shop.longitude)) for shop in boxed
    ]
    return sorted(
        ((shop, d) for shop, d in found if d <= radius_km), key=lambda pair: (pair[1], pair[0].pk)
    )
