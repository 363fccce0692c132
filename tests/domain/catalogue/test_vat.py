"""The suggested VAT rate: from the category, the product's name, then the shop's trade."""

from decimal import Decimal

import pytest
from django.utils import translation

from comptoir.domain.catalogue.vat import VatReason, suggest_vat_rate
from comptoir.domain.shops.models import Trade


@pytest.mark.parametrize(
    ("trade", "category", "name", "rate", "reason"),
    [
        (Trade.BAKERY, "Pains", "Baguette tradition", "5.50", VatReason.FOOD),
        (Trade.BAKERY, "Viennoiseries", "Pain au chocolat", "5.50", VatReason.FOOD),
        (Trade.PASTRY, "", "Éclair au chocolat", "5.50", VatReason.FOOD),
        (Trade.BAKERY, "Chocolats", "Ballotin 250 g", "20.00", VatReason.CONFECTIONERY),
        (Trade.BAKERY, "", "Boîte de bonbons", "20.00", VatReason.CONFECTIONERY),
        (Trade.CHOCOLATE, "", "Ballotin 500 g", "20.00", VatReason.CONFECTIONERY),
        (Trade.BAKERY, "Sandwichs", "Jambon-beurre", "10.00", VatReason.READY_TO_EAT),
        (Trade.CATERER, "", "Terrine maison", "10.00", VatReason.READY_TO_EAT),
        (Trade.DELICATESSEN, "Vins", "Côtes-du-Rhône 2022", "20.00", VatReason.ALCOHOL),
        (Trade.WINE, "", "Jus de raisin", "20.00", VatReason.ALCOHOL),
        (Trade.GREENGROCER, "", "Cidre brut fermier", "20.00", VatReason.ALCOHOL),
        (Trade.FLORIST, "", "Bouquet du jour", "10.00", VatReason.FLOWERS),
        (Trade.FLORIST, "Déco", "Vase en grès", "20.00", VatReason.NON_FOOD),
        (Trade.BOOKS, "", "Roman", "5.50", VatReason.BOOKS),
        (Trade.CHEESE, "Fromages", "Camembert de Normandie", "5.50", VatReason.FOOD),
    ],
)
def test_it_suggests_the_rate_a_french_shop_would_apply(trade, category, name, rate, reason):
    suggestion = suggest_vat_rate(trade=trade, category_name=category, product_name=name)

    assert (suggestion.rate, suggestion.reason) == (Decimal(rate), reason)


def test_it_prefers_the_category_to_the_product_name():
    suggestion = suggest_vat_rate(
        trade=Trade.BAKERY, category_name="Confiserie", product_name="Salade de fruits"
    )

    assert suggestion.reason == VatReason.CONFECTIONERY


def test_it_ignores_case_and_accents():
    assert suggest_vat_rate(trade=Trade.BAKERY, category_name="CHOCOLATS").rate == Decimal("20.00")
    assert suggest_vat_rate(trade=Trade.BAKERY, category_name="bières").rate == Decimal("20.00")


def test_it_falls_back_on_food_for_an_unknown_trade():
    assert suggest_vat_rate(trade="unknown").rate == Decimal("5.50")


def test_it_gives_a_reason_to_show():
    with translation.override("en"):
        assert str(suggest_vat_rate(trade=Trade.WINE).label) == "alcohol"
