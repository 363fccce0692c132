"""Who may open one of the JSON API's event streams: decided from the bearer token.

The same rules as the API's routes (comptoir/interfaces/api/auth.py): the
token comes from `Authorization: Bearer` only, never from a cookie; a
missing, unknown, expired or revoked token is 401 `not_authenticated`; a
token of the wrong kind (or of a shop its user left) is 403
`token_scope_mismatch`; a role without the desk is 403
`not_allowed_in_shop`; someone else's order is 404 `not_found`. Refusals are
the API's own problem+json responses (comptoir/interfaces/api/problems.py),
in the language of `Accept-Language`.

Like access.py, these functions are synchronous and run on the streams'
small thread pool: at connect, once more to read the order's state for
`hello`, then every few minutes to re-check the token (a revoked token's
stream ends). They close their database connection when done.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connections
from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation.trans_real import parse_accept_lang_header

from comptoir.core.errors import DomainError
from comptoir.core.events import order_channel, shop_channel
from comptoir.domain.accounts.models import ApiToken
from comptoir.domain.accounts.tokens import api_token_authenticate
from comptoir.domain.orders.models import Order
from comptoir.domain.shops.access import Permission, require
from comptoir.domain.shops.models import Membership
from comptoir.interfaces.api.auth import TokenScopeMismatch
from comptoir.interfaces.api.problems import problem, problem_for

ORDER_NUMBER = re.compile(r"[A-Za-z0-9-]{1,32}")


class ApiRefused(Exception):
    """The stream is refused with this problem+json response."""

    def __init__(self, response: HttpResponse) -> None:
        super().__init__(response.status_code)
        self.response = response


@dataclass(frozen=True, slots=True)
class ApiGrant:
    """What a stream listens to: an order's channel, or a shop's desk channel."""

    channel: str
    token_id: int
    order_id: int | None = None
    shop_id: int | None = None


def bearer_secret(headers: Iterable[tuple[bytes, bytes]]) -> str | None:
    """The secret of `Authorization: Bearer <secret>` (cookies are never read)."""
    for name, value in headers:
        if name.lower() == b"authorization":
            scheme, _sep, secret = value.decode("latin-1").strip().partition(" ")
            if scheme.lower() == "bearer" and secret.strip():
                return secret.strip()
            return None
    return None


def language_of(headers: Iterable[tuple[bytes, bytes]]) -> str:
    """The best supported language of `Accept-Language`, else the site's default."""
    for name, value in headers:
        if name.lower() == b"accept-language":
            for code, _quality in parse_accept_lang_header(value.decode("latin-1")):
                if code == "*":
                    break
                try:
                    return translation.get_supported_language_variant(code)
                except LookupError:
                    continue
    return str(settings.LANGUAGE_CODE)


def _not_authenticated() -> ApiRefused:
    # The same answer (and message) as the API's routes give without a valid token.
    return ApiRefused(
        problem(
            status=401,
            code="not_authenticated",
            detail=_(
                "A valid token is needed: send `Authorization: Bearer <token>` "
                "(get one from POST /api/v1/auth/tokens)."
            ),
        )
    )


def _not_found() -> ApiRefused:
    return ApiRefused(problem(status=404, code="not_found", detail=_("There is nothing here.")))


def _refused(error: DomainError) -> ApiRefused:
    return ApiRefused(problem_for(error))


def _token(secret: str | None) -> ApiToken:
    token = api_token_authenticate(secret=secret, now=timezone.now()) if secret else None
    if token is None:
        raise _not_authenticated()
    return token


def _checked[T](language: str, check: Callable[[], T]) -> T:
    """Run `check()` with a fresh connection, in `language`, closing the connection after."""
    close_old_connections()
    try:
        with translation.override(language):
            return check()
    finally:
        connections.close_all()


def api_order_grant(*, secret: str | None, number: str, language: str) -> ApiGrant:
    """A customer token's own order; 404 for any other (never confirm it exists)."""

    def check() -> ApiGrant:
        token = _token(secret)
        if token.shop_id is not None:
            raise _refused(TokenScopeMismatch())
        if not ORDER_NUMBER.fullmatch(number):
            raise _not_found()
        order_id = (
            Order.objects.filter(number=number.upper(), customer_id=token.user_id)
            .values_list("pk", flat=True)
            .first()
        )
        if order_id is None:
            raise _not_found()
        return ApiGrant(channel=order_channel(order_id), token_id=token.pk, order_id=order_id)

    return _checked(language, check)


def api_shop_grant(*, secret: str | None, language: str) -> ApiGrant:
    """A shop token's desk, if its user still works there in a role that handles orders."""

    def check() -> ApiGrant:
        token = _token(secret)
        if token.shop_id is None:
            raise _refused(TokenScopeMismatch())
        membership = Membership.objects.filter(user_id=token.user_id, shop_id=token.shop_id).first()
        if membership is None:  # the user left the shop: the token no longer fits anything
            raise _refused(TokenScopeMismatch())
        try:
            require(membership, Permission.HANDLE_ORDERS)
        except DomainError as error:
            raise _refused(error) from None
        return ApiGrant(
            channel=shop_channel(token.shop_id), token_id=token.pk, shop_id=token.shop_id
        )

    return _checked(language, check)


def api_hello(grant: ApiGrant) -> dict[str, Any]:
    """The `hello` event's data, read once subscribed: what the client re-syncs from."""

    def read() -> dict[str, Any]:
        hello: dict[str, Any] = {"at": timezone.now().isoformat()}
        if grant.order_id is not None:
            order = Order.objects.filter(pk=grant.order_id).values("pk", "number", "state").get()
            hello["order"] = {"id": order["pk"], "number": order["number"], "state": order["state"]}
        if grant.shop_id is not None:
            hello["shop_id"] = grant.shop_id
        return hello

    return _checked(str(settings.LANGUAGE_CODE), read)
