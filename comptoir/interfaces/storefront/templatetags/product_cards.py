"""Product cards written in Python: the shop page's (`{% product_cards products %}`),
the search's hits (`{% search_hits hits %}`) and a shop's opening badge
(`{% opening_badge status %}`).

The busiest loop of the storefront: 50–60 cards per shop page, each a link,
a price, a unit, allergens and an add-to-basket form. Through Django's
template engine it cost ~9 ms of a 24 ms shop page rendered afresh (1,600
lookups and ~800 translation calls a page); written here it costs about a
tenth of that (docs/benchmarks.md, "Shop page"). A search's 20 hits took
~10 ms of template on a slow hour, more than the search itself. The markup
is the one the templates had, card for card.

Every value is escaped (`html.escape`, as Django's `escape` does); labels
are translated once per list, in the active language.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from html import escape
from typing import Protocol

from django import template
from django.template.context import Context
from django.urls import reverse
from django.utils import dateformat
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from comptoir.core.money import format_money
from comptoir.domain.catalogue.allergens import Allergen
from comptoir.domain.catalogue.models import Product, Unit
from comptoir.domain.shops.hours import OpeningStatus, OpensOn
from comptoir.interfaces.storefront.templatetags.storefront import clock

register = template.Library()


def _text(value: object) -> str:
    return escape(str(value), quote=True)


def _label(translated: str) -> str:
    """Our own translated label, as `{% translate %}` writes it (apostrophes as they are)."""
    return escape(translated, quote=False)


@register.simple_tag(takes_context=True)
def product_cards(context: Context, products: Iterable[Product]) -> SafeString:
    """The `<li>` cards of `products`, for the shop page's catalogue.

    From the context: `shop` (its orders paused: no add buttons), `city` (the
    currency), `shop_url` and `basket_add_url` (reversed once by the
    template) and `csrf_slot` (each visitor's token goes there).
    """
    shop, city = context["shop"], context["city"]
    shop_url = _text(context["shop_url"])
    add_url = _text(context["basket_add_url"])
    csrf_slot = str(context.get("csrf_slot", ""))
    orderable = not shop.orders_paused
    sold_out_today = _label(gettext("Sold out today"))
    sold_out = _label(gettext("Sold out"))
    allergens_label, add = _label(gettext("Allergens:")), _label(gettext("Add"))
    out: list[str] = []
    for product in products:
        is_sold_out = product.is_sold_out
        name = _text(product.name)
        out.append(f'<li class="product{" product--sold-out" if is_sold_out else ""}">')
        out.append(photo_img(product))
        out.append(
            '<div class="product__body">'
            f'<h4 class="product__name"><a class="product__link" '
            f'href="{shop_url}{_text(product.slug)}/">{name}</a></h4>'
        )
        out.append(price_line(product, city.currency, sold_out_today, sold_out))
        if product.description:
            out.append(f'<p class="product__description">{_text(product.description)}</p>')
        out.append(allergen_line(product, allergens_label))
        out.append("</div>")
        if orderable and not is_sold_out:
            out.append(
                f'<form class="product__add" method="post" action="{add_url}" '
                f'hx-post="{add_url}" hx-target="#basket-sheet">{csrf_slot}'
                f'<input type="hidden" name="product" value="{product.pk}">'
                '<input type="hidden" name="quantity" value="1">'
                '<button class="product__add-button" type="submit"><span aria-hidden="true">+'
                f'</span> {add}<span class="visually-hidden"> {name}</span></button></form>'
            )
        out.append("</li>")
    return mark_safe("".join(out))  # noqa: S308 # nosec B308 B703 - every value escaped above


def photo_img(product: Product) -> str:
    """The card's photo, lazily loaded, or nothing for a product without one."""
    if not product.photo:
        return ""
    return (
        f'<img class="product__photo" src="{_text(product.photo.url)}" alt="" '
        'width="160" height="160" loading="lazy" decoding="async">'
    )


def price_line(product: Product, currency: str, sold_out_today: str, sold_out: str) -> str:
    """`<p class="product__price">`: amount, unit ("/ kg", "per person"), sold-out badge."""
    unit = product.get_unit_display()
    unit_text = _text(unit if product.unit == Unit.PERSON else f"/ {unit}")
    badge = ""
    if product.is_sold_out:
        label = sold_out_today if product.is_sold_out_today else sold_out
        badge = f' <span class="badge badge--sold-out">{label}</span>'
    return (
        '<p class="product__price"><span class="product__amount">'
        f"{_text(format_money(product.price, currency))}</span> "
        f'<span class="product__unit">{unit_text}</span>{badge}</p>'
    )


def allergen_line(product: Product, label: str) -> str:
    """`<p class="product__allergens">` naming the product's allergens, or nothing."""
    # An Allergen flag from the database, a plain int on an instance just built.
    value = int(product.allergens or 0)
    if not value:
        return ""
    names = _allergen_names(value, get_language() or "")
    return (
        '<p class="product__allergens"><span class="product__allergens-label">'
        f"{label}</span> {names}</p>"
    )


@cache
def _allergen_names(value: int, language: str) -> str:
    """The allergens of the set `value`, named in `language` (the active one) and escaped.

    A page's products share a few sets: each is named once per process and
    language (at most 16,384 sets), not once per card (14 flag tests and a
    translation per allergen).
    """
    return ", ".join(_text(allergen.label) for allergen in Allergen(value).members())


@register.simple_tag
def opening_badge(status: OpeningStatus) -> SafeString:
    """ "Open now · until 19:00", or when the shop opens next: a badge on shop cards and hits.

    The times are the shop's local ones, written as they are (no conversion).
    """
    return mark_safe(_badge(status))  # noqa: S308 # nosec B308 B703 - escaped in _badge


def _badge(status: OpeningStatus) -> str:
    if status.is_open:
        text = gettext("Open now · until %(time)s") % {"time": _text(clock(status.closes_at))}
        return f'<span class="badge badge--open">{text}</span>'
    opens_at = status.opens_at
    if not opens_at:
        text = gettext("Closed")
    elif status.opens_on == OpensOn.TODAY:
        text = gettext("Closed · opens today at %(time)s") % {"time": _text(clock(opens_at))}
    elif status.opens_on == OpensOn.TOMORROW:
        text = gettext("Closed · opens tomorrow at %(time)s") % {"time": _text(clock(opens_at))}
    elif status.opens_on == OpensOn.WEEKDAY:
        text = gettext("Closed · opens %(day)s at %(time)s") % {
            "day": _text(dateformat.format(opens_at, "l")),
            "time": _text(clock(opens_at)),
        }
    else:
        text = gettext("Closed · opens on %(day)s at %(time)s") % {
            "day": _text(dateformat.format(opens_at, "j F")),
            "time": _text(clock(opens_at)),
        }
    return f'<span class="badge badge--closed">{text}</span>'


class _Hit(Protocol):
    @property
    def product(self) -> Product: ...
    @property
    def status(self) -> OpeningStatus: ...


@register.simple_tag(takes_context=True)
def search_hits(context: Context, hits: Iterable[_Hit]) -> SafeString:
    """The `<li>` of each product a search found: product, its shop and the shop's badge.

    From the context: `city` (its slug and currency). Each shop's address is
    reversed once; its products' addresses follow it (`<shop>/<product>/`).
    """
    city = context["city"]
    sold_out_today = _label(gettext("Sold out today"))
    sold_out = _label(gettext("Sold out"))
    allergens_label = _label(gettext("Allergens:"))
    shop_urls: dict[int, str] = {}
    out: list[str] = []
    for hit in hits:
        product, shop = hit.product, hit.product.shop
        shop_url = shop_urls.get(shop.pk)
        if shop_url is None:
            shop_url = shop_urls[shop.pk] = _text(
                reverse(
                    "storefront:shop_detail",
                    kwargs={"city_slug": city.slug, "shop_slug": shop.slug},
                )
            )
        out.append(
            f'<li class="product search-hit{" product--sold-out" if product.is_sold_out else ""}">'
        )
        out.append(photo_img(product))
        out.append(
            '<div class="product__body">'
            '<h3 class="product__name"><a class="search-hit__link" '
            f'href="{shop_url}{_text(product.slug)}/">{_text(product.name)}</a></h3>'
            f'<p class="search-hit__shop"><a href="{shop_url}">{_text(shop.name)}</a> '
            f"{_badge(hit.status)}</p>"
        )
        out.append(price_line(product, city.currency, sold_out_today, sold_out))
        out.append(allergen_line(product, allergens_label))
        out.append("</div></li>")
    return mark_safe("".join(out))  # noqa: S308 # nosec B308 B703 - every value escaped above
