"""The postal address fields of every form: one wording, one set of browser hints.

Shop sign-up (pro/onboarding_forms.py), a customer's saved addresses
(accounts/forms.py) and the checkout's delivery address
(storefront/checkout_forms.py) ask for the same things; each field is made
here so that they are labelled alike and the browser (autocomplete) and the
phone keyboard (inputmode) fill them alike.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise  # django-stubs' name for a lazy str


def street_field(label: str | _StrPromise, *, required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=200,
        required=required,
        widget=forms.TextInput(attrs={"autocomplete": "address-line1"}),
    )


def street_more_field(label: str | _StrPromise) -> forms.CharField:
    """The optional second line (building, floor)."""
    return forms.CharField(
        label=label,
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "address-line2"}),
    )


def postal_code_field(*, required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=_("Postal code"),
        max_length=10,
        required=required,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "inputmode": "numeric"}),
    )


def locality_field(*, required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=_("Town"),
        max_length=100,
        required=required,
        widget=forms.TextInput(attrs={"autocomplete": "address-level2"}),
    )


def delivery_instructions_field() -> forms.CharField:
    return forms.CharField(
        label=_("Delivery instructions"),
        max_length=300,
        required=False,
        help_text=_("Door code, floor…"),
    )
