from datetime import time
from decimal import Decimal

from django.utils import translation

from comptoir.interfaces.storefront.templatetags.storefront import clock, money, phone_national


def test_it_formats_money_in_french():
    with translation.override("fr"):
        assert money(Decimal("1.30")) == "1,30\xa0€"
        assert money(Decimal("1234.50")) == "1\u202f234,50\xa0€"


def test_it_formats_money_in_english():
    with translation.override("en"):
        assert money(Decimal("1.30")) == "€1.30"


def test_it_formats_money_in_the_given_currency():
    with translation.override("en"):
        assert money(Decimal("2"), "CHF") == "CHF2.00"


def test_it_leaves_a_missing_amount_blank():
    assert money(None) == ""


def test_it_writes_clock_times_without_a_leading_zero():
    assert clock(time(7, 30)) == "7:30"
    assert clock(time(19, 0)) == "19:00"
    assert clock(None) == ""


def test_it_writes_french_phone_numbers_nationally():
    assert phone_national("+33235000000") == "02 35 00 00 00"
    assert phone_national("") == ""
