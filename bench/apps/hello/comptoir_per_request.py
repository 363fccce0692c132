"""Comptoir's ASGI app opening a database connection per request (CONN_MAX_AGE=0).

For bench/serving.py's comparison only: how Comptoir served SQLite before it
kept connections (comptoir/core/database.py). Opening one runs seven PRAGMAs,
which was most of a cheap page's cost.
"""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "comptoir.config.settings")

from django.conf import settings

settings.DATABASES["default"]["CONN_MAX_AGE"] = 0

from comptoir.config.asgi import application  # noqa: E402

__all__ = ["application"]
