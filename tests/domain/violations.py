"""Prove that the database itself refuses a row, whatever the Python side checks."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import IntegrityError, connection, transaction


@contextmanager
def refused_by(constraint: str, *, sqlite: str | None = None) -> Iterator[None]:
    """Expect an IntegrityError naming `constraint`.

    PostgreSQL names every constraint in its message. SQLite names a CHECK
    constraint but lists the columns of a UNIQUE one: pass `sqlite` for those.
    The block runs in a savepoint so the test can go on querying afterwards.
    """
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        yield
    expected = sqlite if sqlite is not None and connection.vendor == "sqlite" else constraint
    assert expected in str(caught.value), str(caught.value)
