"""The database-specific half of search: ranked ids for already-normalised terms.

Each backend answers with one SQL query each: the best product ids and the
best shop ids among the eligible shops (a subquery built with the ORM by the
selector, so filters are written once); whether anything matches at all (to
tell a typo from a filter that emptied the page); and, for typos, the closest
product ids. Terms are letters and digits only (`normalise.query_terms`), so
they never carry query syntax.
"""

from __future__ import annotations

# ruff: noqa: S608 (SQL built from constants and ORM-compiled subqueries; values are parameters)
from collections.abc import Sequence
from typing import Any, Protocol

from django.db import connection

from comptoir.domain.search.schema import pg_name_vector, pg_shop_vector

# Name first, then shelf, shop name and description (bm25 weights; PostgreSQL
# uses its A > B > C > D weights for the same columns).
SQLITE_PRODUCT_WEIGHTS = "10.0, 4.0, 2.0, 1.0"
SQLITE_SHOP_WEIGHTS = "10.0, 3.0, 1.0"
# The SQLite typo fallback keeps this many letters of each long term.
SQLITE_RELAXED_PREFIX = 4

type Subquery = tuple[str, Sequence[Any]]


class Backend(Protocol):
    def product_ids(
        self, terms: Sequence[str], *, city_id: int, shops: Subquery, limit: int
    ) -> list[int]: ...

    def shop_ids(self, terms: Sequence[str], *, shops: Subquery, limit: int) -> list[int]: ...

    def has_match(self, terms: Sequence[str], *, city_id: int, shops: Subquery) -> bool: ...

    def approximate_product_ids(
        self, terms: Sequence[str], *, city_id: int, shops: Subquery, limit: int
    ) -> list[int]: ...


def _fetch_ids(sql: str, params: Sequence[Any]) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


class SQLiteBackend:
    """FTS5 MATCH with prefix terms, ranked by bm25 with column weights."""

    @staticmethod
    def match(terms: Sequence[str]) -> str:
        # Quoted, so "and", "near" or "not" are words, not operators.
        return " ".join(f'"{term}"*' for term in terms)

    def product_ids(
        self, terms: Sequence[str], *, city_id: int, shops: Subquery, limit: int
    ) -> list[int]:
        """Products whose name has every term first, then the others (shelf, shop, text).

        bm25 costs a little per matching row, and a common word ("pain*")
        matches 10,000 of a city's 100,000 products: ranking the name matches
        alone is several times cheaper and usually fills the page.
        """
        in_name = self._ranked(f"name : ({self.match(terms)})", city_id, shops, limit, ())
        if len(in_name) >= limit:
            return in_name
        return in_name + self._ranked(
            self.match(terms), city_id, shops, limit - len(in_name), in_name
        )

    def _ranked(
        self, match: str, city_id: int, shops: Subquery, limit: int, exclude: Sequence[int]
    ) -> list[int]:
        shops_sql, shops_params = shops
        skip = f"AND p.id NOT IN ({', '.join(['%s'] * len(exclude))})" if exclude else ""
        return _fetch_ids(
            f"""SELECT p.id FROM search_product_fts f
            JOIN catalogue_product p ON p.id = f.rowid
            WHERE search_product_fts MATCH %s AND p.city_id = %s AND p.is_active
                AND p.shop_id IN ({shops_sql}) {skip}
            ORDER BY bm25(search_product_fts, {SQLITE_PRODUCT_WEIGHTS}), p.name, p.id
            LIMIT %s""",
            [match, city_id, *shops_params, *exclude, limit],
        )

    def shop_ids(self, terms: Sequence[str], *, shops: Subquery, limit: int) -> list[int]:
        """The best matching shops among `shops`.

        `+f.rowid`, not `f.rowid`: SQLite would otherwise hand the city's
        shop ids to FTS5 as rowid constraints, and FTS5 then runs the MATCH
        once per shop (1,600 in the benchmark city: 5–50 ms a search, against
        0.05–0.5 ms for one MATCH whose rows are then filtered).
        """
        shops_sql, shops_params = shops
        return _fetch_ids(
            f"""SELECT f.rowid FROM search_shop_fts f
            WHERE search_shop_fts MATCH %s AND +f.rowid IN ({shops_sql})
            ORDER BY bm25(search_shop_fts, {SQLITE_SHOP_WEIGHTS}), f.rowid
            LIMIT %s""",
            [self.match(terms), *shops_params, limit],
        )

    def has_match(self, terms: Sequence[str], *, city_id: int, shops: Subquery) -> bool:
        shops_sql, shops_params = shops
        match = self.match(terms)
        return bool(
            _fetch_ids(
                f"""SELECT EXISTS (
                    SELECT 1 FROM search_product_fts f
                    JOIN catalogue_product p ON p.id = f.rowid
                    WHERE search_product_fts MATCH %s AND p.city_id = %s AND p.is_active
                        AND p.shop_id IN ({shops_sql})
                ) OR EXISTS (
                    SELECT 1 FROM search_shop_fts f
                    WHERE search_shop_fts MATCH %s AND +f.rowid IN ({shops_sql})
                )""",  # +f.rowid: one MATCH, not one per shop (see shop_ids)
                [match, city_id, *shops_params, match, *shops_params],
            )[0]
        )

    def approximate_product_ids(
        self, terms: Sequence[str], *, city_id: int, shops: Subquery, limit: int
    ) -> list[int]:
        """No typo index in SQLite: retry with each long term cut to its first letters.

        "croisant" → "croi*" finds "Croissant"; a typo in the first letters finds nothing.
        """
        relaxed = tuple(dict.fromkeys(term[:SQLITE_RELAXED_PREFIX] for term in terms))
        if relaxed == tuple(terms):
            return []
        return self.product_ids(relaxed, city_id=city_id, shops=shops, limit=limit)


class PostgreSQLBackend:
    """French full text over unaccented text, `ts_rank`; trigram similarity for typos."""

    @staticmethod
    def tsquery(terms: Sequence[str]) -> str:
        return " & ".join(f"{term}:*" for term in terms)

    def product_ids(
        self, terms: Sequence[str], *, city_id: int, shops: Subquery, limit: int
    ) -> list[int]:
        """Products whose name has every term first, then the others (shelf, shop, text).

        As on SQLite, in one statement: a common prefix ("pain:*") matches
        8,000 documents of a large city, most for a word of their
        description, and each costs a join to its product and a `ts_rank`.
        `named` starts from the product table's name index
        (`schema.PG_NAME_INDEX_CREATE`), keeps the eligible products (city,
        on sale, shop filters) and only then looks up their documents to rank
        them (OFFSET 0 keeps that a lookup per name, never a scan of every
        document). It usually fills the page alone: the second pass, every
        other match, sits behind a one-time filter on its count, so PostgreSQL
        does not even open the whole-document index otherwise. Both rank by
        `ts_rank` over the whole document (A > B > C > D), ties by name and id.
        """
        shops_sql, shops_params = shops
        query = self.tsquery(terms)
        return _fetch_ids(
            f"""WITH named AS MATERIALIZED (
                SELECT p.id, p.name, ts_rank(d.document, q) AS rank
                FROM catalogue_product p
                CROSS JOIN to_tsquery('french', %s) q
                CROSS JOIN LATERAL (
                    SELECT d.document FROM search_product_document d
                    WHERE d.product_id = p.id OFFSET 0
                ) d
                WHERE {pg_name_vector("p.")} @@ q AND p.city_id = %s AND p.is_active
                    AND p.shop_id IN ({shops_sql})
                ORDER BY rank DESC, p.name, p.id
                LIMIT %s
            )
            SELECT id FROM (
                SELECT 0 AS pass, id, name, rank FROM named
                UNION ALL (
                    SELECT 1, p.id, p.name, ts_rank(d.document, q)
                    FROM search_product_document d
                    JOIN catalogue_product p ON p.id = d.product_id,
                        to_tsquery('french', %s) q
                    WHERE (SELECT count(*) FROM named) < %s
                        AND d.document @@ q AND p.city_id = %s AND p.is_active
                        AND p.shop_id IN ({shops_sql})
                        AND p.id NOT IN (SELECT id FROM named)
                    ORDER BY ts_rank(d.document, q) DESC, p.name, p.id
                    LIMIT %s
                )
            ) ranked
            ORDER BY pass, rank DESC, name, id
            LIMIT %s""",
            [
                *(query, city_id, *shops_params, limit),
                *(query, limit, city_id, *shops_params, limit),
                limit,
            ],
        )

    def has_match(self, terms: Sequence[str], *, city_id: int, shops: Subquery) -> bool:
        shops_sql, shops_params = shops
        return bool(
            _fetch_ids(
                f"""SELECT EXISTS (
                    SELECT FROM search_product_document d
                    JOIN catalogue_product p ON p.id = d.product_id
                    WHERE d.document @@ to_tsquery('french', %s) AND p.city_id = %s
                        AND p.is_active AND p.shop_id IN ({shops_sql})
                ) OR EXISTS (
                    SELECT FROM shops_shop s
                    WHERE {pg_shop_vector("s.")} @@ to_tsquery('french', %s)
                        AND s.id IN ({shops_sql})
                )""",
                [self.tsquery(terms), city_id, *shops_params, self.tsquery(terms), *shops_params],
            )[0]
        )

    def shop_ids(self, terms: Sequence[str], *, shops: Subquery, limit: int) -> list[int]:
        shops_sql, shops_params = shops
        vector = pg_shop_vector("s.")
        return _fetch_ids(
            f"""SELECT s.id FROM shops_shop s, to_tsquery('french', %s) q
            WHERE {vector} @@ q AND s.id IN ({shops_sql})
            ORDER BY ts_rank({vector}, q) DESC, s.name, s.id
            LIMIT %s""",
            [self.tsquery(terms), *shops_params, limit],
        )

    def approximate_product_ids(
        self, terms: Sequence[str], *, city_id: int, shops: Subquery, limit: int
    ) -> list[int]:
        """Names that contain something close to the query ("croisant" → "Croissant").

        The close names come from the trigram index first (a materialised
        CTE): left to itself, the planner prices `<%` like an equality and
        prefers computing it over all 96,000 names of a large city (400 ms).
        """
        shops_sql, shops_params = shops
        text = " ".join(terms)
        return _fetch_ids(
            f"""WITH close AS MATERIALIZED (
                SELECT d.product_id, word_similarity(%s, d.name_key) AS word_score,
                    similarity(%s, d.name_key) AS score
                FROM search_product_document d
                WHERE %s <%% d.name_key
            )
            SELECT p.id
            FROM close c
            JOIN catalogue_product p ON p.id = c.product_id
            WHERE p.city_id = %s AND p.is_active AND p.shop_id IN ({shops_sql})
            ORDER BY c.word_score DESC, c.score DESC, p.name, p.id
            LIMIT %s""",
            [text, text, text, city_id, *shops_params, limit],
        )


def current_backend() -> Backend:
    if connection.vendor == "postgresql":
        return PostgreSQLBackend()
    if connection.vendor == "sqlite":
        return SQLiteBackend()
    raise NotImplementedError(f"No search backend for {connection.vendor}.")
