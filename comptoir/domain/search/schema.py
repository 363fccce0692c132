"""The search index, kept in sync by the database itself.

Products are saved by services, by the admin (without services), by seeding
(`bulk_create`) and by hand-written SQL; only database triggers see all of
these. So each backend keeps its index with triggers, and the application
never writes to it. Triggers cannot run Python, so they index the text as
written (accents and plurals included); the query side folds both away (see
`normalise.py` and docs/search.md).

SQLite: two FTS5 tables, `search_product_fts` (name, category, shop,
description; rowid = product id) and `search_shop_fts` (name, tagline,
description; rowid = shop id), with the `unicode61 remove_diacritics 2`
tokenizer and 2-4 letter prefix indexes for as-you-type queries.

PostgreSQL: `search_product_document` (product id, weighted French tsvector of
name A / category B / shop C / description D over unaccented text, unaccented
name for trigram typo matching), maintained by statement-level triggers with
transition tables so that a `bulk_create` of 96,000 products costs one
INSERT … SELECT, not 96,000 trigger calls. Shops are few, so they need no
table: an expression GIN index over their unaccented name and tagline.
"""

from __future__ import annotations

# ruff: noqa: S608 (SQL built from constants and ORM-compiled subqueries; values are parameters)
import re

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

# --- SQLite -----------------------------------------------------------------

# SQLite's unicode61 tokenizer strips accents but keeps the French ligatures.
_SQLITE_LIGATURES = "replace(replace(lower({}), 'œ', 'oe'), 'æ', 'ae')"


def _lig(expression: str) -> str:
    return _SQLITE_LIGATURES.format(expression)


def _sqlite_product_row(alias: str) -> str:
    """SELECT list of one FTS row for the product `alias` (NEW in a trigger, p in a rebuild)."""
    return f"""
        {alias}.id,
        {_lig(f"{alias}.name")},
        coalesce((SELECT {_lig("c.name")} FROM catalogue_category c
                  WHERE c.id = {alias}.category_id), ''),
        coalesce((SELECT {_lig("s.name")} FROM shops_shop s WHERE s.id = {alias}.shop_id), ''),
        {_lig(f"{alias}.description")}"""


def _sqlite_shop_row(alias: str) -> str:
    return f"""
        {alias}.id, {_lig(f"{alias}.name")}, {_lig(f"{alias}.tagline")},
        {_lig(f"{alias}.description")}"""


SQLITE_PRODUCT_INSERT = "INSERT INTO search_product_fts (rowid, name, category, shop, description)"
SQLITE_SHOP_INSERT = "INSERT INTO search_shop_fts (rowid, name, tagline, description)"
SQLITE_TOKENIZER = "tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3 4'"

SQLITE_CREATE = [
    f"""CREATE VIRTUAL TABLE search_product_fts USING fts5(
        name, category, shop, description, {SQLITE_TOKENIZER})""",
    f"""CREATE VIRTUAL TABLE search_shop_fts USING fts5(
        name, tagline, description, {SQLITE_TOKENIZER})""",
    # Products.
    f"""CREATE TRIGGER search_product_inserted AFTER INSERT ON catalogue_product BEGIN
        {SQLITE_PRODUCT_INSERT} SELECT {_sqlite_product_row("NEW")};
    END""",
    f"""CREATE TRIGGER search_product_updated AFTER UPDATE ON catalogue_product
    WHEN OLD.id IS NOT NEW.id OR OLD.name IS NOT NEW.name
        OR OLD.description IS NOT NEW.description
        OR OLD.category_id IS NOT NEW.category_id OR OLD.shop_id IS NOT NEW.shop_id
    BEGIN
        DELETE FROM search_product_fts WHERE rowid = OLD.id;
        {SQLITE_PRODUCT_INSERT} SELECT {_sqlite_product_row("NEW")};
    END""",
    """CREATE TRIGGER search_product_deleted AFTER DELETE ON catalogue_product BEGIN
        DELETE FROM search_product_fts WHERE rowid = OLD.id;
    END""",
    f"""CREATE TRIGGER search_category_renamed AFTER UPDATE OF name ON catalogue_category
    WHEN OLD.name IS NOT NEW.name BEGIN
        UPDATE search_product_fts SET category = {_lig("NEW.name")}
        WHERE rowid IN (SELECT id FROM catalogue_product WHERE category_id = NEW.id);
    END""",
    # Shops: their own rows, and the shop column of their products.
    f"""CREATE TRIGGER search_shop_inserted AFTER INSERT ON shops_shop BEGIN
        {SQLITE_SHOP_INSERT} SELECT {_sqlite_shop_row("NEW")};
    END""",
    f"""CREATE TRIGGER search_shop_updated AFTER UPDATE ON shops_shop
    WHEN OLD.id IS NOT NEW.id OR OLD.name IS NOT NEW.name OR OLD.tagline IS NOT NEW.tagline
        OR OLD.description IS NOT NEW.description
    BEGIN
        DELETE FROM search_shop_fts WHERE rowid = OLD.id;
        {SQLITE_SHOP_INSERT} SELECT {_sqlite_shop_row("NEW")};
    END""",
    f"""CREATE TRIGGER search_shop_renamed AFTER UPDATE OF name ON shops_shop
    WHEN OLD.name IS NOT NEW.name BEGIN
        UPDATE search_product_fts SET shop = {_lig("NEW.name")}
        WHERE rowid IN (SELECT id FROM catalogue_product WHERE shop_id = NEW.id);
    END""",
    """CREATE TRIGGER search_shop_deleted AFTER DELETE ON shops_shop BEGIN
        DELETE FROM search_shop_fts WHERE rowid = OLD.id;
    END""",
]

SQLITE_REBUILD = [
    "DELETE FROM search_product_fts",
    f"{SQLITE_PRODUCT_INSERT} SELECT {_sqlite_product_row('p')} FROM catalogue_product p",
    "DELETE FROM search_shop_fts",
    f"{SQLITE_SHOP_INSERT} SELECT {_sqlite_shop_row('s')} FROM shops_shop s",
    "INSERT INTO search_product_fts (search_product_fts) VALUES ('optimize')",
    "INSERT INTO search_shop_fts (search_shop_fts) VALUES ('optimize')",
]

SQLITE_DROP = [
    *(
        f"DROP TRIGGER IF EXISTS {name}"
        for name in (
            "search_product_inserted",
            "search_product_updated",
            "search_product_deleted",
            "search_category_renamed",
            "search_shop_inserted",
            "search_shop_updated",
            "search_shop_renamed",
            "search_shop_deleted",
        )
    ),
    "DROP TABLE IF EXISTS search_product_fts",
    "DROP TABLE IF EXISTS search_shop_fts",
]

# --- PostgreSQL -------------------------------------------------------------


# The unaccented, French-stemmed, weighted text of a shop (name A, tagline B):
# the same expression in the index and in the query, so the index is used.
def pg_shop_vector(prefix: str = "") -> str:
    """The shop's document; `prefix` is a table alias with its dot ("s.") or nothing."""
    return (
        f"(setweight(to_tsvector('french'::regconfig, search_unaccent({prefix}name)), 'A') || "
        f"setweight(to_tsvector('french'::regconfig, search_unaccent({prefix}tagline)), 'B'))"
    )


# Rows of `search_product_document` for the products selected by `{where}`.
_PG_PRODUCT_SOURCE = """
    SELECT p.id,
        setweight(to_tsvector('french', search_unaccent(p.name)), 'A')
        || setweight(to_tsvector('french', search_unaccent(coalesce(c.name, ''))), 'B')
        || setweight(to_tsvector('french', search_unaccent(s.name)), 'C')
        || setweight(to_tsvector('french', search_unaccent(p.description)), 'D'),
        lower(search_unaccent(p.name))
    FROM catalogue_product p
    JOIN shops_shop s ON s.id = p.shop_id
    LEFT JOIN catalogue_category c ON c.id = p.category_id
    WHERE {where}"""

_PG_UPSERT = """
    INSERT INTO search_product_document (product_id, document, name_key) {source}
    ON CONFLICT (product_id) DO UPDATE
    SET document = EXCLUDED.document, name_key = EXCLUDED.name_key"""


def _pg_upsert(where: str) -> str:
    return _PG_UPSERT.format(source=_PG_PRODUCT_SOURCE.format(where=where))


def _pg_trigger_function(name: str, body: str) -> str:
    return f"""CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        {body};
        RETURN NULL;
    END $$"""


PG_CREATE = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    # unaccent() is only STABLE (its dictionary could change); indexes need an
    # IMMUTABLE function, so we name the dictionary and promise it will not.
    """CREATE OR REPLACE FUNCTION search_unaccent(text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$""",
    """CREATE TABLE search_product_document (
        product_id bigint PRIMARY KEY,
        document tsvector NOT NULL,
        name_key text NOT NULL
    )""",
    "CREATE INDEX search_product_document_fts ON search_product_document USING gin (document)",
    """CREATE INDEX search_product_document_trgm
        ON search_product_document USING gin (name_key gin_trgm_ops)""",
    f"CREATE INDEX search_shop_fts ON shops_shop USING gin ({pg_shop_vector()})",
    # Products inserted (one statement for a whole bulk_create).
    _pg_trigger_function(
        "search_products_inserted", _pg_upsert("p.id IN (SELECT id FROM new_rows)")
    ),
    """CREATE TRIGGER search_products_inserted AFTER INSERT ON catalogue_product
        REFERENCING NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION search_products_inserted()""",
    # Products updated: only rows whose indexed text changed (not a stock change).
    _pg_trigger_function(
        "search_products_updated",
        _pg_upsert(
            """p.id IN (SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
                WHERE (n.name, n.description, n.category_id, n.shop_id)
                IS DISTINCT FROM (o.name, o.description, o.category_id, o.shop_id))"""
        ),
    ),
    """CREATE TRIGGER search_products_updated AFTER UPDATE ON catalogue_product
        REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION search_products_updated()""",
    _pg_trigger_function(
        "search_products_deleted",
        "DELETE FROM search_product_document WHERE product_id IN (SELECT id FROM old_rows)",
    ),
    """CREATE TRIGGER search_products_deleted AFTER DELETE ON catalogue_product
        REFERENCING OLD TABLE AS old_rows
        FOR EACH STATEMENT EXECUTE FUNCTION search_products_deleted()""",
    # Row triggers never see TRUNCATE (Django's test flush uses it).
    _pg_trigger_function("search_products_truncated", "TRUNCATE search_product_document"),
    """CREATE TRIGGER search_products_truncated AFTER TRUNCATE ON catalogue_product
        FOR EACH STATEMENT EXECUTE FUNCTION search_products_truncated()""",
    # A renamed shelf or shop re-indexes its products.
    _pg_trigger_function(
        "search_categories_renamed",
        _pg_upsert(
            """p.category_id IN (SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
                WHERE n.name IS DISTINCT FROM o.name)"""
        ),
    ),
    """CREATE TRIGGER search_categories_renamed AFTER UPDATE ON catalogue_category
        REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION search_categories_renamed()""",
    _pg_trigger_function(
        "search_shops_renamed",
        _pg_upsert(
            """p.shop_id IN (SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
                WHERE n.name IS DISTINCT FROM o.name)"""
        ),
    ),
    """CREATE TRIGGER search_shops_renamed AFTER UPDATE ON shops_shop
        REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION search_shops_renamed()""",
]

PG_REBUILD = [
    "TRUNCATE search_product_document",
    _PG_UPSERT.format(source=_PG_PRODUCT_SOURCE.format(where="TRUE")),
    "ANALYZE search_product_document",
]

PG_DROP = [
    "DROP TRIGGER IF EXISTS search_products_inserted ON catalogue_product",
    "DROP TRIGGER IF EXISTS search_products_updated ON catalogue_product",
    "DROP TRIGGER IF EXISTS search_products_deleted ON catalogue_product",
    "DROP TRIGGER IF EXISTS search_products_truncated ON catalogue_product",
    "DROP TRIGGER IF EXISTS search_categories_renamed ON catalogue_category",
    "DROP TRIGGER IF EXISTS search_shops_renamed ON shops_shop",
    *(
        f"DROP FUNCTION IF EXISTS {name}()"
        for name in (
            "search_products_inserted",
            "search_products_updated",
            "search_products_deleted",
            "search_products_truncated",
            "search_categories_renamed",
            "search_shops_renamed",
        )
    ),
    "DROP INDEX IF EXISTS search_shop_fts",
    "DROP TABLE IF EXISTS search_product_document",
    "DROP FUNCTION IF EXISTS search_unaccent(text)",
]

# A product's name alone, as its document's weight-A part (same configuration,
# same unaccent), GIN-indexed on the product table: the name-first pass of
# `backends.PostgreSQLBackend` ("every term in the name") reads this index,
# filters on the product row it points to, and looks up the documents of the
# eligible names only. An expression index: PostgreSQL keeps it with the row,
# no trigger, no column. `search_unaccent` being a SQL function (cost 100),
# the planner never prefers recomputing it over all rows to the index. Added by
# migration search/0002.
PG_NAME_VECTOR = "to_tsvector('french'::regconfig, search_unaccent({}name))"


def pg_name_vector(prefix: str = "") -> str:
    """The name's vector; `prefix` is a table alias with its dot ("p.") or nothing."""
    return PG_NAME_VECTOR.format(prefix)


PG_NAME_INDEX_CREATE = [
    "CREATE INDEX IF NOT EXISTS search_product_name "
    f"ON catalogue_product USING gin ({pg_name_vector()})",
    "ANALYZE catalogue_product",
]
PG_NAME_INDEX_DROP = ["DROP INDEX IF EXISTS search_product_name"]

CREATE = {"sqlite": SQLITE_CREATE, "postgresql": PG_CREATE}
REBUILD = {"sqlite": SQLITE_REBUILD, "postgresql": PG_REBUILD}
DROP = {"sqlite": SQLITE_DROP, "postgresql": PG_DROP}
# Where each backend's index lives: no table, no search index (migration not applied).
INDEX_TABLE = {"sqlite": "search_product_fts", "postgresql": "search_product_document"}

_TRIGGER = re.compile(r"CREATE TRIGGER (\w+)\s.*?\bON (\w+)", re.S)


def _triggers(vendor: str) -> dict[str, str]:
    """Trigger name → its table, read from this backend's CREATE statements."""
    matches = (_TRIGGER.match(sql) for sql in CREATE.get(vendor, []))
    return {m.group(1): m.group(2) for m in matches if m}


def _trigger_statements(vendor: str) -> list[str]:
    """What re-creates the triggers (and, on PostgreSQL, their functions)."""
    return [
        sql
        for sql in CREATE.get(vendor, [])
        if sql.startswith("CREATE TRIGGER")
        or (sql.startswith("CREATE OR REPLACE FUNCTION") and "RETURNS trigger" in sql)
    ]


def _run(schema_editor: BaseDatabaseSchemaEditor, statements: dict[str, list[str]]) -> None:
    for sql in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql, params=None)


def install_name_index(schema_editor: BaseDatabaseSchemaEditor) -> None:
    """PostgreSQL's name-only index (migration 0002); nothing to do elsewhere."""
    _run(schema_editor, {"postgresql": PG_NAME_INDEX_CREATE})


def uninstall_name_index(schema_editor: BaseDatabaseSchemaEditor) -> None:
    _run(schema_editor, {"postgresql": PG_NAME_INDEX_DROP})


def install(schema_editor: BaseDatabaseSchemaEditor) -> None:
    """Create the index and its triggers for this database, then fill it."""
    _run(schema_editor, CREATE)
    _run(schema_editor, REBUILD)


def uninstall(schema_editor: BaseDatabaseSchemaEditor) -> None:
    _run(schema_editor, DROP)


def drop_sqlite_triggers(schema_editor: BaseDatabaseSchemaEditor) -> None:
    """Before a migration rebuilds a table the SQLite triggers read (a new CHECK on
    `shops_shop`…): SQLite refuses to drop a table a trigger names. `repair`, run
    after every `migrate`, puts them back and refills the index. No-op elsewhere."""
    if schema_editor.connection.vendor != "sqlite":
        return
    for name in _triggers("sqlite"):
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}", params=None)


def rebuild(connection: BaseDatabaseWrapper) -> None:
    """Fill the index again from the catalogue (after a restore, or to compact it)."""
    with connection.cursor() as cursor:
        for sql in REBUILD.get(connection.vendor, []):
            cursor.execute(sql)


def missing_triggers(connection: BaseDatabaseWrapper) -> set[str]:
    """Our triggers that the database lacks; empty when the index is not installed."""
    vendor = connection.vendor
    if vendor not in INDEX_TABLE:
        return set()
    tables = connection.introspection.table_names()
    if INDEX_TABLE[vendor] not in tables:
        return set()
    expected = _triggers(vendor)
    with connection.cursor() as cursor:
        if vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        else:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        present = {row[0] for row in cursor.fetchall()}
    return set(expected) - present


def repair(connection: BaseDatabaseWrapper) -> bool:
    """Re-create lost triggers and refill the index; True if something was missing.

    On SQLite, a later migration that rebuilds `catalogue_product` (SQLite
    alters most columns by copying the table) drops the triggers with the old
    table; this runs after every `migrate` to put them back.
    """
    if not missing_triggers(connection):
        return False
    vendor = connection.vendor
    with connection.cursor() as cursor:
        for name, table in _triggers(vendor).items():
            on_table = "" if vendor == "sqlite" else f" ON {table}"
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}{on_table}")
        for sql in _trigger_statements(vendor):
            cursor.execute(sql)
    rebuild(connection)
    return True
