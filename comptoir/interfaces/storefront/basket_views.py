"""The basket: add from a product or shop page, change quantities, see it all.

Every endpoint answers a plain form post with a redirect to the basket page
(POST-redirect-GET, with a message) and an htmx request (`HX-Request`) with
the fragments to swap in place: the confirmation sheet after an add, the
basket body after a quantity change, and the header's basket link
(out-of-band) after both. Basket pages are never cached (`never_cache`): the
service worker and shared caches must not replay one visitor's basket.
"""

from __future__ import annotations

import re

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from comptoir.core.errors import DomainError
from comptoir.domain.catalogue.models import Product
from comptoir.domain.catalogue.selectors import product_with_shop
from comptoir.domain.cities.models import City
from comptoir.domain.orders.errors import (
    EmptyBasket,
    InvalidQuantity,
    UnknownProduct,
)
from comptoir.domain.orders.models import MAX_LINE_QUANTITY
from comptoir.domain.orders.selectors import basket_item_count as item_count
from comptoir.domain.orders.selectors import basket_view
from comptoir.domain.orders.services import basket_add as basket_add_service
from comptoir.domain.orders.services import basket_set_quantity
from comptoir.domain.shops.selectors import city_for_storefront
from comptoir.interfaces.storefront import views
from comptoir.interfaces.storefront.basket_session import current_basket, visitor_token

# A quantity as typed: digits only ("abc", "-1", "1.5", "²" are refused), and
# short enough that int() never has to parse a huge number.
QUANTITY_PATTERN = re.compile(r"[0-9]{1,6}")
PRODUCT_ID_PATTERN = re.compile(r"[0-9]{1,12}")


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _city(city_slug: str) -> City:
    try:
        return city_for_storefront(city_slug)
    except City.DoesNotExist as exc:
        raise Http404(city_slug) from exc


def parse_quantity(raw: str | None, *, minimum: int) -> int:
    """A quantity from a form: a whole number from `minimum` to MAX_LINE_QUANTITY."""
    text = (raw or "").strip()
    if not QUANTITY_PATTERN.fullmatch(text):
        raise InvalidQuantity(minimum=minimum, maximum=MAX_LINE_QUANTITY)
    quantity = int(text)
    if not minimum <= quantity <= MAX_LINE_QUANTITY:
        raise InvalidQuantity(minimum=minimum, maximum=MAX_LINE_QUANTITY)
    return quantity


def product_by_id(raw: str | int | None) -> Product:
    """The product a form names, with its shop; `UnknownProduct` if there is none."""
    text = str(raw or "").strip()
    if not PRODUCT_ID_PATTERN.fullmatch(text):
        raise UnknownProduct
    try:
        return product_with_shop(int(text))
    except Product.DoesNotExist as exc:
        raise UnknownProduct from exc


def basket_item_count(request: HttpRequest, city: City) -> int:
    """How many items the request's basket in `city` holds (the header's badge)."""
    user = request.user if request.user.is_authenticated else None
    return item_count(
        city_id=city.pk,
        user=user,
        session_key=None if user is not None else visitor_token(request, create=False),
    )


def _basket_link(request: HttpRequest, city: City, count: int) -> str:
    """The header's basket link, to be swapped out of band by htmx."""
    return render_to_string(
        "storefront/_basket_link.html",
        {"city": city, "basket_item_count": count, "oob": True},
        request=request,
    )


def _fragments(*parts: str) -> HttpResponse:
    response = HttpResponse("".join(parts))
    patch_vary_headers(response, ["HX-Request"])
    return response


@never_cache
@require_GET
def basket(request: HttpRequest, city_slug: str) -> HttpResponse:
    city = _city(city_slug)
    view = basket_view(current_basket(request, city), views.current_time())
    response = render(
        request,
        "storefront/basket.html",
        {"city": city, "view": view, "basket_item_count": view.item_count},
    )
    patch_vary_headers(response, ["HX-Request"])
    return response


@never_cache
@require_POST
def basket_add(request: HttpRequest, city_slug: str) -> HttpResponse:
    """Put a product in the basket: one tap from a product or a shop page."""
    city = _city(city_slug)
    product: Product | None = None
    quantity = 0
    error: DomainError | None = None
    try:
        product = product_by_id(request.POST.get("product"))
        quantity = parse_quantity(request.POST.get("quantity", "1"), minimum=1)
        # A refused add leaves no empty basket behind.
        with transaction.atomic():
            basket = current_basket(request, city, create=True)
            assert basket is not None  # create=True
            basket_add_service(basket=basket, product=product, quantity=quantity)
    except DomainError as refused:
        error = refused
    if not is_htmx(request):
        if error is not None:
            messages.error(request, str(error))
        else:
            assert product is not None
            messages.success(
                request,
                _("%(product)s is in your basket (%(quantity)s).")
                % {"product": product.name, "quantity": quantity},
                extra_tags="added",
            )
        return redirect("storefront:basket", city_slug=city.slug)
    count = basket_item_count(request, city)
    sheet = render_to_string(
        "storefront/_basket_sheet.html",
        {
            "city": city,
            "product": product,
            "quantity": quantity,
            "error": error,
            "basket_item_count": count,
        },
        request=request,
    )
    if error is not None:
        return _fragments(sheet)
    return _fragments(sheet, _basket_link(request, city, count))


@never_cache
@require_POST
def basket_line(request: HttpRequest, city_slug: str, product_id: int) -> HttpResponse:
    """Set how many of a product the basket holds (0 takes it out)."""
    city = _city(city_slug)
    basket = current_basket(request, city)
    product: Product | None = None
    quantity = 0
    error: DomainError | None = None
    try:
        quantity = parse_quantity(request.POST.get("quantity"), minimum=0)
        product = product_by_id(product_id)
        if basket is None:
            raise EmptyBasket
        basket_set_quantity(basket=basket, product=product, quantity=quantity)
    except DomainError as refused:
        error = refused
    if not is_htmx(request):
        if error is not None:
            messages.error(request, str(error))
        elif quantity == 0:
            assert product is not None
            messages.success(
                request,
                _("%(product)s is out of your basket.") % {"product": product.name},
            )
        return redirect("storefront:basket", city_slug=city.slug)
    view = basket_view(basket, views.current_time())
    body = render_to_string(
        "storefront/basket.html#basket_body",
        {"city": city, "view": view, "error": error},
        request=request,
    )
    return _fragments(body, _basket_link(request, city, view.item_count))
