"""Writes on the search index. Day to day the database keeps it in sync (triggers);
these are for operators: refill it from the catalogue, or repair lost triggers."""

from __future__ import annotations

from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, transaction

from comptoir.domain.search import schema


def search_index_rebuild(*, using: str = DEFAULT_DB_ALIAS) -> None:
    """Refill the index from the catalogue, in one transaction (readers see old or new)."""
    with transaction.atomic(using=using):
        schema.rebuild(connections[using])


def search_index_repair(*, using: str = DEFAULT_DB_ALIAS) -> bool:
    """Put back missing triggers and refill the index; True if anything was missing."""
    with transaction.atomic(using=using):
        return schema.repair(connections[using])


def search_index_repair_after_migrate(*, using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> None:
    search_index_repair(using=using)
