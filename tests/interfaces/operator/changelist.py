"""Reading what a change list shows."""

from __future__ import annotations

from typing import Any


def listed(response: Any) -> list[Any]:
    """The objects a change list shows on its page, in order."""
    assert response.status_code == 200
    return list(response.context["cl"].result_list)
