"""The one-screen deal form: it parses what the owner typed; the deals services decide.

Dates and times are typed in the city's time zone (the view validates the
form under `timezone.override(city.zone)`). Only the fields of the chosen kind
are required; the service clears the others. The rules that tie fields
together (the end after the start, n above m…) are the deal's database
checks: `refusal_messages` only says them in words, on the right field.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from comptoir.core.errors import DomainError, InvalidInput
from comptoir.core.images import PhotoRefused, PreparedPhoto, prepare_photo
from comptoir.domain.catalogue.csv_io.cells import CellError, parse_price
from comptoir.domain.catalogue.models import Product
from comptoir.domain.deals.models import Deal, DealKind
from comptoir.interfaces.backoffice.catalogue_forms import add_domain_error

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
WEEKDAYS = [
    ("0", _("Mon")),
    ("1", _("Tue")),
    ("2", _("Wed")),
    ("3", _("Thu")),
    ("4", _("Fri")),
    ("5", _("Sat")),
    ("6", _("Sun")),
]
WHOLE_SHOP = "shop"
SOME_PRODUCTS = "products"

#: The deal's database checks (models.Deal.Meta.constraints), said to the owner.
CONSTRAINT_MESSAGES = {
    "deals_deal_ends_after_start": ("ends_at", _("The end must come after the start.")),
    "deals_deal_percent_set": ("percent", _("Give a percentage between 1 and 100.")),
    "deals_deal_amount_set": ("amount", _("Give an amount above zero.")),
    "deals_deal_free_product_set": ("free_product", _("Choose the product offered.")),
    "deals_deal_n_for_m_set": (
        "buy_quantity",
        _("Customers must take more than they pay for: for example 3 for the price of 2."),
    ),
    "deals_deal_weekdays_valid": ("weekdays", _("Tick at least one day.")),
    "deals_deal_daily_window_valid": (
        "daily_until",
        _("Give both hours, the second after the first (for example 15:00 to 18:00)."),
    ),
    "deals_deal_usable_somewhere": ("in_store", _("Tick in the shop, online, or both.")),
    "deals_deal_per_customer_positive": ("per_customer_limit", _("At least 1 per customer.")),
}


class DealForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=120,
        # xgettext:no-python-format
        help_text=_("What customers read first, e.g. “20 % off galettes this weekend”."),
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    photo = forms.FileField(
        label=_("Photo"),
        required=False,
        help_text=_("JPEG, PNG or WebP, up to 10 MB."),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,image/*"}
        ),
    )
    remove_photo = forms.BooleanField(label=_("Remove the photo"), required=False)
    kind = forms.ChoiceField(
        label=_("What you offer"), choices=DealKind.choices, widget=forms.RadioSelect
    )
    percent = forms.IntegerField(
        label=_("Percentage off"),
        min_value=1,
        max_value=100,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    amount = forms.CharField(
        label=_("Amount off (€)"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    free_product = forms.ModelChoiceField(
        label=_("Product offered"), queryset=Product.objects.none(), required=False
    )
    buy_quantity = forms.IntegerField(
        label=_("Customers take"),
        min_value=2,
        max_value=100,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    pay_quantity = forms.IntegerField(
        label=_("and pay for"),
        min_value=1,
        max_value=99,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    scope = forms.ChoiceField(
        label=_("Which products"),
        choices=[(WHOLE_SHOP, _("The whole shop")), (SOME_PRODUCTS, _("Some products"))],
        initial=WHOLE_SHOP,
        widget=forms.RadioSelect,
    )
    products = forms.ModelMultipleChoiceField(
        label=_("Products"),
        queryset=Product.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    starts_at = forms.DateTimeField(
        label=_("Starts"),
        input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
    )
    ends_at = forms.DateTimeField(
        label=_("Ends"),
        input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
    )
    weekdays = forms.MultipleChoiceField(
        label=_("On these days"),
        choices=WEEKDAYS,
        initial=[code for code, _label in WEEKDAYS],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Tick at least one day.")},
    )
    daily_from = forms.TimeField(
        label=_("From (each day)"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    daily_until = forms.TimeField(
        label=_("Until (each day)"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    total_cap = forms.IntegerField(
        label=_("Vouchers in all"),
        min_value=1,
        max_value=1_000_000,
        required=False,
        help_text=_("Empty: no limit."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    per_customer_limit = forms.IntegerField(
        label=_("Vouchers per customer"),
        min_value=1,
        max_value=100,
        initial=1,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    in_store = forms.BooleanField(label=_("In the shop"), required=False, initial=True)
    online = forms.BooleanField(label=_("With an online order"), required=False, initial=True)
    terms = forms.CharField(
        label=_("Terms"),
        required=False,
        help_text=_("E.g. “Not combinable with other offers”."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(
        self, *args: Any, products: QuerySet[Product], deal: Deal | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.deal = deal
        for name in ("free_product", "products"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = products
        if deal is None or not deal.photo:
            del self.fields["remove_photo"]

    @staticmethod
    def initial_for(
        deal: Deal, *, zone: Any, dates: tuple[datetime, datetime] | None = None
    ) -> dict[str, Any]:
        """The form filled from `deal` (to edit it, or with `dates` to duplicate it)."""
        starts_at, ends_at = dates or (deal.starts_at, deal.ends_at)
        return {
            "title": deal.title,
            "description": deal.description,
            "kind": deal.kind,
            "percent": deal.percent,
            "amount": str(deal.amount).replace(".", ",") if deal.amount is not None else "",
            "free_product": deal.free_product_id,
            "buy_quantity": deal.buy_quantity,
            "pay_quantity": deal.pay_quantity,
            "scope": WHOLE_SHOP if deal.whole_shop else SOME_PRODUCTS,
            "products": [p.pk for p in deal.products.all()],
            # Naive local times: the widget shows them as they are.
            "starts_at": starts_at.astimezone(zone).replace(tzinfo=None),
            "ends_at": ends_at.astimezone(zone).replace(tzinfo=None),
            "weekdays": [code for code, _label in WEEKDAYS if deal.weekdays & (1 << int(code))],
            "daily_from": deal.daily_from,
            "daily_until": deal.daily_until,
            "total_cap": deal.total_cap,
            "per_customer_limit": deal.per_customer_limit,
            "in_store": deal.in_store,
            "online": deal.online,
            "terms": deal.terms,
        }

    @staticmethod
    def initial_new(*, now: datetime, zone: Any) -> dict[str, Any]:
        """A new deal: from the next full hour, for a week, every day, in the shop and online."""
        start = (now.astimezone(zone) + timedelta(hours=1)).replace(
            minute=0, second=0, microsecond=0, tzinfo=None
        )
        return {
            "kind": DealKind.PERCENT_OFF,
            "scope": WHOLE_SHOP,
            "starts_at": start,
            "ends_at": start + timedelta(days=7),
            "weekdays": [code for code, _label in WEEKDAYS],
            "per_customer_limit": 1,
            "in_store": True,
            "online": True,
        }

    def clean_amount(self) -> Decimal | None:
        value = (self.cleaned_data.get("amount") or "").strip()
        if not value:
            return None
        try:
            return parse_price(value)
        except CellError as error:
            raise forms.ValidationError(f"{capfirst(error.text())}.") from None

    def clean_photo(self) -> PreparedPhoto | None:
        upload = self.cleaned_data.get("photo")
        if not upload:
            return None
        try:
            return prepare_photo(upload, name=getattr(upload, "name", "deal") or "deal")
        except PhotoRefused as error:
            raise forms.ValidationError(str(error)) from None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        kind = str(cleaned.get("kind") or "")
        by_kind: dict[str, list[str]] = {
            DealKind.PERCENT_OFF: ["percent"],
            DealKind.AMOUNT_OFF: ["amount"],
            DealKind.FREE_ITEM: ["free_product"],
            DealKind.N_FOR_M: ["buy_quantity", "pay_quantity"],
        }
        for name in by_kind.get(kind, []):
            if cleaned.get(name) in (None, "") and name not in self.errors:
                self.add_error(name, _("Needed for this kind of deal."))
        if (
            cleaned.get("scope") == SOME_PRODUCTS
            and not cleaned.get("products")
            and "products" not in self.errors
        ):
            self.add_error("products", _("Tick at least one product, or choose the whole shop."))
        return cleaned

    def service_fields(self) -> dict[str, Any]:
        """The keyword arguments of `deal_create` / `deal_update` (products apart)."""
        data = self.cleaned_data
        return {
            "title": data["title"],
            "description": data["description"],
            "kind": DealKind(data["kind"]),
            "percent": data.get("percent"),
            "amount": data.get("amount"),
            "free_product": data.get("free_product"),
            "buy_quantity": data.get("buy_quantity"),
            "pay_quantity": data.get("pay_quantity"),
            "whole_shop": data["scope"] == WHOLE_SHOP,
            "starts_at": data["starts_at"],
            "ends_at": data["ends_at"],
            "weekdays": sum(1 << int(code) for code in data["weekdays"]),
            "daily_from": data.get("daily_from"),
            "daily_until": data.get("daily_until"),
            "total_cap": data.get("total_cap"),
            "per_customer_limit": data["per_customer_limit"],
            "in_store": data["in_store"],
            "online": data["online"],
            "terms": data["terms"],
        }

    def chosen_products(self) -> list[Product]:
        if self.cleaned_data["scope"] == WHOLE_SHOP:
            return []
        return list(self.cleaned_data["products"])

    def add_refusal(self, error: DomainError) -> None:
        """A service's refusal on the form, in words, on its field when there is one."""
        if isinstance(error, InvalidInput):
            for field, messages in error.errors.items():
                for message in messages:
                    target, text = _constraint_message(message) or (field, message)
                    self.add_error(target if target in self.fields else None, str(text))
            return
        add_domain_error(self, error)


def _constraint_message(message: str) -> tuple[str, Any] | None:
    for name, said in CONSTRAINT_MESSAGES.items():
        if name in message:
            return said
    return None
