"""The installable app: web manifest, service worker and offline page.

They are served from the site root because a service worker only controls the
pages under its own path: `/sw.js` can take the whole site.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

# Colours of comptoir.css: --brand for the browser bar, --bg for the splash screen.
THEME_COLOUR = "#1f5c45"
BACKGROUND_COLOUR = "#faf7f2"
# What the service worker stores on install, so the offline page shows styled.
PRECACHED_STATIC = [
    "css/comptoir.css",
    "vendor/htmx/htmx-2.0.11.min.js",
    "js/app.js",
    "js/quantity.js",
    "icons/comptoir.svg",
]
# Templates whose change must reach phones that cached the offline page.
OFFLINE_TEMPLATES = ["storefront/offline.html", "base.html"]


@require_GET
@cache_control(max_age=86400)
def manifest(request: HttpRequest) -> JsonResponse:
    # The browser fetches the manifest without cookies: it speaks the site's
    # default language, like its `lang`.
    with translation.override(settings.LANGUAGE_CODE):
        data = {
            "name": "Comptoir",
            "short_name": "Comptoir",
            "description": gettext("Order from the independent shops near you."),
            "lang": settings.LANGUAGE_CODE,
            "dir": "ltr",
            "start_url": "/",
            "scope": "/",
            "display": "standalone",
            "theme_color": THEME_COLOUR,
            "background_color": BACKGROUND_COLOUR,
            "icons": [
                _icon("icons/icon-192.png", 192, "any"),
                _icon("icons/icon-512.png", 512, "any"),
                _icon("icons/icon-maskable-192.png", 192, "maskable"),
                _icon("icons/icon-maskable-512.png", 512, "maskable"),
            ],
        }
    return JsonResponse(
        data, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False}
    )


def _icon(name: str, size: int, purpose: str) -> dict[str, str]:
    return {"src": static(name), "sizes": f"{size}x{size}", "type": "image/png", "purpose": purpose}


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    precache = [reverse("offline"), *(static(name) for name in PRECACHED_STATIC)]
    response = render(
        request,
        "storefront/sw.js",
        {
            "version": _version(precache),
            "offline_url": reverse("offline"),
            "static_url": settings.STATIC_URL,
            "precache": precache,
            # Hashed names never change content, so they can be served from the
            # cache first; plain names (development) go to the network first.
            "static_names_are_hashed": isinstance(staticfiles_storage, ManifestFilesMixin),
        },
        content_type="application/javascript; charset=utf-8",
    )
    # Browsers revalidate the worker script on every check: a deploy reaches
    # phones on their next visit.
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/"
    return response


def _version(precache: list[str]) -> str:
    """Changes when a precached file or the offline page changes (new worker, fresh caches)."""
    digest = hashlib.sha256("\n".join(precache).encode())
    for name in OFFLINE_TEMPLATES:
        digest.update(loader.get_template(name).template.source.encode())  # type: ignore[attr-defined]
    return digest.hexdigest()[:12]


@require_GET
def offline(request: HttpRequest) -> HttpResponse:
    # Precached once and shown whatever the language later chosen: the page
    # is written in French and English side by side, like the 500 page.
    with translation.override(settings.LANGUAGE_CODE):
        return render(request, "storefront/offline.html")
