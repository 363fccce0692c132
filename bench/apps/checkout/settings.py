"""Settings of the raw ORM reference: only its three tables, Comptoir's database tuning.

DATABASE_URL goes through Comptoir's own `database_from_url`, so SQLite runs
with the same pragmas and `BEGIN IMMEDIATE` transactions, and PostgreSQL with
the same persistent connections, as the application.
"""

import os

from comptoir.core.database import database_from_url

SECRET_KEY = "raw-orm-reference"  # noqa: S105 (no request is ever served)
INSTALLED_APPS = ["bench.apps.checkout"]
DATABASES = {"default": database_from_url(os.environ["DATABASE_URL"])}
USE_TZ = True
TIME_ZONE = "UTC"
