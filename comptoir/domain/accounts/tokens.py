"""Bearer tokens of the JSON API: issued after a checked log-in, revocable, scoped.

A token acts as its user's customer account (no shop) or in one shop, with
the permissions of the user's membership there. The secret is 43 random
URL-safe characters after a `cpt_` prefix (so a leaked one is easy to scan
for); only its SHA-256 is stored. `api_token_authenticate` is the one place a
request's bearer is turned into a token: expired, revoked and unknown
secrets read the same (None), and a shop token whose user left the shop
stops working at once.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from django.db import transaction

from comptoir.domain.accounts.errors import ApiTokenNotFound, NotAMemberOfShop
from comptoir.domain.accounts.models import ApiToken, User

PREFIX = "cpt_"
#: A token works this long after it was issued; the app logs in again after.
LIFETIME = timedelta(days=90)
#: `last_used_at` is written at most this often per token (not on every request).
LAST_USED_PRECISION = timedelta(minutes=5)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def api_token_issue(
    *, user: User, name: str, now: datetime, shop_id: int | None = None
) -> tuple[ApiToken, str]:
    """A new token of `user` (in shop `shop_id` if given) and its secret, shown only now."""
    from comptoir.domain.shops.models import Membership

    if shop_id is not None and not Membership.objects.filter(user=user, shop_id=shop_id).exists():
        raise NotAMemberOfShop
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        shop_id=shop_id,
        name=(name.strip() or "API")[:100],
        prefix=secret[: len(PREFIX) + 6],
        token_hash=_hash(secret),
        created_at=now,
        expires_at=now + LIFETIME,
    )
    return token, secret


def api_token_authenticate(*, secret: str, now: datetime) -> ApiToken | None:
    """The live token with this secret (user, shop and city loaded), or None."""
    if not secret.startswith(PREFIX) or len(secret) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user", "shop__city")
        .filter(
            token_hash=_hash(secret),
            revoked_at__isnull=True,
            expires_at__gt=now,
            user__is_active=True,
        )
        .first()
    )
    if token is None:
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def api_tokens_of(user: User) -> list[ApiToken]:
    """The user's tokens still usable, newest first."""
    return list(
        ApiToken.objects.filter(user=user, revoked_at__isnull=True)
        .select_related("shop")
        .order_by("-created_at", "-pk")
    )


@transaction.atomic
def api_token_revoke(*, user: User, token_id: int, now: datetime) -> None:
    """Revoke one of `user`'s tokens (another user's reads as not found)."""
    revoked = ApiToken.objects.filter(pk=token_id, user=user, revoked_at__isnull=True).update(
        revoked_at=now
    )
    if revoked != 1:
        raise ApiTokenNotFound
