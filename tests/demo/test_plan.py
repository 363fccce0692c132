from __future__ import annotations

from datetime import date
from decimal import Decimal

from comptoir.demo.data import TRADES
from comptoir.demo.data.cities import ROUEN
from comptoir.demo.plan import _round_price, city_plan
from comptoir.domain.shops.models import Trade

TODAY = date(2026, 3, 2)


def plan(*, shops: int = 64, products_per_shop: int = 25, seed: int = 1):
    return list(
        city_plan(ROUEN, shops=shops, products_per_shop=products_per_shop, seed=seed, today=TODAY)
    )


def test_it_plans_the_same_city_for_the_same_seed():
    assert plan(seed=3) == plan(seed=3)


def test_it_plans_another_city_for_another_seed():
    first, second = plan(seed=3), plan(seed=4)
    assert [s.name for s in first] != [s.name for s in second]


def test_it_opens_with_one_shop_of_each_trade_in_order():
    shops = plan(shops=14)
    assert [s.spec.trade for s in shops] == list(Trade)
    assert shops[0].name == "Boulangerie du Vieux-Marché"
    assert shops[1].name == "Pâtisserie du Gros-Horloge"


def test_it_makes_variants_when_a_shop_sells_more_than_its_trade_has_kinds():
    bakery = plan(shops=1, products_per_shop=100)[0]
    slugs = [p.slug for p in bakery.products]
    assert len(bakery.products) == 100
    assert len(set(slugs)) == 100
    assert "Croissant au beurre (bio)" in {p.name for p in bakery.products}


def test_it_keeps_variants_beside_their_product():
    bakery = plan(shops=1, products_per_shop=len(TRADES[0].kinds) * 2)[0]
    names = [p.name for p in bakery.products]
    assert names[:2] == ["Baguette tradition", "Baguette tradition (bio)"]


def test_it_rounds_prices_to_five_cents_below_twenty_euros_and_fifty_above():
    assert _round_price(1.234) == Decimal("1.25")
    assert _round_price(19.97) == Decimal("19.95")
    assert _round_price(23.3) == Decimal("23.50")
    assert _round_price(0.001) == Decimal("0.05")


def test_it_charges_the_fixed_book_price_everywhere():
    books = [s for s in plan(shops=200) if s.spec.trade == Trade.BOOKS]
    prices = {(p.name, p.price) for shop in books for p in shop.products}
    assert len(books) > 1
    assert len(prices) == len({name for name, _ in prices})


def test_it_schedules_closures_after_today():
    closures = [c for s in plan(shops=200) for c in s.closures]
    assert closures
    assert all(TODAY < c.starts_on <= c.ends_on for c in closures)


def test_it_never_pauses_the_first_shop():
    assert all(not plan(shops=1, seed=seed)[0].is_paused for seed in range(50))
