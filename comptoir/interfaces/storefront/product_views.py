"""The product page: what a customer must know before buying one product.

EU regulation 1169/2011 (art. 9 and 14) requires the allergens of a food sold
at a distance to be shown *before* the purchase, prominently. Whether a product
is food is decided from its shop's trade (see `states_allergens`).
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.template.defaultfilters import truncatewords
from django.urls import reverse

from comptoir.domain.catalogue.allergens import Allergen
from comptoir.domain.catalogue.models import Product
from comptoir.domain.catalogue.selectors import product_on_sale
from comptoir.domain.shops.models import Trade
from comptoir.interfaces.storefront.page_frame import (
    body_key,
    framed_response,
    rendered_body,
    rows_text,
)

# Trades that sell no food: their products get no allergen block. A negative
# list on purpose: a trade added later is treated as food until someone decides
# otherwise, and an unneeded "No declared allergen" harms less than a missing one.
NON_FOOD_TRADES = frozenset({Trade.FLORIST, Trade.BOOKS})
# The quantity picker's ceiling for made-to-order products (no stock to cap it).
MAX_QUANTITY = 99
#: How long a product page nobody asks for stays cached (its key is exact: this
#: bounds the memory it holds, not how late a change shows).
PAGE_SECONDS = 300
#: What the page shows of the product, in the frame of product_detail.html.
BODY_TEMPLATE = "storefront/_product_page.html"


def states_allergens(product: Product) -> bool:
    """Whether the page shows an allergen block.

    Food always does, "No declared allergen" included. A florist's or a
    bookshop's product shows one only if the shop declared allergens anyway
    (chocolates sold by a bookshop): declared allergens are never hidden.
    """
    return product.shop.trade not in NON_FOOD_TRADES or bool(product.allergens)


def basket_add_url(product: Product) -> str | None:
    """Where "Add to basket" posts (the `storefront:basket_add` view).

    None would show the quantity picker with a disabled "Ordering opens soon"
    button (a city whose ordering is not open yet).
    """
    return reverse("storefront:basket_add", kwargs={"city_slug": product.shop.city.slug})


def product_detail(
    request: HttpRequest, city_slug: str, shop_slug: str, product_slug: str
) -> HttpResponse:
    try:
        product = product_on_sale(city_slug, shop_slug, product_slug)
    except Product.DoesNotExist as exc:
        raise Http404(product_slug) from exc
    shop = product.shop

    def texts() -> dict[str, Any]:
        values = {
            "city": shop.city,
            "shop": shop,
            "product": product,
            "states_allergens": states_allergens(product),
            "allergens": Allergen(product.allergens).members(),
            "max_quantity": MAX_QUANTITY
            if product.stock is None
            else min(product.stock, MAX_QUANTITY),
            "basket_add_url": basket_add_url(product),
        }
        return {
            "city": shop.city,
            "product_name": product.name,
            "shop_name": shop.name,
            "product_description": truncatewords(product.description, 30) or product.name,
            "body": rendered_body(request, BODY_TEMPLATE, values),
        }

    # Cached whole (page_frame.py) under every column of the rows it shows and what
    # the clock decides of them: exact, whatever path changed a row. Its frame is
    # a skeleton filled with its texts (`slotted`).
    rows = rows_text(product, shop, shop.city, product.category)
    clock = (product.is_sold_out, product.is_sold_out_today, shop.orders_paused)
    return framed_response(
        request,
        "storefront/product_detail.html",
        texts,
        city=shop.city,
        key=body_key("product", rows, shop.city, *clock),
        timeout=PAGE_SECONDS,
        slotted=True,
    )
