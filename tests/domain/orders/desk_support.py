"""Shared set-up of the desk tests: placed orders, a recording event bus, staff."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from comptoir.core.event_bus import set_bus
from comptoir.core.event_bus.fanout import Subscription
from comptoir.core.events import Event
from comptoir.domain.orders.checkout import checkout_place
from comptoir.domain.orders.models import Order
from tests.domain.orders.support import CONTACT, NOW, Scene


class RecordingBus:
    """A bus that keeps what is published (the real path: publish_after_commit → get_bus)."""

    def __init__(self) -> None:
        self.events: list[Event] = []

    def publish(self, event: Event) -> None:
        self.events.append(event)

    def subscribe(self, channels: object) -> Subscription:
        raise NotImplementedError("a recording bus is only published to")

    def close(self) -> None:
        """Nothing to release."""

    def seen(self) -> list[tuple[str, str, dict[str, object]]]:
        return [(event.channel, event.name, event.data) for event in self.events]


@pytest.fixture(name="bus")
def bus_fixture() -> Iterator[RecordingBus]:
    recorder = RecordingBus()
    previous = set_bus(recorder)
    yield recorder
    set_bus(previous)


def place_orders(
    scene: Scene,
    *,
    token: str = "desk",  # noqa: S107 - an idempotency key, not a password
    now=NOW,
) -> tuple[Order, Order]:
    """Place the scene's basket: (bread order, click & collect; cheese order, delivery)."""
    checkout = checkout_place(
        basket=scene.basket,
        token=token,
        contact=CONTACT,
        choices=scene.choices(),
        expected=scene.expected(),
        now=now,
        customer=scene.customer,
    )
    bread = Order.objects.get(checkout=checkout, shop=scene.bakery)
    cheese = Order.objects.get(checkout=checkout, shop=scene.cheese)
    return bread, cheese


def moved(order: Order, state: str) -> list[tuple[str, str, dict[str, object]]]:
    data = {"id": order.pk, "number": order.number, "state": state, "kind": "moved"}
    return [(f"shop.{order.shop_id}", "order", data), (f"order.{order.pk}", "order", data)]
