import re
from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from comptoir.domain.catalogue.allergens import Allergen
from comptoir.domain.catalogue.models import Unit
from comptoir.domain.fulfilment.models import SlotBooking, SlotKind
from comptoir.domain.fulfilment.services import delivery_postcodes_set
from comptoir.domain.shops.models import Closure
from tests.factories import make_category, make_city, make_opening_hours, make_product, make_shop

PARIS = ZoneInfo("Europe/Paris")

pytestmark = pytest.mark.django_db


def english(client: Client, url: str):
    return client.get(url, HTTP_ACCEPT_LANGUAGE="en")


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


@pytest.fixture
def bakery(city):
    return make_shop(
        city,
        name="Au Bon Pain",
        slug="au-bon-pain",
        tagline="Pains au levain",
        description="Farines locales.\n\nCuisson au feu de bois.",
        street="12 rue du Gros-Horloge",
        postal_code="76000",
        locality="Rouen",
        phone="+33235000000",
    )


def test_it_shows_the_shop_identity_and_address(client, bakery):
    response = english(client, "/rouen/au-bon-pain/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 class="shop__name">Au Bon Pain</h1>' in html
    assert '<p class="shop__tagline">Pains au levain</p>' in html
    assert "<p>Farines locales.</p>\n\n<p>Cuisson au feu de bois.</p>" in html
    assert "12 rue du Gros-Horloge<br>76000 Rouen<br>" in html
    assert (
        'href="https://www.openstreetmap.org/?mlat=49.440800&amp;mlon=1.092100'
        '#map=18/49.440800/1.092100"' in html
    )


def test_it_links_the_phone_number_written_nationally(client, bakery):
    html = client.get("/rouen/au-bon-pain/").content.decode()
    assert '<a class="contact__phone" href="tel:+33235000000">02 35 00 00 00</a>' in html


def test_it_shows_the_week_of_hours_with_today_highlighted(client, bakery, freeze_storefront_clock):
    freeze_storefront_clock()  # Tuesday
    make_opening_hours(bakery, 1, "07:30", "13:00")
    make_opening_hours(bakery, 1, "15:00", "19:30")
    make_opening_hours(bakery, 6, "08:00", "12:30")
    html = english(client, "/rouen/au-bon-pain/").content.decode()
    rows = [text(row) for row in re.findall(r"<tr.*?</tr>", html, re.S)]
    assert rows == [
        "Monday Closed",
        "Tuesday today 7:30–13:00 15:00–19:30",
        "Wednesday Closed",
        "Thursday Closed",
        "Friday Closed",
        "Saturday Closed",
        "Sunday 8:00–12:30",
    ]
    assert '<tr class="hours__today" aria-current="date">' in html
    assert html.count('class="hours__today"') == 1


def test_it_shows_the_open_badge(client, bakery, freeze_storefront_clock):
    freeze_storefront_clock()  # Tuesday 10:00 in Paris
    make_opening_hours(bakery, 1, "07:30", "13:00")
    html = english(client, "/rouen/au-bon-pain/").content.decode()
    assert '<span class="badge badge--open">Open now · until 13:00</span>' in html


def test_it_lists_upcoming_closures_only(client, bakery, freeze_storefront_clock):
    freeze_storefront_clock()  # 9 June 2026
    Closure.objects.create(shop=bakery, starts_on=date(2026, 5, 1), ends_on=date(2026, 5, 1))
    Closure.objects.create(
        shop=bakery, starts_on=date(2026, 8, 3), ends_on=date(2026, 8, 24), reason="Congés"
    )
    Closure.objects.create(shop=bakery, starts_on=date(2026, 7, 14), ends_on=date(2026, 7, 14))
    html = english(client, "/rouen/au-bon-pain/").content.decode()
    closures = [text(li) for li in re.findall(r'<ul class="closures">(.*?)</ul>', html, re.S)]
    assert closures == ["Closed on Tuesday 14 July Closed from 3 August to 24 August (Congés)"]


def test_it_describes_click_and_collect_and_delivery(client, city):
    make_shop(
        city,
        slug="primeur",
        slot_minutes=20,
        lead_time_minutes=45,
        delivery_enabled=True,
        delivery_fee=Decimal("3.50"),
        delivery_minimum=Decimal("25.00"),
        delivery_radius_km=Decimal("4.50"),
    )
    html = text(english(client, "/rouen/primeur/").content.decode())
    assert (
        "Click & collect Pickup slots of 20 min Ready 45 min after your order at the earliest"
        in html
    )
    assert "Delivery Delivery fee: €3.50 Minimum order: €25.00 Within 4.50 km of the shop" in html


def test_it_shows_products_by_category_with_french_prices(client, bakery):
    breads = make_category(bakery, name="Pains", position=1)
    viennoiseries = make_category(bakery, name="Viennoiseries", position=0)
    make_product(bakery, name="Baguette tradition", category=breads, price=Decimal("1.30"))
    make_product(bakery, name="Croissant", category=viennoiseries, price=Decimal("1.10"))
    make_product(bakery, name="Sac à pain", price=Decimal("4.00"))
    html = client.get("/rouen/au-bon-pain/").content.decode()
    shelves = re.findall(r'<h3 class="shelf__title"[^>]*>(.*?)</h3>', html)
    assert shelves == ["Viennoiseries", "Pains", "Autres"]
    assert '<span class="product__amount">1,30\xa0€</span>' in html
    assert '<span class="product__amount">1,10\xa0€</span>' in html


def test_it_formats_prices_in_english(client, bakery):
    make_product(bakery, price=Decimal("1.30"))
    html = english(client, "/rouen/au-bon-pain/").content.decode()
    assert '<span class="product__amount">€1.30</span>' in html


def test_it_shows_the_price_per_unit(client, bakery):
    make_product(bakery, name="Comté", price=Decimal("28.90"), unit=Unit.KG)
    html = english(client, "/rouen/au-bon-pain/").content.decode()
    assert '<span class="product__unit">/ kg</span>' in html


def test_it_lists_allergens_in_words(client, bakery):
    make_product(bakery, allergens=Allergen.GLUTEN | Allergen.MILK | Allergen.SESAME)
    html = english(client, "/rouen/au-bon-pain/").content.decode()
    assert (
        '<p class="product__allergens"><span class="product__allergens-label">Allergens:</span>'
        " Gluten, Milk, Sesame</p>" in html
    )


def test_it_omits_allergens_when_there_are_none(client, bakery):
    make_product(bakery, allergens=Allergen(0))
    assert "product__allergens" not in client.get("/rouen/au-bon-pain/").content.decode()


def test_it_marks_sold_out_products(client, bakery):
    make_product(bakery, name="Épuisé", stock=0)
    make_product(bakery, name="En stock", stock=3)
    make_product(bakery, name="Sur commande", stock=None)
    html = english(client, "/rouen/au-bon-pain/").content.decode()
    assert html.count('<span class="badge badge--sold-out">Sold out</span>') == 1
    assert html.count('class="product product--sold-out"') == 1


def test_it_shows_product_descriptions(client, bakery):
    make_product(bakery, description="Levain naturel, 48 h de fermentation.")
    html = client.get("/rouen/au-bon-pain/").content.decode()
    assert '<p class="product__description">Levain naturel, 48 h de fermentation.</p>' in html


def test_it_hides_products_not_on_sale(client, bakery):
    make_product(bakery, name="Bûche de Noël", is_active=False)
    html = english(client, "/rouen/au-bon-pain/").content.decode()
    assert "Bûche de Noël" not in html
    assert "This shop has not put its products online yet." in html


def test_it_tells_when_orders_are_paused(client, city):
    make_shop(city, slug="en-pause", is_paused=True)
    html = english(client, "/rouen/en-pause/").content.decode()
    assert '<li class="chip chip--paused">Orders paused</li>' in html
    assert "This shop is not taking orders right now." in html


def test_it_answers_404_for_an_unpublished_shop(client, city):
    make_shop(city, slug="cachee", is_active=False)
    response = english(client, "/rouen/cachee/")
    assert response.status_code == 404
    assert "We could not find this page" in response.content.decode()


def test_it_answers_404_with_the_friendly_page_for_an_unknown_shop(client, city):
    response = english(client, "/rouen/inconnue/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "<h1>We could not find this page</h1>" in html
    assert '<a class="button" href="/">Back to the shops</a>' in html
    assert '<html lang="en">' in html


def test_it_answers_404_for_a_shop_of_another_city(client, city):
    make_shop(make_city(slug="caen"), slug="au-bon-pain")
    assert client.get("/rouen/au-bon-pain/").status_code == 404


@pytest.mark.parametrize("product_count", [3, 30])
def test_it_renders_in_a_fixed_number_of_queries(
    client, bakery, product_count, django_assert_num_queries, freeze_storefront_clock
):
    freeze_storefront_clock()
    make_opening_hours(bakery, 1, "07:30", "13:00")
    Closure.objects.create(shop=bakery, starts_on=date(2026, 8, 3), ends_on=date(2026, 8, 24))
    categories = [make_category(bakery, position=i) for i in range(3)]
    for i in range(product_count):
        make_product(
            bakery, category=categories[i % 3] if i % 5 else None, allergens=Allergen.GLUTEN
        )
    # The rows the body is built from (shop_page.page_rows); then, to render
    # it: the shop with its city, hours, closures, categories, products; the
    # pickup bookings of the next 7 days (hours and closures already loaded);
    # its deals.
    with django_assert_num_queries(8):
        response = client.get("/rouen/au-bon-pain/")
    assert response.content.decode().count('<li class="product') == product_count
    assert 'class="facts__next"' in response.content.decode()
    # Nothing changed: the body comes from the cache, after one query.
    with django_assert_num_queries(1):
        again = client.get("/rouen/au-bon-pain/")
    assert again.content.decode().count('<li class="product') == product_count


@pytest.mark.parametrize("product_count", [3, 30])
def test_it_renders_a_delivering_shop_in_a_fixed_number_of_queries(
    client, bakery, product_count, django_assert_num_queries, freeze_storefront_clock
):
    freeze_storefront_clock()
    bakery.delivery_enabled = True
    bakery.save()
    make_opening_hours(bakery, 1, "07:30", "13:00")
    for _ in range(product_count):
        make_product(bakery)
    # The eight above, its delivery postcodes, and for the next delivery slot:
    # delivery settings, bookings.
    with django_assert_num_queries(11):
        response = client.get("/rouen/au-bon-pain/")
    assert response.content.decode().count('class="facts__next"') == 2
    with django_assert_num_queries(1):
        again = client.get("/rouen/au-bon-pain/")
    assert again.content.decode().count('class="facts__next"') == 2


def test_a_shop_delivering_by_postcode_lists_them_instead_of_a_radius(client, bakery):
    bakery.delivery_enabled = True
    bakery.save()
    delivery_postcodes_set(shop=bakery, postal_codes=["76100", "76000"])

    html = english(client, "/rouen/au-bon-pain/").content.decode()

    assert "To the postcodes 76000, 76100" in html
    assert "km of the shop" not in html


def test_a_shop_delivering_by_radius_says_how_far(client, bakery):
    bakery.delivery_enabled = True
    bakery.delivery_radius_km = Decimal("2.50")
    bakery.save()

    html = english(client, "/rouen/au-bon-pain/").content.decode()

    assert "Within 2.50 km of the shop" in html
    assert "To the postcode" not in html


def next_slots(client: Client, url: str) -> list[str]:
    html = english(client, url).content.decode()
    return [text(s) for s in re.findall(r'<strong class="facts__next">(.*?)</strong>', html)]


def test_it_shows_the_next_pickup_today_skipping_a_full_slot(
    client, bakery, freeze_storefront_clock
):
    freeze_storefront_clock(datetime(2026, 6, 9, 12, 45, tzinfo=PARIS).astimezone(UTC))  # Tuesday
    make_opening_hours(bakery, 1, "07:30", "13:00")
    make_opening_hours(bakery, 1, "15:00", "19:30")
    SlotBooking.objects.create(
        city=bakery.city,
        shop=bakery,
        kind=SlotKind.COLLECT,
        starts_at=datetime(2026, 6, 9, 15, 0, tzinfo=PARIS),
        booked=4,  # the shop's capacity
    )
    assert next_slots(client, "/rouen/au-bon-pain/") == ["Next pickup: today 15:15"]


def test_it_shows_the_next_pickup_tomorrow_after_the_last_slot(
    client, bakery, freeze_storefront_clock
):
    freeze_storefront_clock(datetime(2026, 6, 9, 19, 0, tzinfo=PARIS).astimezone(UTC))  # Tuesday
    make_opening_hours(bakery, 1, "07:30", "19:30")
    make_opening_hours(bakery, 2, "07:45", "12:00")
    assert next_slots(client, "/rouen/au-bon-pain/") == ["Next pickup: tomorrow 7:45"]


def test_it_shows_the_next_slots_in_the_city_time_zone(client, freeze_storefront_clock):
    # 8:00 UTC is 4:00 in Guadeloupe (10:00 in Paris).
    freeze_storefront_clock(datetime(2026, 6, 9, 8, 0, tzinfo=UTC))  # Tuesday
    city = make_city(slug="pointe-a-pitre", time_zone="America/Guadeloupe")
    shop = make_shop(city, slug="lolo", delivery_enabled=True)
    make_opening_hours(shop, 1, "07:45", "12:00")
    assert next_slots(client, "/pointe-a-pitre/lolo/") == [
        "Next pickup: today 7:45",
        "Delivery: next slot today 7:45",
    ]


def test_it_names_the_day_of_a_next_slot_further_ahead(client, city, freeze_storefront_clock):
    freeze_storefront_clock()  # Tuesday 9 June 2026, 10:00
    shop = make_shop(city, slug="primeur", lead_time_minutes=45, delivery_enabled=True)
    make_opening_hours(shop, 3, "08:00", "12:00")  # Thursday, closed on the 11th
    make_opening_hours(shop, 5, "08:00", "12:00")  # Saturday
    Closure.objects.create(shop=shop, starts_on=date(2026, 6, 11), ends_on=date(2026, 6, 11))
    assert next_slots(client, "/rouen/primeur/") == [
        "Next pickup: Saturday 13 June 8:00",
        "Delivery: next slot Saturday 13 June 8:00",
    ]


def test_it_shows_no_next_slot_when_orders_are_paused_or_no_slot_is_left(
    client, city, bakery, freeze_storefront_clock
):
    freeze_storefront_clock()
    paused = make_shop(city, slug="en-pause", is_paused=True, delivery_enabled=True)
    make_opening_hours(paused, 1, "07:30", "19:30")
    assert next_slots(client, "/rouen/en-pause/") == []
    assert next_slots(client, "/rouen/au-bon-pain/") == []  # no opening hours
