"""The default demo city, generated once for this module and removed afterwards."""

from __future__ import annotations

from datetime import time
from decimal import Decimal

import phonenumbers
import pytest
from django.contrib.auth import authenticate
from django.db.models import Count, F
from django.test import override_settings
from django.utils import timezone
from PIL import Image

from comptoir.demo.accounts import DEMO_LOGINS, DEMO_PASSWORD
from comptoir.demo.generate import demo_city_generate
from comptoir.domain.accounts.models import User
from comptoir.domain.catalogue.allergens import Allergen
from comptoir.domain.catalogue.models import Category, Product
from comptoir.domain.cities.models import City
from comptoir.domain.deals.models import Deal
from comptoir.domain.shops.models import Membership, OpeningHours, Role, Shop, Trade

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def rouen(django_db_setup, django_db_blocker, demo_media):
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=demo_media):
        result = demo_city_generate(city_slug="rouen")
        yield result
        Deal.objects.filter(city=result.city).delete()  # a free-item deal protects its product
        Product.objects.filter(city=result.city).delete()
        Shop.objects.filter(city=result.city).delete()
        result.city.delete()
        User.objects.filter(email__in=[login.email for login in DEMO_LOGINS]).delete()


def test_it_reports_what_it_wrote(rouen):
    assert (rouen.skipped, rouen.shops, rouen.products) == (False, 64, 1600)


def test_it_creates_at_least_sixty_shops_across_every_trade():
    assert Shop.objects.filter(city__slug="rouen").count() == 64
    trades = set(Shop.objects.values_list("trade", flat=True))
    assert trades == set(Trade.values)
    assert len(trades) >= 12


def test_it_gives_each_shop_a_unique_slug():
    slugs = list(Shop.objects.values_list("slug", flat=True))
    assert len(slugs) == len(set(slugs)) == 64


def test_it_names_the_first_bakery_after_the_vieux_marche():
    first = Shop.objects.order_by("pk")[0]
    assert (first.name, first.trade) == ("Boulangerie du Vieux-Marché", Trade.BAKERY)


def test_it_creates_at_least_1500_products_in_their_shops_city():
    city = City.objects.get(slug="rouen")
    assert Product.objects.count() == 1600
    assert Product.objects.filter(city=city).count() == 1600
    assert Product.objects.exclude(shop__city=city).count() == 0


def test_it_files_every_product_on_a_shelf_of_its_own_shop():
    assert Product.objects.filter(category__isnull=True).count() == 0
    mismatched = Product.objects.exclude(category__shop=F("shop"))
    assert mismatched.count() == 0
    assert Category.objects.annotate(n=Count("products")).filter(n=0).count() == 0


def test_it_gives_every_product_and_shop_a_photo_that_opens(demo_media):
    assert Product.objects.filter(photo="").count() == 0
    names = set(Product.objects.values_list("photo", flat=True))
    names |= set(Shop.objects.values_list("photo", flat=True))
    assert len(names) > 100
    for name in sorted(names):
        with Image.open(demo_media / name) as image:
            image.verify()
            assert image.format == "JPEG"


def test_it_places_every_shop_inside_rouen():
    shops = Shop.objects.all()
    for shop in shops:
        assert Decimal("49.420") <= shop.latitude <= Decimal("49.460"), shop.name
        assert Decimal("1.060") <= shop.longitude <= Decimal("1.120"), shop.name
    assert set(shops.values_list("postal_code", flat=True)) == {"76000", "76100"}
    assert set(shops.values_list("locality", flat=True)) == {"Rouen"}


def test_it_gives_every_shop_a_rouen_landline():
    for phone in Shop.objects.values_list("phone", flat=True):
        number = phonenumbers.parse(phone)
        assert phonenumbers.is_valid_number(number), phone
        assert phone.startswith("+33235")


def test_it_gives_every_shop_opening_hours():
    assert Shop.objects.annotate(n=Count("opening_hours")).filter(n=0).count() == 0


def test_it_opens_the_first_bakery_mornings_and_afternoons_except_on_monday():
    bakery = Shop.objects.order_by("pk")[0]
    hours = list(OpeningHours.objects.filter(shop=bakery).values_list("weekday", "opens", "closes"))
    assert 0 not in {day for day, _, _ in hours}
    assert sum(1 for day, _, _ in hours if day == 1) >= 1
    assert all(opens < closes for _, opens, closes in hours)
    assert min(opens for _, opens, _ in hours) <= time(7)


def test_it_applies_french_vat_rates():
    def rates(**filters):
        return set(Product.objects.filter(**filters).values_list("vat_rate", flat=True))

    assert rates(shop__trade=Trade.WINE) == {Decimal("20.00")}
    assert rates(shop__trade=Trade.BOOKS, category__name="Littérature") == {Decimal("5.50")}
    assert rates(shop__trade=Trade.FLORIST, category__name="Bouquets") == {Decimal("10.00")}
    assert rates(name="Croissant au beurre") <= {Decimal("5.50")}
    assert rates(shop__trade=Trade.BAKERY, category__name="Snacking") == {Decimal("10.00")}


def test_it_lists_the_allergens_of_a_croissant():
    allergens = set(
        Product.objects.filter(name="Croissant au beurre").values_list("allergens", flat=True)
    )
    assert allergens == {Allergen.GLUTEN | Allergen.MILK | Allergen.EGGS}


def test_it_leaves_made_to_order_products_without_stock():
    assert Product.objects.filter(stock__isnull=True).count() > 0
    assert Product.objects.filter(stock__isnull=False).count() > 0
    assert set(
        Product.objects.filter(name__startswith="Fraisier").values_list("stock", flat=True)
    ) == {None}


def test_it_varies_fulfilment_between_shops():
    shops = Shop.objects.all()
    assert shops.filter(delivery_enabled=True).count() > 0
    assert shops.filter(delivery_enabled=False).count() > 0
    assert set(shops.values_list("slot_minutes", flat=True)) <= {10, 15, 20}
    assert shops.filter(delivery_enabled=True, delivery_fee=0).count() == 0


def test_it_lets_every_demo_login_in():
    for login in DEMO_LOGINS:
        user = authenticate(email=login.email, password=login.password)
        assert user is not None, login.email
        assert user.email == login.email
    assert {login.password for login in DEMO_LOGINS} == {DEMO_PASSWORD}


def test_it_makes_the_patron_owner_and_the_vendeur_staff_of_the_first_bakery():
    bakery = Shop.objects.order_by("pk")[0]
    memberships = set(Membership.objects.filter(shop=bakery).values_list("user__email", "role"))
    assert memberships == {
        ("patron@demo.comptoir.fr", Role.OWNER),
        ("vendeur@demo.comptoir.fr", Role.STAFF),
    }


def test_it_makes_only_the_operator_staff_and_superuser():
    operators = User.objects.filter(is_staff=True, is_superuser=True)
    assert list(operators.values_list("email", flat=True)) == ["operateur@demo.comptoir.fr"]


def test_it_gives_the_customer_a_default_address():
    customer = User.objects.get(email="client@demo.comptoir.fr")
    address = customer.addresses.get(is_default=True)
    assert (address.line1, address.postal_code, address.locality) == (
        "12 rue du Gros-Horloge",
        "76000",
        "Rouen",
    )


def test_it_publishes_a_few_live_deals_of_different_trades(rouen):
    from comptoir.domain.deals.selectors import deals_for_city

    listed = deals_for_city(rouen.city, now=timezone.now())
    assert len(listed) == 6
    assert len({item.deal.shop.trade for item in listed}) == 6
    assert {item.deal.kind for item in listed} == {
        "percent_off",
        "amount_off",
        "free_item",
        "n_for_m",
    }
