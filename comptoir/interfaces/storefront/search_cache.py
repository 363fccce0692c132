"""The search results part, rendered once and shared by every visitor for a few seconds.

What htmx swaps in as one types holds nothing personal (no form, no token,
no basket), so the same city, query, filters, language and minute give the
same bytes to everyone. A holiday rush types the same few words ("bûche",
"galette", "pain"): serving them from the cache keeps the search instant
when thousands type at once (docs/benchmarks.md, Search).

The minute is part of the key because the results show opening badges
("open", "closes at 19:00"); settings.SEARCH_CACHE_SECONDS bounds how late a
new price or "sold out" appears here. Product pages, the basket and checkout
never read this cache.
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


def results_key(*, city: City, query: str, trade: str | None, open_now: bool, now: datetime) -> str:
    """The cache key of one results part: everything that changes its bytes."""
    minute = now.astimezone(city.zone).strftime("%Y%m%d%H%M")
    digest = hashlib.sha256(query.encode()).hexdigest()[:32]
    language = translation.get_language() or settings.LANGUAGE_CODE
    return (
        f"search:v{KEY_VERSION}:{city.pk}:{language}:{trade or '-'}:{int(open_now)}:"
        f"{minute}:{digest}"
    )


def cached_results(key: str, render: Callable[[], str]) -> str:
    """The results part under `key`, rendered by `render()` when missing or turned off."""
    seconds = float(settings.SEARCH_CACHE_SECONDS)
    if seconds <= 0:
        return render()
    html = cache.get(key)
    if not isinstance(html, str):
        html = render()
        cache.set(key, html, timeout=seconds)
    return html
