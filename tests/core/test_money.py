from decimal import Decimal

from django.utils import translation

from comptoir.core.money import current_locale, format_money

NBSP = "\xa0"
NARROW_NBSP = "\u202f"


def test_it_formats_euros_the_french_way():
    assert format_money(Decimal("1.30"), locale="fr_FR") == f"1,30{NBSP}€"


def test_it_groups_thousands_the_french_way():
    assert format_money(Decimal("1234.5"), locale="fr_FR") == f"1{NARROW_NBSP}234,50{NBSP}€"


def test_it_formats_euros_the_british_way():
    assert format_money(Decimal("1234.5"), locale="en_GB") == "€1,234.50"


def test_it_formats_other_currencies():
    assert format_money(Decimal("12"), "CHF", locale="fr_FR") == f"12,00{NBSP}CHF"


def test_it_uses_the_active_language_when_no_locale_is_given():
    with translation.override("en"):
        assert format_money(Decimal("1.30")) == "€1.30"
    with translation.override("fr"):
        assert format_money(Decimal("1.30")) == f"1,30{NBSP}€"


def test_it_maps_our_languages_to_their_territories():
    with translation.override("fr"):
        assert current_locale() == "fr_FR"
    with translation.override("en"):
        assert current_locale() == "en_GB"


def test_it_falls_back_to_the_site_language_when_translation_is_off():
    with translation.override(None):
        assert current_locale() == "fr_FR"


def test_it_passes_other_languages_through_as_babel_locales():
    with translation.override("de-ch"):
        assert current_locale() == "de_CH"
