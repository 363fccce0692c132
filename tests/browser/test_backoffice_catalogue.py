"""An owner on a phone: creates a product with a photo, taps "sold out today"; customers see it."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext
from PIL import Image

from comptoir.domain.catalogue.models import CatalogueImport, Product
from comptoir.domain.shops.models import Role
from tests.domain.orders.support import collect_shop
from tests.factories import make_city, make_membership, make_product, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(phone: Any, live_server: Any, user: Any) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    phone.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )


def photo_file(tmp_path: Any) -> str:
    path = tmp_path / "tarte.jpg"
    image = Image.new("RGB", (2400, 1800), "sandybrown")
    exif = Image.Exif()
    exif[0x0112] = 1
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    path.write_bytes(buffer.getvalue())
    return str(path)


def test_an_owner_creates_a_product_with_a_photo_and_marks_it_sold_out_today(
    live_server, phone, page, console, screenshot, tmp_path
):
    city = make_city(name="Rouen", slug="rouen")
    shop = collect_shop(city, name="Boulangerie Jeanne", slug="jeanne")
    make_product(shop, name="Baguette tradition", slug="baguette", stock=12)
    owner = make_user(email="jeanne@example.fr")
    make_membership(shop, owner, Role.OWNER)
    log_in(phone, live_server, owner)
    base = live_server.url

    page.goto(f"{base}/shop/rouen/jeanne/products/")
    screenshot("backoffice-products")
    page.locator(".bp-head__add").tap()
    page.wait_for_url(f"{base}/shop/rouen/jeanne/products/new/")

    page.locator("#id_name").fill("Tarte aux pommes")
    page.locator("#id_price").fill("18,50")
    page.locator("#id_new_category").fill("Tartes")
    page.locator("input[data-photo-input]").set_input_files(photo_file(tmp_path))
    page.locator("[data-photo-preview]:not([hidden])").wait_for()
    page.locator(".bp-allergen", has_text="Gluten").tap()
    page.locator("#id_stock").fill("6")
    screenshot("backoffice-product-form")
    with page.expect_navigation(url=f"{base}/shop/rouen/jeanne/products/"):
        page.locator(".bp-form__save").tap()

    tart = Product.objects.get(shop=shop, name="Tarte aux pommes")
    assert str(tart.photo.name).endswith(".webp")
    assert tart.stock == 6
    row = page.locator(f"#product-{tart.pk}")
    row.locator(".bp-stepper__button").last.tap()  # +1
    row.locator("text=7").wait_for()
    page.locator(f"#product-{tart.pk} .bp-soldout__button").tap()
    page.locator(f"#product-{tart.pk} .badge--sold-out").wait_for()
    screenshot("backoffice-products-sold-out")
    tart.refresh_from_db()
    assert tart.stock == 7
    assert tart.is_sold_out_today

    page.goto(f"{base}/rouen/jeanne/")
    card = page.locator(".product--sold-out", has_text="Tarte aux pommes")
    card.wait_for()
    with translation.override("fr"):
        assert gettext("Sold out today") in card.inner_text()
    screenshot("backoffice-storefront-sold-out")
    assert console.errors == []


def test_the_csv_pages_render_on_a_phone(live_server, phone, page, console, screenshot, tmp_path):
    city = make_city(name="Rouen", slug="rouen")
    shop = collect_shop(city, name="Boulangerie Jeanne", slug="jeanne")
    owner = make_user(email="jeanne@example.fr")
    make_membership(shop, owner, Role.OWNER)
    log_in(phone, live_server, owner)
    base = live_server.url
    csv_path = tmp_path / "produits.csv"
    csv_path.write_bytes(
        "name;price;category\nBaguette;1,30;Pains\nTarte;3,5O;Tartes\n".encode("cp1252")
    )

    page.goto(f"{base}/shop/rouen/jeanne/products/import/")
    screenshot("backoffice-import")
    page.locator("#id_file").set_input_files(str(csv_path))
    page.locator(".bp-form__save").tap()
    page.locator(".bp-import-errors").wait_for()
    screenshot("backoffice-import-preview")
    assert CatalogueImport.objects.count() == 1
    assert not Product.objects.exists()
    assert console.errors == []
