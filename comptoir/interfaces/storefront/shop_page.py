"""The shop page's body, cached under a fingerprint of everything it shows.

The shop page is the storefront's busiest, and its body (a shop's 50–60
products, each with a link, a price, allergens and an add-to-basket form;
hours, next slots, deals) costs ten times what the rest of a request does.
The body is cached under a key made of:

- a digest of every row it is built from: the shop and its city (loaded
  anyway), and, read in one query (`page_rows`), every product and category
  of the shop, its hours, its closures still to come, its deals not yet
  ended, its slot bookings still to come, its delivery settings and
  postcodes, each row as the text of all its columns, but products, as
  their id and the revision the database raises on each UPDATE of the row
  (Product.revision: a trigger, so no writer can forget it);
- the language and the time zone;
- the minute: the body says "open now · until 19:00", "next pickup today
  10:30", "ends in 5 minutes", all to the minute.

So any change, made by whatever path (a service, a CSV import's bulk update,
the stock taken by an order, the admin, another process), changes the key
at once: nothing has to invalidate anything, nothing can be forgotten, and
it holds with the per-process locmem cache as with a shared Redis. Instants
inside a minute (a deal starting or ending, "sold out today" lifting at the
next opening, orders paused until a time) end an entry early: each entry
keeps the first such instant after it was rendered.

Nothing of one visitor is ever served to another. The body holds
`CSRF_SLOT` in its add-to-basket forms, which each response replaces with
the visitor's own CSRF token. Every visitor, signed in or not, gets the whole
page from the cache (`shop_page_response`, page_frame.py): base.html shows
of a visitor only whether they are signed in, their basket's count and the
page's path, all in its key, and the language form's CSRF field (a slot too).
"""

# ruff: noqa: S608 (SQL built from the models' table and column names; values are parameters)

from __future__ import annotations

import copy
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

from django.core.cache import cache as default_cache
from django.db import connection
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.template.loader import get_template
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from comptoir.core.recent import Recent
from comptoir.domain.catalogue.models import Category, Product
from comptoir.domain.cities.models import City
from comptoir.domain.deals.models import Deal
from comptoir.domain.fulfilment.models import DeliveryPostcode, DeliverySettings, SlotBooking
from comptoir.domain.shops.models import Closure, OpeningHours, Shop
from comptoir.domain.shops.selectors import published_shop
from comptoir.interfaces.storefront.page_frame import (
    CSRF_SLOT,
    framed_response,
    templates_version,
)

BODY_TEMPLATE = "storefront/_shop_page.html"
CATALOGUE_TEMPLATE = "storefront/_shop_catalogue.html"
#: A catalogue nobody asked for in this long leaves the cache.
CATALOGUE_TIMEOUT = timedelta(hours=1)
KEY_PREFIX = "shop-page"
#: The bodies this process served last, unpickled (comptoir/core/recent.py).
RECENT = Recent(size=64)


OF_SHOP = "shop_id IN (SELECT id FROM page_shop)"


@dataclass(frozen=True)
class _Source:
    """One table the body is built from: its rows of the shop, and what they depend on."""

    model: type[Model]
    #: Starts the text of each of its rows.
    label: str
    #: Which rows: an SQL condition, with `%(now)s` and `%(since)s` for parameters.
    rows: str = OF_SHOP
    #: An SQL expression: an instant at which the row starts or stops showing differently.
    edge: str = "NULL"
    #: The columns that stand for the row: all of them unless given.
    columns: tuple[str, ...] = ()


def _sources() -> list[_Source]:
    # Products come first: their edge column gives the UNION its type on PostgreSQL.
    return [
        # A product is its id and its revision, which the database raises on
        # every UPDATE of the row (catalogue migration 0006): quoting all of
        # its columns (its description…) was ~80 % of this query.
        _Source(Product, "product", edge="sold_out_until", columns=("id", "revision")),
        _Source(Shop, "shop", rows="id IN (SELECT id FROM page_shop)", edge="paused_until"),
        _Source(City, "city", rows="id IN (SELECT city_id FROM page_shop)"),
        _Source(Category, "category"),
        _Source(OpeningHours, "hours"),
        # From yesterday in UTC: every closure still to come in any time zone.
        _Source(Closure, "closure", rows=f"{OF_SHOP} AND ends_on >= %(since)s"),
        _Source(
            Deal,
            "deal",
            rows=f"{OF_SHOP} AND ends_at > %(now)s",
            edge="CASE WHEN starts_at > %(now)s THEN starts_at ELSE ends_at END",
        ),
        _Source(SlotBooking, "booking", rows=f"{OF_SHOP} AND starts_at >= %(now)s"),
        _Source(DeliverySettings, "delivery"),
        _Source(DeliveryPostcode, "postcode"),
    ]


#: The rows the catalogue (the products part of the body) is built from.
CATALOGUE_ROWS = ("product,", "category,", "city,")


@cache
def _page_rows_sql(vendor: str) -> str:
    """The query behind `page_rows`, built once per process from the models' columns.

    Each row becomes one text: its table's number, then every column as an
    SQL literal, so that no two different rows give the same text. Its
    parameters are named (`%(now)s`): Django's SQLite cursor then fills in
    their names with one `%` formatting, where positional ones cost a
    regular-expression pass over the query's 4 KB on every page (~0.1 ms).
    """
    quote = connection.ops.quote_name
    # Each value as an SQL literal ('it''s', 12.5, NULL): one function call per
    # column, and unambiguous once joined.
    literal = "quote_nullable" if vendor == "postgresql" else "quote"
    shop, city = quote(Shop._meta.db_table), quote(City._meta.db_table)
    parts = []
    for source in _sources():
        names = source.columns or tuple(
            column
            for column in (f.column for f in source.model._meta.concrete_fields)
            if column is not None
        )
        columns = [f"{literal}({quote(column)})" for column in names]
        text = " || ',' || ".join([f"'{source.label}'", *columns])
        parts.append(
            f"SELECT {text}, {source.edge} FROM {quote(source.model._meta.db_table)} "
            f"WHERE {source.rows}"
        )
    sql = (
        f"WITH page_shop AS (SELECT s.id, s.city_id FROM {shop} s INNER JOIN {city} c "
        "ON c.id = s.city_id WHERE c.slug = %(city_slug)s AND c.is_live "
        "AND s.slug = %(shop_slug)s AND s.is_active) " + " UNION ALL ".join(parts)
    )
    return sql


def page_rows(city_slug: str, shop_slug: str, *, now: datetime) -> tuple[list[str], list[datetime]]:
    """Every row a shop page's body is built from, as text, and their instants after `now`.

    One query whatever the shop holds: the shop (if published, in a live
    city) and its city, its products and categories, hours, closures still to
    come, deals not yet ended, slot bookings still to come, delivery settings
    and postcodes. No rows: no such published shop.
    """
    sql = _page_rows_sql(connection.vendor)
    values: dict[str, Any] = {
        "city_slug": city_slug,
        "shop_slug": shop_slug,
        "now": connection.ops.adapt_datetimefield_value(now),
        "since": connection.ops.adapt_datefield_value((now - timedelta(days=1)).date()),
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        found = cursor.fetchall()
    rows = sorted(text for text, _ in found)
    edges = [moment for _, edge in found if (moment := _instant(edge)) and moment > now]
    return rows, edges


def _instant(value: datetime | str | None) -> datetime | None:
    """A timestamp as the database driver returns it (SQLite: naive UTC text), aware."""
    if value is None:
        return None
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class CachedHtml:
    html: str
    #: Stale from this instant on.
    valid_until: datetime


@dataclass(frozen=True, slots=True)
class ShopPage:
    """A shop page's body and the shop it shows (with its city), as cached.

    Requests that find it in `RECENT` share one instance: nothing may change
    it, its shop included (the frame's template only reads the shop's name,
    tagline and city).
    """

    shop: Shop
    body: str
    #: The body is stale from this instant on (the next minute, or sooner).
    valid_until: datetime
    key: str


def shop_page(
    city_slug: str,
    shop_slug: str,
    *,
    now: datetime,
    context: Callable[[Shop, datetime, bool], dict[str, Any]],
) -> ShopPage | None:
    """The page of a published shop for `now`, from the cache or rendered; None: no such shop.

    From the cache, it costs one query (`page_rows`). Otherwise `context(shop,
    now, with_products)` loads what the body shows (its products only when
    asked) and returns the template's context; the body is rendered and
    cached with the shop until the next minute, or the first instant before
    it that changes the body. Its catalogue, which does not change with the
    minutes, is cached apart, under a digest of the products and categories
    only: a new minute costs the rest of the body, not 50 products again.
    """
    rows, edges = page_rows(city_slug, shop_slug, now=now)
    if not rows:
        return None
    minute = now.replace(second=0, microsecond=0)
    where = [
        city_slug,
        shop_slug,
        translation.get_language() or "",
        timezone.get_current_timezone_name(),
    ]
    key = ":".join([KEY_PREFIX, *where, minute.strftime("%Y%m%d%H%M"), _digest(rows)])
    cached = RECENT.get(key)
    if cached is None:
        cached = default_cache.get(key)
        if isinstance(cached, ShopPage):
            RECENT.put(key, cached, _timeout(cached.valid_until, now))
    if isinstance(cached, ShopPage) and now < cached.valid_until:
        return cached
    try:
        shop = published_shop(city_slug, shop_slug)
    except Shop.DoesNotExist:
        return None
    cached_shop = copy.copy(shop)  # without what rendering loads on `shop`
    paused = "paused" if shop.orders_paused else "open"
    catalogue_rows = [row for row in rows if row.startswith(CATALOGUE_ROWS)]
    catalogue_key = ":".join([KEY_PREFIX, "catalogue", *where, paused, _digest(catalogue_rows)])
    catalogue = default_cache.get(catalogue_key)
    fresh = isinstance(catalogue, CachedHtml) and now < catalogue.valid_until
    values = context(shop, now, not fresh) | {"csrf_slot": mark_safe(CSRF_SLOT)}  # noqa: S308 # nosec B308 B703 - our constant
    if not fresh:
        catalogue = CachedHtml(
            html=get_template(CATALOGUE_TEMPLATE).render(values),
            valid_until=min([now + CATALOGUE_TIMEOUT, *edges]),
        )
        default_cache.set(catalogue_key, catalogue, _timeout(catalogue.valid_until, now))
    assert isinstance(catalogue, CachedHtml)
    values["catalogue"] = mark_safe(catalogue.html)  # noqa: S308 # nosec B308 B703 - rendered by our template
    page = ShopPage(
        shop=cached_shop,
        body=get_template(BODY_TEMPLATE).render(values),
        valid_until=min([minute + timedelta(minutes=1), *edges]),
        key=key,
    )
    default_cache.set(key, page, _timeout(page.valid_until, now))
    RECENT.put(key, page, _timeout(page.valid_until, now))
    return page


def _digest(parts: list[str]) -> str:
    # One text, encoded once: per part, two updates cost 2.5 % of a warm page.
    text = "\x00".join([templates_version(), *parts, ""])
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def _timeout(valid_until: datetime, now: datetime) -> int:
    return max(1, int((valid_until - now).total_seconds()) + 1)


def shop_page_response(request: HttpRequest, page: ShopPage, *, now: datetime) -> HttpResponse:
    """The whole page for this visitor, cached per body and kind of visitor (page_frame.py).

    Its frame is a skeleton filled with the shop's name, description and body
    (`slotted`): base.html is rendered once per city and kind of visitor, not
    once per shop.
    """
    shop = page.shop

    def texts() -> dict[str, Any]:
        return {
            "city": shop.city,
            "shop_name": shop.name,
            "shop_description": shop.tagline or shop.name,
            "body": mark_safe(page.body),  # noqa: S308 # nosec B308 B703 - rendered by our template
        }

    # A body re-rendered at an instant inside its minute has a new `valid_until`.
    return framed_response(
        request,
        "storefront/shop_detail.html",
        texts,
        city=shop.city,
        key=f"shop:{page.key}:{page.valid_until.timestamp()}",
        timeout=_timeout(page.valid_until, now),
        slotted=True,
    )
