"""Legal pages in the back office: the operator edits defaults, cities' pages and shops' terms."""

from __future__ import annotations

from django.urls import reverse

from comptoir.domain.legal.models import LegalKind, LegalPage, ShopTerms
from tests.factories import make_city, make_shop

ADD = reverse("admin:legal_legalpage_add")


def test_it_lists_the_seeded_platform_defaults(operator_client):
    response = operator_client.get(reverse("admin:legal_legalpage_changelist"))

    assert response.status_code == 200
    assert response.context["cl"].result_count == len(LegalKind.values)


def test_the_operator_gives_a_city_its_own_page(operator_client, client):
    city = make_city(slug="rouen")

    response = operator_client.post(
        ADD,
        {"city": city.pk, "kind": "mediator", "title": "Médiateur", "body": "CM2C\n\nParis"},
    )

    assert response.status_code == 302
    assert client.get("/rouen/legal/mediator/").context["page"].title == "Médiateur"


def test_it_refuses_a_second_page_of_one_kind_for_a_city(operator_client):
    city = make_city()
    LegalPage.objects.create(city=city, kind=LegalKind.PRIVACY, title="A", body="A")

    response = operator_client.post(
        ADD, {"city": city.pk, "kind": "privacy", "title": "B", "body": "B"}
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert LegalPage.objects.filter(city=city).count() == 1


def test_it_refuses_a_second_platform_default_of_a_kind(operator_client):
    response = operator_client.post(ADD, {"city": "", "kind": "cookies", "title": "B", "body": "B"})

    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert LegalPage.objects.filter(city=None, kind="cookies").count() == 1


def test_the_operator_writes_a_shops_terms_of_sale(operator_client):
    shop = make_shop()

    response = operator_client.post(
        reverse("admin:legal_shopterms_add"), {"shop": shop.pk, "body": "Paiement au retrait."}
    )

    assert response.status_code == 302
    assert ShopTerms.objects.get(shop=shop).body == "Paiement au retrait."


def test_the_terms_list_shows_each_shops_city(operator_client):
    ShopTerms.objects.create(shop=make_shop(make_city(name="Caen")), body="A")

    response = operator_client.get(reverse("admin:legal_shopterms_changelist"))

    assert "Caen" in response.content.decode()


def test_the_change_pages_render(operator_client):
    terms = ShopTerms.objects.create(shop=make_shop(), body="A")
    page = LegalPage.objects.get(city=None, kind=LegalKind.PRIVACY)

    for url in (
        reverse("admin:legal_shopterms_change", args=[terms.pk]),
        reverse("admin:legal_legalpage_change", args=[page.pk]),
    ):
        assert operator_client.get(url).status_code == 200, url
