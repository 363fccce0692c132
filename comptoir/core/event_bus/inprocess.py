"""The default bus: subscribers in this process only (one server process)."""

from __future__ import annotations

from collections.abc import Iterable

from comptoir.core.event_bus.fanout import FanOut, Subscription
from comptoir.core.events import Event


class InProcessBus:
    def __init__(self) -> None:
        self.fanout = FanOut()

    def publish(self, event: Event) -> None:
        self.fanout.deliver_threadsafe(event)

    def subscribe(self, channels: Iterable[str]) -> Subscription:
        return Subscription(channels, on_open=self._open, on_close=self.fanout.remove)

    async def _open(self, subscription: Subscription) -> None:
        self.fanout.add(subscription)

    def close(self) -> None:
        """Nothing to release."""
