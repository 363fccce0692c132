"""Writes on a shop's catalogue: categories and products.

Money is never a float: prices and VAT rates must be `Decimal`s (a float is a
programming error, refused with `TypeError`); prices are kept to the cent,
rounded half up as on a till.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import Max

from comptoir.core.errors import InvalidInput, full_clean_or_raise
from comptoir.domain.catalogue.allergens import Allergen
from comptoir.domain.catalogue.errors import (
    CategoryAlreadyExists,
    CategoryNotInShop,
    InvalidPrice,
    NegativeStock,
    UnknownVatRate,
)
from comptoir.domain.catalogue.models import VAT_RATES, Category, Product, Unit, VatRate
from comptoir.domain.shops.models import Shop
from comptoir.domain.shops.services import save_with_free_slug

CENT = Decimal("0.01")

# What `product_update` may change. The slug is not here: it stays when the
# product is renamed so that links already shared keep working.
UPDATABLE_FIELDS = frozenset(
    {
        "name",
        "description",
        "price",
        "vat_rate",
        "unit",
        "category",
        "allergens",
        "stock",
        "photo",
        "is_active",
        "position",
    }
)


def category_create(*, shop: Shop, name: str, position: int | None = None) -> Category:
    """Add a shelf to the shop's catalogue, after the last one unless `position` is given."""
    name = name.strip()
    with transaction.atomic():
        # Names are compared case-insensitively: "Pains" and "pains" are one shelf.
        if Category.objects.filter(shop=shop, name__iexact=name).exists():
            raise CategoryAlreadyExists(name)
        if position is None:
            last = Category.objects.filter(shop=shop).aggregate(last=Max("position"))["last"]
            position = 0 if last is None else last + 1
        category = Category(shop=shop, name=name, position=position)
        full_clean_or_raise(category)
        try:
            with transaction.atomic():
                category.save()
        except IntegrityError:
            if Category.objects.filter(shop=shop, name=name).exists():
                raise CategoryAlreadyExists(name) from None
            raise
    return category


def _price(value: Decimal) -> Decimal:
    if not isinstance(value, Decimal):
        raise TypeError(f"A price is a Decimal, never a {type(value).__name__}.")
    if not value.is_finite() or value < 0:
        raise InvalidPrice
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _vat_rate(value: Decimal | VatRate) -> Decimal:
    if isinstance(value, VatRate):
        value = Decimal(value.value)
    if not isinstance(value, Decimal):
        raise TypeError(f"A VAT rate is a Decimal, never a {type(value).__name__}.")
    if value not in VAT_RATES:
        raise UnknownVatRate(value)
    return value.quantize(CENT)


def _stock(value: int | None) -> int | None:
    if value is not None and value < 0:
        raise NegativeStock
    return value


def _check_category(category: Category | None, shop_id: int) -> None:
    if category is not None and category.shop_id != shop_id:
        raise CategoryNotInShop


def product_create(
    *,
    shop: Shop,
    name: str,
    price: Decimal,
    vat_rate: Decimal | VatRate,
    unit: Unit | str = Unit.PIECE,
    category: Category | None = None,
    description: str = "",
    allergens: Allergen = Allergen(0),  # noqa: B008 - an immutable int flag
    stock: int | None = None,
    photo: File | None = None,
) -> Product:
    """Put a product on sale in `shop`; `stock=None` means made to order (never runs out)."""
    _check_category(category, shop.pk)
    product = Product(
        shop=shop,
        city_id=shop.city_id,
        category=category,
        name=name.strip(),
        description=description,
        price=_price(price),
        vat_rate=_vat_rate(vat_rate),
        unit=unit,
        allergens=allergens,
        stock=_stock(stock),
    )
    if photo is not None:
        product.photo = photo
    return save_with_free_slug(
        product, name=product.name, taken=Product.objects.filter(shop=shop), fallback="product"
    )


def product_update(*, product: Product, **fields: Any) -> Product:
    """Change some of a product's fields, with the same checks as `product_create`."""
    unknown = set(fields) - UPDATABLE_FIELDS
    if unknown:
        raise TypeError(f"product_update() cannot change {', '.join(sorted(unknown))}.")
    if "price" in fields:
        fields["price"] = _price(fields["price"])
    if "vat_rate" in fields:
        fields["vat_rate"] = _vat_rate(fields["vat_rate"])
    if "stock" in fields:
        fields["stock"] = _stock(fields["stock"])
    if "category" in fields:
        _check_category(fields["category"], product.shop_id)
    if "name" in fields:
        fields["name"] = fields["name"].strip()
    before = {name: getattr(product, name) for name in fields}
    for name, value in fields.items():
        setattr(product, name, value)
    try:
        full_clean_or_raise(product)
    except InvalidInput:
        # Leave the caller's object as the database still has it.
        for name, value in before.items():
            setattr(product, name, value)
        raise
    product.save()
    return product


def product_set_stock(*, product: Product, stock: int | None) -> Product:
    """Set how many are left (a count from the shelf); `None` for made to order."""
    product.stock = _stock(stock)
    product.save(update_fields=["stock", "updated_at"])
    return product
