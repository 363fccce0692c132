import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from comptoir.core.errors import DomainError, InvalidInput, full_clean_or_raise
from comptoir.domain.cities.models import City


class FieldRequired(DomainError):
    code = "field_required"
    # A message Django's own French catalogue translates, to prove lazy rendering.
    default_message = _("This field is required.")
    field = "name"


class TooMany(DomainError):
    code = "too_many"
    default_message = _("Only %(limit)s left.")


def test_it_renders_the_message_in_the_language_active_when_shown():
    error = FieldRequired()

    with translation.override("fr"):
        assert str(error) == "Ce champ est obligatoire."
    with translation.override("en"):
        assert str(error) == "This field is required."


def test_it_keeps_a_stable_code_and_field_on_the_class():
    error = FieldRequired()

    assert error.code == "field_required"
    assert error.field == "name"
    assert DomainError.code == "domain_error"


def test_it_interpolates_params_into_the_message():
    error = TooMany(params={"limit": 3})

    assert str(error) == "Only 3 left."
    assert error.params == {"limit": 3}
    assert repr(error) == "TooMany(code='too_many', params={'limit': 3})"


def test_it_accepts_a_specific_message_and_field():
    error = DomainError("Closed on Sundays.", field="weekday")

    assert str(error) == "Closed on Sundays."
    assert error.field == "weekday"
    assert str(DomainError()) == "Cette action n’est pas possible."
    with translation.override("en"):
        assert str(DomainError()) == "This action is not possible."


def test_it_is_raised_and_caught_as_an_exception():
    with pytest.raises(DomainError, match=r"^Only 2 left\.$"):
        raise TooMany(params={"limit": 2})


def test_invalid_input_lists_messages_by_field():
    error = InvalidInput(ValidationError({"slug": ["Taken."], "name": ["Too long."]}))

    assert error.code == "invalid_input"
    assert error.errors == {"slug": ["Taken."], "name": ["Too long."]}
    assert error.field is None


def test_invalid_input_names_the_field_when_only_one_is_wrong():
    error = InvalidInput(ValidationError({"slug": ["Taken."]}))

    assert error.field == "slug"


def test_invalid_input_puts_an_error_without_field_under_all():
    error = InvalidInput(ValidationError("Nope."))

    assert error.errors == {"__all__": ["Nope."]}
    assert error.field is None


@pytest.mark.django_db
def test_full_clean_or_raise_turns_validation_errors_into_invalid_input():
    city = City(name="Rouen", slug="rouen", latitude=91, longitude=1, currency="EURO")

    with translation.override("en"), pytest.raises(InvalidInput) as caught:
        full_clean_or_raise(city)

    with translation.override("en"):
        assert caught.value.errors == {
            "currency": ["Ensure this value has at most 3 characters (it has 4)."],
            "__all__": ["Constraint “cities_city_latitude_range” is violated."],
        }


@pytest.mark.django_db
def test_full_clean_or_raise_accepts_a_valid_object_and_honours_exclude():
    city = City(name="Rouen", slug="", latitude=49, longitude=1)

    full_clean_or_raise(city, exclude={"slug"})
