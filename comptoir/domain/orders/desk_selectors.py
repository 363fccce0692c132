"""Reads for the shop's order desk, each with what its page needs already loaded.

Every read takes the shop and filters on it: an order of another shop is
never returned (`order_for_shop` says `OrderNotFound`, as if it did not exist).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Prefetch, Q, QuerySet, Sum
from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy

from comptoir.domain.orders.desk import normalize_pickup_code
from comptoir.domain.orders.errors import OrderNotFound
from comptoir.domain.orders.models import (
    OPEN_STATES,
    Order,
    OrderEvent,
    OrderLine,
    OrderState,
)
from comptoir.domain.shops.hours import local_datetime
from comptoir.domain.shops.models import Shop

S = OrderState

#: Finished orders the desk still shows for today (the latest first).
FINISHED_SHOWN = 50
SEARCH_LIMIT = 20
FINISHED_STATES = tuple(s for s in OrderState if s not in OPEN_STATES)


def _desk_orders(shop: Shop) -> QuerySet[Order]:
    return Order.objects.filter(shop=shop).prefetch_related(
        Prefetch("lines", queryset=OrderLine.objects.order_by("pk"))
    )


def _with_shop(orders: list[Order], shop: Shop) -> list[Order]:
    for order in orders:
        order.shop = shop  # the caller's shop (city loaded): no query per order
    return orders


def day_bounds(shop: Shop, day: date) -> tuple[datetime, datetime]:
    """The first and the first-after-last instants of a local day in the shop's city."""
    zone = shop.city.zone
    return (
        local_datetime(day, time.min, zone),
        local_datetime(day + timedelta(days=1), time.min, zone),
    )


@dataclass(frozen=True, slots=True)
class DeskColumn:
    key: str  # "placed", "accepted", "ready", "out_for_delivery", "finished"
    label: str | Promise
    orders: list[Order]


@dataclass(frozen=True, slots=True)
class DeskBoard:
    """The desk's columns, in the order they are worked through."""

    placed: list[Order]
    accepted: list[Order]
    ready: list[Order]
    out_for_delivery: list[Order]
    finished: list[Order]
    columns: list[DeskColumn] = field(default_factory=list)

    @property
    def waiting(self) -> int:
        return len(self.placed)


def desk_orders(*, shop: Shop, now: datetime) -> DeskBoard:
    """Every open order of the shop (whatever its day) and the ones finished today.

    "Today" is the local day of `now` in the city's zone. Within a column:
    placed orders oldest first (the longest wait on top); accepted ones by
    ready-by time, then slot; ready and out-for-delivery by slot; finished
    ones latest first (at most 50). Lines are loaded: two queries in all.
    """
    today_starts, _ = day_bounds(shop, now.astimezone(shop.city.zone).date())
    orders = _with_shop(
        list(
            _desk_orders(shop).filter(
                Q(state__in=OPEN_STATES)
                | Q(state__in=FINISHED_STATES, updated_at__gte=today_starts)
            )
        ),
        shop,
    )
    by_state: dict[str, list[Order]] = defaultdict(list)
    for order in orders:
        by_state[order.state].append(order)
    placed = sorted(by_state[S.PLACED], key=lambda o: (o.placed_at, o.pk))
    accepted = sorted(
        by_state[S.ACCEPTED],
        key=lambda o: (o.ready_by or o.slot_starts_at, o.slot_starts_at, o.pk),
    )
    ready = sorted(by_state[S.READY], key=lambda o: (o.slot_starts_at, o.pk))
    out = sorted(by_state[S.OUT_FOR_DELIVERY], key=lambda o: (o.slot_starts_at, o.pk))
    finished = sorted(
        (o for state in FINISHED_STATES for o in by_state[state]),
        key=lambda o: (o.updated_at, o.pk),
        reverse=True,
    )[:FINISHED_SHOWN]
    columns = [
        DeskColumn(S.PLACED.value, pgettext_lazy("desk column", "New"), placed),
        DeskColumn(S.ACCEPTED.value, pgettext_lazy("desk column", "Preparing"), accepted),
        DeskColumn(S.READY.value, pgettext_lazy("desk column", "Ready"), ready),
        DeskColumn(S.OUT_FOR_DELIVERY.value, pgettext_lazy("desk column", "Out for delivery"), out),
        DeskColumn("finished", pgettext_lazy("desk column", "Done today"), finished),
    ]
    return DeskBoard(placed, accepted, ready, out, finished, columns)


def waiting_count(*, shop: Shop) -> int:
    """How many orders wait for the shop's answer (the desk tab's badge)."""
    return Order.objects.filter(shop=shop, state=S.PLACED).count()


def order_for_shop(*, shop: Shop, number: str) -> Order:
    """One order of this shop by number, with its lines and events (and their actors).

    Raises `OrderNotFound` for an unknown number or another shop's order.
    """
    number = (number or "").strip().upper()
    order = (
        _desk_orders(shop)
        .prefetch_related(
            Prefetch(
                "events", queryset=OrderEvent.objects.select_related("actor").order_by("at", "pk")
            )
        )
        .filter(number=number)
        .first()
    )
    if order is None:
        raise OrderNotFound(number=number)
    order.shop = shop
    return order


def desk_search(*, shop: Shop, query: str, limit: int = SEARCH_LIMIT) -> list[Order]:
    """The shop's orders matching a pickup code (exactly), or a name or number (contains).

    The code is compared as the customer reads it out (any case, spaces and
    dashes ignored). Latest orders first, at most `limit`, lines loaded.
    """
    query = (query or "").strip()
    if not query:
        return []
    matches = Q(contact_name__icontains=query) | Q(number__icontains=query)
    code = normalize_pickup_code(query)
    if code:
        matches |= Q(pickup_code=code)
    return _with_shop(
        list(_desk_orders(shop).filter(matches).order_by("-placed_at", "-pk")[:limit]), shop
    )


@dataclass(frozen=True, slots=True)
class PrepItem:
    name: str
    unit: str
    quantity: int


@dataclass(frozen=True, slots=True)
class PrepSlot:
    starts_at: datetime
    items: list[PrepItem]


@dataclass(frozen=True, slots=True)
class PrepList:
    """What to make for a day: totals per product, and per slot."""

    day: date
    items: list[PrepItem]
    slots: list[PrepSlot]


def prep_list(*, shop: Shop, day: date) -> PrepList:
    """Quantities to prepare for `day` (local), over the placed and accepted orders.

    Products are told apart by their name and unit as sold (the line's
    snapshot), so a product deleted since still counts. One query.
    """
    starts, ends = day_bounds(shop, day)
    rows = (
        OrderLine.objects.filter(
            order__shop=shop,
            order__state__in=(S.PLACED, S.ACCEPTED),
            order__slot_starts_at__gte=starts,
            order__slot_starts_at__lt=ends,
        )
        .values_list("order__slot_starts_at", "product_name", "unit")
        .annotate(quantity=Sum("quantity"))
        .order_by("order__slot_starts_at", "product_name", "unit")
    )
    totals: dict[tuple[str, str], int] = defaultdict(int)
    per_slot: dict[datetime, list[PrepItem]] = defaultdict(list)
    for slot_starts_at, name, unit, quantity in rows:
        totals[name, unit] += quantity
        per_slot[slot_starts_at].append(PrepItem(name, unit, quantity))
    return PrepList(
        day=day,
        items=[PrepItem(name, unit, qty) for (name, unit), qty in sorted(totals.items())],
        slots=[PrepSlot(starts_at, items) for starts_at, items in sorted(per_slot.items())],
    )


def shop_orders(
    *, shop: Shop, state: str | None = None, day: date | None = None
) -> QuerySet[Order]:
    """The shop's orders, newest first, narrowed to one state and/or one slot day (city time).

    Lines are loaded with the page; callers set `order.shop` (see `_with_shop`).
    """
    orders = _desk_orders(shop)
    if state is not None:
        orders = orders.filter(state=state)
    if day is not None:
        starts, ends = day_bounds(shop, day)
        orders = orders.filter(slot_starts_at__gte=starts, slot_starts_at__lt=ends)
    return orders.order_by("-placed_at", "-pk")
