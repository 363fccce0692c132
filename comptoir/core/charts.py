"""Bar charts drawn on the server as inline SVG: the geometry, no business meaning.

A chart is a `viewBox` of `width` by `height`; each value gets a slot and a
bar 80 % of the slot wide, scaled to the largest value. A missing value
(`None`: withheld, or not known) gets no bar, so the page can mark the gap.
The template draws the `<rect>`s and a table alternative (the back office's
sales page and the insights dashboards share this).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

WIDTH = 300
HEIGHT = 120


@dataclass(frozen=True, slots=True)
class Bar:
    item: Any  # what the bar stands for (a day, a week…), for its title
    value: Decimal | int | None
    x: str
    y: str
    width: str
    height: str

    @property
    def missing(self) -> bool:
        return self.value is None


def bar_chart(
    items: Sequence[Any],
    values: Sequence[Decimal | int | None],
    *,
    width: int = WIDTH,
    height: int = HEIGHT,
) -> tuple[list[Bar], Decimal | int]:
    """One bar per value, and the peak they are scaled to (0 when every value is 0 or None)."""
    known = [value for value in values if value is not None]
    peak: Decimal | int = max(known, default=0)
    if not values:
        return [], peak
    slot = Decimal(width) / len(values)
    bars = []
    for index, (item, value) in enumerate(zip(items, values, strict=True)):
        size = Decimal(value or 0) / Decimal(peak) * height if peak else Decimal(0)
        bars.append(
            Bar(
                item=item,
                value=value,
                x=f"{slot * index + slot / 10:.2f}",
                width=f"{slot * 8 / 10:.2f}",
                y=f"{height - size:.2f}",
                height=f"{size:.2f}",
            )
        )
    return bars, peak
