"""The checkout form: it parses what the page posted; `checkout_place` decides.

Field names: contact (`name`, `email`, `phone`), `payment_method`, the hidden
`token` (idempotency key), `expected` (what the page showed:
"product:unit price:quantity" triples separated by ";") and `summary_key`
(which choices the summary showed), `vouchers` (the discounts the summary
showed: "shop:voucher code:discount" triples separated by ";"); per shop `s<id>-fulfilment`,
`s<id>-collect_slot`, `s<id>-delivery_slot`; one delivery address for every
shop delivered (`address-…`), with the coordinates it was located at.

Parsing never fails with an exception: anything malformed becomes a message on
the form. Whether a slot is still offered, an e-mail or phone number valid, an
address inside a delivery zone, is the service's call.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from comptoir.domain.orders.checkout import Collect, Contact, Delivery, FulfilmentChoice
from comptoir.domain.orders.models import MAX_LINE_QUANTITY, Fulfilment, PaymentMethod
from comptoir.domain.orders.payments import payment_method_choices
from comptoir.domain.shops.models import Shop
from comptoir.interfaces.address_fields import (
    delivery_instructions_field,
    locality_field,
    postal_code_field,
    street_field,
    street_more_field,
)

ADDRESS_PREFIX = "address"
#: More lines than a basket can hold is a forged form, not a basket.
MAX_EXPECTED_LINES = 500
SHOP_FIELD = re.compile(r"^s(\d{1,9})-fulfilment$")


def shop_field(shop_id: int, name: str) -> str:
    return f"s{shop_id}-{name}"


def slot_value(starts_at: datetime) -> str:
    """How a slot travels in the form: its start, in UTC, ISO 8601."""
    return starts_at.astimezone(UTC).isoformat()


def parse_slot(value: str) -> datetime | None:
    try:
        starts_at = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if starts_at.tzinfo is None:
        return None
    return starts_at.astimezone(UTC)


def address_key(line1: str, postal_code: str) -> str:
    """The address that coordinates were found for; typing another drops them."""
    return " ".join(f"{line1}|{postal_code}".lower().split())


def summary_key(data: Mapping[str, Any]) -> str:
    """Which pickup/delivery choices a summary was computed for, from raw form data.

    Read from every `s<id>-fulfilment` posted (not from the basket), so that a
    replayed form (the basket already emptied by the first request) gets the
    same key as the first time.
    """
    parts = []
    for name in sorted(data, key=str):
        match = SHOP_FIELD.match(str(name))
        if match is None:
            continue
        shop_id = match.group(1)
        kind = str(data.get(name, ""))
        slot = str(data.get(f"s{shop_id}-{kind}_slot", ""))
        parts.append(f"{shop_id}:{kind}:{slot}")
    return ";".join(parts)


def expected_value(lines: Sequence[tuple[int, Decimal, int]]) -> str:
    return ";".join(f"{pk}:{price}:{quantity}" for pk, price, quantity in lines)


def expected_vouchers_value(discounts: Sequence[tuple[int, str, Decimal]]) -> str:
    return ";".join(f"{shop_id}:{code}:{discount}" for shop_id, code, discount in discounts)


def parse_expected_vouchers(value: str) -> dict[int, tuple[str, Decimal]]:
    """ "3:K7QF-3M2X:1.21" → {3: ("K7QF-3M2X", Decimal("1.21"))}; ValueError if malformed."""
    seen: dict[int, tuple[str, Decimal]] = {}
    items = [item for item in value.split(";") if item.strip()]
    if len(items) > MAX_EXPECTED_LINES:
        raise ValueError("too many shops")
    for item in items:
        shop_text, code, discount_text = item.split(":")
        shop_id = int(shop_text)
        try:
            discount = Decimal(discount_text)
        except InvalidOperation as error:
            raise ValueError(discount_text) from error
        if shop_id < 1 or not code or len(code) > 12 or not discount.is_finite() or discount < 0:
            raise ValueError(item)
        seen[shop_id] = (code, discount)
    return seen


def parse_expected(value: str) -> dict[int, tuple[Decimal, int]]:
    """ "12:1.30:2;13:8.90:1" → {12: (Decimal("1.30"), 2), 13: …}; ValueError if malformed."""
    expected: dict[int, tuple[Decimal, int]] = {}
    items = [item for item in value.split(";") if item.strip()]
    if len(items) > MAX_EXPECTED_LINES:
        raise ValueError("too many lines")
    for item in items:
        pk_text, price_text, quantity_text = item.split(":")
        pk, quantity = int(pk_text), int(quantity_text)
        try:
            price = Decimal(price_text)
        except InvalidOperation as error:
            raise ValueError(price_text) from error
        if pk < 1 or not price.is_finite() or price < 0 or not 1 <= quantity <= MAX_LINE_QUANTITY:
            raise ValueError(item)
        expected[pk] = (price, quantity)
    return expected


class CheckoutForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.CharField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(
            attrs={"autocomplete": "email", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=32,
        help_text=_("The shop calls it if something is missing."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
    # Every registered provider; whether the basket's shops take it is the service's call.
    payment_method = forms.ChoiceField(
        label=_("Payment"),
        choices=payment_method_choices,
        initial=PaymentMethod.AT_SHOP,
        widget=forms.RadioSelect,
    )
    # The page's random key (secrets.token_urlsafe); it ends up in the confirmation's URL.
    token = forms.CharField(
        min_length=16,
        max_length=64,
        validators=[RegexValidator(r"^[A-Za-z0-9_-]+$")],
        widget=forms.HiddenInput,
    )
    expected = forms.CharField(required=False, max_length=20_000, widget=forms.HiddenInput)
    vouchers = forms.CharField(required=False, max_length=20_000, widget=forms.HiddenInput)
    summary_key = forms.CharField(required=False, max_length=20_000, widget=forms.HiddenInput)

    # Required when a shop is delivered (see clean()): the browser must not
    # block a pickup-only order on an address it does not need.
    line1 = street_field(_("Street and number"), required=False)
    line2 = street_more_field(_("Building, floor"))
    postal_code = postal_code_field(required=False)
    locality = locality_field(required=False)
    instructions = delivery_instructions_field()
    latitude = forms.DecimalField(
        max_digits=9, decimal_places=6, min_value=-90, max_value=90, required=False
    )
    longitude = forms.DecimalField(
        max_digits=9, decimal_places=6, min_value=-180, max_value=180, required=False
    )
    located_for = forms.CharField(max_length=400, required=False)

    ADDRESS_FIELDS = (
        "line1",
        "line2",
        "postal_code",
        "locality",
        "instructions",
        "latitude",
        "longitude",
        "located_for",
    )
    CONTACT_FIELDS = ("name", "email", "phone")

    def __init__(self, *args: Any, shops: Sequence[Shop], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.shops = list(shops)
        for shop in self.shops:
            kinds = [
                (kind, label)
                for kind, label in Fulfilment.choices
                if (shop.collect_enabled if kind == Fulfilment.COLLECT else shop.delivery_enabled)
            ]
            self.fields[shop_field(shop.pk, "fulfilment")] = forms.ChoiceField(
                label=shop.name,
                choices=kinds,
                error_messages={"required": _("Choose pickup or delivery.")},
            )
            for kind in (Fulfilment.COLLECT, Fulfilment.DELIVERY):
                self.fields[shop_field(shop.pk, f"{kind}_slot")] = forms.CharField(
                    max_length=40, required=False
                )

    def add_prefix(self, field_name: str) -> str:
        if field_name in self.ADDRESS_FIELDS:
            return f"{ADDRESS_PREFIX}-{field_name}"
        return field_name

    def clean_expected(self) -> dict[int, tuple[Decimal, int]]:
        try:
            return parse_expected(self.cleaned_data.get("expected", ""))
        except ValueError as error:
            raise forms.ValidationError(
                _("This page was out of date. Check your order below, then confirm again."),
                code="expected",
            ) from error

    def clean_vouchers(self) -> dict[int, tuple[str, Decimal]]:
        try:
            return parse_expected_vouchers(self.cleaned_data.get("vouchers", ""))
        except ValueError as error:
            raise forms.ValidationError(
                _("This page was out of date. Check your order below, then confirm again."),
                code="expected",
            ) from error

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        delivering = False
        for shop in self.shops:
            kind = cleaned.get(shop_field(shop.pk, "fulfilment"))
            if kind is None:
                continue
            delivering = delivering or kind == Fulfilment.DELIVERY
            slot_name = shop_field(shop.pk, f"{kind}_slot")
            if parse_slot(cleaned.get(slot_name, "")) is None:
                message = (
                    _("Choose a pickup time.")
                    if kind == Fulfilment.COLLECT
                    else _("Choose a delivery time.")
                )
                self.add_error(slot_name, message)
        if delivering:
            for name, message in (
                ("line1", _("Enter the street and number.")),
                ("postal_code", _("Enter the postal code.")),
                ("locality", _("Enter the town.")),
            ):
                if not cleaned.get(name, "").strip():
                    self.add_error(name, message)
        return cleaned

    def contact(self) -> Contact:
        data = self.cleaned_data
        return Contact(name=data["name"], email=data["email"], phone=data["phone"])

    def coordinates(self) -> tuple[Decimal | None, Decimal | None]:
        """The address's coordinates, if they were found for the address as typed now."""
        data = self.cleaned_data
        latitude, longitude = data.get("latitude"), data.get("longitude")
        if latitude is None or longitude is None:
            return None, None
        if data.get("located_for", "") != address_key(data["line1"], data["postal_code"]):
            return None, None
        return latitude, longitude

    def choices(self) -> dict[int, FulfilmentChoice]:
        data = self.cleaned_data
        latitude, longitude = self.coordinates()
        choices: dict[int, FulfilmentChoice] = {}
        for shop in self.shops:
            kind = data[shop_field(shop.pk, "fulfilment")]
            starts_at = parse_slot(data[shop_field(shop.pk, f"{kind}_slot")])
            assert starts_at is not None  # checked by clean()
            if kind == Fulfilment.COLLECT:
                choices[shop.pk] = Collect(slot_starts_at=starts_at)
            else:
                choices[shop.pk] = Delivery(
                    slot_starts_at=starts_at,
                    line1=data["line1"],
                    line2=data["line2"],
                    postal_code=data["postal_code"],
                    locality=data["locality"],
                    instructions=data["instructions"],
                    latitude=latitude,
                    longitude=longitude,
                )
        return choices

    def summary_is_current(self) -> bool:
        """Whether the summary the customer saw was computed for the choices posted."""
        return self.cleaned_data.get("summary_key", "") == summary_key(self.data)


@dataclass(frozen=True, slots=True)
class Selection:
    """What the page shows as chosen: posted values, else the remembered ones."""

    kinds: dict[int, str]
    slots: dict[int, str]  # shop id → the chosen kind's slot value
    address: dict[str, str]

    @classmethod
    def from_data(cls, data: Mapping[str, Any], shops: Sequence[Shop]) -> Selection:
        kinds, slots = {}, {}
        for shop in shops:
            kind = str(data.get(shop_field(shop.pk, "fulfilment"), ""))
            if kind in Fulfilment.values:
                kinds[shop.pk] = kind
                slots[shop.pk] = str(data.get(shop_field(shop.pk, f"{kind}_slot"), ""))
        address = {
            name: str(data.get(f"{ADDRESS_PREFIX}-{name}", ""))
            for name in CheckoutForm.ADDRESS_FIELDS
        }
        return cls(kinds=kinds, slots=slots, address=address)
