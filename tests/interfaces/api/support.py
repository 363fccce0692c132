"""Shared pieces of the API contract tests: the problem+json check and a frozen API clock."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from comptoir.interfaces.api import present
from comptoir.interfaces.api.routes import account, auth, catalogue, customer, deals, shop
from tests.domain.orders.support import NOW

PROBLEM_KEYS = {"type", "code", "title", "status", "detail"}


def assert_problem(response: Any, status: int, code: str) -> dict[str, Any]:
    """The response is an RFC 9457 problem with this status and code; returns its body."""
    assert response["content-type"] == "application/problem+json", response.content
    body = response.json()
    assert response.status_code == status, body
    assert set(body) >= PROBLEM_KEYS, body
    assert body["code"] == code, body
    assert body["status"] == status
    assert body["type"] == f"tag:comptoir.fr,2026:problem/{code}"
    assert body["title"]
    assert body["detail"]
    return body


class Clock:
    """The API's clock, moved by hand."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """Freeze the API at Tuesday 10 March 2026, 9:00 in Rouen (routes import `clock` by name)."""
    frozen = Clock(NOW)
    for module in (present, account, auth, catalogue, customer, deals, shop):
        monkeypatch.setattr(module, "clock", frozen)
    return frozen
