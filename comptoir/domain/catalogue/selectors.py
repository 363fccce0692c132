"""Reads for customer pages: a shop's catalogue as the shop page shows it."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from django.db import connections, router
from django.db.models import F

from comptoir.core.lean_reads import (
    Names,
    attach,
    build,
    read_one,
    select_list,
    select_lists,
)
from comptoir.domain.catalogue.models import CatalogueImport, Category, Product
from comptoir.domain.cities.models import City
from comptoir.domain.shops.models import Shop


@dataclass(frozen=True, slots=True)
class ProductGroup:
    """One shelf of the shop page; `category` is None for the final "Other" group."""

    category: Category | None
    products: list[Product]


def products_for_shop_page(shop: Shop) -> list[ProductGroup]:
    """Products on sale, grouped by category in the shop's category order.

    Two small statements, written once per process (core/lean_reads.py):
    the shop's categories in their order (position, name), and its products
    in theirs (position, name); grouped here, products with no category (or,
    never expected, another shop's) last. Each product's `category` is the
    group's instance, loaded, shared by the group. Through the ORM the two
    cost ~2.1 ms of a cold shop page (~10 ms), for ~0.3 ms of SQL.

    Not one query joining the two: PostgreSQL hashed every category of every
    shop (6,500 in the benchmark city) to join them to one shop's 60
    products, ~0.9 ms of its CPU per cold shop page, and each row built a
    category of its own (docs/benchmarks.md, "Session 15").
    """
    connection = connections[router.db_for_read(Product)]
    alias = connection.alias
    categories_sql, products_sql = _shop_page_sql(alias)
    with connection.cursor() as cursor:
        cursor.execute(categories_sql, [shop.pk])
        categories = [build(Category, alias, row) for row in cursor.fetchall()]
        cursor.execute(products_sql, [shop.pk, True])
        rows = cursor.fetchall()
    shelves: dict[int | None, list[Product]] = {category.pk: [] for category in categories}
    loose: list[Product] = []
    for row in rows:
        product = build(Product, alias, row)
        shelf = shelves.get(product.category_id)
        (loose if shelf is None else shelf).append(product)
    groups = []
    for category in categories:
        products = shelves[category.pk]
        for product in products:
            product.category = category
        if products:
            groups.append(ProductGroup(category=category, products=products))
    if loose:
        groups.append(ProductGroup(category=None, products=loose))
    return groups


@cache
def _shop_page_sql(alias: str) -> tuple[str, str]:
    """A shop's categories, and its products on sale, each in the order the page shows them."""
    names = Names(alias)
    table, column = names.table, names.column
    # The models' table and column names; values are parameters.
    categories = (
        f"SELECT {select_list(Category, alias, 'g')} FROM {table(Category)} g "  # noqa: S608
        f"WHERE g.{column(Category, 'shop')} = %s "
        f"ORDER BY g.{column(Category, 'position')}, g.{column(Category, 'name')}, "
        f"g.{column(Category, 'id')}"
    )
    products = (
        f"SELECT {select_list(Product, alias, 'p')} FROM {table(Product)} p "  # noqa: S608
        f"WHERE p.{column(Product, 'shop')} = %s AND p.{column(Product, 'is_active')} = %s "
        f"ORDER BY p.{column(Product, 'position')}, p.{column(Product, 'name')}, "
        f"p.{column(Product, 'id')}"
    )
    return categories, products


def product_on_sale(city_slug: str, shop_slug: str, product_slug: str) -> Product:
    """A product on sale in a published shop of a live city, with its shop, city and category.

    Raises `Product.DoesNotExist` otherwise. One statement, written once per
    process (core/lean_reads.py): every product page asks it, cached or not,
    and the ORM compiled its four-table join (~90 columns) each time.
    """
    product: Product
    # A product without a shelf: the category's columns are all NULL (None).
    product, shop, city, category = read_one(
        (Product, Shop, City, Category),
        _product_on_sale_sql,
        [city_slug, True, shop_slug, True, product_slug, True],
        missing=f"No product {product_slug!r} on sale at {shop_slug!r}.",
    )
    attach(shop, "city", city)
    attach(product, "shop", shop)
    attach(product, "category", category)
    return product


@cache
def _product_on_sale_sql(alias: str) -> str:
    names = Names(alias)
    table, column = names.table, names.column
    columns = select_lists(alias, (Product, "p"), (Shop, "s"), (City, "c"), (Category, "g"))
    # The models' table and column names; values are parameters. (shop, slug) is unique.
    return (
        f"SELECT {columns} FROM {table(Product)} p "  # noqa: S608
        f"INNER JOIN {table(Shop)} s ON s.{column(Shop, 'id')} = p.{column(Product, 'shop')} "
        f"INNER JOIN {table(City)} c ON c.{column(City, 'id')} = s.{column(Shop, 'city')} "
        f"LEFT OUTER JOIN {table(Category)} g "
        f"ON g.{column(Category, 'id')} = p.{column(Product, 'category')} "
        f"WHERE c.{column(City, 'slug')} = %s AND c.{column(City, 'is_live')} = %s "
        f"AND s.{column(Shop, 'slug')} = %s AND s.{column(Shop, 'is_active')} = %s "
        f"AND p.{column(Product, 'slug')} = %s AND p.{column(Product, 'is_active')} = %s"
    )


def product_with_shop(pk: int) -> Product:
    """The product `pk`, on sale or not, with its shop; `Product.DoesNotExist` if there is none.

    One statement, written once per process (core/lean_reads.py): each
    basket tap reads it, and the ORM compiled its join of ~70 columns every
    time (~0.3 ms).
    """
    product: Product
    product, shop = read_one(
        (Product, Shop), _product_with_shop_sql, [pk], missing=f"No product {pk}."
    )
    attach(product, "shop", shop)
    return product


@cache
def _product_with_shop_sql(alias: str) -> str:
    names = Names(alias)
    table, column = names.table, names.column
    columns = select_lists(alias, (Product, "p"), (Shop, "s"))
    # The models' table and column names; the value is a parameter.
    return (
        f"SELECT {columns} FROM {table(Product)} p "  # noqa: S608
        f"INNER JOIN {table(Shop)} s ON s.{column(Shop, 'id')} = p.{column(Product, 'shop')} "
        f"WHERE p.{column(Product, 'id')} = %s"
    )


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
