"""Cursor pagination: `{"results": [...], "next": "<cursor>"}`, the cursor opaque to clients.

The cursor encodes the position reached (today an offset into a stable
ordering; it may become a keyset later without clients noticing). A cursor
that was not made here is refused with 422 `invalid_cursor`.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from comptoir.core.errors import DomainError

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
MAX_OFFSET = 100_000


class InvalidCursor(DomainError):
    code = "invalid_cursor"
    default_message = _("This page cursor is not valid: start again from the first page.")
    field = "cursor"


def _decode(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor.encode("ascii") + b"==="))
        offset = data["o"]
    except (ValueError, UnicodeError, binascii.Error, KeyError, TypeError):
        raise InvalidCursor from None
    if not isinstance(offset, int) or not 0 <= offset <= MAX_OFFSET:
        raise InvalidCursor
    return offset


def _encode(offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"o": offset}).encode()).decode().rstrip("=")


def page_of[T](
    items: QuerySet[Any, T] | Sequence[T], *, cursor: str | None, page_size: int | None
) -> tuple[list[T], str | None]:
    """One page of `items` (a stably ordered queryset or list) and the next page's cursor."""
    size = max(1, min(page_size or DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE))
    offset = _decode(cursor)
    window = list(items[offset : offset + size + 1])
    more = len(window) > size
    return window[:size], (_encode(offset + size) if more else None)
