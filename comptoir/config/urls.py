from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from comptoir.core.health import healthz
from comptoir.interfaces.storefront import pwa

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("operator/", admin.site.urls),
    # The installable app, at the root: a service worker controls only the
    # pages under its own path. Before the storefront's /<city_slug>/.
    path("manifest.webmanifest", pwa.manifest, name="manifest"),
    path("sw.js", pwa.service_worker, name="service_worker"),
    path("offline/", pwa.offline, name="offline"),
    path("account/", include("comptoir.interfaces.accounts.urls")),
    # JSON endpoints of the push opt-in button (under /api/: never a city slug).
    path("api/push/", include("comptoir.interfaces.push.urls")),
    # The JSON API of the smartphone apps: /api/v1/, /api/openapi.json, /api/docs.
    path("api/", include("comptoir.interfaces.api.urls")),
    # The shop side: the picker, then each shop's order desk and back office.
    path("shop/", include("comptoir.interfaces.pro.urls")),
    # The city partners' read-only dashboards.
    path("partner/", include("comptoir.interfaces.partner.urls")),
    path("shop/<slug:city_slug>/<slug:shop_slug>/desk/", include("comptoir.interfaces.desk.urls")),
    path("shop/<slug:city_slug>/<slug:shop_slug>/", include("comptoir.interfaces.backoffice.urls")),
    path("", include("comptoir.interfaces.storefront.urls")),
]

if settings.DEBUG:  # pragma: no cover - media served by the web server in production
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

__all__ = ["i18n_patterns", "urlpatterns"]
