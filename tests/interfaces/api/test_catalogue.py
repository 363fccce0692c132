"""Browsing: cities, shops (trade, open now, near, pages), a shop, products, slots, search."""

from __future__ import annotations

from decimal import Decimal

import pytest

from comptoir.domain.fulfilment.selectors import pickup_slots
from comptoir.domain.search.selectors import search_city
from comptoir.domain.shops.models import Trade
from tests.domain.orders.support import COLLECT_AT, DELIVER_AT, NOW, collect_shop, delivery_shop
from tests.factories import make_category, make_city, make_opening_hours, make_product, make_shop
from tests.interfaces.api.support import assert_problem, clock

pytestmark = pytest.mark.django_db

__all__ = ["clock"]  # the fixture, imported for this module's tests

TUESDAY = 1


def test_it_lists_the_live_cities_only(anonymous, city):
    make_city(name="Caen", slug="caen")
    make_city(name="Amiens", slug="amiens", is_live=False)

    response = anonymous.get("/api/v1/cities")

    assert response.status_code == 200
    assert [c["slug"] for c in response.json()] == ["caen", "rouen"]
    rouen = response.json()[1]
    assert rouen == {
        "slug": "rouen",
        "name": "Rouen",
        "time_zone": "Europe/Paris",
        "currency": "EUR",
        "latitude": "49.443232",
        "longitude": "1.099971",
    }


def test_it_lists_the_shops_of_a_city_by_trade_then_name(anonymous, city, clock):
    cheese = make_shop(city, name="Fromagerie Dupont", slug="dupont", trade=Trade.CHEESE)
    bakery_b = make_shop(city, name="Boulangerie B", slug="b")
    bakery_a = make_shop(city, name="Boulangerie A", slug="a")
    make_shop(make_city(), name="Ailleurs", slug="ailleurs")
    make_shop(city, name="Pas publiée", slug="cachee", is_active=False)

    response = anonymous.get("/api/v1/cities/rouen/shops")

    assert response.status_code == 200
    body = response.json()
    assert [s["id"] for s in body["results"]] == [bakery_a.pk, bakery_b.pk, cheese.pk]
    assert body["next"] is None
    first = body["results"][0]
    assert first["slug"] == "a"
    assert first["trade"] == "bakery"
    assert first["address"] == f"{bakery_a.street}, 76000 Rouen"
    assert first["distance_km"] is None


def test_it_filters_the_shops_by_trade(anonymous, city, clock):
    cheese = make_shop(city, name="Fromagerie Dupont", trade=Trade.CHEESE)
    make_shop(city, name="Boulangerie A")

    response = anonymous.get("/api/v1/cities/rouen/shops", {"trade": "cheese"})

    assert [s["id"] for s in response.json()["results"]] == [cheese.pk]


def test_it_refuses_an_unknown_trade(anonymous, city):
    response = anonymous.get("/api/v1/cities/rouen/shops", {"trade": "casino"})

    body = assert_problem(response, 422, "invalid_input")
    assert [e["field"] for e in body["errors"]] == ["query.trade"]


def test_it_lists_only_the_shops_open_now_in_city_time(anonymous, city, clock):
    # Tuesday 9:00 in Rouen.
    open_shop = make_shop(city, name="Ouverte")
    make_opening_hours(open_shop, TUESDAY, "08:00", "19:00")
    later = make_shop(city, name="Après-midi")
    make_opening_hours(later, TUESDAY, "14:00", "19:00")
    make_shop(city, name="Sans horaires")

    response = anonymous.get("/api/v1/cities/rouen/shops", {"open_now": "true"})

    results = response.json()["results"]
    assert [s["id"] for s in results] == [open_shop.pk]
    assert results[0]["opening"] == {
        "is_open": True,
        "closes_at": "2026-03-10T19:00:00+01:00",
        "opens_at": None,
    }
    everything = anonymous.get("/api/v1/cities/rouen/shops").json()["results"]
    closed = next(s for s in everything if s["id"] == later.pk)
    assert closed["opening"]["is_open"] is False
    assert closed["opening"]["opens_at"] == "2026-03-10T14:00:00+01:00"


def test_open_now_follows_the_clock(anonymous, city, clock):
    later = make_shop(city, name="Après-midi")
    make_opening_hours(later, TUESDAY, "14:00", "19:00")
    assert anonymous.get("/api/v1/cities/rouen/shops", {"open_now": "true"}).json()["results"] == []

    clock.advance(hours=6)  # 15:00

    results = anonymous.get("/api/v1/cities/rouen/shops", {"open_now": "true"}).json()["results"]
    assert [s["id"] for s in results] == [later.pk]


def test_it_lists_the_shops_near_a_point_nearest_first_within_the_radius(anonymous, city, clock):
    # About 2.2 km, 0.6 km and 17 km north of the point.
    two_km = make_shop(city, name="A", latitude=Decimal("49.460000"), longitude=Decimal("1.0921"))
    near = make_shop(city, name="B", latitude=Decimal("49.445000"), longitude=Decimal("1.0921"))
    make_shop(city, name="C", latitude=Decimal("49.600000"), longitude=Decimal("1.0921"))
    point = {"lat": "49.440000", "lng": "1.092100"}

    body = anonymous.get("/api/v1/cities/rouen/shops", point).json()

    assert [s["id"] for s in body["results"]] == [near.pk, two_km.pk]
    assert body["results"][0]["distance_km"] == pytest.approx(0.56, abs=0.01)
    assert body["results"][1]["distance_km"] == pytest.approx(2.22, abs=0.01)
    within_one_km = anonymous.get("/api/v1/cities/rouen/shops", point | {"radius_km": 1}).json()
    assert [s["id"] for s in within_one_km["results"]] == [near.pk]


def test_it_pages_the_shops_with_a_cursor_without_duplicates_or_gaps(anonymous, city, clock):
    shops = [make_shop(city, name=f"Boulangerie {n:02d}") for n in range(7)]

    seen, cursor, pages = [], None, 0
    while True:
        params = {"page_size": 3} | ({"cursor": cursor} if cursor else {})
        body = anonymous.get("/api/v1/cities/rouen/shops", params).json()
        seen += [s["id"] for s in body["results"]]
        pages += 1
        cursor = body["next"]
        if cursor is None:
            break

    assert pages == 3
    assert seen == [shop.pk for shop in shops]


def test_it_pages_the_shops_near_a_point_too(anonymous, city, clock):
    shops = [
        make_shop(city, name=f"S{n}", latitude=Decimal("49.440000") + Decimal(n) / 1000)
        for n in range(5)
    ]
    point = {"lat": "49.440000", "lng": "1.092100", "page_size": 2}

    first = anonymous.get("/api/v1/cities/rouen/shops", point).json()
    second = anonymous.get("/api/v1/cities/rouen/shops", point | {"cursor": first["next"]}).json()
    third = anonymous.get("/api/v1/cities/rouen/shops", point | {"cursor": second["next"]}).json()

    ids = [s["id"] for page in (first, second, third) for s in page["results"]]
    assert ids == [shop.pk for shop in shops]
    assert third["next"] is None


@pytest.mark.parametrize("cursor", ["not-a-cursor", "eyJ4IjogMX0", "eyJvIjogLTF9", "%%%"])
def test_it_refuses_a_cursor_it_did_not_make(anonymous, city, cursor):
    response = anonymous.get("/api/v1/cities/rouen/shops", {"cursor": cursor})

    body = assert_problem(response, 422, "invalid_cursor")
    assert body["errors"][0]["field"] == "cursor"


def test_it_answers_an_unknown_or_hidden_city_with_a_404_problem(anonymous, city):
    make_city(name="Amiens", slug="amiens", is_live=False)

    for path in (
        "/api/v1/cities/lille/shops",
        "/api/v1/cities/amiens/shops",
        "/api/v1/cities/lille/search?q=pain",
    ):
        assert_problem(anonymous.get(path), 404, "not_found")


def test_it_shows_a_shop_with_its_week_and_fulfilment_options(anonymous, city, clock):
    shop = delivery_shop(city, slug="fromagerie", phone="+33235000000")

    response = anonymous.get("/api/v1/cities/rouen/shops/fromagerie")

    assert response.status_code == 200
    body = response.json()
    assert body["id"] == shop.pk
    assert body["phone"] == "+33235000000"
    assert body["hours"] == [
        {"weekday": day, "ranges": [{"opens": "08:00", "closes": "19:00"}]} for day in range(7)
    ]
    assert body["fulfilment"] == {
        "collect": True,
        "delivery": True,
        "delivery_fee": {"amount": "3.50", "currency": "EUR"},
        "delivery_minimum": {"amount": "10.00", "currency": "EUR"},
        "delivery_radius_km": "3.00",
        "orders_paused": False,
    }
    assert body["opening"]["is_open"] is True


def test_a_shop_without_delivery_says_so(anonymous, city, clock):
    collect_shop(city, slug="jeanne")

    fulfilment = anonymous.get("/api/v1/cities/rouen/shops/jeanne").json()["fulfilment"]

    assert fulfilment["delivery"] is False
    assert fulfilment["delivery_fee"] is None


def test_it_answers_an_unknown_unpublished_or_other_city_shop_with_a_404_problem(
    anonymous, city, clock
):
    make_shop(city, slug="cachee", is_active=False)
    make_shop(make_city(slug="caen"), slug="caennaise")

    for slug in ("inconnue", "cachee", "caennaise"):
        for suffix in ("", "/products", "/slots"):
            response = anonymous.get(f"/api/v1/cities/rouen/shops/{slug}{suffix}")
            assert_problem(response, 404, "not_found")


def test_it_lists_a_shops_products_on_sale_in_shelf_order(anonymous, city, clock):
    shop = collect_shop(city, slug="jeanne")
    bread = make_category(shop, name="Pains", position=2)
    pastries = make_category(shop, name="Viennoiseries", position=1)
    croissant = make_product(shop, name="Croissant", category=pastries, price=Decimal("1.15"))
    baguette = make_product(shop, name="Baguette", category=bread, stock=0)
    loose = make_product(shop, name="Fougasse", stock=None)
    make_product(shop, name="Retirée", is_active=False)

    response = anonymous.get("/api/v1/cities/rouen/shops/jeanne/products")

    assert response.status_code == 200
    body = response.json()
    assert [p["id"] for p in body] == [croissant.pk, baguette.pk, loose.pk]
    assert body[0]["price"] == {"amount": "1.15", "currency": "EUR"}
    assert body[0]["category"] == "Viennoiseries"
    assert body[0]["vat_rate"] == "5.50"
    assert [p["available"] for p in body] == [True, False, True]
    assert [p["stock"] for p in body] == [20, 0, None]


def test_it_lists_the_pickup_slots_from_the_domain(anonymous, city, clock):
    shop = collect_shop(city, slug="jeanne")

    response = anonymous.get("/api/v1/cities/rouen/shops/jeanne/slots", {"days": 1})

    assert response.status_code == 200
    slots = response.json()
    domain = pickup_slots(shop=shop, products=[], now=NOW, days=1)
    assert [s["starts_at"] for s in slots] == [
        slot.starts_at.astimezone(city.zone).isoformat() for slot in domain
    ]
    assert {s["kind"] for s in slots} == {"collect"}
    # 9:00 plus the 30-minute preparation, in 15-minute slots, city time.
    assert slots[0]["starts_at"] == "2026-03-10T09:30:00+01:00"
    assert slots[0]["ends_at"] == "2026-03-10T09:45:00+01:00"
    assert COLLECT_AT.astimezone(city.zone).isoformat() in [s["starts_at"] for s in slots]
    assert all(s["remaining"] > 0 for s in slots)


def test_it_lists_the_delivery_slots_of_a_shop_that_delivers(anonymous, city, clock):
    delivery_shop(city, slug="fromagerie")
    collect_shop(city, slug="jeanne")

    slots = anonymous.get(
        "/api/v1/cities/rouen/shops/fromagerie/slots", {"kind": "delivery", "days": 1}
    ).json()
    none = anonymous.get("/api/v1/cities/rouen/shops/jeanne/slots", {"kind": "delivery"}).json()

    assert {s["kind"] for s in slots} == {"delivery"}
    assert DELIVER_AT.astimezone(city.zone).isoformat() in [s["starts_at"] for s in slots]
    assert none == []


def test_slots_follow_the_clock(anonymous, city, clock):
    collect_shop(city, slug="jeanne")
    clock.advance(hours=1)

    slots = anonymous.get("/api/v1/cities/rouen/shops/jeanne/slots", {"days": 1}).json()

    assert slots[0]["starts_at"] == "2026-03-10T10:30:00+01:00"


def test_it_refuses_an_unknown_slot_kind(anonymous, city, clock):
    collect_shop(city, slug="jeanne")

    response = anonymous.get("/api/v1/cities/rouen/shops/jeanne/slots", {"kind": "drone"})

    assert_problem(response, 422, "invalid_input")


def test_search_uses_the_sites_engine(anonymous, city, clock):
    bakery = make_shop(city, name="Au Bon Pain", slug="au-bon-pain")
    pastry = make_shop(city, name="Croissanterie Lemoine", slug="lemoine", trade="pastry")
    croissant = make_product(bakery, name="Croissant au beurre")
    almond = make_product(pastry, name="Croissants aux amandes")
    make_product(bakery, name="Baguette tradition")
    make_product(make_shop(make_city(slug="caen")), name="Croissant de Caen")

    response = anonymous.get("/api/v1/cities/rouen/search", {"q": "croissant"})

    assert response.status_code == 200
    body = response.json()
    site = search_city(city=city, query="croissant", now=NOW, limit=20)
    assert [p["id"] for p in body["products"]] == [p.pk for p in site.products]
    assert [s["id"] for s in body["shops"]] == [s.pk for s in site.shops]
    assert {p["id"] for p in body["products"]} == {croissant.pk, almond.pk}
    assert [s["id"] for s in body["shops"]] == [pastry.pk]
    assert body["query"] == "croissant"
    assert body["approximate"] is False


def test_search_forgives_a_typo_as_the_site_does(anonymous, city, clock):
    croissant = make_product(make_shop(city), name="Croissant au beurre")

    body = anonymous.get("/api/v1/cities/rouen/search", {"q": "croisant"}).json()

    site = search_city(city=city, query="croisant", now=NOW, limit=20)
    assert [p["id"] for p in body["products"]] == [p.pk for p in site.products] == [croissant.pk]
    assert body["approximate"] is site.approximate


def test_search_needs_a_query(anonymous, city):
    assert_problem(anonymous.get("/api/v1/cities/rouen/search"), 422, "invalid_input")
    too_long = anonymous.get("/api/v1/cities/rouen/search", {"q": "x" * 101})
    assert_problem(too_long, 422, "invalid_input")
