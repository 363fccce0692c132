"""Back-office catalogue forms: they parse what the owner typed; the services decide."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from comptoir.core.errors import DomainError, InvalidInput
from comptoir.core.images import PhotoRefused, PreparedPhoto, prepare_photo
from comptoir.domain.catalogue.allergens import AllergenFormField
from comptoir.domain.catalogue.csv_io.cells import MAX_FILE_BYTES, CellError, parse_price
from comptoir.domain.catalogue.models import (
    MAX_LEAD_TIME_MINUTES,
    Category,
    Product,
    Unit,
    VatRate,
)

AUTO_VAT = "auto"


def add_domain_error(form: forms.Form, error: DomainError) -> None:
    """Show a service's refusal on the form: on its field when the form has it."""
    if isinstance(error, InvalidInput):
        for field, messages in error.errors.items():
            form.add_error(field if field in form.fields else None, messages)
        return
    name = error.field if error.field in form.fields else None
    form.add_error(name, str(error))


class ProductForm(forms.Form):
    """Everything about a product on one screen, in the order an owner thinks of it."""

    name = forms.CharField(
        label=_("Name"),
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "sentences"}),
    )
    photo = forms.FileField(
        label=_("Photo"),
        required=False,
        help_text=_("JPEG, PNG or WebP, up to 10 MB. Taken with your phone is perfect."),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,image/*"}
        ),
    )
    remove_photo = forms.BooleanField(label=_("Remove the photo"), required=False)
    price = forms.CharField(
        label=_("Price incl. VAT (€)"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    unit = forms.ChoiceField(label=_("Sold by"), choices=Unit.choices, initial=Unit.PIECE)
    category = forms.ChoiceField(label=_("Category"), required=False)
    new_category = forms.CharField(
        label=_("Or a new category"),
        max_length=80,
        required=False,
        help_text=_("Type a name to create it (it is then chosen)."),
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    vat_rate = forms.ChoiceField(label=_("VAT"), widget=forms.RadioSelect)
    allergens = AllergenFormField(label=_("Allergens"), required=False)
    unlimited = forms.BooleanField(
        label=_("Made to order: never runs out"), required=False, initial=False
    )
    stock = forms.IntegerField(
        label=_("In stock"),
        min_value=0,
        max_value=1_000_000,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    is_active = forms.BooleanField(label=_("On sale"), required=False, initial=True)
    lead_time_minutes = forms.IntegerField(
        label=_("Preparation time (minutes)"),
        min_value=0,
        max_value=MAX_LEAD_TIME_MINUTES,
        required=False,
        help_text=_("Empty: the shop's usual time. 2880 = 48 h, for a cake to order."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    daily_quota = forms.IntegerField(
        label=_("Most per day"),
        min_value=1,
        max_value=1_000_000,
        required=False,
        help_text=_("Empty: no limit."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    preorder_on = forms.DateField(
        label=_("Only on this date (pre-order)"),
        required=False,
        help_text=_("For a Christmas log: 24 December. Empty: any day."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    reference = forms.CharField(
        label=_("Reference"),
        max_length=40,
        required=False,
        help_text=_("Your own code (optional); a CSV import updates the product with it."),
    )

    def __init__(
        self,
        *args: Any,
        categories: list[Category],
        product: Product | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.product = product
        self.categories = {str(c.pk): c for c in categories}
        category_field = self.fields["category"]
        vat_field = self.fields["vat_rate"]
        assert isinstance(category_field, forms.ChoiceField)
        assert isinstance(vat_field, forms.ChoiceField)
        category_field.choices = [
            ("", pgettext_lazy("category", "None")),
            *((str(c.pk), c.name) for c in categories),
        ]
        vat_field.choices = [
            (AUTO_VAT, _("Suggested")),
            *VatRate.choices,
        ]
        if product is None or not product.photo:
            del self.fields["remove_photo"]

    @staticmethod
    def initial_for(product: Product | None) -> dict[str, Any]:
        if product is None:
            return {"vat_rate": AUTO_VAT, "is_active": True, "unit": Unit.PIECE, "stock": 0}
        return {
            "name": product.name,
            "price": str(product.price).replace(".", ","),
            "unit": product.unit,
            "category": str(product.category_id or ""),
            "description": product.description,
            "vat_rate": f"{product.vat_rate:.2f}",
            "allergens": int(product.allergens),
            "unlimited": product.stock is None,
            "stock": product.stock,
            "is_active": product.is_active,
            "lead_time_minutes": product.lead_time_minutes,
            "daily_quota": product.daily_quota,
            "preorder_on": product.preorder_on,
            "reference": product.reference,
        }

    def clean_price(self) -> Decimal:
        try:
            return parse_price(self.cleaned_data["price"])
        except CellError as error:
            # "The price “3,5O” is not a number.": the cell's own sentence.
            raise forms.ValidationError(f"{capfirst(error.text())}.") from None

    def clean_photo(self) -> PreparedPhoto | None:
        upload = self.cleaned_data.get("photo")
        if not upload:
            return None
        try:
            return prepare_photo(upload, name=getattr(upload, "name", "photo") or "photo")
        except PhotoRefused as error:
            raise forms.ValidationError(str(error)) from None

    def clean_category(self) -> Category | None:
        value = self.cleaned_data.get("category") or ""
        return self.categories.get(value)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if (
            not cleaned.get("unlimited")
            and cleaned.get("stock") is None
            and "stock" not in self.errors
        ):
            cleaned["stock"] = 0
        if cleaned.get("unlimited"):
            cleaned["stock"] = None
        return cleaned

    def vat_rate_value(self) -> Decimal | None:
        """The rate chosen, or None for "suggested" (the view asks the domain)."""
        value = self.cleaned_data["vat_rate"]
        return None if value == AUTO_VAT else Decimal(value)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("Saved from Excel, LibreOffice or Google Sheets as CSV (; or , separated)."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv,text/plain"}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("This file is larger than %(limit)s MB. Split it into several files."),
                params={"limit": MAX_FILE_BYTES // 1024 // 1024},
            )
        return upload
