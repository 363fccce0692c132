"""The header's basket link, with the number of items in the visitor's basket."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from comptoir.domain.cities.models import City
from comptoir.interfaces.storefront.basket_views import basket_item_count

register = template.Library()


@register.simple_tag(takes_context=True)
def basket_header(context: template.Context, *, oob: bool = False) -> SafeString:
    """The basket link (and the add-to-basket confirmation slot) on a city's pages.

    Pages of no city (the city chooser, account pages) get nothing. A page
    that already knows the count passes it as `basket_item_count`; otherwise it
    costs one small query, and none for a visitor without a basket.
    """
    city = context.get("city")
    request = context.get("request")
    if not isinstance(city, City) or request is None:
        return mark_safe("")  # nosec B308 # an empty string
    count = context.get("basket_item_count")
    if count is None:
        count = basket_item_count(request, city)
    values: dict[str, Any] = {"city": city, "basket_item_count": count, "oob": oob}
    return mark_safe(  # noqa: S308 - a rendered template, escaped by it  # nosec B308 B703
        render_to_string("storefront/_basket_header.html", values, request=request)
    )
