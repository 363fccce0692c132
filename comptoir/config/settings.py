"""Django settings for Comptoir.

Everything that differs between a laptop and production comes from the
environment (see docs/configuration.md); the defaults make `make run` work on a
fresh machine with no server: SQLite in WAL mode under ./var/.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from comptoir.core.database import database_from_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("COMPTOIR_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    """Use SECRET_KEY from the environment, else one generated once per machine."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = _env_bool("DEBUG")
ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",")
#: The public origin put in e-mails sent without a request (the weekly digest);
#: empty: https:// and the first of ALLOWED_HOSTS.
SITE_URL = os.environ.get("SITE_URL", "")
#: Days past an invoice's due date before the shop is suspended (docs/billing.md).
BILLING_GRACE_DAYS = int(os.environ.get("BILLING_GRACE_DAYS", "15"))
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    # Interface apps first so their templates override Django's (admin, auth).
    "comptoir.interfaces.operator",
    "comptoir.interfaces.storefront",
    "comptoir.interfaces.accounts",
    "comptoir.interfaces.pro",
    "comptoir.interfaces.desk",
    "comptoir.interfaces.backoffice",
    "comptoir.interfaces.push",
    "comptoir.interfaces.api",
    "comptoir.interfaces.partner",
    # django.contrib.admin, its site replaced by the operator's (one protected log-in page).
    "comptoir.interfaces.operator.apps.OperatorAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Before django_tasks_db: its `db_worker` command replaces the library's.
    "comptoir.core",
    "django_tasks_db",
    "ninja",  # the JSON API's framework (its Swagger UI files, served locally)
    # Domain apps: models, services (writes) and selectors (reads).
    "comptoir.domain.accounts",
    "comptoir.domain.cities",
    "comptoir.domain.shops",
    "comptoir.domain.catalogue",
    "comptoir.domain.search",
    "comptoir.domain.fulfilment",
    "comptoir.domain.orders",
    "comptoir.domain.notifications",
    "comptoir.domain.deals",
    "comptoir.domain.onboarding",
    "comptoir.domain.billing",
    "comptoir.domain.insights",
    "comptoir.domain.legal",
    # Tooling.
    "comptoir.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages 10-15x smaller on the wire (a shop page: 73 KB → 7 KB), at gzip level 1
    # (~0.2 ms; Django's level 6 took ~0.7); below WhiteNoise, which serves its own
    # pre-compressed files.
    "comptoir.core.compression.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "comptoir.config.urls"
WSGI_APPLICATION = "comptoir.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "comptoir" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]
# Django's form renderer, with the plain widgets (<input>, <textarea>) written in
# Python: same output, a tenth of the checkout page's time less.
FORM_RENDERER = "comptoir.interfaces.form_renderer.FormRenderer"

DATABASES = {
    "default": database_from_url(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'comptoir.sqlite3'}")
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# ModelBackend checks passwords, and reads the user of sessions opened before
# log-ins named SessionUserBackend, which reads it with one lean statement
# (comptoir/domain/accounts/backends.py).
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "comptoir.domain.accounts.backends.SessionUserBackend",
]
# Argon2 first: new passwords use it; older PBKDF2 hashes still verify and are
# re-hashed with Argon2 at the user's next successful log-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "storefront:index"

# Background work goes through django.tasks; the ORM-backed queue needs no
# extra server, and `make run` starts its worker beside the web server.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# People read times in Europe/Paris (or their city's zone); the database stores UTC.
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "comptoir" / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "comptoir" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    # FileSystemStorage, with photo URLs made faster (comptoir/core/storage.py).
    "default": {"BACKEND": "comptoir.core.storage.MediaStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_MAX_AGE = 3600

# Security: sensible by default, strict when served over HTTPS (HTTPS=1).
HTTPS = _env_bool("HTTPS")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
# Every subdomain is HTTPS too. "preload" only makes the domain eligible: it
# joins browsers' preload lists once submitted at hstspreload.org.
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SESSION_COOKIE_HTTPONLY = True
# Django's database sessions, read with one lean statement (comptoir/core/sessions.py).
SESSION_ENGINE = "comptoir.core.sessions"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CSP = {
    "default-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}

# Outgoing mail (Django 6.1 mailers). The console backend prints mail in
# `make run`; production sets MAIL_BACKEND (and its options) to SMTP.
MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
MAILERS = {
    "default": {
        "BACKEND": MAIL_BACKEND,
        # An SMTP conversation that hangs must give up well before the outbox's
        # lease (EMAIL_OUTBOX_LEASE_SECONDS) lets another worker send it again.
        **(
            {
                "OPTIONS": {
                    "host": os.environ.get("MAIL_HOST", "localhost"),
                    "port": int(os.environ.get("MAIL_PORT", "587")),
                    "username": os.environ.get("MAIL_USER", ""),
                    "password": os.environ.get("MAIL_PASSWORD", ""),
                    "use_tls": os.environ.get("MAIL_USE_TLS", "true") == "true",
                    "timeout": float(os.environ.get("MAIL_TIMEOUT_SECONDS", "60")),
                }
            }
            if MAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend"
            else {}
        ),
    }
}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Comptoir <bonjour@comptoir.local>")
# Seconds a worker holds an e-mail of the outbox while sending it; past that, it
# is deemed dead and another worker sends it. Keep the mailer's timeout below.
EMAIL_OUTBOX_LEASE_SECONDS = float(os.environ.get("EMAIL_OUTBOX_LEASE_SECONDS", "300"))

# Web Push (docs/notifications.md). Without VAPID_PUBLIC_KEY/VAPID_PRIVATE_KEY
# a pair is generated once into VAR_DIR/vapid.json (fine on one machine; set
# them in production, where every server must sign with the same key).
VAPID_PUBLIC_KEY = os.environ.get("VAPID_PUBLIC_KEY", "")
VAPID_PRIVATE_KEY = os.environ.get("VAPID_PRIVATE_KEY", "")
VAPID_SUBJECT = os.environ.get("VAPID_SUBJECT", "mailto:bonjour@comptoir.local")
# Hosts of the browsers' push services we agree to POST to (a leading dot
# allows subdomains); a subscription naming any other host is refused.
PUSH_SERVICE_HOSTS = os.environ.get(
    "PUSH_SERVICE_HOSTS",
    "fcm.googleapis.com,updates.push.services.mozilla.com,web.push.apple.com,.notify.windows.com",
).split(",")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Lists of many shops or products (the city home, a trade's list of shops, the
# search results as one types) hold nothing personal: each is rendered once
# per city, parameters, language and minute, and shared by every visitor for
# this many seconds. A change (a price, "sold out", a shop pausing) shows in
# them this late at most; shop and product pages, the basket and checkout are
# always exact. 0 turns it off (comptoir/interfaces/storefront/listing_cache.py).
LISTING_CACHE_SECONDS = float(os.environ.get("LISTING_CACHE_SECONDS", "30"))
# Every storefront request reads its city: each process keeps the live city
# rows this many seconds (a change made in another process shows this late at
# most; in the same process at once). 0 reads them each time
# (comptoir/domain/shops/selectors.py, city_for_storefront).
STOREFRONT_CITY_SECONDS = float(os.environ.get("STOREFRONT_CITY_SECONDS", "5"))

# --- Serving (comptoir/config/asgi.py, `manage.py serve`) ---------------------
# Seconds between `: ping` comments on idle live (SSE) streams; proxies and
# mobile networks drop connections that stay silent for about a minute.
LIVE_HEARTBEAT_SECONDS = float(os.environ.get("LIVE_HEARTBEAT_SECONDS", "15"))
# How live events reach streams (comptoir/core/event_bus/): "inprocess" for a
# single server process; "postgres" (LISTEN/NOTIFY on DATABASE_URL's server) or
# "redis" (pub/sub on REDIS_URL) when several processes serve the site.
EVENT_BUS = os.environ.get("EVENT_BUS", "inprocess")
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
# Seconds between two desk sweeps (escalations, auto-refusals) run by each
# server process; 0 turns the sweep off.
DESK_SWEEP_SECONDS = float(os.environ.get("DESK_SWEEP_SECONDS", "15"))
# Each server worker moves its warm heap out of the garbage collector's full
# passes early in its life (comptoir/core/heap.py).
WEB_FREEZE_HEAP = _env_bool("WEB_FREEZE_HEAP", True)
# Reverse proxies (IPs or CIDR networks, comma-separated) whose X-Forwarded-For and
# X-Forwarded-Proto are believed: the client's address they give becomes
# REMOTE_ADDR (log-in throttle, API rate limits). Empty: no header is believed.
TRUSTED_PROXIES = [h.strip() for h in os.environ.get("TRUSTED_PROXIES", "").split(",") if h.strip()]
# --- end Serving ---------------------------------------------------------------

# --- JSON API (comptoir/interfaces/api/, docs/api.md) -----------------------------
# Requests per minute per client IP and per token (0 turns a limit off); counted
# in the cache below: per process with "locmem", shared by all with "redis".
API_RATE_LIMITS = {
    "ip": int(os.environ.get("API_RATE_LIMIT_IP", "600")),
    "token": int(os.environ.get("API_RATE_LIMIT_TOKEN", "300")),
}
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if os.environ.get("CACHE_BACKEND", "locmem") == "redis"
        # Per process. Cached pages and lists weigh 5–80 KB each: at most
        # 2,000 entries (culled when full) bound the memory they take; the
        # process's RSS after a rush is in docs/benchmarks.md.
        else {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 2000},
        }
    )
}
# django-ninja: never trust X-Forwarded-For for a client's address (it is forgeable).
NINJA_NUM_PROXIES = 0
