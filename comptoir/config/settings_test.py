"""Settings for the test suite: same as production but for speed and isolation."""

from comptoir.config.settings import *  # noqa: F403
from comptoir.config.settings import STORAGES, VAR_DIR

# Fast hashing: tests create many users; the real hasher is tested by Django.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# No manifest: tests render templates without running collectstatic.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "test-media"
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
