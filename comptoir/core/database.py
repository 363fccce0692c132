"""One DATABASE_URL picks the database; each engine gets its production tuning.

SQLite is the embedded default. It runs in WAL mode so readers never wait for
the writer, with `synchronous=NORMAL` (a power cut can lose the last committed
transactions but never corrupts the file; see docs/configuration.md) and
`BEGIN IMMEDIATE` transactions, so two writers queue on the busy timeout
instead of failing with "database is locked" when a read upgrades to a write.

Both keep connections between requests for a minute (PostgreSQL's
health-checked); PostgreSQL runs with its JIT compiler off for our sessions,
and with server-side parameters and prepared statements.
"""

from __future__ import annotations

from typing import Any

import dj_database_url

SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL;"
    "PRAGMA synchronous=NORMAL;"
    "PRAGMA foreign_keys=ON;"
    "PRAGMA busy_timeout=10000;"
    "PRAGMA temp_store=MEMORY;"
    "PRAGMA cache_size=-32000;"
    "PRAGMA mmap_size=134217728;"
)


#: Runs of one statement on a connection after which psycopg prepares it (its default).
PREPARE_THRESHOLD = 5


def database_from_url(url: str) -> dict[str, Any]:
    """Return a Django DATABASES entry for `url` (sqlite:/// or postgres://)."""
    config: dict[str, Any] = dict(dj_database_url.parse(url))
    engine = config["ENGINE"]
    if engine == "django.db.backends.sqlite3":
        config["OPTIONS"] = {
            "init_command": SQLITE_PRAGMAS,
            "transaction_mode": "IMMEDIATE",
            "timeout": 10,
        }
        # Kept between requests, one per server thread: opening the file and
        # running the pragmas above cost ~2 ms, 70 % of a cheap request
        # (docs/benchmarks.md, Serving). Reopened each minute, so a restored
        # file is picked up without a restart.
        config["CONN_MAX_AGE"] = 60
    elif engine == "django.db.backends.postgresql":
        config["CONN_MAX_AGE"] = 60
        config["CONN_HEALTH_CHECKS"] = True
        options = config.setdefault("OPTIONS", {})
        # No JIT: our queries are short OLTP reads and writes, and a broad
        # search ("bio": 13,000 names) crossed jit_above_cost and paid ~80 ms
        # of compilation to save a few (docs/benchmarks.md, search).
        if "jit" not in options.get("options", ""):
            options["options"] = f"{options.get('options', '')} -c jit=off".strip()
        # Parameters sent apart from the SQL, and each statement a connection has
        # run five times prepared on its sixth, its plan kept: Django's default
        # (client-side binding, nothing prepared) has PostgreSQL parse and plan
        # every query anew. The shop page's one query took 1.9 ms to plan and
        # 0.5 to run; a checkout's statements take ~25 % less database time
        # (docs/benchmarks.md).
        # `?prepared=off` in DATABASE_URL turns both off, for a pooler in
        # transaction mode that cannot keep prepared statements (PgBouncer
        # before 1.21, or without max_prepared_statements).
        if str(options.pop("prepared", "on")).lower() not in {"off", "false", "0", "no"}:
            options.setdefault("server_side_binding", True)
            options.setdefault("prepare_threshold", PREPARE_THRESHOLD)
    else:  # pragma: no cover - guarded for operators who mistype the URL
        raise ValueError(f"Unsupported DATABASE_URL engine: {engine}")
    return config
