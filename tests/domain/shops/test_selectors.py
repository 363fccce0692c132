"""Shops for customer pages: what is listed, in which order, with how many queries."""

from datetime import UTC, date, datetime, time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comptoir.domain.cities.models import City
from comptoir.domain.shops.hours import loaded_schedule, schedule_of
from comptoir.domain.shops.models import Closure, Shop, Trade
from comptoir.domain.shops.selectors import (
    city_for_storefront,
    live_cities,
    load_schedules,
    published_shop,
    shop_counts_by_trade,
    shop_for_storefront,
    shops_for_city_home,
    upcoming_closures,
)
from tests.factories import make_city, make_opening_hours, make_shop

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 9, 8, 0, tzinfo=UTC)  # Tuesday 10:00 in Paris


def test_it_lists_only_published_shops_of_the_city(city):
    listed = make_shop(city, name="Au Bon Pain")
    make_shop(city, name="Fermé", is_active=False)
    make_shop(make_city(), name="Ailleurs")
    assert list(shops_for_city_home(city, now=NOW)) == [listed]


def test_it_orders_shops_by_trade_then_name(city):
    cheese = make_shop(city, name="Fromagerie", trade=Trade.CHEESE)
    bakery_b = make_shop(city, name="B Boulangerie", trade=Trade.BAKERY)
    bakery_a = make_shop(city, name="A Boulangerie", trade=Trade.BAKERY)
    butcher = make_shop(city, name="Boucherie", trade=Trade.BUTCHER)
    # Declaration order of Trade: bakery, pastry, chocolate, butcher, cheese…
    assert list(shops_for_city_home(city, now=NOW)) == [bakery_a, bakery_b, butcher, cheese]


def test_it_filters_by_name_or_tagline_ignoring_case(city):
    by_name = make_shop(city, name="Fromagerie Dupont")
    by_tagline = make_shop(city, name="Chez Paul", tagline="Pains et FROMAGES affinés")
    make_shop(city, name="Boucherie")
    assert list(shops_for_city_home(city, now=NOW, query="fromage")) == [by_tagline, by_name]


def test_it_prefetches_only_closures_of_the_next_fourteen_days(city):
    shop = make_shop(city)
    past = Closure.objects.create(shop=shop, starts_on=date(2026, 6, 1), ends_on=date(2026, 6, 8))
    current = Closure.objects.create(
        shop=shop, starts_on=date(2026, 6, 1), ends_on=date(2026, 6, 9)
    )
    soon = Closure.objects.create(shop=shop, starts_on=date(2026, 6, 23), ends_on=date(2026, 6, 30))
    Closure.objects.create(shop=shop, starts_on=date(2026, 6, 24), ends_on=date(2026, 6, 30))
    (listed,) = shops_for_city_home(city, now=NOW)
    assert list(listed.closures.all()) == [current, soon]
    assert past not in listed.closures.all()


@pytest.mark.parametrize("shop_count", [3, 30])
def test_it_loads_the_home_in_a_fixed_number_of_queries(
    city, shop_count, django_assert_num_queries
):
    for _ in range(shop_count):
        shop = make_shop(city)
        make_opening_hours(shop, 1, "07:30", "13:00")
        make_opening_hours(shop, 1, "15:00", "19:30")
        Closure.objects.create(shop=shop, starts_on=date(2026, 6, 10), ends_on=date(2026, 6, 10))
    with django_assert_num_queries(3):  # shops with their city, hours, closures
        shops = list(shops_for_city_home(city, now=NOW))
        for shop in shops:
            assert shop.city.zone.key == "Europe/Paris"
            assert len(shop.opening_hours.all()) == 2
            assert len(shop.closures.all()) == 1
    assert len(shops) == shop_count


def test_it_finds_a_published_shop_by_city_and_shop_slug(city):
    shop = make_shop(city, slug="au-bon-pain")
    assert shop_for_storefront("rouen", "au-bon-pain", now=NOW) == shop


def test_it_refuses_an_unpublished_shop(city):
    make_shop(city, slug="cachee", is_active=False)
    with pytest.raises(Shop.DoesNotExist):
        shop_for_storefront("rouen", "cachee", now=NOW)


def test_it_refuses_a_shop_of_another_city(city):
    make_shop(make_city(slug="caen"), slug="au-bon-pain")
    with pytest.raises(Shop.DoesNotExist):
        shop_for_storefront("rouen", "au-bon-pain", now=NOW)


def test_it_refuses_a_shop_of_a_city_that_is_not_live():
    make_shop(make_city(slug="le-havre", is_live=False), slug="au-bon-pain")
    with pytest.raises(Shop.DoesNotExist):
        shop_for_storefront("le-havre", "au-bon-pain", now=NOW)


def test_it_loads_a_shop_with_hours_and_upcoming_closures_in_three_queries(
    city, django_assert_num_queries
):
    shop = make_shop(city, slug="au-bon-pain")
    make_opening_hours(shop, 2, "07:30", "13:00")
    make_opening_hours(shop, 1, "07:30", "13:00")
    Closure.objects.create(shop=shop, starts_on=date(2026, 6, 1), ends_on=date(2026, 6, 8))
    later = Closure.objects.create(shop=shop, starts_on=date(2026, 8, 1), ends_on=date(2026, 8, 20))
    with django_assert_num_queries(3):
        loaded = shop_for_storefront("rouen", "au-bon-pain", now=NOW)
        # The hours as the schedule built once (hours.remember_schedule)…
        schedule = schedule_of(loaded)
        assert [bool(day) for day in schedule.week] == [
            False,
            True,
            True,
            False,
            False,
            False,
            False,
        ]
        assert schedule.closures == ((later.starts_on, later.ends_on),)
        assert loaded_schedule(loaded) == (date(2026, 6, 9), schedule)
        # … the closures as rows too (the shop page lists their reasons).
        assert upcoming_closures(loaded) == [later]
        assert loaded.city.name == "Rouen"


def test_schedules_of_several_shops_load_in_two_queries_each_with_its_own_rows(
    city, django_assert_num_queries
):
    bakery, florist = make_shop(city, slug="fournil"), make_shop(city, slug="fleurs")
    make_opening_hours(bakery, 0, "07:00", "13:00")
    make_opening_hours(florist, 2, "10:00", "19:00")
    make_opening_hours(florist, 2, "09:00", "10:30")  # merged into 9:00-19:00
    Closure.objects.create(shop=bakery, starts_on=date(2026, 6, 1), ends_on=date(2026, 6, 5))
    august = Closure.objects.create(
        shop=bakery, starts_on=date(2026, 8, 1), ends_on=date(2026, 8, 9), reason="Congés"
    )
    june = Closure.objects.create(
        shop=bakery, starts_on=date(2026, 6, 9), ends_on=date(2026, 6, 10)
    )
    shops = list(Shop.objects.select_related("city").filter(pk__in=[bakery.pk, florist.pk]))

    with django_assert_num_queries(2):
        load_schedules(shops, from_day=date(2026, 6, 9))

    loaded = {shop.slug: shop for shop in shops}
    assert upcoming_closures(loaded["fournil"]) == [june, august]  # by start; June 1-5 is over
    assert upcoming_closures(loaded["fournil"])[1].reason == "Congés"
    assert upcoming_closures(loaded["fleurs"]) == []
    assert [len(day) for day in schedule_of(loaded["fournil"]).week] == [1, 0, 0, 0, 0, 0, 0]
    [florist_day] = schedule_of(loaded["fleurs"]).week[2]
    assert (florist_day.opens, florist_day.closes) == (time(9), time(19))
    assert schedule_of(loaded["fleurs"]).closures == ()


def test_closures_of_a_shop_whose_schedule_was_not_loaded_are_an_error(city):
    with pytest.raises(ValueError, match="not loaded"):
        upcoming_closures(make_shop(city))


def test_it_lists_live_cities_by_name():
    make_city(name="Rouen")
    caen = make_city(name="Caen")
    make_city(name="Le Havre", is_live=False)
    assert [c.name for c in live_cities()] == [caen.name, "Rouen"]


def test_it_finds_a_live_city_by_slug(city):
    assert city_for_storefront("rouen") == city


def test_it_refuses_a_city_that_is_not_live():
    make_city(slug="le-havre", is_live=False)
    with pytest.raises(City.DoesNotExist):
        city_for_storefront("le-havre")


def test_it_keeps_the_first_shops_of_each_trade_by_name(city):
    bakeries = [make_shop(city, name=f"Boulangerie {letter}") for letter in "DCAB"]
    butchers = [make_shop(city, name=f"Boucherie {letter}", trade=Trade.BUTCHER) for letter in "BA"]

    shops = list(shops_for_city_home(city, now=NOW, per_trade=3))

    assert shops == [bakeries[2], bakeries[3], bakeries[1], butchers[1], butchers[0]]


def test_it_lists_one_trade(city):
    make_shop(city, name="Boulangerie A")
    butcher = make_shop(city, name="Boucherie A", trade=Trade.BUTCHER)

    assert list(shops_for_city_home(city, now=NOW, trade=Trade.BUTCHER)) == [butcher]


def test_it_counts_published_shops_by_trade_in_declared_order(city):
    make_shop(city, trade=Trade.CHEESE)
    make_shop(city, trade=Trade.BAKERY)
    make_shop(city, trade=Trade.BAKERY)
    make_shop(city, trade=Trade.BUTCHER, is_active=False)
    make_shop(make_city(), trade=Trade.FISH)

    counts = shop_counts_by_trade(city)

    assert counts == {Trade.BAKERY: 2, Trade.CHEESE: 1}
    assert list(counts) == [Trade.BAKERY, Trade.CHEESE]


def test_it_counts_only_shops_matching_the_query(city):
    make_shop(city, name="Fromagerie Beauvoisine", trade=Trade.CHEESE)
    make_shop(city, name="Boulangerie Paul", trade=Trade.BAKERY)

    assert shop_counts_by_trade(city, query="fromag") == {Trade.CHEESE: 1}


def test_a_published_shop_and_its_city_read_as_the_orm_reads_them_in_one_statement(city):
    """Written once per process (core/lean_reads.py): every field, converted as the ORM does."""
    make_shop(city, slug="au-bon-pain", tagline="Pains au levain", delivery_enabled=True)
    expected = Shop.objects.select_related("city").get(slug="au-bon-pain")

    with CaptureQueriesContext(connection) as queries:
        shop = published_shop("rouen", "au-bon-pain")
        assert shop.city.name == "Rouen"  # loaded with it, no query

    (query,) = queries.captured_queries
    assert "LIMIT" not in query["sql"]
    for row, model in ((shop, Shop), (shop.city, City)):
        reference = expected if model is Shop else expected.city
        for field in model._meta.concrete_fields:
            value, wanted = getattr(row, field.attname), getattr(reference, field.attname)
            assert (value, type(value)) == (wanted, type(wanted)), field.name
        assert row._state.adding is False
    with pytest.raises(Shop.DoesNotExist):
        published_shop("rouen", "ailleurs")
