"""The products list: owners and staff; stock +/- and "sold out today" with htmx or without."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext

from comptoir.domain.catalogue.models import Product
from comptoir.domain.orders.models import BasketLine
from tests.factories import make_category, make_product, make_shop, make_user
from tests.interfaces.backoffice.catalogue_support import as_owner, as_staff, url

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def stock_of(product):
    return Product.objects.values_list("stock", flat=True).get(pk=product.pk)


def test_the_owner_sees_every_product_with_edit_links_and_csv(client, shop):
    as_owner(client, shop)
    bread = make_category(shop, name="Pains")
    baguette = make_product(shop, name="Baguette", category=bread)
    hidden = make_product(shop, name="Pain de Noël", is_active=False)

    response = client.get(url(shop, "products"))

    assert response.status_code == 200
    assert response.context["products"] == [baguette, hidden]
    assert url(shop, "product_new") in response.text
    assert f'href="{url(shop, "product_edit", baguette.pk)}"' in response.text
    assert url(shop, "products_import") in response.text
    assert url(shop, "products_export") in response.text


def test_staff_see_the_list_without_owner_buttons(client, shop):
    as_staff(client, shop)
    baguette = make_product(shop, name="Baguette")

    response = client.get(url(shop, "products"))

    assert response.status_code == 200
    assert url(shop, "product_stock", baguette.pk) in response.text
    assert url(shop, "product_sold_out", baguette.pk) in response.text
    assert url(shop, "product_new") not in response.text
    assert f'href="{url(shop, "product_edit", baguette.pk)}"' not in response.text
    assert url(shop, "products_import") not in response.text


def test_the_list_takes_a_fixed_number_of_queries(client, shop, django_assert_num_queries):
    as_owner(client, shop)
    for n in range(15):
        make_product(shop, name=f"Produit {n}", category=make_category(shop))

    # session, user, membership (shop + city), products (with categories)
    with django_assert_num_queries(4):
        client.get(url(shop, "products"))


def test_another_shops_owner_gets_a_404(client, shop):
    as_owner(client, make_shop(shop.city))

    assert client.get(url(shop, "products")).status_code == 404


def test_a_customer_gets_a_404_and_a_visitor_the_login_page(client, shop):
    response = client.get(url(shop, "products"))
    assert response.status_code == 302
    assert response["Location"].startswith("/")
    assert "login" in response["Location"] or "connexion" in response["Location"]

    client.force_login(make_user())
    assert client.get(url(shop, "products")).status_code == 404


@pytest.mark.parametrize("as_member", [as_owner, as_staff])
def test_plus_and_minus_change_the_stock_and_answer_htmx_with_the_row(client, shop, as_member):
    as_member(client, shop)
    product = make_product(shop, stock=3)

    response = client.post(url(shop, "product_stock", product.pk), {"delta": "1"}, **HTMX)

    assert response.status_code == 200
    assert f'id="product-{product.pk}"' in response.text
    assert "<strong>4</strong>" in response.text
    assert "<html" not in response.text
    client.post(url(shop, "product_stock", product.pk), {"delta": "-1"}, **HTMX)
    assert stock_of(product) == 3


def test_minus_stops_at_zero(client, shop):
    as_staff(client, shop)
    product = make_product(shop, stock=0)

    client.post(url(shop, "product_stock", product.pk), {"delta": "-1"}, **HTMX)

    assert stock_of(product) == 0


def test_without_htmx_a_tap_redirects_to_the_list(client, shop):
    as_staff(client, shop)
    product = make_product(shop, stock=3)

    response = client.post(url(shop, "product_stock", product.pk), {"delta": "1"})

    assert response.status_code == 302
    assert response["Location"] == url(shop, "products")
    assert stock_of(product) == 4


def test_it_refuses_an_unknown_step_and_a_get(client, shop):
    as_staff(client, shop)
    product = make_product(shop, stock=3)

    assert client.post(url(shop, "product_stock", product.pk), {"delta": "50"}).status_code == 400
    assert client.get(url(shop, "product_stock", product.pk)).status_code == 405
    assert stock_of(product) == 3


def test_a_made_to_order_product_keeps_no_count(client, shop):
    as_staff(client, shop)
    product = make_product(shop, stock=None)

    response = client.post(url(shop, "product_stock", product.pk), {"delta": "1"})

    assert response.status_code == 302
    assert stock_of(product) is None


def test_another_shops_product_is_not_found_through_my_shop(client, shop):
    as_owner(client, shop)
    theirs = make_product(make_shop(shop.city), stock=3)

    for name in ("product_stock", "product_sold_out", "product_on_sale"):
        assert client.post(url(shop, name, theirs.pk), {"delta": "1"}).status_code == 404
    theirs.refresh_from_db()
    assert (theirs.stock, theirs.sold_out_until) == (3, None)


def test_another_shops_owner_cannot_tap_my_products(client, shop):
    product = make_product(shop, stock=3)
    as_owner(client, make_shop(shop.city))

    assert client.post(url(shop, "product_stock", product.pk), {"delta": "1"}).status_code == 404
    assert client.post(url(shop, "product_sold_out", product.pk)).status_code == 404
    assert stock_of(product) == 3


def test_staff_mark_a_product_sold_out_today_and_back_on_sale(client, shop):
    as_staff(client, shop)
    product = make_product(shop, stock=5)

    response = client.post(url(shop, "product_sold_out", product.pk), **HTMX)

    product.refresh_from_db()
    assert product.sold_out_until is not None
    assert product.sold_out_until > timezone.now()
    assert url(shop, "product_on_sale", product.pk) in response.text

    response = client.post(url(shop, "product_on_sale", product.pk), **HTMX)

    product.refresh_from_db()
    assert product.sold_out_until is None
    assert url(shop, "product_sold_out", product.pk) in response.text


def test_the_storefront_shows_it_sold_out_and_refuses_it_in_the_basket(client, shop):
    product = make_product(shop, name="Paris-Brest", stock=5)
    Product.objects.filter(pk=product.pk).update(sold_out_until=timezone.now() + timedelta(hours=3))
    shop_page = f"/{shop.city.slug}/{shop.slug}/"

    page = client.get(shop_page)

    assert page.status_code == 200
    assert "product--sold-out" in page.text
    with translation.override("fr"):
        assert gettext("Sold out today") in page.text
    response = client.post(
        f"/{shop.city.slug}/basket/add/", {"product": product.pk, "quantity": "1"}
    )
    assert response.status_code == 302

    assert not BasketLine.objects.filter(product=product).exists()
