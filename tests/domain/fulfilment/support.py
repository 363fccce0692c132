"""Helpers for fulfilment tests: local Paris times and shops with simple weeks."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from comptoir.domain.fulfilment.slots import Slot
from comptoir.domain.shops.models import Shop
from tests.factories import make_opening_hours

PARIS = ZoneInfo("Europe/Paris")


def paris(text: str) -> datetime:
    """An aware Paris time from "2026-03-10 08:00"."""
    return datetime.fromisoformat(text).replace(tzinfo=PARIS)


def open_every_day(shop: Shop, *ranges: tuple[str, str]) -> Shop:
    for weekday in range(7):
        for opens, closes in ranges:
            make_opening_hours(shop, weekday, opens, closes)
    return shop


def local_starts(slots: list[Slot]) -> list[str]:
    """Slot starts as Paris wall-clock "YYYY-MM-DD HH:MM" strings."""
    return [f"{slot.starts_at.astimezone(PARIS):%Y-%m-%d %H:%M}" for slot in slots]


def hhmm(slots: list[Slot]) -> list[str]:
    return [f"{slot.starts_at.astimezone(PARIS):%H:%M}" for slot in slots]
