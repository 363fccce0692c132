"""Lists of many shops or products, rendered once and shared by every visitor for a few seconds.

The city home, a trade's list of shops and the search results (what htmx
swaps in as one types) hold nothing personal: no form with a token, no
basket, no name. So the same city, list, parameters, language and minute
give the same bytes to everyone. A holiday rush opens the same city home and
types the same few words ("bûche", "galette") thousands of times a minute:
serving them from the cache keeps them instant (docs/benchmarks.md).

The minute is part of the key because these lists show opening badges
("open", "closes at 19:00"); settings.LISTING_CACHE_SECONDS bounds how late
a change (a price, "sold out", a shop pausing its orders, a new shop)
appears in them. Shop and product pages, the basket and checkout never read
this cache: they are always exact (the shop page has its own exact cache,
shop_page.py).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.utils import translation

from comptoir.domain.cities.models import City

KEY_VERSION = 1


def listing_key(kind: str, *, city: City, now: datetime, **parts: object) -> str:
    """The cache key of one rendered list: everything that changes its bytes.

    `parts` are the list's parameters as the view understood them (a query,
    a trade, a page number…); they are hashed, so any text is safe in a key.
    """
    minute = now.astimezone(city.zone).strftime("%Y%m%d%H%M")
    language = translation.get_language() or settings.LANGUAGE_CODE
    digest = hashlib.sha256(repr(sorted(parts.items())).encode()).hexdigest()[:32]
    return f"listing:v{KEY_VERSION}:{kind}:{city.pk}:{language}:{minute}:{digest}"


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
