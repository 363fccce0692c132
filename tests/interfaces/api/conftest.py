"""API test helpers: a JSON client with a bearer token, tokens for customers and shop members."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from comptoir.domain.accounts.models import User
from comptoir.domain.accounts.tokens import api_token_issue
from comptoir.domain.shops.models import Role, Shop
from tests.factories import make_membership, make_user


@dataclass
class ApiClient:
    """Django's test client speaking JSON, with `Authorization: Bearer` when it has a token."""

    token: str | None = None
    language: str = "en"
    client: Client = field(default_factory=Client)

    def headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        headers = {"accept-language": self.language}
        if self.token:
            headers["authorization"] = f"Bearer {self.token}"
        return headers | (extra or {})

    def get(self, path: str, params: dict[str, Any] | None = None, **headers: str) -> Any:
        return self.client.get(path, params or {}, headers=self.headers(headers))

    def _send(self, method: str, path: str, body: Any, headers: dict[str, str]) -> Any:
        return getattr(self.client, method)(
            path,
            json.dumps(body) if body is not None else "",
            content_type="application/json",
            headers=self.headers(headers),
        )

    def post(self, path: str, body: Any = None, **headers: str) -> Any:
        return self._send("post", path, body, headers)

    def put(self, path: str, body: Any = None, **headers: str) -> Any:
        return self._send("put", path, body, headers)

    def patch(self, path: str, body: Any = None, **headers: str) -> Any:
        return self._send("patch", path, body, headers)

    def delete(self, path: str, **headers: str) -> Any:
        return self.client.delete(path, headers=self.headers(headers))


def token_for(user: User, shop: Shop | None = None) -> str:
    return api_token_issue(
        user=user, name="test", now=timezone.now(), shop_id=shop.pk if shop else None
    )[1]


@pytest.fixture
def anonymous() -> ApiClient:
    return ApiClient()


@pytest.fixture
def customer(db) -> User:
    return make_user(email="anne@example.fr", first_name="Anne", phone="0612345678")


@pytest.fixture
def customer_api(customer) -> ApiClient:
    return ApiClient(token=token_for(customer))


@pytest.fixture
def owner_api(shop) -> ApiClient:
    owner = make_user(email="owner@example.fr")
    make_membership(shop, owner, role=Role.OWNER)
    return ApiClient(token=token_for(owner, shop))


@pytest.fixture
def staff_api(shop) -> ApiClient:
    staff = make_user(email="staff@example.fr")
    make_membership(shop, staff, role=Role.STAFF)
    return ApiClient(token=token_for(staff, shop))
