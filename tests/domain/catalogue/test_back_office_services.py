"""The catalogue services as the back office uses them: new fields, references, photos."""

import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from PIL import Image

from comptoir.core.images import prepare_photo
from comptoir.domain.catalogue.errors import ReferenceTaken
from comptoir.domain.catalogue.models import Category, Product
from comptoir.domain.catalogue.services import (
    category_get_or_create,
    product_create,
    product_set_photo,
    product_update,
)
from tests.factories import make_category, make_product, make_shop

pytestmark = pytest.mark.django_db


def photo() -> io.BytesIO:
    out = io.BytesIO()
    Image.new("RGB", (800, 600), "green").save(out, format="PNG")
    out.seek(0)
    return out


def test_product_create_takes_the_back_office_fields(shop):
    product = product_create(
        shop=shop,
        name=" Bûche ",
        price=Decimal("32.5"),
        vat_rate=Decimal("5.50"),
        reference=" BUCHE ",
        lead_time_minutes=2880,
        daily_quota=20,
        preorder_on=date(2026, 12, 24),
        is_active=False,
    )

    product.refresh_from_db()
    assert (product.name, product.reference, product.price) == ("Bûche", "BUCHE", Decimal("32.50"))
    assert (product.lead_time_minutes, product.daily_quota) == (2880, 20)
    assert (product.preorder_on, product.is_active) == (date(2026, 12, 24), False)


def test_product_create_refuses_a_reference_already_used_in_the_shop(shop):
    make_product(shop, reference="BUCHE")

    with pytest.raises(ReferenceTaken) as refused:
        product_create(
            shop=shop, name="Autre", price=Decimal(1), vat_rate=Decimal("5.50"), reference="BUCHE"
        )

    assert refused.value.field == "reference"
    assert Product.objects.filter(shop=shop).count() == 1


def test_product_update_keeps_its_own_reference_and_refuses_anothers(shop):
    product = make_product(shop, reference="A")
    make_product(shop, reference="B")

    product_update(product=product, reference="A", lead_time_minutes=60)
    with pytest.raises(ReferenceTaken):
        product_update(product=product, reference="B")

    assert Product.objects.values_list("reference", "lead_time_minutes").get(pk=product.pk) == (
        "A",
        60,
    )


def test_one_reference_may_be_used_by_two_shops(shop):
    make_product(make_shop(shop.city), reference="A")

    product = product_create(
        shop=shop, name="A", price=Decimal(1), vat_rate=Decimal("5.50"), reference="A"
    )

    assert product.reference == "A"


def test_category_get_or_create_finds_any_case_and_creates_once(shop):
    pains = make_category(shop, name="Pains")

    assert category_get_or_create(shop=shop, name=" pains ") == pains
    tartes = category_get_or_create(shop=shop, name="Tartes")
    assert category_get_or_create(shop=shop, name="TARTES") == tartes
    assert Category.objects.filter(shop=shop).count() == 2


def test_product_set_photo_stores_the_photo_and_thumbnail_and_removes_them(
    shop, django_capture_on_commit_callbacks
):
    product = make_product(shop)

    with django_capture_on_commit_callbacks(execute=True):
        product_set_photo(product=product, photo=prepare_photo(photo(), name="vert.png"))
    product.refresh_from_db()
    paths = [product.photo.path, product.photo_thumbnail.path]
    assert str(product.photo.name).startswith("products/vert")
    assert str(product.photo_thumbnail.name).startswith("products/thumbs/vert-thumb")

    with django_capture_on_commit_callbacks(execute=True):
        product_set_photo(product=product, photo=None)

    product.refresh_from_db()
    assert (product.photo.name, product.photo_thumbnail.name) == ("", "")
    assert [Path(p).exists() for p in paths] == [False, False]
