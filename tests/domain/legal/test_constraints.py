"""The database refuses what legal pages must never hold."""

from __future__ import annotations

import pytest

from comptoir.domain.legal.models import LegalKind, LegalPage, ShopTerms
from tests.domain.violations import refused_by
from tests.factories import make_city, make_shop

pytestmark = pytest.mark.django_db


def test_it_refuses_two_pages_of_one_kind_in_a_city():
    city = make_city()
    LegalPage.objects.create(city=city, kind=LegalKind.PRIVACY, title="A", body="A")

    with refused_by(
        "legal_legalpage_one_per_city_and_kind",
        sqlite="UNIQUE constraint failed: legal_legalpage.city_id, legal_legalpage.kind",
    ):
        LegalPage.objects.create(city=city, kind=LegalKind.PRIVACY, title="B", body="B")

    assert LegalPage.objects.filter(city=city).count() == 1


def test_it_accepts_one_kind_in_two_cities_and_every_kind_in_one():
    city, other = make_city(), make_city()
    LegalPage.objects.create(city=city, kind=LegalKind.PRIVACY, title="A", body="A")
    LegalPage.objects.create(city=other, kind=LegalKind.PRIVACY, title="B", body="B")
    for kind in LegalKind.values:
        if kind != LegalKind.PRIVACY:
            LegalPage.objects.create(city=city, kind=kind, title="C", body="C")

    assert LegalPage.objects.filter(city=city).count() == len(LegalKind.values)


def test_it_refuses_a_second_platform_default_of_a_kind():
    with refused_by(
        "legal_legalpage_one_default_per_kind",
        sqlite="UNIQUE constraint failed: legal_legalpage.kind",
    ):
        LegalPage.objects.create(city=None, kind=LegalKind.COOKIES, title="B", body="B")

    assert LegalPage.objects.filter(city=None, kind=LegalKind.COOKIES).count() == 1


def test_it_accepts_a_platform_default_once_the_old_one_is_gone():
    LegalPage.objects.filter(city=None, kind=LegalKind.COOKIES).delete()

    LegalPage.objects.create(city=None, kind=LegalKind.COOKIES, title="B", body="B")

    assert LegalPage.objects.filter(city=None, kind=LegalKind.COOKIES).count() == 1


def test_it_refuses_an_unknown_kind():
    with refused_by("legal_legalpage_kind_valid"):
        LegalPage.objects.create(city=make_city(), kind="advertising", title="A", body="A")

    assert not LegalPage.objects.filter(kind="advertising").exists()


def test_it_accepts_every_kind():
    city = make_city()
    for kind in LegalKind.values:
        LegalPage.objects.create(city=city, kind=kind, title="A", body="A")

    assert LegalPage.objects.filter(city=city).count() == len(LegalKind.values)


def test_it_refuses_an_empty_page():
    with refused_by("legal_legalpage_body_not_empty"):
        LegalPage.objects.create(city=make_city(), kind=LegalKind.PRIVACY, title="A", body="")

    assert not LegalPage.objects.filter(city__isnull=False).exists()


def test_it_accepts_a_page_of_one_character():
    LegalPage.objects.create(city=make_city(), kind=LegalKind.PRIVACY, title="A", body=".")

    assert LegalPage.objects.filter(city__isnull=False).count() == 1


def test_it_refuses_empty_terms_of_sale():
    shop = make_shop()

    with refused_by("legal_shopterms_body_not_empty"):
        ShopTerms.objects.create(shop=shop, body="")

    assert not ShopTerms.objects.exists()


def test_it_accepts_terms_of_sale_of_one_character():
    ShopTerms.objects.create(shop=make_shop(), body=".")

    assert ShopTerms.objects.count() == 1


def test_it_refuses_two_sets_of_terms_for_one_shop():
    shop = make_shop()
    ShopTerms.objects.create(shop=shop, body="A")

    with refused_by(
        "legal_shopterms_shop_id", sqlite="UNIQUE constraint failed: legal_shopterms.shop_id"
    ):
        ShopTerms.objects.create(shop=shop, body="B")

    assert ShopTerms.objects.count() == 1


def test_it_accepts_terms_for_two_shops():
    ShopTerms.objects.create(shop=make_shop(), body="A")
    ShopTerms.objects.create(shop=make_shop(), body="B")

    assert ShopTerms.objects.count() == 2
