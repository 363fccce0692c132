"""Comptoir's own ASGI application, with each live event stamped when it is published.

For bench/desk_latency.py only: the benchmark measures "order committed →
event on the desk", so it needs the moment of the commit. Events are
published from `transaction.on_commit` (comptoir/core/events.py), so the
moment `publish` runs is the commit's; this wrapper adds it to the event's
data as `bench_committed` (Unix time, seconds; same machine, same clock as
the desks' reader). Nothing else changes: the server is the one `make run`
starts.
"""

from __future__ import annotations

import time

import django

django.setup()

from comptoir.core import events  # noqa: E402 (after django.setup)

_publish = events.publish


def stamped_publish(event: events.Event) -> None:
    _publish(events.Event(event.channel, event.name, event.data | {"bench_committed": time.time()}))


events.publish = stamped_publish  # publish_after_commit looks it up at commit time

from comptoir.config.asgi import application  # noqa: E402

__all__ = ["application"]
