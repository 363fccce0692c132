"""Product.revision, raised by the database itself on every UPDATE of a product row.

A trigger, not the ORM: an order takes stock with a conditional UPDATE, a CSV
import with bulk_update, an operator may fix a price with SQL; none of them
goes through save(). The shop page's cache key (interfaces/storefront/
shop_page.py) reads each product as (id, revision) instead of all its
columns, so the trigger must see every write.

- PostgreSQL: BEFORE UPDATE, NEW.revision := OLD.revision + 1.
- SQLite: AFTER UPDATE, a second UPDATE of the row to OLD.revision + 1. Its
  WHEN stops it firing again on that UPDATE (were recursive triggers on),
  and lets it replace a value a stale save() wrote (lower than or equal to
  OLD's): the row never goes back to a revision it had.

SQLite drops a table's triggers with the table when a migration rebuilds it
(most column changes do): `repair`, run after every `migrate`, puts the
trigger back, as the search index does for its own (search/schema.py).
"""

from __future__ import annotations

# ruff: noqa: S608 (SQL built from constants only)
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper

TRIGGER = "catalogue_product_revise"

CREATE = {
    "sqlite": (
        f"""CREATE TRIGGER {TRIGGER} AFTER UPDATE ON catalogue_product
        FOR EACH ROW WHEN NEW.revision <= OLD.revision
        BEGIN
            UPDATE catalogue_product SET revision = OLD.revision + 1 WHERE id = NEW.id;
        END""",
    ),
    "postgresql": (
        f"""CREATE OR REPLACE FUNCTION {TRIGGER}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            NEW.revision := OLD.revision + 1;
            RETURN NEW;
        END $$""",
        f"""CREATE TRIGGER {TRIGGER} BEFORE UPDATE ON catalogue_product
        FOR EACH ROW EXECUTE FUNCTION {TRIGGER}()""",
    ),
}
DROP = {
    "sqlite": (f"DROP TRIGGER IF EXISTS {TRIGGER}",),
    "postgresql": (
        f"DROP TRIGGER IF EXISTS {TRIGGER} ON catalogue_product",
        f"DROP FUNCTION IF EXISTS {TRIGGER}()",
    ),
}


def _statements(table: dict[str, tuple[str, ...]], vendor: str) -> tuple[str, ...]:
    if vendor not in table:
        raise NotImplementedError(f"No product revision trigger for {vendor}.")
    return table[vendor]


def install(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        for statement in _statements(CREATE, connection.vendor):
            cursor.execute(statement)


def uninstall(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        for statement in _statements(DROP, connection.vendor):
            cursor.execute(statement)


def is_installed(connection: BaseDatabaseWrapper) -> bool:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = %s", [TRIGGER]
            )
        else:
            cursor.execute("SELECT 1 FROM pg_trigger WHERE tgname = %s", [TRIGGER])
        return cursor.fetchone() is not None


def repair(connection: BaseDatabaseWrapper) -> bool:
    """Create the trigger again if a table rebuild lost it; True if it was missing.

    Before migration 0006 (no `revision` column yet) there is nothing to repair.
    """
    with connection.cursor() as cursor:
        description = connection.introspection.get_table_description(cursor, "catalogue_product")
    columns = {column.name for column in description}
    if "revision" not in columns or is_installed(connection):
        return False
    install(connection)
    return True


def repair_after_migrate(*, using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> None:
    """post_migrate receiver (catalogue/apps.py)."""
    repair(connections[using])
