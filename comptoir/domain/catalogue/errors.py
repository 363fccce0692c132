"""What the catalogue services refuse."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from comptoir.core.errors import DomainError


class CategoryAlreadyExists(DomainError):
    code = "category_already_exists"
    default_message = _("This shop already has a category named %(name)s.")
    field = "name"

    def __init__(self, name: str) -> None:
        super().__init__(params={"name": name})


class CategoryNotInShop(DomainError):
    code = "category_not_in_shop"
    default_message = _("This category belongs to another shop.")
    field = "category"


class InvalidPrice(DomainError):
    code = "invalid_price"
    default_message = _("A price must be zero or more.")
    field = "price"


class UnknownVatRate(DomainError):
    code = "unknown_vat_rate"
    default_message = _("%(rate)s %% is not a French VAT rate (2.1, 5.5, 10 or 20 %%).")
    field = "vat_rate"

    def __init__(self, rate: object) -> None:
        super().__init__(params={"rate": rate})


class NegativeStock(DomainError):
    code = "negative_stock"
    default_message = _("Stock cannot be negative; leave it empty for made-to-order products.")
    field = "stock"


class StockNotCounted(DomainError):
    code = "stock_not_counted"
    default_message = _("This product is made to order: its stock is not counted.")
    field = "stock"


class NotInShop(DomainError):
    """A product of another shop: read as "not found" by the interfaces."""

    code = "product_not_in_shop"
    default_message = _("This product does not exist in this shop.")


class ReferenceTaken(DomainError):
    code = "reference_taken"
    default_message = _("Another product of this shop has the reference %(reference)s.")
    field = "reference"

    def __init__(self, reference: str) -> None:
        super().__init__(params={"reference": reference})
