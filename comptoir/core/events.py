"""The event bus behind live updates: publish after commit, subscribe from streams.

Events only *nudge*: a desk or an order page that hears one re-reads the
database, which stays the source of truth. So an event carries ids and states,
never data a client must not miss.

Publishing goes through `publish_after_commit` from services: a rolled-back
transaction publishes nothing, and a subscriber never hears of a row it cannot
read yet. The backend is chosen by `settings.EVENT_BUS` (see
docs/configuration.md): in-process by default, PostgreSQL LISTEN/NOTIFY or
Redis pub/sub when several server processes must hear each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction


@dataclass(frozen=True, slots=True)
class Event:
    """One message on a channel: `name` is the SSE event name, `data` JSON-able."""

    channel: str
    name: str
    data: dict[str, Any]


def shop_channel(shop_id: int) -> str:
    """Everything a shop's desk must hear: new orders, and every move of its orders."""
    return f"shop.{shop_id}"


def order_channel(order_id: int) -> str:
    """What one order's customer page must hear: its state changes."""
    return f"order.{order_id}"


def publish(event: Event) -> None:
    """Send `event` now to every subscriber of its channel (any process, per backend)."""
    from comptoir.core.event_bus import get_bus

    get_bus().publish(event)


def publish_after_commit(channel: str, name: str, data: dict[str, Any]) -> None:
    """Publish once the current transaction commits (at once outside a transaction)."""
    event = Event(channel=channel, name=name, data=data)
    transaction.on_commit(lambda: publish(event), robust=True)
