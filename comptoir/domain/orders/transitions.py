"""The order state table and the one guarded way to move an order along it.

Every transition service (cancel by the customer today; accept, refuse,
ready… with the shop desk) calls `order_transition`, which changes the state
with a conditional UPDATE (`… WHERE state IN allowed`) and records an
OrderEvent. Two staff tapping at once, or a customer cancelling while the shop
accepts, cannot both win: the loser matches no row and gets `IllegalTransition`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from django.utils.translation import gettext_lazy as _

from comptoir.domain.accounts.models import User
from comptoir.domain.orders.errors import IllegalTransition
from comptoir.domain.orders.models import Order, OrderEvent, OrderState
from comptoir.domain.orders.stock import require_atomic

S = OrderState

#: Every move the lifecycle allows (docs/orders.md draws it).
TRANSITIONS: dict[OrderState, frozenset[OrderState]] = {
    S.PLACED: frozenset({S.ACCEPTED, S.REFUSED, S.CANCELLED}),
    S.ACCEPTED: frozenset({S.READY, S.CANCELLED}),
    S.READY: frozenset({S.COLLECTED, S.OUT_FOR_DELIVERY, S.NO_SHOW}),
    S.OUT_FOR_DELIVERY: frozenset({S.DELIVERED}),
    S.COLLECTED: frozenset(),
    S.DELIVERED: frozenset(),
    S.REFUSED: frozenset(),
    S.CANCELLED: frozenset(),
    S.NO_SHOW: frozenset(),
}

ACTIONS = {
    S.PLACED: _("placed"),
    S.ACCEPTED: _("accepted"),
    S.REFUSED: _("refused"),
    S.CANCELLED: _("cancelled"),
    S.READY: _("marked ready"),
    S.COLLECTED: _("marked collected"),
    S.OUT_FOR_DELIVERY: _("sent out for delivery"),
    S.DELIVERED: _("marked delivered"),
    S.NO_SHOW: _("marked not collected"),
}


def order_transition(
    *,
    order: Order,
    to_state: OrderState,
    now: datetime,
    actor: User | None = None,
    reason: str = "",
    allowed_from: Iterable[OrderState] | None = None,
) -> OrderEvent:
    """Move `order` to `to_state` if it is in one of `allowed_from` (default: the table).

    `allowed_from` narrows the table for one actor (a customer cancels only a
    placed order; the shop may cancel an accepted one too). Refused moves raise
    `IllegalTransition` naming the current state and change nothing.
    """
    require_atomic()
    sources = {s for s, targets in TRANSITIONS.items() if to_state in targets}
    if allowed_from is not None:
        sources &= set(allowed_from)
    current = Order.objects.values_list("state", flat=True).get(pk=order.pk)
    # Compare-and-set on the state read: if another request moved the order
    # in between, no row matches and the move is refused on the fresh state.
    moved = current in sources and bool(
        Order.objects.filter(pk=order.pk, state=current).update(state=to_state, updated_at=now)
    )
    if not moved:
        current = Order.objects.values_list("state", flat=True).get(pk=order.pk)
        order.state = current
        raise IllegalTransition(
            number=order.number,
            state=current,
            action=ACTIONS[to_state],  # lazy: read in the language of whoever sees it
        )
    from_state = current
    order.state = to_state
    return OrderEvent.objects.create(
        city_id=order.city_id,
        order=order,
        from_state=from_state,
        to_state=to_state,
        actor=actor,
        reason=reason,
        at=now,
    )


def service_day(order: Order) -> date:
    """The local day the order is picked up or delivered (quotas count per that day)."""
    return order.slot_starts_at.astimezone(order.city.zone).date()
