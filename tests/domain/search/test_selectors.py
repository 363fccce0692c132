from datetime import UTC, date, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comptoir.domain.catalogue.models import Category, Product
from comptoir.domain.catalogue.services import product_update
from comptoir.domain.search.selectors import search_city
from comptoir.domain.shops.models import Closure, Shop, Trade
from tests.domain.search.conftest import TUESDAY_MORNING
from tests.factories import make_category, make_opening_hours, make_product, make_shop

pytestmark = pytest.mark.django_db


def names(results) -> list[str]:
    return [product.name for product in results.products]


def test_it_ignores_accents(city, catalogue):
    assert names(search_city(city=city, query="eclair")) == ["Éclair au chocolat"]
    assert names(search_city(city=city, query="ÉCLAIR")) == ["Éclair au chocolat"]


def test_it_matches_every_word_as_a_prefix_without_stop_words(city, catalogue):
    assert names(search_city(city=city, query="pain au choco")) == ["Pain au chocolat"]


def test_it_folds_plurals(city, catalogue):
    assert names(search_city(city=city, query="croissants")) == ["Croissant"]
    assert names(search_city(city=city, query="éclairs")) == ["Éclair au chocolat"]


def test_it_finds_a_plural_name_from_the_singular(city, shop):
    make_product(shop, name="Choux à la crème", slug="choux")
    assert names(search_city(city=city, query="chou")) == ["Choux à la crème"]


def test_it_matches_a_prefix_as_you_type(city, catalogue):
    assert names(search_city(city=city, query="baguet")) == [
        "Baguette tradition",
        "Comté 18 mois",  # "baguette" in its description
    ]
    assert names(search_city(city=city, query="tradi")) == ["Baguette tradition"]


def test_it_ranks_a_name_match_above_a_description_only_match(city, catalogue):
    assert names(search_city(city=city, query="baguette")) == [
        "Baguette tradition",
        "Comté 18 mois",
    ]


def test_it_finds_products_by_shelf_and_by_shop_name(city, catalogue):
    assert names(search_city(city=city, query="viennoiserie")) == [
        "Croissant",
        "Pain au chocolat",
    ]
    assert names(search_city(city=city, query="dupont")) == ["Comté 18 mois"]


def test_it_loads_shop_city_and_category_with_the_products(
    city, catalogue, django_assert_num_queries
):
    # Ids (SQLite: name matches, then the rest), products, the shops' hours, their closures.
    with django_assert_num_queries(5 if connection.vendor == "sqlite" else 4):
        results = search_city(city=city, query="croissant", shop_limit=0)
    (product,) = results.products
    assert product.category is not None
    with django_assert_num_queries(0):
        assert (product.shop.name, product.shop.city.name, product.category.name) == (
            "Au Bon Pain",
            "Rouen",
            "Viennoiseries",
        )
        assert list(product.shop.opening_hours.all()) == []


def test_it_puts_products_and_shops_in_rank_order_without_an_order_by(city, catalogue):
    """The ids come ranked; the rows, read by id, are put in that order here.

    Django 6.1 compiles an ORDER BY (the models' ordering) against each of the
    ~30–60 columns selected: a cost for nothing, in every search not cached.
    """
    with CaptureQueriesContext(connection) as queries:
        results = search_city(city=city, query="baguette")

    assert names(results) == ["Baguette tradition", "Comté 18 mois"]
    rows = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith('SELECT "catalogue_product"."id", ')
        or q["sql"].startswith('SELECT "shops_shop"."id", ')
    ]
    assert rows
    assert [sql for sql in rows if "ORDER BY" in sql] == []


def test_it_also_returns_matching_shops(city, catalogue):
    results = search_city(city=city, query="fromagerie")
    assert [shop.name for shop in results.shops] == ["Fromagerie Dupont"]
    assert [shop.name for shop in search_city(city=city, query="patisserie").shops] == [
        "Pâtisserie Lemoine"
    ]


def test_it_never_shows_another_citys_products(city, catalogue, other_city):
    make_product(make_shop(other_city), name="Éclair de Caen", slug="eclair-caen")
    assert names(search_city(city=city, query="eclair")) == ["Éclair au chocolat"]
    assert names(search_city(city=other_city, query="eclair")) == ["Éclair de Caen"]


def test_it_hides_products_not_on_sale_and_unpublished_shops(city, catalogue):
    hidden = make_shop(city, name="Pas encore prête", is_active=False)
    make_product(hidden, name="Éclair caché", slug="eclair-cache")
    make_product(catalogue["pastry"], name="Éclair retiré", slug="retire", is_active=False)
    results = search_city(city=city, query="eclair pret")
    assert (results.products, results.shops) == ([], [])
    assert names(search_city(city=city, query="eclair")) == ["Éclair au chocolat"]


def test_it_filters_by_trade(city, catalogue):
    assert names(search_city(city=city, query="chocolat", trade=Trade.PASTRY)) == [
        "Éclair au chocolat"
    ]
    assert names(search_city(city=city, query="chocolat", trade=Trade.BAKERY)) == [
        "Pain au chocolat"
    ]
    assert names(search_city(city=city, query="chocolat", trade=Trade.FISH)) == []


def test_it_filters_on_shops_open_now_in_the_city_time_zone(city, catalogue):
    make_opening_hours(catalogue["bakery"], 1, "07:00", "10:00")  # Tuesday, closes at 10:00
    make_opening_hours(catalogue["pastry"], 1, "09:30", "19:00")
    make_opening_hours(catalogue["cheese"], 1, "09:00", "19:00")
    Closure.objects.create(
        shop=catalogue["cheese"], starts_on=date(2026, 6, 9), ends_on=date(2026, 6, 9)
    )
    found = search_city(city=city, query="chocolat", open_now=True, now=TUESDAY_MORNING)
    assert names(found) == ["Éclair au chocolat"]  # 10:00 in Paris: the bakery just closed
    just_before = datetime(2026, 6, 9, 7, 59, tzinfo=UTC)
    found = search_city(city=city, query="chocolat", open_now=True, now=just_before)
    assert sorted(names(found)) == ["Pain au chocolat", "Éclair au chocolat"]
    assert names(search_city(city=city, query="comte", open_now=True, now=just_before)) == []
    assert names(search_city(city=city, query="comte", now=just_before)) == ["Comté 18 mois"]


def test_it_finds_a_renamed_product_at_once(city, catalogue):
    product_update(product=catalogue["croissant"], name="Kouign-amann")
    assert names(search_city(city=city, query="kouign")) == ["Kouign-amann"]
    assert names(search_city(city=city, query="croissant")) == []


def test_it_follows_saves_outside_services_bulk_writes_and_deletes(city, catalogue):
    Product.objects.filter(pk=catalogue["baguette"].pk).update(name="Ficelle")
    Product.objects.bulk_create(
        [
            Product(
                city=city,
                shop=catalogue["bakery"],
                name=f"Fougasse {n}",
                slug=f"fougasse-{n}",
                price="2.00",
            )
            for n in range(3)
        ]
    )
    catalogue["croissant"].delete()
    assert names(search_city(city=city, query="ficelle")) == ["Ficelle"]
    assert names(search_city(city=city, query="baguette")) == ["Comté 18 mois"]
    assert names(search_city(city=city, query="fougasse")) == [
        "Fougasse 0",
        "Fougasse 1",
        "Fougasse 2",
    ]
    assert names(search_city(city=city, query="croissant")) == []


def test_it_follows_renamed_shelves_and_shops(city, catalogue):
    Category.objects.filter(name="Viennoiseries").update(name="Petit déjeuner")
    Shop.objects.filter(pk=catalogue["cheese"].pk).update(name="Crèmerie Martin")
    assert names(search_city(city=city, query="dejeuner")) == ["Croissant", "Pain au chocolat"]
    assert names(search_city(city=city, query="cremerie")) == ["Comté 18 mois"]
    assert [s.name for s in search_city(city=city, query="cremerie").shops] == ["Crèmerie Martin"]


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "x" * 5000,
        "!!! ??? ...",
        '"',
        "*",
        "NEAR(",
        "pain AND",
        "AND",
        "OR NOT",
        ":",
        "pain:*",
        "&",
        "!",
        "'",
        "pain' OR 1=1 --",
        "col:eclair",
        "^eclair",
        "éclair -chocolat",
        "a",
    ],
)
def test_it_never_fails_on_odd_queries(city, catalogue, query):
    results = search_city(city=city, query=query)
    assert all(product.city_id == city.pk for product in results.products)


def test_it_costs_no_query_for_a_query_without_words(city, django_assert_num_queries):
    with django_assert_num_queries(0):
        results = search_city(city=city, query=" *!? ")
    assert (results.terms, results.products, results.shops) == ((), [], [])


def test_it_still_searches_the_words_of_an_injection_attempt(city, catalogue):
    assert names(search_city(city=city, query='"eclair"*')) == ["Éclair au chocolat"]
    assert names(search_city(city=city, query="eclair:* & !choco")) == ["Éclair au chocolat"]


def test_it_tolerates_a_typo_after_the_first_letters(city, catalogue):
    results = search_city(city=city, query="croisant")
    assert (names(results), results.terms) == (["Croissant"], ("croisant",))


def test_it_tolerates_typos_by_trigram_similarity_on_postgresql(city, catalogue):
    results = search_city(city=city, query="ecler chocolat")
    if connection.vendor == "postgresql":
        assert (names(results), results.approximate) == (
            ["Éclair au chocolat", "Pain au chocolat"],
            True,
        )
    else:
        # SQLite has no typo index: "ecle*" matches no word.
        assert (names(results), results.approximate) == ([], False)


def test_it_limits_the_number_of_products(city, shop):
    for n in range(5):
        make_product(shop, name=f"Macaron {n}", slug=f"macaron-{n}")
    assert names(search_city(city=city, query="macaron", limit=3)) == [
        "Macaron 0",
        "Macaron 1",
        "Macaron 2",
    ]


def test_a_filter_that_empties_the_page_does_not_fall_back_to_typos(city, catalogue):
    # A word spelled right, found in the city, but not at a cheese shop (nor in any
    # open shop): an empty page, not the near-misses of the typo fallback.
    make_product(catalogue["cheese"], name="Croisant au fromage", slug="croisant")
    assert names(search_city(city=city, query="croissant")) == ["Croissant"]
    for filters in ({"trade": Trade.CHEESE}, {"open_now": True, "now": TUESDAY_MORNING}):
        results = search_city(city=city, query="croissant", **filters)
        assert (names(results), results.approximate) == ([], False), filters


def test_a_typo_still_falls_back_under_a_filter(city, catalogue):
    assert names(search_city(city=city, query="croisant", trade=Trade.BAKERY)) == ["Croissant"]
    results = search_city(city=city, query="ecler chocolat", trade=Trade.PASTRY)
    if connection.vendor == "postgresql":
        assert (names(results), results.approximate) == (["Éclair au chocolat"], True)


def test_it_ranks_every_name_match_before_matches_elsewhere(city, shop):
    # The bakery's shelf, shop name and description all say "pain", often; the
    # name of the sandwich does not, and it comes after every product named so.
    bakery = make_shop(city, name="Pain Pain Pain", slug="pain-pain")
    shelf = make_category(bakery, name="Pains")
    make_product(
        bakery,
        name="Sandwich",
        slug="sandwich",
        category=shelf,
        description="Pain de mie, pain brioché, pain aux céréales : tous nos pains.",
    )
    make_product(shop, name="Pain de campagne", slug="campagne")
    make_product(shop, name="Petit pain", slug="petit-pain")
    found = names(search_city(city=city, query="pain"))
    assert (sorted(found[:2]), found[2:]) == (["Pain de campagne", "Petit pain"], ["Sandwich"])
    # A page filled by name matches stops there.
    assert sorted(names(search_city(city=city, query="pain", limit=2))) == [
        "Pain de campagne",
        "Petit pain",
    ]


def test_the_shop_search_runs_one_full_text_match_not_one_per_shop(city, catalogue):
    """On SQLite the city's shop ids must not reach FTS5 as rowid constraints.

    With `f.rowid IN (…)`, FTS5 ran the MATCH once per shop of the city
    (docs/benchmarks.md: 5–50 ms a search in the benchmark city, 0.05–0.5 ms
    with one MATCH). The plan's FTS5 index string says which: "M…" for a
    match alone, "=M…" for a match per rowid. PostgreSQL has no such plan;
    there the same search must find the same shop.
    """
    with CaptureQueriesContext(connection) as queries:
        results = search_city(city=city, query="fromagerie")
    assert [shop.name for shop in results.shops] == ["Fromagerie Dupont"]
    if connection.vendor != "sqlite":
        return
    (sql,) = [q["sql"] for q in queries.captured_queries if "search_shop_fts" in q["sql"]]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        plan = [row[-1] for row in cursor.fetchall()]
    fts = [step for step in plan if "VIRTUAL TABLE" in step]
    assert fts, plan
    assert all("INDEX 0:M" in step for step in fts), plan
