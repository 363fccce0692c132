"""Legal pages: the platform's, each city's, each shop's terms; linked from footers and checkout."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.test import Client

from comptoir.domain.legal.models import LegalKind, LegalPage, ShopTerms
from comptoir.domain.orders.services import basket_add, basket_for
from comptoir.interfaces.storefront.basket_session import VISITOR_TOKEN_SESSION_KEY
from tests.domain.orders.support import NOW, collect_shop
from tests.factories import make_city, make_product, make_shop

pytestmark = pytest.mark.django_db


@pytest.fixture
def client() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def hrefs(response) -> list[str]:
    return re.findall(r'href="([^"]+)"', response.content.decode())


def footer(response) -> str:
    html = response.content.decode()
    return html[html.index('<footer class="site-footer">') :]


def test_it_shows_the_platform_default_at_its_own_address(client):
    response = client.get("/legal/ranking/")

    assert response.status_code == 200
    default = LegalPage.objects.get(city=None, kind=LegalKind.RANKING)
    assert f"<h1>{default.title}</h1>" in response.content.decode()


def test_a_city_shows_the_platform_default_when_it_has_no_page_of_its_own(client, city):
    response = client.get("/rouen/legal/privacy/")

    assert response.status_code == 200
    assert response.context["page"] == LegalPage.objects.get(city=None, kind=LegalKind.PRIVACY)
    assert response.context["city"] == city


def test_a_city_shows_its_own_page_when_it_has_one(client, city):
    LegalPage.objects.create(
        city=city, kind=LegalKind.MEDIATOR, title="Médiateur à Rouen", body="CM2C, Paris."
    )

    html = client.get("/rouen/legal/mediator/").content.decode()

    assert "<h1>Médiateur à Rouen</h1>" in html
    assert "<p>CM2C, Paris.</p>" in html


def test_it_renders_the_text_as_escaped_paragraphs(client, city):
    LegalPage.objects.create(
        city=city,
        kind=LegalKind.LEGAL_NOTICE,
        title="Mentions",
        body="First <script>alert(1)</script> line\nsame paragraph\n\nSecond <b>para</b>",
    )

    html = client.get("/rouen/legal/legal_notice/").content.decode()

    assert (
        "<p>First &lt;script&gt;alert(1)&lt;/script&gt; line<br>same paragraph</p>\n\n"
        "<p>Second &lt;b&gt;para&lt;/b&gt;</p>"
    ) in html
    assert "<script>alert(1)" not in html


@pytest.mark.parametrize("url", ["/legal/advertising/", "/rouen/legal/advertising/"])
def test_an_unknown_kind_is_not_found(client, city, url):
    assert client.get(url).status_code == 404


def test_a_city_that_is_not_live_has_no_legal_pages(client):
    make_city(slug="caen", is_live=False)

    assert client.get("/caen/legal/privacy/").status_code == 404


def test_a_deleted_default_is_not_found_rather_than_an_error(client, city):
    LegalPage.objects.filter(kind=LegalKind.COOKIES).delete()

    assert client.get("/rouen/legal/cookies/").status_code == 404
    assert client.get("/legal/cookies/").status_code == 404


def test_it_shows_a_shops_terms_of_sale(client, city):
    shop = make_shop(city, name="Boulangerie Jeanne", slug="jeanne")
    ShopTerms.objects.create(shop=shop, body="Paiement au retrait.\n\nPas de livraison.")

    response = client.get("/rouen/jeanne/terms/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Terms of sale of Boulangerie Jeanne" in html
    assert "<p>Paiement au retrait.</p>" in html
    assert shop.street in html


def test_a_shop_without_terms_points_to_the_platform_terms(client, city):
    make_shop(city, slug="jeanne")

    response = client.get("/rouen/jeanne/terms/")

    assert response.status_code == 200
    assert "/rouen/legal/platform_terms/" in hrefs(response)
    assert "has not published terms of sale of its own yet" in response.content.decode()


def test_the_terms_of_an_unpublished_shop_or_another_citys_shop_are_not_found(client, city):
    make_shop(city, slug="ferme", is_active=False)
    make_shop(make_city(slug="caen"), slug="caennaise")

    assert client.get("/rouen/ferme/terms/").status_code == 404
    assert client.get("/rouen/caennaise/terms/").status_code == 404


def test_a_citys_pages_link_its_legal_pages_from_the_footer(client, city):
    response = client.get("/rouen/")

    links = re.findall(r'href="([^"]+)"', footer(response))
    assert [link for link in links if "/legal/" in link] == [
        f"/rouen/legal/{kind}/" for kind in LegalKind.values
    ]
    assert "/?choose=1" in links


def test_pages_of_no_city_link_the_platform_defaults_from_the_footer(client):
    response = client.get("/accounts/login/")

    links = re.findall(r'href="([^"]+)"', footer(response))
    assert [link for link in links if "/legal/" in link] == [
        f"/legal/{kind}/" for kind in LegalKind.values
    ]


def test_every_legal_page_of_the_footer_opens(client, city):
    for link in re.findall(r'href="([^"]+/legal/[^"]+)"', footer(client.get("/rouen/"))):
        assert client.get(link).status_code == 200, link


def test_the_checkout_links_each_shops_terms_and_the_platforms(
    client, city, freeze_storefront_clock
):
    freeze_storefront_clock(NOW)
    bakery = collect_shop(city, slug="jeanne")
    cheese = collect_shop(city, name="Fromagerie", slug="fromagerie")
    session = client.session
    session[VISITOR_TOKEN_SESSION_KEY] = "visitor-token-legal"
    session.save()
    basket = basket_for(city=city, session_key="visitor-token-legal", create=True)
    assert basket is not None
    basket_add(basket=basket, product=make_product(bakery, price=Decimal("1.30")), quantity=1)
    basket_add(basket=basket, product=make_product(cheese, price=Decimal("8.90")), quantity=1)

    response = client.get("/rouen/checkout/")

    html = response.content.decode()
    line = html[html.index('id="checkout-legal"') :]
    line = line[: line.index("</p>")]
    assert re.findall(r'href="([^"]+)"', line) == [
        "/rouen/jeanne/terms/",  # Boulangerie Jeanne
        "/rouen/fromagerie/terms/",
        "/rouen/legal/platform_terms/",
        "/rouen/legal/privacy/",
    ]
