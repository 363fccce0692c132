"""The shapes of the demo data tables: cities, streets, trades, shelves, products."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from decimal import Decimal

from comptoir.domain.catalogue.allergens import Allergen
from comptoir.domain.catalogue.models import Unit, VatRate
from comptoir.domain.shops.models import Trade

REDUCED = Decimal(VatRate.REDUCED)  # most food, books
INTERMEDIATE = Decimal(VatRate.INTERMEDIATE)  # food to eat now, cut flowers and plants
STANDARD = Decimal(VatRate.STANDARD)  # alcohol, confectionery, milk chocolate, objects


@dataclass(frozen=True)
class Street:
    name: str
    postal_code: str
    latitude: float
    longitude: float


@dataclass(frozen=True)
class CitySpec:
    slug: str
    name: str
    latitude: Decimal
    longitude: Decimal
    # (south, west, north, east): every generated shop falls inside.
    bounds: tuple[float, float, float, float]
    streets: tuple[Street, ...]
    # Short place names used in shop names ("Boulangerie du Vieux-Marché").
    places: tuple[str, ...]
    phone_prefix: str  # E.164 prefix of local landlines, e.g. "+33235"
    time_zone: str = "Europe/Paris"
    # The trade tables speak of Rouen ("Bouquets livrés dans tout Rouen"): another
    # city rewrites its shops' taglines and descriptions with these (old, new) pairs.
    local_words: tuple[tuple[str, str], ...] = ()
    # The demo logins (one owner, one staff member…) work in this city's first
    # bakery: only one demo city has them.
    with_logins: bool = True


@dataclass(frozen=True)
class ProductKind:
    """One product as a shop sells it; every product of a kind shares one photo."""

    name: str
    price: Decimal
    description: str
    unit: str
    vat_rate: Decimal
    allergens: Allergen
    made_to_order: bool


def kind(
    name: str,
    price: str,
    description: str,
    *,
    unit: str = Unit.PIECE,
    vat: Decimal = REDUCED,
    allergens: str = "",
    made: bool = False,
) -> ProductKind:
    """Compact constructor for the data tables; `allergens` is space-separated names."""
    return ProductKind(
        name=name,
        price=Decimal(price),
        description=description,
        unit=unit,
        vat_rate=vat,
        allergens=Allergen.from_names(allergens.split()),
        made_to_order=made,
    )


@dataclass(frozen=True)
class Shelf:
    name: str
    kinds: tuple[ProductKind, ...]


# A week of opening hours: weekday (0 = Monday) -> ranges of (opens, closes).
Week = dict[int, tuple[tuple[time, time], ...]]


def hours(spec: str) -> Week:
    """Parse "1-5 07:00-13:00 15:30-19:30; 6 07:00-13:00" into a `Week`."""
    week: Week = {}
    for part in spec.split(";"):
        days, *ranges = part.split()
        first, _, last = days.partition("-")
        parsed = tuple(
            (time.fromisoformat(r.split("-")[0]), time.fromisoformat(r.split("-")[1]))
            for r in ranges
        )
        for day in range(int(first), int(last or first) + 1):
            if day in week:
                raise ValueError(f"Day {day} appears twice in {spec!r}.")
            week[day] = parsed
    return week


@dataclass(frozen=True)
class TradeSpec:
    trade: Trade
    # Patterns for shop names: {place} is a place name, {family} a surname.
    name_patterns: tuple[str, ...]
    taglines: tuple[str, ...]
    descriptions: tuple[str, ...]
    shelves: tuple[Shelf, ...]
    weeks: tuple[Week, ...]
    # Colours of photos: background (RGB) and accent.
    colour: tuple[int, int, int]
    accent: tuple[int, int, int]
    # Qualifiers that turn a kind into a variant when a shop sells more
    # products than the trade has kinds, with a price factor.
    variants: tuple[tuple[str, str], ...]
    lead_minutes: tuple[int, ...] = (15, 20, 30)
    delivery_share: float = 0.3
    # Relative frequency of this trade among shops after the first of each trade.
    weight: float = 1.0
    stock_range: tuple[int, int] = (4, 40)
    # Shops price a kind within ± this share of the reference price.
    price_spread: float = 0.12

    @property
    def kinds(self) -> tuple[ProductKind, ...]:
        return tuple(k for shelf in self.shelves for k in shelf.kinds)
