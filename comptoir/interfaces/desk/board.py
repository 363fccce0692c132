"""What the desk shows, built from the desk selectors' orders: cards by state, slots to prepare.

No business rule here: the states come from the orders, the prefilled ready-by
time from `default_ready_by`, the escalation from `Order.escalated_at`. Only
presentation is decided here (labels, grouping, sort order).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils.formats import date_format

from comptoir.domain.orders.desk import default_ready_by
from comptoir.domain.orders.models import Order, OrderState

S = OrderState


@dataclass(frozen=True, slots=True)
class Card:
    """One order on the desk, with what its buttons and badges need."""

    order: Order
    slot_label: str
    version: str  # changes whenever the order does: the page keeps unchanged cards as they are
    is_escalated: bool = False
    waiting_minutes: int = 0
    slot_is_over: bool = False
    ready_by_default: datetime | None = None
    error: str = ""
    notice: str = ""

    @property
    def is_waiting(self) -> bool:
        return self.order.state == S.PLACED


@dataclass(frozen=True, slots=True)
class Item:
    name: str
    quantity: int


@dataclass(frozen=True, slots=True)
class SlotToPrepare:
    """One pickup/delivery slot: what to make for it, for which orders."""

    starts_at: datetime
    label: str
    items: list[Item]
    numbers: list[str]


@dataclass(slots=True)
class Board:
    waiting: list[Card] = field(default_factory=list)
    preparing: list[Card] = field(default_factory=list)
    ready: list[Card] = field(default_factory=list)
    on_the_way: list[Card] = field(default_factory=list)
    done: list[Order] = field(default_factory=list)
    next_slots: list[SlotToPrepare] = field(default_factory=list)

    @property
    def escalated_count(self) -> int:
        return sum(1 for card in self.waiting if card.is_escalated)


def slot_label(order: Order, *, zone: ZoneInfo, now: datetime) -> str:
    """ "10:00–10:15" today, "Wed 11 March, 10:00–10:15" another day."""
    starts, ends = order.slot_starts_at.astimezone(zone), order.slot_ends_at.astimezone(zone)
    hours = f"{starts:%H:%M}–{ends:%H:%M}"
    if starts.date() == now.astimezone(zone).date():
        return hours
    return f"{date_format(starts, 'D j F')}, {hours}"


def make_card(
    order: Order, *, zone: ZoneInfo, now: datetime, error: str = "", notice: str = ""
) -> Card:
    waiting = order.state == S.PLACED
    return Card(
        order=order,
        slot_label=slot_label(order, zone=zone, now=now),
        version=f"{order.state}-{order.updated_at.timestamp():.6f}",
        is_escalated=waiting and order.escalated_at is not None,
        waiting_minutes=max(0, int((now - order.placed_at).total_seconds() // 60)),
        slot_is_over=now >= order.slot_ends_at,
        ready_by_default=default_ready_by(order, now) if waiting else None,
        error=error,
        notice=notice,
    )


def slots_to_prepare(
    orders: Iterable[Order], *, zone: ZoneInfo, now: datetime
) -> list[SlotToPrepare]:
    """Accepted orders grouped by slot, earliest first, with product totals per slot."""
    by_slot: dict[datetime, list[Order]] = {}
    for order in orders:
        by_slot.setdefault(order.slot_starts_at, []).append(order)
    slots = []
    for starts_at in sorted(by_slot):
        group = by_slot[starts_at]
        counts: Counter[str] = Counter()
        for order in group:
            for line in order.lines.all():
                counts[line.product_name] += line.quantity
        slots.append(
            SlotToPrepare(
                starts_at=starts_at,
                label=slot_label(group[0], zone=zone, now=now),
                items=[Item(name, quantity) for name, quantity in sorted(counts.items())],
                numbers=[order.number for order in group],
            )
        )
    return slots


def build_board(
    *,
    live: Iterable[Order],
    done: Iterable[Order],
    zone: ZoneInfo,
    now: datetime,
    errors: Mapping[int, str] | None = None,
    notices: Mapping[int, str] | None = None,
) -> Board:
    """Sort the open orders (`live`) into the desk's columns; `done` are today's finished ones."""
    errors, notices = errors or {}, notices or {}
    board = Board(done=list(done))
    columns = {
        S.PLACED: board.waiting,
        S.ACCEPTED: board.preparing,
        S.READY: board.ready,
        S.OUT_FOR_DELIVERY: board.on_the_way,
    }
    accepted = []
    for order in live:
        column = columns.get(S(order.state))
        if column is None:
            continue
        column.append(
            make_card(
                order,
                zone=zone,
                now=now,
                error=errors.get(order.pk, ""),
                notice=notices.get(order.pk, ""),
            )
        )
        if order.state == S.ACCEPTED:
            accepted.append(order)
    # New orders: escalated first, then oldest first (they have waited longest).
    board.waiting.sort(key=lambda c: (not c.is_escalated, c.order.placed_at, c.order.pk))
    for column in (board.preparing, board.ready, board.on_the_way):
        column.sort(key=lambda c: (c.order.ready_by or c.order.slot_starts_at, c.order.pk))
    board.next_slots = slots_to_prepare(accepted, zone=zone, now=now)
    return board
