"""Who calls the API: a bearer token, never a session cookie (so no CSRF exposure).

`CustomerToken` accepts tokens without a shop (the customer's own account);
`ShopToken` accepts tokens of one shop and loads the user's membership
there on every request (removed members are out at once). A token of the
other kind is refused with 403 `token_scope_mismatch`; a missing, unknown,
expired or revoked one with 401. Routes then call `shop_membership(request,
Permission.X)` for the role check, the same `shops.access` rules as the pages.
"""

from __future__ import annotations

from typing import cast

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja.security import HttpBearer

from comptoir.core.errors import DomainError
from comptoir.domain.accounts.models import ApiToken, User
from comptoir.domain.accounts.tokens import api_token_authenticate
from comptoir.domain.shops.access import Permission, require
from comptoir.domain.shops.models import Membership


class TokenScopeMismatch(DomainError):
    code = "token_scope_mismatch"
    default_message = _(
        "This token cannot be used here: customer endpoints need a customer token, "
        "shop endpoints a token of that shop."
    )


class _Bearer(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        api_token = api_token_authenticate(secret=token, now=timezone.now())
        if api_token is None:
            return None
        self.check_scope(request, api_token)
        return api_token

    def check_scope(self, request: HttpRequest, token: ApiToken) -> None:
        raise NotImplementedError


class CustomerToken(_Bearer):
    def check_scope(self, request: HttpRequest, token: ApiToken) -> None:
        if token.shop_id is not None:
            raise TokenScopeMismatch


class ShopToken(_Bearer):
    def check_scope(self, request: HttpRequest, token: ApiToken) -> None:
        if token.shop_id is None:
            raise TokenScopeMismatch
        membership = (
            Membership.objects.filter(user_id=token.user_id, shop_id=token.shop_id)
            .select_related("shop__city")
            .first()
        )
        if membership is None:
            raise TokenScopeMismatch
        request.membership = membership  # type: ignore[attr-defined]


class AnyToken(_Bearer):
    """Either kind: the token endpoints (list, revoke) work with any token."""

    def check_scope(self, request: HttpRequest, token: ApiToken) -> None:
        return None


def token_of(request: HttpRequest) -> ApiToken:
    return cast(ApiToken, request.auth)  # type: ignore[attr-defined]


def user_of(request: HttpRequest) -> User:
    return token_of(request).user


def shop_membership(request: HttpRequest, permission: Permission) -> Membership:
    """The caller's membership of the token's shop, if its role allows `permission` (else 403)."""
    membership = cast(Membership, request.membership)  # type: ignore[attr-defined]
    require(membership, permission)
    return membership
