"""City-wide search: one function, whatever the database.

`search_city` normalises the query in Python (`normalise.query_terms`), asks
the database's backend (`backends.py`: SQLite FTS5 or PostgreSQL full text)
for ranked ids among the eligible shops, then loads what the results page
shows in a fixed number of queries. When nothing matches, it tries the
backend's typo fallback and says so (`approximate`) — unless the words do
match in the city and only the trade or open-now filter left nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef, Prefetch, QuerySet, prefetch_related_objects
from django.utils import timezone

from comptoir.domain.catalogue.models import Product
from comptoir.domain.cities.models import City
from comptoir.domain.search.backends import Backend, current_backend
from comptoir.domain.search.normalise import query_terms
from comptoir.domain.shops.hours import LOOK_AHEAD_DAYS
from comptoir.domain.shops.models import Closure, OpeningHours, Shop

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
SHOP_LIMIT = 6


@dataclass(frozen=True, slots=True)
class SearchResults:
    """Ranked products (shop, city and category loaded) and matching shops.

    Every shop here (`shops`, and each `product.shop`) has its opening hours
    and the closures of the next 14 days prefetched, ready for `shops.hours`.
    `approximate` is True when the results come from the typo fallback.
    """

    terms: tuple[str, ...] = ()
    products: list[Product] = field(default_factory=list)
    shops: list[Shop] = field(default_factory=list)
    approximate: bool = False

    @property
    def is_empty(self) -> bool:
        return not self.products and not self.shops


def shops_open_at(shops: QuerySet[Shop], *, city: City, moment: datetime) -> QuerySet[Shop]:
    """The shops of `shops` open at `moment`, decided in the database.

    The same rule as `shops.hours.is_open_at` (a range of the city-local
    weekday with opens <= local time < closes, and no closure covering the
    local date), written as SQL so that it filters 1,600 shops before ranking
    rather than after. tests/domain/search checks the two agree.
    """
    local = moment.astimezone(city.zone)
    now, today = local.time().replace(tzinfo=None), local.date()
    in_range = OpeningHours.objects.filter(
        shop=OuterRef("pk"), weekday=today.weekday(), opens__lte=now, closes__gt=now
    )
    closed_today = Closure.objects.filter(
        shop=OuterRef("pk"), starts_on__lte=today, ends_on__gte=today
    )
    return shops.filter(Exists(in_range), ~Exists(closed_today))


def _eligible_shops(
    city: City, *, trade: str | None, open_now: bool, moment: datetime
) -> QuerySet[Shop]:
    shops = Shop.objects.filter(city=city, is_active=True).order_by()
    if trade is not None:
        shops = shops.filter(trade=trade)
    if open_now:
        shops = shops_open_at(shops, city=city, moment=moment)
    return shops


def _in_rank_order[T: (Product, Shop)](objects: QuerySet[T], ids: list[int]) -> list[T]:
    # No ORDER BY: the rows are put in rank order here, and Django 6.1 would compile
    # the model's ordering against each of the ~30–60 columns selected.
    by_id = {obj.pk: obj for obj in objects.filter(pk__in=ids).order_by()}
    return [by_id[pk] for pk in ids if pk in by_id]


def _matches_unfiltered(
    backend: Backend, terms: tuple[str, ...], city: City, filtered: bool
) -> bool:
    """Whether the words are found in the city once the trade and open-now filters are off.

    Then an empty page means "not at this kind of shop" or "not open now",
    not a typo: the typo fallback (a trigram scan on PostgreSQL) must not
    run, and would only find near-misses of a word that is spelled right.
    """
    if not filtered:
        return False  # the search that found nothing was already unfiltered
    every_shop = Shop.objects.filter(city=city, is_active=True).order_by()
    return backend.has_match(
        terms, city_id=city.pk, shops=every_shop.values("pk").query.sql_with_params()
    )


def search_city(
    *,
    city: City,
    query: str,
    trade: str | None = None,
    open_now: bool = False,
    now: datetime | None = None,
    limit: int = DEFAULT_LIMIT,
    shop_limit: int = SHOP_LIMIT,
) -> SearchResults:
    """Products and shops of `city` matching `query`, best first.

    Only products on sale of published shops of `city` are found, narrowed to
    one `trade` and to shops open `now` (city time) when asked. Accents,
    letter case and French plurals do not matter, and every word is a prefix
    ("pain au choco" finds "Pain au chocolat"). A query with no letter or
    digit finds nothing and costs no query.
    """
    terms = query_terms(query)
    if not terms:
        return SearchResults()
    moment = now or timezone.now()
    limit = max(1, min(limit, MAX_LIMIT))
    backend = current_backend()
    eligible = _eligible_shops(city, trade=trade, open_now=open_now, moment=moment)
    subquery = eligible.values("pk").query.sql_with_params()

    product_ids = backend.product_ids(terms, city_id=city.pk, shops=subquery, limit=limit)
    shop_ids = backend.shop_ids(terms, shops=subquery, limit=shop_limit) if shop_limit else []
    approximate = False
    filtered = trade is not None or open_now
    if not product_ids and not shop_ids and not _matches_unfiltered(backend, terms, city, filtered):
        product_ids = backend.approximate_product_ids(
            terms, city_id=city.pk, shops=subquery, limit=limit
        )
        approximate = bool(product_ids)

    # Every product and shop found is of `city`: share that object rather than
    # joining and building the same City again for each row.
    products = _in_rank_order(Product.objects.select_related("shop", "category"), product_ids)
    shops = _in_rank_order(Shop.objects.all(), shop_ids)
    for product in products:
        product.city = product.shop.city = city
    for shop in shops:
        shop.city = city
    today = moment.astimezone(city.zone).date()
    prefetch_related_objects(
        [*shops, *(p.shop for p in products)],
        Prefetch("opening_hours", queryset=OpeningHours.objects.order_by("weekday", "opens")),
        Prefetch(
            "closures",
            queryset=Closure.objects.filter(
                ends_on__gte=today, starts_on__lte=today + timedelta(days=LOOK_AHEAD_DAYS)
            ).order_by("starts_on"),
        ),
    )
    return SearchResults(terms=terms, products=products, shops=shops, approximate=approximate)
