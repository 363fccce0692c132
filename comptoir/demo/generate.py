"""Write a demo city to the database: shops, hours, closures, shelves, products.

Seeding, not a user action: a city of 96,000 products has to be written in
seconds, so rows go in with `bulk_create` in batches inside one transaction,
bypassing the per-object services (which validate, lock and notify one
customer-facing change at a time). The data is valid by construction and the
database constraints still check every row. Photos are drawn before the
transaction, so no file work happens while the database is locked.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from comptoir.demo.accounts import demo_accounts_ensure
from comptoir.demo.data import CITIES, TRADES, CitySpec
from comptoir.demo.deals import demo_deals_ensure
from comptoir.demo.photos import photos_ensure
from comptoir.demo.plan import ShopPlan, city_plan
from comptoir.domain.catalogue.models import Category, Product
from comptoir.domain.cities.models import City
from comptoir.domain.deals.models import Deal
from comptoir.domain.search.services import search_index_rebuild
from comptoir.domain.shops.models import Closure, Membership, OpeningHours, Shop

SHOPS_PER_BATCH = 200
ROWS_PER_INSERT = 2000


class DemoError(Exception):
    """The demo cannot be generated as asked; the message says why."""


@dataclass(frozen=True)
class DemoResult:
    city: City
    skipped: bool
    shops: int
    products: int
    photos_drawn: int
    seconds: float


def demo_city_generate(
    *,
    city_slug: str = "rouen",
    shops: int = 64,
    products_per_shop: int = 25,
    seed: int = 1,
    reset: bool = False,
    if_empty: bool = False,
    today: date | None = None,
) -> DemoResult:
    """Build the demo city `city_slug`; the same seed always gives the same data."""
    started = time.perf_counter()
    try:
        spec = CITIES[city_slug]
    except KeyError:
        known = ", ".join(sorted(CITIES))
        raise DemoError(f"Unknown demo city {city_slug!r} (known: {known}).") from None
    if shops < 1 or products_per_shop < 1:
        raise DemoError("A demo city needs at least one shop and one product per shop.")

    existing = City.objects.filter(slug=spec.slug).first()
    has_shops = existing is not None and Shop.objects.filter(city=existing).exists()
    if existing is not None and has_shops and if_empty:
        return DemoResult(existing, True, 0, 0, 0, time.perf_counter() - started)
    if has_shops and not reset:
        raise DemoError(
            f"{spec.name} already has shops: use --reset to rebuild it "
            "or --if-empty to leave it as it is."
        )

    drawn = photos_ensure(TRADES, media_root=Path(settings.MEDIA_ROOT))
    plans = city_plan(
        spec,
        shops=shops,
        products_per_shop=products_per_shop,
        seed=seed,
        today=today or timezone.localdate(),
    )
    with transaction.atomic():
        city = _city_ensure(spec)
        if reset:
            _city_data_delete(city)
        first_shop: Shop | None = None
        shop_count = product_count = 0
        for batch in _batched(plans, SHOPS_PER_BATCH):
            created, written = _shops_write(city, batch)
            first_shop = first_shop or created[0]
            shop_count += len(created)
            product_count += written
        assert first_shop is not None
        if spec.with_logins:
            neighbour = (
                Shop.objects.filter(city=city, trade=first_shop.trade)
                .exclude(pk=first_shop.pk)
                .order_by("pk")
                .first()
            )
            demo_accounts_ensure(city=spec, shop=first_shop, second_shop=neighbour)
        demo_deals_ensure(city=city, now=timezone.now())  # issue #7: a few live deals
    # Written row by row by the triggers, SQLite's full-text index is left in
    # pieces: on 96,000 products searches took twice as long (p50 45 ms against
    # 20 ms once rebuilt; docs/search.md). A bulk load ends with a rebuild.
    search_index_rebuild()
    return DemoResult(city, False, shop_count, product_count, drawn, time.perf_counter() - started)


def _city_ensure(spec: CitySpec) -> City:
    city, _ = City.objects.get_or_create(
        slug=spec.slug,
        defaults={
            "name": spec.name,
            "time_zone": spec.time_zone,
            "latitude": spec.latitude,
            "longitude": spec.longitude,
            "is_live": True,
        },
    )
    return city


def _city_data_delete(city: City) -> None:
    """Remove a city's shops and everything in them, biggest tables first."""
    # Deals first: a free-item deal protects its product (their vouchers go with them).
    Deal.objects.filter(city=city).delete()
    Product.objects.filter(city=city).delete()
    shops = Shop.objects.filter(city=city)
    for model in (Category, OpeningHours, Closure, Membership):
        model.objects.filter(shop__in=shops).delete()
    shops.delete()


def _batched(plans: Iterable[ShopPlan], size: int) -> Iterable[list[ShopPlan]]:
    batch: list[ShopPlan] = []
    for plan in plans:
        batch.append(plan)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _shops_write(city: City, plans: list[ShopPlan]) -> tuple[list[Shop], int]:
    shops = Shop.objects.bulk_create(
        [
            Shop(
                city=city,
                name=p.name,
                slug=p.slug,
                trade=p.spec.trade,
                tagline=p.tagline,
                description=p.description,
                photo=p.photo,
                phone=p.phone,
                email=p.email,
                street=p.street,
                postal_code=p.postal_code,
                locality=p.locality,
                latitude=p.latitude,
                longitude=p.longitude,
                slot_minutes=p.slot_minutes,
                slot_capacity=p.slot_capacity,
                lead_time_minutes=p.lead_time_minutes,
                delivery_enabled=p.delivery_enabled,
                delivery_fee=p.delivery_fee,
                delivery_minimum=p.delivery_minimum,
                delivery_radius_km=p.delivery_radius_km,
                is_paused=p.is_paused,
            )
            for p in plans
        ]
    )
    OpeningHours.objects.bulk_create(
        [
            OpeningHours(shop=shop, weekday=day, opens=opens, closes=closes)
            for shop, p in zip(shops, plans, strict=True)
            for day, opens, closes in p.opening_hours
        ],
        batch_size=ROWS_PER_INSERT,
    )
    Closure.objects.bulk_create(
        [
            Closure(shop=shop, starts_on=c.starts_on, ends_on=c.ends_on, reason=c.reason)
            for shop, p in zip(shops, plans, strict=True)
            for c in p.closures
        ],
        batch_size=ROWS_PER_INSERT,
    )
    categories = Category.objects.bulk_create(
        [
            Category(shop=shop, name=name, position=position)
            for shop, p in zip(shops, plans, strict=True)
            for position, name in enumerate(p.shelves)
        ],
        batch_size=ROWS_PER_INSERT,
    )
    category_ids = {(c.shop_id, c.name): c.pk for c in categories}
    products = [
        Product(
            city_id=city.pk,
            shop_id=shop.pk,
            category_id=category_ids[shop.pk, item.shelf],
            name=item.name,
            slug=item.slug,
            description=item.description,
            price=item.price,
            vat_rate=item.vat_rate,
            unit=item.unit,
            allergens=item.allergens,
            photo=item.photo,
            stock=item.stock,
            is_active=item.is_active,
            position=position,
        )
        for shop, p in zip(shops, plans, strict=True)
        for position, item in enumerate(p.products)
    ]
    Product.objects.bulk_create(products, batch_size=ROWS_PER_INSERT)
    return shops, len(products)
