"""Forms of onboarding: the public "join the marketplace" request, the invited owner's welcome."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from comptoir.core.fields import normalize_phone
from comptoir.domain.cities.models import City
from comptoir.domain.onboarding.services import ShopDetails
from comptoir.domain.shops.models import Trade
from comptoir.domain.shops.selectors import live_cities
from comptoir.interfaces.address_fields import locality_field, postal_code_field, street_field

#: The honeypot: a field people never see (hidden by CSS, skipped by screen
#: readers) that form-filling robots fill. A filled one is dropped silently.
HONEYPOT = "website"


def _phone(value: str) -> str:
    return normalize_phone(value) if value else ""


class ApplyForm(forms.Form):
    shop_name = forms.CharField(label=_("Name of the shop"), max_length=120)
    trade = forms.ChoiceField(label=_("Trade"), choices=Trade.choices)
    city = forms.ModelChoiceField(
        label=_("Town"),
        queryset=City.objects.none(),
        required=False,
        empty_label=_("My town is not in the list"),
    )
    town = forms.CharField(
        label=_("Your town, if it is not in the list"),
        max_length=100,
        required=False,
        help_text=_("Comptoir opens town by town: tell us where you are."),
    )
    contact_name = forms.CharField(
        label=_("Your name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Your e-mail address"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autocapitalize": "none"}),
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    message = forms.CharField(
        label=_("Anything to add?"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["city"].queryset = live_cities()  # type: ignore[attr-defined]

    def clean_phone(self) -> str:
        return _phone(self.cleaned_data["phone"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        no_place = not cleaned.get("city") and not (cleaned.get("town") or "").strip()
        if no_place and "city" not in self.errors:
            self.add_error(
                "town", _("Choose your town in the list, or type its name if it is not there.")
            )
        return cleaned

    @property
    def is_robot(self) -> bool:
        return bool(self.data.get(HONEYPOT))


class WelcomeForm(forms.Form):
    """The shop's profile, and (for someone new to Comptoir) a first name and a password."""

    first_name = forms.CharField(
        label=_("Your first name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    password = forms.CharField(
        label=_("Choose a password"),
        strip=False,
        help_text=_("At least 8 characters, not only digits, not too common."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    name = forms.CharField(label=_("Name of the shop"), max_length=120)
    trade = forms.ChoiceField(label=_("Trade"), choices=Trade.choices)
    street = street_field(_("Street address"))
    postal_code = postal_code_field()
    locality = locality_field()
    phone = forms.CharField(
        label=_("Shop phone"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    email = forms.EmailField(
        label=_("Shop e-mail"),
        required=False,
        help_text=_("Shown to customers. Empty: your own address is not shown."),
    )

    def __init__(self, *args: Any, new_account: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not new_account:
            del self.fields["first_name"]
            del self.fields["password"]

    def clean_phone(self) -> str:
        return _phone(self.cleaned_data["phone"])

    def details(self) -> ShopDetails:
        data = self.cleaned_data
        return ShopDetails(
            name=data["name"],
            trade=data["trade"],
            street=data["street"],
            postal_code=data["postal_code"],
            locality=data["locality"],
            phone=data["phone"],
            email=data["email"],
        )
