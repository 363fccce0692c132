"""CSV export, and import: upload → preview → confirm → progress; owners only."""

import io
from decimal import Decimal

import pytest

from comptoir.domain.catalogue.models import CatalogueImport, ImportStatus, Product
from tests.factories import make_product, make_shop, make_user
from tests.interfaces.backoffice.catalogue_support import as_owner, as_staff, url

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def upload(text: str, encoding: str = "utf-8", name: str = "produits.csv") -> io.BytesIO:
    file = io.BytesIO(text.encode(encoding))
    file.name = name
    return file


def test_the_owner_downloads_the_catalogue_as_csv(client, shop):
    as_owner(client, shop)
    make_product(shop, name="Baguette", reference="BAG", price=Decimal("1.30"))

    response = client.get(url(shop, "products_export"))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f'filename="{shop.slug}-produits-' in response["Content-Disposition"]
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeffreference;name;")
    assert "BAG;Baguette;;;1,30;piece;5,5;" in text


def test_an_upload_shows_the_preview_and_writes_nothing(client, shop):
    as_owner(client, shop)
    make_product(shop, name="Baguette", reference="BAG", price=Decimal("1.20"))

    response = client.post(
        url(shop, "products_import"),
        {"file": upload("reference;name;price\nBAG;Baguette;1,30\nCRO;Croissant;1,10\n", "cp1252")},
    )

    job = CatalogueImport.objects.get(shop=shop)
    assert response.status_code == 302
    assert response["Location"] == url(shop, "products_import_preview", job.pk)
    preview = client.get(response["Location"])
    assert preview.status_code == 200
    assert preview.context["counts"] == {"create": 1, "update": 1, "unchanged": 0}
    assert 'method="post"' in preview.text
    assert Product.objects.get(reference="BAG").price == Decimal("1.20")
    assert not Product.objects.filter(name="Croissant").exists()


def test_confirming_imports_all_through_the_worker_and_shows_the_result(
    client, shop, django_capture_on_commit_callbacks
):
    as_owner(client, shop)
    client.post(url(shop, "products_import"), {"file": upload("name;price\nA;1\nB;2,50\n")})
    job = CatalogueImport.objects.get(shop=shop)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(shop, "products_import_preview", job.pk))

    assert response.status_code == 302
    assert response["Location"] == url(shop, "products_import_progress", job.pk)
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert sorted(Product.objects.filter(shop=shop).values_list("name", "price")) == [
        ("A", Decimal("1.00")),
        ("B", Decimal("2.50")),
    ]
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "hx-trigger" not in page.text  # finished: no more polling


def test_the_progress_fragment_polls_while_the_import_waits(client, shop):
    as_owner(client, shop)
    job = CatalogueImport.objects.create(
        shop=shop, content="name;price\nA;1\n", status=ImportStatus.RUNNING, rows_total=1
    )

    response = client.get(url(shop, "products_import_progress", job.pk), **HTMX)

    assert response.status_code == 200
    assert 'hx-trigger="every 1s"' in response.text
    assert "<progress" in response.text
    assert "<html" not in response.text


def test_a_file_with_errors_lists_them_and_offers_no_import(client, shop):
    as_owner(client, shop)
    client.post(url(shop, "products_import"), {"file": upload("name;price\nA;1\nB;3,5O\n")})
    job = CatalogueImport.objects.get(shop=shop)

    preview = client.get(url(shop, "products_import_preview", job.pk), HTTP_ACCEPT_LANGUAGE="en")

    assert preview.context["plan"].errors == ["Line 3: the price “3,5O” is not a number."]
    assert "bp-form__save" not in preview.text  # no import button
    assert not Product.objects.exists()


def test_an_unreadable_file_is_refused_on_the_form(client, shop):
    as_owner(client, shop)

    response = client.post(
        url(shop, "products_import"), {"file": upload("couleur;taille\nrouge;XL\n")}
    )

    assert response.status_code == 422
    assert "couleur, taille" in response.context["form"].errors["file"][0]
    assert not CatalogueImport.objects.exists()


def test_staff_get_403_on_every_csv_page_and_change_nothing(client, shop):
    as_staff(client, shop)
    job = CatalogueImport.objects.create(shop=shop, content="name;price\nA;1\n")

    assert client.get(url(shop, "products_export")).status_code == 403
    assert client.get(url(shop, "products_import")).status_code == 403
    assert (
        client.post(url(shop, "products_import"), {"file": upload("name;price\nA;1\n")}).status_code
        == 403
    )
    assert client.post(url(shop, "products_import_preview", job.pk)).status_code == 403
    assert client.get(url(shop, "products_import_progress", job.pk)).status_code == 403
    job.refresh_from_db()
    assert job.status == ImportStatus.PREVIEW
    assert CatalogueImport.objects.count() == 1
    assert not Product.objects.exists()


def test_another_shops_import_is_not_found(client, shop):
    other = make_shop(shop.city)
    job = CatalogueImport.objects.create(shop=other, content="name;price\nA;1\n")
    as_owner(client, shop)

    assert client.get(url(shop, "products_import_preview", job.pk)).status_code == 404
    assert client.post(url(shop, "products_import_preview", job.pk)).status_code == 404
    assert client.get(url(shop, "products_import_progress", job.pk)).status_code == 404
    job.refresh_from_db()
    assert job.status == ImportStatus.PREVIEW


def test_another_shops_owner_and_customers_get_404(client, shop):
    as_owner(client, make_shop(shop.city))
    assert client.get(url(shop, "products_export")).status_code == 404
    assert client.get(url(shop, "products_import")).status_code == 404

    client.force_login(make_user())
    assert client.get(url(shop, "products_export")).status_code == 404
    client.logout()
    assert client.get(url(shop, "products_export")).status_code == 302
