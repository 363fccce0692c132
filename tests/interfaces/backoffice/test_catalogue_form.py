"""The one-screen product form: owners create and edit; staff are refused; photos cleaned."""

from decimal import Decimal
from pathlib import Path

import pytest
from PIL import Image

from comptoir.domain.catalogue.allergens import Allergen
from comptoir.domain.catalogue.models import Category, Product
from comptoir.domain.shops.models import Trade
from tests.factories import make_category, make_product, make_shop, make_user
from tests.interfaces.backoffice.catalogue_support import as_owner, as_staff, jpeg, url

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    data = {
        "name": "Tarte aux pommes",
        "price": "18,50",
        "unit": "piece",
        "category": "",
        "new_category": "",
        "description": "Pommes du Pays de Caux",
        "vat_rate": "auto",
        "allergens": [str(int(Allergen.GLUTEN)), str(int(Allergen.MILK))],
        "stock": "6",
        "is_active": "on",
        "lead_time_minutes": "",
        "daily_quota": "",
        "preorder_on": "",
        "reference": "",
    }
    return data | overrides


def test_the_owner_sees_the_empty_form(client, shop):
    as_owner(client, shop)
    make_category(shop, name="Tartes")

    response = client.get(url(shop, "product_new"))

    assert response.status_code == 200
    assert 'name="photo"' in response.text
    assert response.text.count('name="allergens"') == 14
    assert "Tartes" in response.text


def test_the_owner_creates_a_product_with_a_photo_and_a_new_category(client, shop):
    as_owner(client, shop)

    response = client.post(
        url(shop, "product_new"),
        form_data(new_category="Tartes", photo=jpeg((3000, 2000)), lead_time_minutes="120"),
    )

    assert response.status_code == 302
    assert response["Location"] == url(shop, "products")
    product = Product.objects.get(shop=shop)
    assert (product.name, product.price, product.stock) == ("Tarte aux pommes", Decimal("18.50"), 6)
    assert product.category == Category.objects.get(shop=shop, name="Tartes")
    assert product.vat_rate == Decimal("5.50")  # suggested for a bakery's tart
    assert product.allergens == Allergen.GLUTEN | Allergen.MILK
    assert product.lead_time_minutes == 120
    assert str(product.photo.name).endswith(".webp")
    with Image.open(product.photo.path) as photo:
        assert (photo.format, photo.size) == ("WEBP", (1600, 1067))
    with Image.open(product.photo_thumbnail.path) as thumb:
        assert max(thumb.size) == 480


def test_the_suggested_vat_follows_the_category_and_can_be_overridden(client, shop):
    as_owner(client, shop)
    chocolates = make_category(shop, name="Chocolats")

    client.post(url(shop, "product_new"), form_data(name="Ballotin", category=chocolates.pk))
    client.post(url(shop, "product_new"), form_data(name="Tablette noire", vat_rate="5.50"))

    assert Product.objects.get(name="Ballotin").vat_rate == Decimal("20.00")
    assert Product.objects.get(name="Tablette noire").vat_rate == Decimal("5.50")


def test_made_to_order_stores_no_stock(client, shop):
    as_owner(client, shop)

    client.post(url(shop, "product_new"), form_data(unlimited="on", stock="4"))

    assert Product.objects.get(shop=shop).stock is None


def test_a_bad_price_is_said_on_its_field_and_nothing_is_saved(client, shop):
    as_owner(client, shop)

    response = client.post(
        url(shop, "product_new"), form_data(price="3,5O"), headers={"accept-language": "en"}
    )
    french = client.post(url(shop, "product_new"), form_data(price="3,5O"))

    assert response.status_code == 422
    assert response.context["form"].errors["price"] == ["The price “3,5O” is not a number."]
    assert french.context["form"].errors["price"] == ["Le prix « 3,5O » n'est pas un nombre."]
    assert not Product.objects.exists()


def test_a_pdf_sent_as_a_photo_is_refused_clearly(client, shop):
    as_owner(client, shop)
    fake = jpeg()
    fake.seek(0)
    fake.truncate()
    fake.write(b"%PDF-1.7 not a photo")
    fake.seek(0)

    response = client.post(url(shop, "product_new"), form_data(photo=fake))

    assert response.status_code == 422
    assert "JPEG, PNG" in response.context["form"].errors["photo"][0]
    assert not Product.objects.exists()


def test_a_duplicate_reference_is_refused_on_its_field(client, shop):
    as_owner(client, shop)
    make_product(shop, reference="TAR-1")

    response = client.post(url(shop, "product_new"), form_data(reference="TAR-1"))

    assert response.status_code == 422
    assert "reference" in response.context["form"].errors
    assert Product.objects.filter(shop=shop).count() == 1


def test_the_owner_edits_a_product_and_removes_its_photo(
    client, shop, django_capture_on_commit_callbacks
):
    as_owner(client, shop)
    client.post(url(shop, "product_new"), form_data(photo=jpeg()))
    product = Product.objects.get(shop=shop)
    old_photo = product.photo.path

    page = client.get(url(shop, "product_edit", product.pk))
    assert page.status_code == 200
    assert 'value="18,50"' in page.text

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url(shop, "product_edit", product.pk),
            form_data(name="Tarte normande", price="19", vat_rate="10.00", remove_photo="on"),
        )

    assert response.status_code == 302
    product.refresh_from_db()
    assert (product.name, product.price, product.vat_rate) == (
        "Tarte normande",
        Decimal("19.00"),
        Decimal("10.00"),
    )
    assert not product.photo
    assert not product.photo_thumbnail
    assert not Path(old_photo).exists()  # deleted once the change was committed


def test_staff_get_the_403_page_and_change_nothing(client, shop):
    as_staff(client, shop)
    product = make_product(shop, name="Baguette", price=Decimal("1.30"))

    assert client.get(url(shop, "product_new")).status_code == 403
    response = client.post(url(shop, "product_edit", product.pk), form_data(price="0"))

    assert response.status_code == 403
    assert "pro/not_allowed.html" in [t.name for t in response.templates]
    assert Product.objects.get(pk=product.pk).price == Decimal("1.30")
    assert Product.objects.count() == 1


def test_another_shops_owner_gets_a_404_and_changes_nothing(client, shop):
    product = make_product(shop, name="Baguette")
    as_owner(client, make_shop(shop.city))

    assert client.get(url(shop, "product_edit", product.pk)).status_code == 404
    assert client.post(url(shop, "product_new"), form_data()).status_code == 404
    assert Product.objects.count() == 1


def test_a_product_of_another_shop_is_not_found_through_mine(client, shop):
    as_owner(client, shop)
    theirs = make_product(make_shop(shop.city), name="Baguette")

    response = client.post(url(shop, "product_edit", theirs.pk), form_data(name="Volée"))

    assert response.status_code == 404
    assert Product.objects.get(pk=theirs.pk).name == "Baguette"


def test_a_customer_gets_a_404_and_a_visitor_the_login_page(client, shop):
    assert client.get(url(shop, "product_new")).status_code == 302
    client.force_login(make_user())
    assert client.get(url(shop, "product_new")).status_code == 404


def test_the_vat_hint_follows_what_is_typed(client, shop):
    as_owner(client, shop)
    wine = make_category(shop, name="Vins")

    hint = client.get(url(shop, "product_vat_hint"), {"category": wine.pk, "name": "Chablis"})

    assert hint.status_code == 200
    assert 'id="vat-hint"' in hint.text
    assert "20" in hint.text


def test_a_florist_gets_flowers_suggested(client):
    shop = make_shop(trade=Trade.FLORIST)
    as_owner(client, shop)

    hint = client.get(url(shop, "product_vat_hint"), {"name": "Bouquet"})

    assert "10" in hint.text
