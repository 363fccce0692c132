"""Lists of many shops or products, rendered once and shared by every visitor for a few seconds.

The city home, a trade's list of shops and the search results (what htmx
swaps in as one types, and the lists of the whole search page) hold nothing
personal: no form with a token, no basket, no name. So the same city, list,
parameters and language give the same bytes to everyone (and the page
around them is cached per kind of visitor: page_frame.py). A holiday rush
opens the same city home and types the same few words ("bûche", "galette")
thousands of times a minute: serving them from the cache keeps them instant
(docs/benchmarks.md).

settings.LISTING_CACHE_SECONDS bounds how late a change (a price, "sold
out", a shop pausing its orders, a new shop) appears in them, and so the
opening badges ("open", "closes at 19:00") and the "open now" filter: at
19:00, a shop closing may still show as open for that long. The clock is not
part of the key: with the minute in it (as at first), every list of the city
expired at once at each minute's turn, and under load every visitor of that
second rendered afresh: in the search benchmark on PostgreSQL, 35 instead of
976 searches/s for the runs that crossed a minute (docs/benchmarks.md). Each
entry now expires on its own, LISTING_CACHE_SECONDS after it was rendered.
Shop and product pages, the basket and checkout never read this cache: they
are always exact (the shop page has its own exact cache, shop_page.py).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.utils import translation

from comptoir.domain.cities.models import City

KEY_VERSION = 2  # 2: without the minute


def listing_key(kind: str, *, city: City, **parts: object) -> str:
    """The cache key of one rendered list: everything that changes its bytes but the clock.

    `parts` are the list's parameters as the view understood them (a query,
    a trade, a page number…); they are hashed, so any text is safe in a key.
    """
    language = translation.get_language() or settings.LANGUAGE_CODE
    digest = hashlib.sha256(repr(sorted(parts.items())).encode()).hexdigest()[:32]
    return f"listing:v{KEY_VERSION}:{kind}:{city.pk}:{language}:{digest}"


def cached_listing(key: str, render: Callable[[], str]) -> str:
    """The list under `key`, rendered by `render()` when missing or when the cache is off."""
    seconds = float(settings.LISTING_CACHE_SECONDS)
    if seconds <= 0:
        return render()
    html = cache.get(key)
    if not isinstance(html, str):
        html = render()
        cache.set(key, html, timeout=seconds)
    return html
