"""The demo city as plain values, computed from a seed alone (no database).

Everything random comes from one `random.Random(seed)` drawn in a fixed order,
so the same seed gives the same shops, names, prices and stock on any machine.
Dates (closures) are placed relative to `today` so they stay in the future.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from comptoir.demo.data import FAMILY_NAMES, TRADES, CitySpec, TradeSpec, Week
from comptoir.demo.photos import product_photo_name, shop_photo_name
from comptoir.demo.slugs import french_slug

_COORDINATE = Decimal("0.000001")
_CENT = Decimal("0.01")
DELIVERY_FEES = tuple(Decimal(v) for v in ("2.50", "3.50", "3.90", "4.90", "5.90"))
DELIVERY_MINIMUMS = tuple(Decimal(v) for v in ("15.00", "20.00", "25.00", "30.00", "40.00"))
DELIVERY_RADII = tuple(Decimal(v) for v in ("2.00", "3.00", "4.00", "5.00", "6.00"))


@dataclass(frozen=True)
class ProductPlan:
    shelf: str
    name: str
    slug: str
    description: str
    price: Decimal
    vat_rate: Decimal
    unit: str
    allergens: int
    photo: str
    stock: int | None
    is_active: bool


@dataclass(frozen=True)
class ClosurePlan:
    starts_on: date
    ends_on: date
    reason: str


@dataclass(frozen=True)
class ShopPlan:
    spec: TradeSpec
    name: str
    slug: str
    tagline: str
    description: str
    photo: str
    phone: str
    email: str
    street: str
    postal_code: str
    locality: str
    latitude: Decimal
    longitude: Decimal
    slot_minutes: int
    slot_capacity: int
    lead_time_minutes: int
    delivery_enabled: bool
    delivery_fee: Decimal
    delivery_minimum: Decimal
    delivery_radius_km: Decimal
    is_paused: bool
    opening_hours: tuple[tuple[int, time, time], ...]
    closures: tuple[ClosurePlan, ...]
    shelves: tuple[str, ...]
    products: tuple[ProductPlan, ...]


def _round_price(value: float) -> Decimal:
    """Prices people expect: to 5 cents below 20 €, to 50 cents above."""
    step = Decimal("0.50") if value >= 20 else Decimal("0.05")
    steps = (Decimal(repr(value)) / step).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return max(step, steps * step).quantize(_CENT)


def _coordinate(value: float) -> Decimal:
    return Decimal(repr(value)).quantize(_COORDINATE)


class _Planner:
    def __init__(self, city: CitySpec, *, seed: int, today: date) -> None:
        self.city = city
        self.rng = random.Random(seed)
        self.today = today
        self.slugs: set[str] = set()
        self.phones: set[str] = set()

    def trade_of(self, index: int) -> TradeSpec:
        # The first shops take one trade each so that every trade is present.
        if index < len(TRADES):
            return TRADES[index]
        return self.rng.choices(TRADES, weights=[t.weight for t in TRADES])[0]

    def name_of(self, index: int, spec: TradeSpec) -> tuple[str, str]:
        rng, places = self.rng, self.city.places
        for attempt in range(40):
            if index < len(TRADES) and attempt == 0:
                # A stable signature shop per trade: "Boulangerie du Vieux-Marché".
                pattern, place = spec.name_patterns[0], places[index % len(places)]
            else:
                pattern, place = rng.choice(spec.name_patterns), rng.choice(places)
            name = pattern.format(place=place, family=rng.choice(FAMILY_NAMES))
            slug = french_slug(name)
            if slug not in self.slugs:
                break
        suffix = 2
        base_name, base_slug = name, slug
        while slug in self.slugs:
            name, slug = f"{base_name} {suffix}", f"{base_slug}-{suffix}"
            suffix += 1
        self.slugs.add(slug)
        return name, slug

    def localised(self, text: str) -> str:
        for old, new in self.city.local_words:
            text = text.replace(old, new)
        return text

    def phone(self) -> str:
        while True:
            number = f"{self.city.phone_prefix}{self.rng.randrange(10**6):06d}"
            if number not in self.phones:
                self.phones.add(number)
                return number

    def opening_hours(self, week: Week) -> tuple[tuple[int, time, time], ...]:
        return tuple((day, opens, closes) for day in sorted(week) for opens, closes in week[day])

    def closures(self) -> tuple[ClosurePlan, ...]:
        rng, closures = self.rng, []
        if rng.random() < 0.25:
            start = self.today + timedelta(days=rng.randint(20, 150))
            length = rng.choice((7, 14, 21))
            closures.append(
                ClosurePlan(start, start + timedelta(days=length - 1), "Congés annuels")
            )
        if rng.random() < 0.1:
            day = self.today + timedelta(days=rng.randint(3, 60))
            closures.append(ClosurePlan(day, day, "Inventaire"))
        return tuple(sorted(closures, key=lambda c: c.starts_on))

    def products(self, spec: TradeSpec, count: int) -> tuple[ProductPlan, ...]:
        rng, kinds = self.rng, spec.kinds
        shelf_of = {k.name: shelf.name for shelf in spec.shelves for k in shelf.kinds}
        # (kind index, variant round): round 0 is the kind itself, later rounds
        # its variants, when a shop sells more products than the trade has kinds.
        chosen: list[tuple[int, int]] = []
        rounds = 0
        while len(chosen) < count:
            take = min(len(kinds), count - len(chosen))
            chosen.extend((i, rounds) for i in rng.sample(range(len(kinds)), take))
            rounds += 1
        # Catalogue order: shelf by shelf, each variant beside its kind.
        chosen.sort()
        plans: list[ProductPlan] = []
        slugs: set[str] = set()
        for kind_index, variant_round in chosen:
            kind = kinds[kind_index]
            name, factor = kind.name, Decimal(1)
            if variant_round:
                variant, variant_factor = spec.variants[(variant_round - 1) % len(spec.variants)]
                cycle = (variant_round - 1) // len(spec.variants)
                name = f"{name} ({variant}{f' {cycle + 1}' if cycle else ''})"
                factor = Decimal(variant_factor)
            slug = french_slug(name)
            while slug in slugs:
                slug = f"{slug}-{len(slugs)}"
            slugs.add(slug)
            spread = rng.uniform(-spec.price_spread, spec.price_spread)
            price = _round_price(float(kind.price * factor) * (1 + spread))
            if kind.made_to_order:
                stock = None
            elif rng.random() < 0.04:
                stock = 0  # sold out, so that the storefront shows it
            else:
                stock = rng.randint(*spec.stock_range)
            plans.append(
                ProductPlan(
                    shelf=shelf_of[kind.name],
                    name=name,
                    slug=slug,
                    description=kind.description,
                    price=price,
                    vat_rate=kind.vat_rate,
                    unit=kind.unit,
                    allergens=int(kind.allergens),
                    photo=product_photo_name(spec, kind),
                    stock=stock,
                    is_active=rng.random() >= 0.02,
                )
            )
        return tuple(plans)

    def shop(self, index: int, products_per_shop: int) -> ShopPlan:
        rng, city = self.rng, self.city
        spec = self.trade_of(index)
        name, slug = self.name_of(index, spec)
        street = rng.choice(city.streets)
        south, west, north, east = city.bounds
        latitude = min(max(street.latitude + rng.uniform(-0.0008, 0.0008), south), north)
        longitude = min(max(street.longitude + rng.uniform(-0.0010, 0.0010), west), east)
        delivery = rng.random() < spec.delivery_share
        products = self.products(spec, products_per_shop)
        shelves = tuple(s.name for s in spec.shelves if any(p.shelf == s.name for p in products))
        return ShopPlan(
            spec=spec,
            name=name,
            slug=slug,
            tagline=self.localised(rng.choice(spec.taglines)),
            description=self.localised(rng.choice(spec.descriptions)),
            photo=shop_photo_name(spec),
            phone=self.phone(),
            email=f"{slug[:50]}@demo.comptoir.fr",
            street=f"{rng.randint(1, 98)} {street.name}",
            postal_code=street.postal_code,
            locality=city.name,
            latitude=_coordinate(latitude),
            longitude=_coordinate(longitude),
            slot_minutes=rng.choice((10, 15, 20)),
            slot_capacity=rng.randint(2, 6),
            lead_time_minutes=rng.choice(spec.lead_minutes),
            delivery_enabled=delivery,
            delivery_fee=rng.choice(DELIVERY_FEES) if delivery else Decimal("0.00"),
            delivery_minimum=rng.choice(DELIVERY_MINIMUMS) if delivery else Decimal("0.00"),
            delivery_radius_km=rng.choice(DELIVERY_RADII) if delivery else Decimal("3.00"),
            # Never pause the first shop: the demo logins work there.
            is_paused=index > 0 and rng.random() < 0.04,
            opening_hours=self.opening_hours(rng.choice(spec.weeks)),
            closures=self.closures(),
            shelves=shelves,
            products=products,
        )


def city_plan(
    city: CitySpec, *, shops: int, products_per_shop: int, seed: int, today: date
) -> Iterator[ShopPlan]:
    """Yield the shops of a demo city one by one (so 1,600 shops never sit in memory)."""
    planner = _Planner(city, seed=seed, today=today)
    for index in range(shops):
        yield planner.shop(index, products_per_shop)
