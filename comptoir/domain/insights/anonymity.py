"""The partners' anonymity rule: no figure for a group of fewer than 5 shops.

A group (a district, a trade, a district x trade cell, the whole city) in a
period is *covered* by the shops live at some moment of that period. Under
`MIN_SHOPS` of them, every figure of the group is withheld (shown "—").

Withholding one small group is not enough when its siblings and their total
are shown: the total minus the others gives it back. So within each breakdown
that adds up to a shown total (the trades of a week, the districts of a week,
a row or a column of the district x trade table), if the withheld groups
together cover 1 to 4 shops, the smallest shown groups are withheld too,
until the withheld ones cover at least `MIN_SHOPS` (secondary suppression).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping

MIN_SHOPS = 5


def is_shown(shops_covered: int) -> bool:
    return shops_covered >= MIN_SHOPS


def withheld(
    groups: Mapping[Hashable, int], *, already: set[Hashable] | None = None
) -> set[Hashable]:
    """The groups of one breakdown whose figures are withheld.

    `groups` maps each group to the shops it covers; `already` are groups
    withheld for another reason (the other side of a two-way table).
    """
    hidden = {key for key, shops in groups.items() if not is_shown(shops)} | (already or set())
    hidden &= set(groups)
    shown = sorted(
        (key for key in groups if key not in hidden), key=lambda key: (groups[key], str(key))
    )
    while shown and 0 < sum(groups[key] for key in hidden) < MIN_SHOPS:
        hidden.add(shown.pop(0))
    return hidden


def withheld_cells(
    cells: Mapping[tuple[Hashable, Hashable], int],
) -> set[tuple[Hashable, Hashable]]:
    """The withheld cells of a two-way table (rows and columns each add up to a shown total)."""
    hidden: set[tuple[Hashable, Hashable]] = set()
    rows = {row for row, _ in cells}
    columns = {column for _, column in cells}
    while True:
        before = len(hidden)
        for row in rows:
            line = {key: shops for key, shops in cells.items() if key[0] == row}
            hidden |= withheld(line, already=hidden & set(line))  # type: ignore[arg-type]
        for column in columns:
            line = {key: shops for key, shops in cells.items() if key[1] == column}
            hidden |= withheld(line, already=hidden & set(line))  # type: ignore[arg-type]
        if len(hidden) == before:
            return hidden
