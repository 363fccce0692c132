"""A minimal Django project: no database, no middleware, one JSON view."""

SECRET_KEY = "bench-hello-not-secret"  # noqa: S105 - a benchmark app, never deployed  # nosec B105
DEBUG = False
ALLOWED_HOSTS = ["*"]
ROOT_URLCONF = "bench.apps.hello.urls"
INSTALLED_APPS: list[str] = []
MIDDLEWARE: list[str] = []
DATABASES: dict[str, dict[str, str]] = {}
USE_TZ = True
LOGGING_CONFIG = None
# Comptoir's LiveApp (mounted by `router`) reads it.
LIVE_HEARTBEAT_SECONDS = 15
# What importing comptoir.config.asgi (for its Router, in `router`) reads.
TRUSTED_PROXIES: list[str] = []
DESK_SWEEP_SECONDS = 0
WEB_FREEZE_HEAP = False
MEDIA_URL = "/media/"
MEDIA_ROOT = "/tmp/comptoir-bench/hello-media"  # noqa: S108 - never written
