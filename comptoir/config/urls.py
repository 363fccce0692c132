from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from comptoir.core.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("operator/", admin.site.urls),
    path("account/", include("comptoir.interfaces.accounts.urls")),
    path("", include("comptoir.interfaces.storefront.urls")),
]

if settings.DEBUG:  # pragma: no cover - media served by the web server in production
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

__all__ = ["i18n_patterns", "urlpatterns"]
