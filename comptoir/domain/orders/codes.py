"""Order numbers and pickup codes: short, random, easy to read aloud.

Both come from an alphabet without 0/O and 1/I/L. Uniqueness is the
database's job (unique constraints); `with_fresh_codes` draws again on the rare
collision.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from django.db import IntegrityError, transaction

from comptoir.domain.orders.models import CODE_ALPHABET, PICKUP_CODE_LENGTH

ATTEMPTS = 8


def random_code(length: int) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def new_pickup_code() -> str:
    """6 characters of 31: about 887 million codes."""
    return random_code(PICKUP_CODE_LENGTH)


def new_order_number() -> str:
    """Like "K7QF-3M2X": 8 characters of 31, unique across all orders."""
    code = random_code(8)
    return f"{code[:4]}-{code[4:]}"


def with_fresh_codes[T](count: int, insert: Callable[[list[tuple[str, str]]], T]) -> T:
    """Call `insert([(number, pickup_code), …])` with `count` pairs in a savepoint.

    On a collision (the rollback of the savepoint undoes the whole insert),
    every pair is drawn again.
    """
    for attempt in range(ATTEMPTS):
        codes = [(new_order_number(), new_pickup_code()) for _ in range(count)]
        try:
            with transaction.atomic():
                return insert(codes)
        except IntegrityError:
            if attempt + 1 == ATTEMPTS:
                raise
    raise AssertionError("unreachable")  # pragma: no cover
