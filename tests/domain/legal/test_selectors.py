"""Which legal page a city shows: its own, else the platform's default."""

from __future__ import annotations

import pytest

from comptoir.domain.legal.models import LegalKind, LegalPage, ShopTerms
from comptoir.domain.legal.selectors import legal_page_for, shop_terms_of
from tests.factories import make_city, make_shop

pytestmark = pytest.mark.django_db


def test_the_migration_seeds_a_french_default_of_every_kind():
    defaults = LegalPage.objects.filter(city__isnull=True)

    assert sorted(defaults.values_list("kind", flat=True)) == sorted(LegalKind.values)
    assert all(page.title and page.body for page in defaults)


def test_the_cookies_default_names_every_cookie_the_site_sets():
    body = LegalPage.objects.get(city=None, kind=LegalKind.COOKIES).body

    for cookie in ("sessionid", "csrftoken", "django_language", "comptoir_city"):
        assert cookie in body


def test_a_city_without_its_own_page_shows_the_platform_default():
    city = make_city()

    page = legal_page_for(city=city, kind=LegalKind.PRIVACY)

    assert page == LegalPage.objects.get(city=None, kind=LegalKind.PRIVACY)


def test_a_city_with_its_own_page_shows_it_and_not_the_default(django_assert_num_queries):
    city = make_city()
    own = LegalPage.objects.create(city=city, kind=LegalKind.MEDIATOR, title="Médiateur", body="X")

    with django_assert_num_queries(1):
        page = legal_page_for(city=city, kind=LegalKind.MEDIATOR)

    assert page == own


def test_another_citys_page_is_never_shown():
    city, other = make_city(), make_city()
    LegalPage.objects.create(city=other, kind=LegalKind.MEDIATOR, title="Autre", body="X")

    page = legal_page_for(city=city, kind=LegalKind.MEDIATOR)

    assert page is not None
    assert page.city_id is None


def test_no_city_asks_for_the_platform_default():
    city = make_city()
    LegalPage.objects.create(city=city, kind=LegalKind.RANKING, title="Local", body="X")

    page = legal_page_for(city=None, kind=LegalKind.RANKING)

    assert page is not None
    assert page.city_id is None


def test_it_finds_nothing_when_the_default_was_deleted():
    LegalPage.objects.filter(kind=LegalKind.COOKIES).delete()

    assert legal_page_for(city=make_city(), kind=LegalKind.COOKIES) is None


def test_a_shop_has_terms_only_once_written():
    shop = make_shop()
    assert shop_terms_of(shop) is None

    terms = ShopTerms.objects.create(shop=shop, body="Paiement au retrait.")

    assert shop_terms_of(shop) == terms
