"""Tokens: log in with e-mail and password (and code) to get one; list and revoke them."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Status

from comptoir.domain.accounts.authentication import password_check, second_step_check
from comptoir.domain.accounts.errors import TwoFactorCodeRequired
from comptoir.domain.accounts.tokens import api_token_issue, api_token_revoke, api_tokens_of
from comptoir.domain.accounts.two_factor import two_factor_enabled
from comptoir.domain.shops.access import memberships_of
from comptoir.interfaces.accounts.login import client_ip
from comptoir.interfaces.api import schemas as s
from comptoir.interfaces.api.auth import AnyToken, token_of, user_of
from comptoir.interfaces.api.present import clock, token_out

router = Router(tags=["auth"])


@router.post(
    "/tokens",
    response={201: s.TokenIssued},
    auth=None,
    summary="Log in: get a token",
    openapi_extra={
        "requestBody": {
            "content": {
                "application/json": {
                    "example": {
                        "email": "client@demo.comptoir.fr",
                        "password": "comptoir-demo",  # nosec B105 - the demo password
                        "name": "Mon téléphone",
                    }
                }
            }
        }
    },
)
def token_create(request: HttpRequest, payload: s.TokenIn) -> Status[s.TokenIssued]:
    """Check the e-mail and password (throttled like the site's log-in: 429 with
    `Retry-After` after repeated failures) and, for accounts with two-step log-in,
    the one-time code in `otp`. Without `shop_id` the token acts as the customer;
    with it, in that shop with the user's role there. The secret is shown once."""
    now, ip = clock(), client_ip(request)
    user = password_check(email=payload.email, password=payload.password, ip=ip, now=now)
    if two_factor_enabled(user):
        if not payload.otp:
            raise TwoFactorCodeRequired
        second_step_check(user=user, code=payload.otp, ip=ip, now=now)
    token, secret = api_token_issue(user=user, name=payload.name, now=now, shop_id=payload.shop_id)
    return Status(201, s.TokenIssued(**token_out(token).model_dump(), token=secret))


@router.get("/tokens", response=list[s.TokenOut], auth=AnyToken(), summary="My tokens")
def token_list(request: HttpRequest) -> list[s.TokenOut]:
    return [token_out(token) for token in api_tokens_of(user_of(request))]


@router.delete(
    "/tokens/current", response={204: None}, auth=AnyToken(), summary="Log out (revoke this token)"
)
def token_revoke_current(request: HttpRequest) -> Status[None]:
    api_token_revoke(user=user_of(request), token_id=token_of(request).pk, now=clock())
    return Status(204, None)


@router.delete(
    "/tokens/{int:token_id}", response={204: None}, auth=AnyToken(), summary="Revoke a token"
)
def token_revoke(request: HttpRequest, token_id: int) -> Status[None]:
    api_token_revoke(user=user_of(request), token_id=token_id, now=clock())
    return Status(204, None)


class MyShopOut(s.Schema):
    id: int
    slug: str
    city: str
    name: str
    role: str


@router.get("/shops", response=list[MyShopOut], auth=AnyToken(), summary="Shops I work in")
def my_shops(request: HttpRequest) -> list[MyShopOut]:
    """The shops where the token's user is a member (owner or staff): ask a shop token
    for one of them with `POST /auth/tokens` and its `shop_id`."""
    return [
        MyShopOut(
            id=m.shop.pk, slug=m.shop.slug, city=m.shop.city.slug, name=m.shop.name, role=m.role
        )
        for m in memberships_of(user_of(request))
    ]
