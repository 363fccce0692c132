from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from comptoir.domain.catalogue.models import Product
from comptoir.domain.cities.models import City
from comptoir.domain.shops.models import Shop

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("demo_city", *args, stdout=out)
    return out.getvalue()


def names_and_prices() -> list[tuple[str, str, str]]:
    return [
        (shop, name, str(price))
        for shop, name, price in Product.objects.order_by("shop__slug", "position").values_list(
            "shop__slug", "name", "price"
        )
    ]


def test_it_creates_exactly_100_products_for_20_shops_of_5(media):
    output = run("--shops", "20", "--products-per-shop", "5")
    assert Shop.objects.count() == 20
    assert Product.objects.count() == 100
    assert output.splitlines()[0].startswith("Rouen: 20 shops, 100 products")
    assert "patron@demo.comptoir.fr" in output


def test_it_does_nothing_the_second_time_with_if_empty(media):
    first = run("--shops", "20", "--products-per-shop", "5", "--if-empty")
    # `make run` passes --if-empty and lets the launcher print the log-ins once.
    assert "patron@demo.comptoir.fr" not in first
    before = names_and_prices()

    output = run("--shops", "30", "--products-per-shop", "8", "--if-empty")

    assert output == "Rouen already has shops: demo data left as it is.\n"
    assert names_and_prices() == before
    assert Shop.objects.count() == 20


def test_it_refuses_to_add_shops_to_a_city_that_has_some(media):
    run("--shops", "20", "--products-per-shop", "5")
    before = names_and_prices()

    with pytest.raises(CommandError, match="Rouen already has shops"):
        run("--shops", "20", "--products-per-shop", "5")

    assert names_and_prices() == before


def test_it_rebuilds_the_city_with_reset(media):
    run("--shops", "20", "--products-per-shop", "5")
    old_products = set(Product.objects.values_list("pk", flat=True))

    run("--shops", "15", "--products-per-shop", "4", "--reset")

    assert Shop.objects.count() == 15
    assert Product.objects.count() == 60
    assert old_products.isdisjoint(Product.objects.values_list("pk", flat=True))
    assert City.objects.filter(slug="rouen").count() == 1


def test_it_gives_the_same_names_and_prices_for_the_same_seed(media):
    run("--seed", "7")
    first = names_and_prices()

    run("--seed", "7", "--reset")

    assert len(first) == 1600
    assert names_and_prices() == first


def test_it_gives_other_prices_for_another_seed(media):
    run("--seed", "7")
    first = names_and_prices()

    run("--seed", "8", "--reset")

    assert names_and_prices() != first


def test_it_rejects_an_unknown_city(media):
    with pytest.raises(CommandError, match="invalid choice: 'paris'"):
        run("--city", "paris")
    assert City.objects.count() == 0


def test_it_rejects_zero_shops(media):
    with pytest.raises(CommandError):
        run("--shops", "0")
    assert Shop.objects.count() == 0
