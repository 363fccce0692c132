"""Settings for the test suite: same as production but for speed and isolation."""

import os

from comptoir.config.settings import *  # noqa: F403
from comptoir.config.settings import DATABASES, STATIC_ROOT, STORAGES, VAR_DIR, _env_bool

# Fast hashing: tests create many users; the real hasher is tested by Django.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# No manifest: tests render templates without running collectstatic.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "test-media"
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}

# WhiteNoise warns on every request when STATIC_ROOT is missing.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)

# SQLite tests use a real file, not pytest-django's in-memory default: WAL,
# IMMEDIATE transactions and concurrent connections then behave as in
# production, so concurrency tests mean something on SQLite too.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test_comptoir.sqlite3")}

# Servers started by tests/servers.py serve static files straight from the
# apps' folders (no collectstatic in tests).
WHITENOISE_USE_FINDERS = True
# The periodic desk sweep stays off unless a test turns it on (a server
# started by tests/servers.py with DESK_SWEEP_SECONDS in its environment).
DESK_SWEEP_SECONDS = float(os.environ.get("DESK_SWEEP_SECONDS", "0"))
# The test process keeps every object in the collector's reach (an app built
# in a test must not freeze the suite's heap); servers started by
# tests/servers.py freeze theirs as in production.
WEB_FREEZE_HEAP = _env_bool("WEB_FREEZE_HEAP", False)
# API rate limits off unless a test turns them on (tests/interfaces/api/test_rate_limits.py,
# or a server started with API_RATE_LIMIT_IP/API_RATE_LIMIT_TOKEN in its environment):
# the whole suite calls the API from 127.0.0.1 within minutes.
API_RATE_LIMITS = {
    "ip": int(os.environ.get("API_RATE_LIMIT_IP", "0")),
    "token": int(os.environ.get("API_RATE_LIMIT_TOKEN", "0")),
}
# The shared search results cache stays off unless a test turns it on
# (tests/interfaces/storefront/test_listing_cache.py): tests change products
# between two searches and expect to see it at once.
LISTING_CACHE_SECONDS = 0.0
STOREFRONT_CITY_SECONDS = 0.0  # tests make their cities afresh; tests/domain/shops test the memo
