"""The live nudges orders send to desks and order pages (after commit).

One event name, "order", with `{"id", "number", "state", "kind"}`: "placed"
for a new order (shop channel), "moved" for every transition (shop and order
channels), "escalated" when a waiting order starts ringing louder (shop
channel). Listeners re-read the database; the event only says "look again".
"""

from __future__ import annotations

from typing import Literal

from comptoir.core.events import order_channel, publish_after_commit, shop_channel
from comptoir.domain.orders.models import Order

EVENT_NAME = "order"

type Kind = Literal["placed", "moved", "escalated"]


def order_event_data(order: Order, kind: Kind) -> dict[str, object]:
    return {"id": order.pk, "number": order.number, "state": str(order.state), "kind": kind}


def publish_order_placed(order: Order) -> None:
    publish_after_commit(shop_channel(order.shop_id), EVENT_NAME, order_event_data(order, "placed"))


def publish_order_moved(order: Order) -> None:
    data = order_event_data(order, "moved")
    publish_after_commit(shop_channel(order.shop_id), EVENT_NAME, data)
    publish_after_commit(order_channel(order.pk), EVENT_NAME, data)


def publish_order_escalated(order: Order) -> None:
    publish_after_commit(
        shop_channel(order.shop_id), EVENT_NAME, order_event_data(order, "escalated")
    )
