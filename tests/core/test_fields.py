import phonenumbers
import pytest
from django.core.exceptions import ValidationError

from comptoir.core.fields import PhoneNumberField, _e164, format_phone, normalize_phone


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("02 35 12 34 56", "+33235123456"),
        ("0235123456", "+33235123456"),
        ("02.35.12.34.56", "+33235123456"),
        ("+33 2 35 12 34 56", "+33235123456"),
        ("06 12 34 56 78", "+33612345678"),
        ("+44 20 7946 0958", "+442079460958"),
    ],
)
def test_it_normalises_a_phone_number_to_e164(typed, stored):
    assert normalize_phone(typed) == stored


@pytest.mark.parametrize("typed", ["garbage", "02 35", "+33 2 35 12 34 56 78 90", "++33"])
def test_it_refuses_what_is_not_a_phone_number(typed):
    with pytest.raises(ValidationError) as caught:
        normalize_phone(typed)

    assert caught.value.code == "invalid_phone"


def test_it_reads_a_national_number_in_another_region():
    assert normalize_phone("020 7946 0958", region="GB") == "+442079460958"


def test_it_formats_a_french_number_the_french_way():
    assert format_phone("+33235123456") == "02 35 12 34 56"


def test_it_formats_a_foreign_number_internationally():
    assert format_phone("+442079460958") == "+44 20 7946 0958"


def test_it_formats_no_number_as_nothing():
    assert format_phone("") == ""


def test_the_field_normalises_on_clean_and_leaves_blank_alone():
    field = PhoneNumberField(blank=True)

    assert field.to_python("02 35 12 34 56") == "+33235123456"
    assert field.to_python("") == ""
    assert field.to_python(None) is None
    assert field.max_length == 20


def test_the_field_refuses_garbage_on_clean():
    with pytest.raises(ValidationError) as caught:
        PhoneNumberField().clean("pas un numéro", None)

    assert caught.value.code == "invalid_phone"


def test_a_number_normalised_again_is_not_parsed_again(monkeypatch):
    """A checkout normalises its number four times: parsed once, refused each time if wrong."""
    parsed = []
    real = phonenumbers.parse

    def parse(value, region):
        parsed.append(value)
        return real(value, region)

    monkeypatch.setattr(phonenumbers, "parse", parse)
    _e164.cache_clear()
    for _ in range(4):
        assert normalize_phone("06 98 76 54 31") == "+33698765431"
        with pytest.raises(ValidationError):
            normalize_phone("06 98")

    assert parsed == ["06 98 76 54 31", "06 98"]
