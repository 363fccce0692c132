"""Money shown to people: amounts formatted the way the reader's language writes them."""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

from babel.numbers import format_currency
from django.conf import settings
from django.utils.translation import get_language, to_locale

# A bare language code gets the territory our readers live in: "fr" → France,
# "en" → the United Kingdom (euros are written "€1.30" there, as in Ireland).
DEFAULT_TERRITORIES = {"fr": "fr_FR", "en": "en_GB"}


def current_locale() -> str:
    """The Babel locale of the active language (fr_FR, en_GB…)."""
    language = get_language() or settings.LANGUAGE_CODE
    return DEFAULT_TERRITORIES.get(language, to_locale(language))


def format_money(amount: Decimal, currency: str = "EUR", locale: str | None = None) -> str:
    """`amount` as a price label: "1,30 €" in French, "€1.30" in English."""
    return _formatted(amount, currency, locale or current_locale())


@lru_cache(maxsize=8192)
def _formatted(amount: Decimal, currency: str, locale: str) -> str:
    # Babel takes ~100 µs a price (a tenth of a shop page); a shop's prices repeat.
    return format_currency(amount, currency, locale=locale)
