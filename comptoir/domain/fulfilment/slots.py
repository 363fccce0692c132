"""Which slots a shop can offer: pure computations on already-loaded data.

Nothing here queries the database. Callers pass the shop (with its `city`
loaded), the products of the order, the shop's `Schedule` (from
`shops.hours`, which knows the weekly ranges and the closures) and "now".

The rules:

- the order is ready `lead` minutes after now, where `lead` is the longest of
  the shop's preparation time and each product's own (a cake made to order:
  48 h);
- slots follow the shop's grid: back to back from the opening of each range
  (9:00, 9:15, 9:30…), and a slot must end by the range's closing time;
- a slot is offered when it starts at or after the ready time, on a day the
  shop is open (exceptional closures remove the whole day);
- a pre-order product (a Christmas log for 24 December) restricts the order to
  that local date, however far ahead; two products with different pre-order
  dates cannot share a handover, so no slot is offered;
- otherwise `days` local days are offered, counted from the day the order is
  ready (so a 48 h cake still has a week of choice).

Times are computed in UTC from the range's local opening and closing instants,
so a 15-minute slot lasts 15 real minutes on daylight-saving Sundays too.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from comptoir.domain.catalogue.models import Product
from comptoir.domain.fulfilment.models import DeliverySettings, SlotKind
from comptoir.domain.shops.hours import Schedule, local_datetime
from comptoir.domain.shops.models import Shop

DEFAULT_DAYS = 7


@dataclass(frozen=True)
class Slot:
    kind: str  # SlotKind: "collect" | "delivery"
    starts_at: datetime  # aware, UTC
    ends_at: datetime  # aware, UTC
    remaining: int  # orders the slot can still take


@dataclass(frozen=True)
class SlotRules:
    """Length and capacity of one kind of slot at one shop."""

    kind: str
    minutes: int
    capacity: int


def slot_rules(shop: Shop, kind: str, delivery: DeliverySettings | None = None) -> SlotRules:
    """The grid and capacity of `kind` slots: the shop's for pickup, its delivery settings'."""
    if kind == SlotKind.COLLECT:
        return SlotRules(
            kind=SlotKind.COLLECT, minutes=shop.slot_minutes, capacity=shop.slot_capacity
        )
    if kind == SlotKind.DELIVERY:
        settings = delivery or DeliverySettings(shop=shop)
        return SlotRules(
            kind=SlotKind.DELIVERY, minutes=settings.slot_minutes, capacity=settings.slot_capacity
        )
    raise ValueError(f"Unknown slot kind: {kind!r}")


def lead_minutes(shop: Shop, products: Iterable[Product]) -> int:
    """The longest preparation time among the shop's and the products' own."""
    own = [p.lead_time_minutes for p in products if p.lead_time_minutes is not None]
    return max([shop.lead_time_minutes, *own])


def preorder_days(products: Iterable[Product]) -> frozenset[date]:
    """The pre-order dates the products impose (empty: any day; two or more: none fits)."""
    return frozenset(p.preorder_on for p in products if p.preorder_on is not None)


def earliest_ready(shop: Shop, products: Iterable[Product], now: datetime) -> datetime:
    """The first moment (UTC) the order can be handed over, before looking at opening hours."""
    products = list(products)
    ready = now.astimezone(UTC) + timedelta(minutes=lead_minutes(shop, products))
    zone = shop.city.zone
    for day in preorder_days(products):
        ready = max(ready, local_datetime(day, time(0), zone).astimezone(UTC))
    return ready


def candidate_days(
    *, ready: datetime, zone_schedule: Schedule, only_days: frozenset[date], days: int
) -> list[date]:
    """The local dates to look at, in order."""
    first = ready.astimezone(zone_schedule.zone).date()
    if only_days:
        if len(only_days) > 1:
            return []
        (day,) = only_days
        return [day] if day >= first else []
    return [first + timedelta(days=n) for n in range(days)]


def slot_times(
    *,
    schedule: Schedule,
    minutes: int,
    ready: datetime,
    only_days: frozenset[date] = frozenset(),
    days: int = DEFAULT_DAYS,
) -> list[tuple[datetime, datetime]]:
    """(start, end) in UTC of every slot on the grid that fits a range and starts ≥ `ready`."""
    step = timedelta(minutes=minutes)
    ready = ready.astimezone(UTC)
    times: list[tuple[datetime, datetime]] = []
    for day in candidate_days(ready=ready, zone_schedule=schedule, only_days=only_days, days=days):
        for opening in schedule.ranges_on(day):
            start = local_datetime(day, opening.opens, schedule.zone).astimezone(UTC)
            closes = local_datetime(day, opening.closes, schedule.zone).astimezone(UTC)
            if start < ready:
                # The first grid point at or after `ready` (ceiling division).
                start += step * -((start - ready) // step)
            while start + step <= closes:
                times.append((start, start + step))
                start += step
    return times


def slots_with_remaining(
    times: Iterable[tuple[datetime, datetime]],
    *,
    rules: SlotRules,
    booked: Mapping[datetime, int],
) -> list[Slot]:
    """The slots with room left, `remaining = capacity - booked`; full slots are dropped."""
    return list(_with_room(times, rules, booked))


def first_with_room(
    times: Iterable[tuple[datetime, datetime]],
    *,
    rules: SlotRules,
    booked: Mapping[datetime, int],
) -> Slot | None:
    """The first of `slots_with_remaining`, without making the others."""
    return next(_with_room(times, rules, booked), None)


def _with_room(
    times: Iterable[tuple[datetime, datetime]], rules: SlotRules, booked: Mapping[datetime, int]
) -> Iterator[Slot]:
    for starts_at, ends_at in times:
        remaining = rules.capacity - booked.get(starts_at, 0)
        if remaining > 0:
            yield Slot(rules.kind, starts_at, ends_at, remaining)
