"""Reads for customer pages: a shop's catalogue as the shop page shows it."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby

from django.db.models import F

from comptoir.domain.catalogue.models import CatalogueImport, Category, Product
from comptoir.domain.shops.models import Shop


@dataclass(frozen=True, slots=True)
class ProductGroup:
    """One shelf of the shop page; `category` is None for the final "Other" group."""

    category: Category | None
    products: list[Product]


def products_for_shop_page(shop: Shop) -> list[ProductGroup]:
    """Products on sale, grouped by category in the shop's category order.

    One query: products come sorted by their category's position (those
    without a category last), then by their own position and name.
    """
    products = (
        Product.objects.filter(shop=shop, is_active=True)
        .select_related("category")
        .order_by(
            F("category__position").asc(nulls_last=True),
            F("category__name").asc(nulls_last=True),
            F("category_id").asc(nulls_last=True),
            "position",
            "name",
            "pk",
        )
    )
    return [
        ProductGroup(category=items[0].category, products=items)
        for items in (list(group) for _, group in groupby(products, key=lambda p: p.category_id))
    ]


# --- The back office ---------------------------------------------------------


def products_for_backoffice(shop: Shop) -> list[Product]:
    """Every product of the shop, on sale or not, by shelf then position (one query)."""
    return list(
        Product.objects.filter(shop=shop)
        .select_related("category")
        .order_by(
            F("category__position").asc(nulls_last=True),
            F("category__name").asc(nulls_last=True),
            F("category_id").asc(nulls_last=True),
            "position",
            "name",
            "pk",
        )
    )


def product_of_shop(shop: Shop, pk: int) -> Product | None:
    """The shop's product `pk` with its category; None when it is not this shop's."""
    return Product.objects.filter(shop=shop, pk=pk).select_related("category", "shop__city").first()


def categories_of(shop: Shop) -> list[Category]:
    return list(Category.objects.filter(shop=shop).order_by("position", "name", "pk"))


def catalogue_import_of_shop(shop: Shop, pk: int) -> CatalogueImport | None:
    return CatalogueImport.objects.filter(shop=shop, pk=pk).first()
