from datetime import UTC, datetime, time
from decimal import Decimal

from django.template import Context, Template
from django.utils import translation

from comptoir.interfaces.storefront.checkout_page import SlotOption
from comptoir.interfaces.storefront.templatetags.storefront import (
    clock,
    money,
    phone_national,
    slot_radios,
)


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


def slot(hour: int, *, checked: bool = False, value: str = "") -> SlotOption:
    starts = datetime(2026, 3, 10, hour, tzinfo=UTC)
    ends = starts.replace(hour=hour + 1)
    return SlotOption(value or starts.isoformat(), starts, ends, checked, "")


def test_slot_radios_are_what_the_template_loop_wrote():
    """The radios the checkout page's template wrote, one per line, before the tag replaced it."""
    loop = Template(
        "{% load storefront %}{% for option in options %}"
        '<label class="co-slot"><input type="radio" name="{{ name }}" value="{{ option.value }}"'
        "{% if option.checked %} checked{% endif %}><span>{{ option.starts_at|clock }}"
        '<span class="visually-hidden">–{{ option.ends_at|clock }}</span></span></label>'
        "{% if not forloop.last %}\n{% endif %}{% endfor %}"
    )
    options = [slot(9), slot(10, checked=True), slot(11)]
    expected = loop.render(Context({"options": options, "name": "shop-7-collect_slot"}))
    assert slot_radios(options, "shop-7-collect_slot") == expected
    assert expected.count(" checked>") == 1


def test_slot_radios_escape_what_they_write():
    html = slot_radios([slot(9, value='"><script>')], 'a"b')
    assert "<script>" not in html
    assert 'name="a&quot;b" value="&quot;&gt;&lt;script&gt;"' in html


def test_a_day_without_slots_writes_no_radio():
    assert slot_radios([], "shop-7-collect_slot") == ""
