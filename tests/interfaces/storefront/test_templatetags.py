import re
from datetime import UTC, date, datetime, time
from decimal import Decimal

import pytest
from django import forms
from django.template import Context, Template
from django.utils import translation

from comptoir.interfaces.storefront.checkout_page import SlotDay, SlotOption
from comptoir.interfaces.storefront.templatetags.storefront import (
    checkout_field,
    clock,
    money,
    phone_national,
    slot_days,
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


def same_markup(html: str) -> str:
    """Markup without the template's indentation: what a browser builds is the same."""
    return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", html)).strip()


def test_slot_days_are_what_the_template_loop_wrote():
    """The days the checkout page's template wrote, before the tag replaced its loop."""
    loop = Template(
        "{% load i18n storefront %}{% for day in days %}"
        '<details class="co-day"{% if day.has_checked %} open{% endif %}>'
        '<summary class="co-day__summary">{{ day.label }} <span class="co-day__count">'
        "{% blocktranslate count n=day.options|length %}{{ n }} time{% plural %}"
        "{{ n }} times{% endblocktranslate %}</span></summary>"
        '<div class="co-day__slots">{% slot_radios day.options name %}</div></details>'
        "{% endfor %}"
    )
    days = [
        SlotDay(date(2026, 3, 10), "Aujourd'hui <mardi>", [slot(9)]),
        SlotDay(date(2026, 3, 11), "Demain", [slot(10), slot(11, checked=True)]),
    ]
    for language in ("fr", "en"):
        with translation.override(language):
            expected = loop.render(Context({"days": days, "name": "s7-collect_slot"}))
            assert same_markup(slot_days(days, "s7-collect_slot")) == same_markup(expected)
    assert "Aujourd&#x27;hui &lt;mardi&gt;" in expected
    assert expected.count(" open>") == 1
    assert "2 times" in expected


class Address(forms.Form):
    line1 = forms.CharField(label="Rue", required=False, help_text="Numéro & rue")
    phone = forms.CharField(label="Téléphone <mobile>")
    instructions = forms.CharField(label="Instructions", required=False)


OLD_FIELD = Template(
    """{% load i18n %}<div class="field{% if field.errors %} field--invalid{% endif %}">
  <label class="field__label" for="{{ field.auto_id }}">{{ field.label }}{% if not field.field.required and not required %} <span class="field__optional">{% translate "(optional)" %}</span>{% endif %}</label>
  {{ field }}
  {% if field.help_text %}<p class="field__help" id="{{ field.auto_id }}_helptext">{{ field.help_text }}</p>{% endif %}
  {% if field.errors %}<p class="field__error" id="{{ field.auto_id }}_error">{{ field.errors|join:" " }}</p>{% endif %}
</div>"""  # noqa: E501 - the include the tag replaced, as it was
)


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("data", [None, {"line1": "<b>1 rue</b>", "phone": ""}])
@pytest.mark.parametrize("name", ["line1", "phone", "instructions"])
@pytest.mark.parametrize("required", [False, True])
def test_checkout_field_is_what_the_include_wrote(language, data, name, required):
    with translation.override(language):
        field = Address(data)[name]
        expected = OLD_FIELD.render(Context({"field": field, "required": required}))

        assert same_markup(checkout_field(field, required=required)) == same_markup(expected)


def test_checkout_field_marks_optional_fields_and_ties_help_and_errors_to_the_input():
    form = Address({"line1": "", "phone": ""})
    with translation.override("fr"):
        optional = checkout_field(form["line1"])
        invalid = checkout_field(form["phone"])
        required_anyway = checkout_field(form["line1"], required=True)

    assert '<span class="field__optional">(facultatif)</span>' in optional
    assert 'id="id_line1_helptext">Numéro &amp; rue</p>' in optional
    assert 'aria-describedby="id_line1_helptext"' in optional
    assert invalid.startswith('<div class="field field--invalid">')
    assert 'for="id_phone">Téléphone &lt;mobile&gt;</label>' in invalid
    assert 'id="id_phone_error">' in invalid
    assert 'aria-invalid="true"' in invalid
    assert "field__optional" not in required_anyway
