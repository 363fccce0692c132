"""Whole storefront pages from the cache: base.html's frame around a body every visitor shares.

The city home and its lists, the search page, the shop page and the product
page have bodies that hold nothing of the visitor (listing_cache.py,
shop_page.py, product_views.py). Around them, base.html shows a visitor
only:

- whether they are signed in (the header's "My account" or "Log in" link);
- how many items their basket holds in the city (the header's badge);
- the page's path (the language form's `next`, the login link's `next`);
- the language (in the key);
- CSRF fields, cached as `CSRF_SLOT` and replaced in each response with the
  visitor's own token.

So the page is rendered once per body, kind of visitor (signed in or not),
basket count, path and version of the templates, and served from the cache
after that: for a cached
body, rendering base.html around it was most of the request (~4 of ~7 ms for
the city home in one process, docs/benchmarks.md). A page template that
shows more of the visitor than this (a name, a message) must not be served
through here.

A page whose template shows nothing but the city and a few texts of its
own (the shop page and the product page: names, a description, the body)
is not even rendered once per body: its template is rendered once per city, language,
kind of visitor and basket count, with a slot for each text and for the
path (`skeleton`), and each page fills the slots (`fill`). A shop page
nobody asked for this minute, or a product page nobody asked for in five,
then costs its body, not base.html again (~1.5 of 8–12 ms in one process,
docs/benchmarks.md). Pages of one visitor that no cache could hold (the
checkout) are drawn the same way, uncached but for the skeleton
(`page_in_frame`).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping
from functools import cache as memoize
from pathlib import Path
from typing import Any

from django.core.cache import cache
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template.defaultfilters import urlencode
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

from comptoir.core.recent import Recent
from comptoir.domain.cities.models import City

#: Stands for the visitor's CSRF token in a cached page. Shop content is
#: escaped, so no product name or description can contain it.
CSRF_SLOT = "<!--csrf-token-->"
#: A CSRF field as `{% csrf_token %}` renders it.
TOKEN_FIELD = re.compile(r'<input type="hidden" name="csrfmiddlewaretoken" value="[^"<>]*">')
KEY_PREFIX = "page-frame"
#: The frames this process served last, unpickled (comptoir/core/recent.py).
RECENT = Recent(size=256)
#: A page's own text in a skeleton: its name between two characters of Unicode's
#: private use area, which escaping keeps and no template writes; and the same
#: through the `urlencode` filter.
SLOT_START, SLOT_END = "\ue000", "\ue001"
SLOT = re.compile(
    f"{SLOT_START}(\\w+){SLOT_END}|{urlencode(SLOT_START)}(\\w+){urlencode(SLOT_END)}"
)
#: The skeleton's slot for the page's path (base.html's `page_path`).
PATH = "page_path"
#: The skeletons this process rendered last. Cheap to render again: not shared.
SKELETONS = Recent(size=128)
SKELETON_SECONDS = 600
#: Where the frames' templates live: base.html, and the storefront's pages and partials.
TEMPLATE_FOLDERS = (
    Path(__file__).resolve().parents[2] / "templates",
    Path(__file__).resolve().parent / "templates" / "storefront",
)


@memoize
def templates_version() -> str:
    """Changes with any template a cached page or body is drawn from: deploys never serve old ones.

    With a shared cache (Redis), entries outlive the processes that wrote them.
    The frames here and the shop page's bodies (shop_page.py) are keyed by it.
    """
    digest = hashlib.blake2b(digest_size=8)
    for folder in TEMPLATE_FOLDERS:
        for path in sorted(folder.glob("*.html")):
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def rows_text(*rows: Model | None) -> str:
    """Every column of each of `rows` (None: no row) as text, to key a page built from them."""
    parts = []
    for row in rows:
        if row is None:
            parts.append("-")
            continue
        parts.append(row._meta.label)
        parts.extend(str(field.value_from_object(row)) for field in row._meta.concrete_fields)
    return "\x00".join(parts)


def body_key(kind: str, body: str, city: City, *parts: object) -> str:
    """A key for a page showing `body` in `city`, and `parts` around it (a query, a filter).

    Made of the body's digest (so a body rendered afresh, or another one under
    the same list key, never finds an older frame) and of what base.html shows
    of the city: its name, its address, whether it is live.
    """
    digest = hashlib.blake2b(digest_size=16)
    for part in (body, city.pk, city.slug, city.name, city.is_live, *parts):
        digest.update(str(part).encode())
        digest.update(b"\x00")
    return f"{kind}:{digest.hexdigest()}"


def framed_response(
    request: HttpRequest,
    template_name: str,
    context: Callable[[], dict[str, Any]],
    *,
    city: City,
    key: str,
    timeout: float,
    slotted: bool = False,
) -> HttpResponse:
    """`template_name` rendered with `context()` for this visitor, from the cache when it can be.

    `context` is only called when the page is rendered, not when it comes
    from the cache. `key` must change whenever anything the template shows
    but the visitor's own part (above) changes: `body_key`, or an exact key
    of the body (shop_page.py). The entry lasts `timeout` seconds.

    `slotted`: `context()` holds `city` and texts the template shows as they
    are (`{{ name }}`, no filter; SafeString for HTML), and the page is its
    `skeleton` filled with them.
    """
    # Imported here: basket_views imports the storefront's views, which import this module.
    from comptoir.interfaces.storefront.basket_views import basket_item_count

    if timeout <= 0:  # the cache is off (LISTING_CACHE_SECONDS=0)
        return HttpResponse(render_to_string(template_name, context(), request=request))
    count = basket_item_count(request, city)
    render = _filled if slotted else _rendered
    visitor = "customer" if request.user.is_authenticated else "visitor"
    path = hashlib.blake2b(request.get_full_path().encode(), digest_size=8).hexdigest()
    language = translation.get_language() or ""
    full_key = f"{KEY_PREFIX}:{templates_version()}:{key}:{language}:{visitor}:{count}:{path}"
    seconds = max(1, round(timeout))
    html = RECENT.get(full_key)
    if html is None:
        html = cache.get(full_key)
        if not isinstance(html, str):
            html = render(request, template_name, context() | {"basket_item_count": count})
            cache.set(full_key, html, seconds)
        RECENT.put(full_key, html, seconds)
    return HttpResponse(with_visitor_token(html, request))


def _rendered(request: HttpRequest, template_name: str, values: dict[str, Any]) -> str:
    return TOKEN_FIELD.sub(CSRF_SLOT, render_to_string(template_name, values, request=request))


def rendered_body(request: HttpRequest, template_name: str, values: dict[str, Any]) -> SafeString:
    """A body for a `slotted` page, rendered for this request, its CSRF fields as `CSRF_SLOT`."""
    return mark_safe(_rendered(request, template_name, values))  # noqa: S308 # nosec B308 B703 - rendered by our template


def _filled(request: HttpRequest, template_name: str, values: dict[str, Any]) -> str:
    city, count = values.pop("city"), values.pop("basket_item_count")
    return fill(
        skeleton(request, template_name, city=city, count=count, slots=tuple(values)),
        {**values, PATH: request.get_full_path()},
    )


def page_in_frame(
    request: HttpRequest, template_name: str, texts: dict[str, Any], *, city: City, count: int
) -> SafeString:
    """A page of this visitor alone (the checkout): the skeleton of `template_name` filled.

    `texts` as for a `slotted` page, usually a body from `rendered_body`;
    `count` is the visitor's basket count. Nothing is cached but the
    skeleton: base.html is not rendered for each such page.
    """
    html = _filled(request, template_name, {"city": city, "basket_item_count": count, **texts})
    return with_visitor_token(html, request)


def slot(name: str) -> SafeString:
    """The mark of the text `name` in a skeleton."""
    return mark_safe(f"{SLOT_START}{name}{SLOT_END}")  # noqa: S308 # nosec B308 B703 - no markup


def skeleton(
    request: HttpRequest, template_name: str, *, city: City, count: int, slots: tuple[str, ...]
) -> str:
    """`template_name` for this kind of visitor in `city`, a slot in place of each of `slots`.

    And of the path (`PATH`): base.html shows `page_path`, else the
    request's. Rendered once per city (its row), language, kind of visitor,
    basket count, template and slots, for `SKELETON_SECONDS` in this process.
    CSRF fields are `CSRF_SLOT`, as in every cached page.
    """
    language = translation.get_language() or ""
    visitor = "customer" if request.user.is_authenticated else "visitor"
    key = "\x00".join(
        [
            templates_version(),
            template_name,
            rows_text(city),
            language,
            visitor,
            str(count),
            *slots,
        ]
    )
    html = SKELETONS.get(key)
    if html is None:
        values: dict[str, Any] = {name: slot(name) for name in (*slots, PATH)}
        values |= {"city": city, "basket_item_count": count}
        html = _rendered(request, template_name, values)
        SKELETONS.put(key, html, SKELETON_SECONDS)
    return html


def fill(html: str, texts: Mapping[str, Any]) -> str:
    """`html` (a skeleton) with each slot replaced by its text, escaped (or urlencoded) as shown.

    One pass: a text holding a slot's mark is shown, not filled in turn. A
    mark of no text in `texts` stays.
    """

    def text(match: re.Match[str]) -> str:
        name = match[1] or match[2]
        if name not in texts:
            return match[0]
        value = texts[name]
        return conditional_escape(value if match[1] else urlencode(value))

    return SLOT.sub(text, html)


def with_visitor_token(html: str, request: HttpRequest) -> SafeString:
    """`html` with the visitor's own CSRF token in each of its forms."""
    if CSRF_SLOT not in html:
        return mark_safe(html)  # noqa: S308 # nosec B308 B703 - rendered by our template
    field = format_html(
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', get_token(request)
    )
    return mark_safe(html.replace(CSRF_SLOT, field))  # noqa: S308 # nosec B308 B703
