"""Writes on a shop's catalogue: categories and products.

Money is never a float: prices and VAT rates must be `Decimal`s (a float is a
programming error, refused with `TypeError`); prices are kept to the cent,
rounded half up as on a till.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Value
from django.db.models.functions import Greatest

from comptoir.core.errors import InvalidInput, full_clean_or_raise
from comptoir.core.images import PreparedPhoto
from comptoir.domain.catalogue.allergens import Allergen
from comptoir.domain.catalogue.errors import (
    CategoryAlreadyExists,
    CategoryNotInShop,
    InvalidPrice,
    NegativeStock,
    NotInShop,
    ReferenceTaken,
    StockNotCounted,
    UnknownVatRate,
)
from comptoir.domain.catalogue.models import (
    RESERVED_PRODUCT_SLUGS,
    VAT_RATES,
    Category,
    Product,
    Unit,
    VatRate,
)
from comptoir.domain.shops.hours import local_datetime, next_opening
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
        "reference",
        "lead_time_minutes",
        "daily_quota",
        "preorder_on",
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


def _check_reference(reference: str, shop_id: int, product_id: int | None = None) -> None:
    """A clear refusal on the field; the unique constraint remains the real guard."""
    if not reference:
        return
    same = Product.objects.filter(shop_id=shop_id, reference=reference)
    if product_id is not None:
        same = same.exclude(pk=product_id)
    if same.exists():
        raise ReferenceTaken(reference)


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
    reference: str = "",
    lead_time_minutes: int | None = None,
    daily_quota: int | None = None,
    preorder_on: date | None = None,
    is_active: bool = True,
) -> Product:
    """Put a product on sale in `shop`; `stock=None` means made to order (never runs out)."""
    _check_category(category, shop.pk)
    _check_reference(reference.strip(), shop.pk)
    product = Product(
        shop=shop,
        city_id=shop.city_id,
        category=category,
        name=name.strip(),
        reference=reference.strip(),
        description=description,
        price=_price(price),
        vat_rate=_vat_rate(vat_rate),
        unit=unit,
        allergens=allergens,
        stock=_stock(stock),
        lead_time_minutes=lead_time_minutes,
        daily_quota=daily_quota,
        preorder_on=preorder_on,
        is_active=is_active,
    )
    if photo is not None:
        product.photo = photo
    return save_with_free_slug(
        product,
        name=product.name,
        taken=Product.objects.filter(shop=shop),
        fallback="product",
        reserved=RESERVED_PRODUCT_SLUGS,
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
    if "reference" in fields:
        fields["reference"] = fields["reference"].strip()
        _check_reference(fields["reference"], product.shop_id, product.pk)
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


def _check_shop(product: Product, shop: Shop | None) -> None:
    if shop is not None and product.shop_id != shop.pk:
        raise NotInShop


def category_get_or_create(*, shop: Shop, name: str) -> Category:
    """The shop's category named `name` (any case), created after the last one if missing."""
    name = name.strip()
    existing = Category.objects.filter(shop=shop, name__iexact=name).first()
    if existing is not None:
        return existing
    try:
        return category_create(shop=shop, name=name)
    except CategoryAlreadyExists:
        # Created by a concurrent request since the read above.
        return Category.objects.get(shop=shop, name__iexact=name)


def product_adjust_stock(*, product: Product, delta: int, shop: Shop | None = None) -> int:
    """Add `delta` (negative to take away) to the stock in one UPDATE; never below 0.

    `stock = MAX(stock + delta, 0)` is computed by the database on the row as
    it is when the statement runs, so two taps at once both count. Returns the
    stock after the change (also set on `product`). `StockNotCounted` for a
    made-to-order product; `NotInShop` when `shop` is given and is not its shop.
    """
    _check_shop(product, shop)
    if isinstance(delta, bool) or not isinstance(delta, int):
        raise TypeError(f"A stock change is an int, never a {type(delta).__name__}.")
    with transaction.atomic():
        changed = Product.objects.filter(pk=product.pk, stock__isnull=False).update(
            stock=Greatest(F("stock") + delta, Value(0))
        )
        if not changed:
            raise StockNotCounted
        stock = Product.objects.values_list("stock", flat=True).get(pk=product.pk)
    product.stock = stock
    return stock  # type: ignore[return-value]  # NOT NULL: filtered above


def sold_out_until_for(shop: Shop, now: datetime) -> datetime:
    """When "sold out today" ends: the shop's first opening after today, in its zone.

    Without any opening known in the next two weeks, the end of today (local
    midnight), so that the product comes back tomorrow whatever happens.
    """
    zone = shop.city.zone
    tomorrow = now.astimezone(zone).date() + timedelta(days=1)
    end_of_today = local_datetime(tomorrow, time(0, 0), zone)
    opening = next_opening(shop, end_of_today - timedelta(microseconds=1))
    return opening if opening is not None else end_of_today


def product_mark_sold_out_today(
    *, product: Product, now: datetime, shop: Shop | None = None
) -> Product:
    """One tap: customers cannot order the product until the shop next opens after today."""
    _check_shop(product, shop)
    product.sold_out_until = sold_out_until_for(product.shop, now)
    product.save(update_fields=["sold_out_until", "updated_at"])
    return product


def product_back_on_sale(*, product: Product, shop: Shop | None = None) -> Product:
    """Undo "sold out today"."""
    _check_shop(product, shop)
    product.sold_out_until = None
    product.save(update_fields=["sold_out_until", "updated_at"])
    return product


def product_set_photo(*, product: Product, photo: PreparedPhoto | None) -> Product:
    """Store a photo prepared by `photos.prepare_photo` (None removes it), with its thumbnail."""
    old = [f for f in (product.photo, product.photo_thumbnail) if f]
    if photo is None:
        product.photo = ""
        product.photo_thumbnail = ""
    else:
        product.photo.save(photo.image.name or "photo.webp", photo.image, save=False)
        product.photo_thumbnail.save(
            photo.thumbnail.name or "thumb.webp", photo.thumbnail, save=False
        )
    product.save(update_fields=["photo", "photo_thumbnail", "updated_at"])
    names = [f.name for f in old]
    storage = product.photo.storage

    def delete_old() -> None:
        for name in names:
            if name:
                storage.delete(name)

    # Old files go only once the new ones are committed (a rollback keeps them).
    transaction.on_commit(delete_old)
    return product
