"""The desk sweep: orders nobody answers ring louder, then are refused for the customer.

`desk_sweep` is run every few seconds by the server process (so the
in-process event bus reaches the desks) and can be run by cron or ops too
(`manage.py desk_sweep`). It is idempotent and safe from several processes at
once:

- **escalate** — a placed order older than the shop's `escalate_after_minutes`
  gets `escalated_at` with a conditional UPDATE (`… WHERE escalated_at IS NULL
  AND state = 'placed'`): only the process whose UPDATE matched publishes the
  "escalated" event and tells the owners (e-mail + push), so they hear once;
- **auto-refuse** — a placed order older than `auto_refuse_after_minutes`
  (when set) is refused through `order_refuse_unanswered` (compare-and-set:
  a shop accepting at that very moment wins or loses cleanly, never both).
  The customer gets the apology and other shops to try.

Candidates are read through the partial index `orders_waiting_for_shop`
(`placed_at WHERE state = 'placed'`), which only ever holds the handful of
orders waiting for an answer across the city.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from comptoir.domain.accounts.models import User
from comptoir.domain.orders.desk import order_refuse_unanswered
from comptoir.domain.orders.errors import IllegalTransition
from comptoir.domain.orders.live import publish_order_escalated
from comptoir.domain.orders.models import Order, OrderState
from comptoir.domain.orders.notifications import notify_owners_escalated
from comptoir.domain.shops.models import Role

logger = logging.getLogger(__name__)

#: The smallest `Shop.escalate_after_minutes` (a DB constraint): younger orders are skipped.
MIN_WAIT = timedelta(minutes=1)


@dataclass(slots=True)
class SweepReport:
    """Order numbers this sweep escalated and refused (another process's work is not counted)."""

    escalated: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.escalated or self.refused or self.failed)


def _waiting_orders(now: datetime) -> list[Order]:
    return list(
        Order.objects.filter(state=OrderState.PLACED, placed_at__lte=now - MIN_WAIT)
        # Escalated orders come back only while their shop may still refuse them.
        .filter(Q(escalated_at__isnull=True) | Q(shop__auto_refuse_after_minutes__isnull=False))
        .select_related("shop__city")
        .order_by("placed_at", "pk")
    )


def _escalate(order: Order, now: datetime) -> bool:
    with transaction.atomic():
        claimed = Order.objects.filter(
            pk=order.pk, state=OrderState.PLACED, escalated_at__isnull=True
        ).update(escalated_at=now)
        if not claimed:
            return False  # answered meanwhile, or escalated by another process
        order.escalated_at = now
        publish_order_escalated(order)
        owners = list(
            User.objects.filter(
                memberships__shop_id=order.shop_id, memberships__role=Role.OWNER, is_active=True
            ).order_by("pk")
        )
        waited = int((now - order.placed_at).total_seconds() // 60)
        notify_owners_escalated(order=order, owners=owners, waited_minutes=waited)
    return True


def _sweep_one(order: Order, now: datetime, report: SweepReport) -> None:
    shop = order.shop
    waited = now - order.placed_at
    refuse_after = shop.auto_refuse_after_minutes
    if refuse_after is not None and waited >= timedelta(minutes=refuse_after):
        try:
            order_refuse_unanswered(order=order, now=now)
        except IllegalTransition:
            return  # accepted, cancelled or refused by someone else meanwhile
        report.refused.append(order.number)
    elif (
        order.escalated_at is None
        and waited >= timedelta(minutes=shop.escalate_after_minutes)
        and _escalate(order, now)
    ):
        report.escalated.append(order.number)


def desk_sweep(*, now: datetime | None = None) -> SweepReport:
    """Escalate and auto-refuse the orders that waited too long; see the module docstring.

    One order that fails (its transaction rolls back) is logged and left for
    the next sweep; it does not keep the others waiting.
    """
    now = now or timezone.now()
    report = SweepReport()
    for order in _waiting_orders(now):
        try:
            _sweep_one(order, now, report)
        except Exception:
            logger.exception("The desk sweep failed on order %s.", order.number)
            report.failed.append(order.number)
    return report
