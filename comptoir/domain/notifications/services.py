"""Subscribing a phone to pushes, and unsubscribing it.

The interface passes the browser's `PushSubscription.toJSON()` as it came:
`{"endpoint": "https://…", "keys": {"p256dh": "…", "auth": "…"}}`. It is
checked here (an https endpoint at a known push service, keys that decode to
a P-256 point and a 16-byte secret) so nothing malformed is stored, and no
attacker-chosen host ever receives our requests.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from comptoir.domain.accounts.models import User
from comptoir.domain.notifications.errors import InvalidPushSubscription, PushServiceNotAllowed
from comptoir.domain.notifications.models import (
    AUTH_LENGTH,
    ENDPOINT_MAX_LENGTH,
    P256DH_LENGTH,
    PushSubscription,
)
from comptoir.domain.notifications.vapid import b64url, b64url_decode
from comptoir.domain.orders.models import Order
from comptoir.domain.shops.access import Permission, ShopNotFound, can
from comptoir.domain.shops.models import Membership, Shop

AUTH_BYTES = 16
BASE64URL = re.compile(r"[A-Za-z0-9_-]+")
KEY_MALFORMED = _("The push subscription's %(key)s key is missing or malformed.")


def _audience(*, user: User | None, order: Order | None, shop: Shop | None) -> dict[str, Any]:
    if shop is not None:
        if user is None or order is not None:
            raise ValueError("A desk subscription belongs to one member of the shop.")
        membership = Membership.objects.filter(user=user, shop=shop).first()
        if membership is None or not can(membership, Permission.HANDLE_ORDERS):
            raise ShopNotFound
        return {"user": user, "order": None, "shop": shop}
    if (user is None) == (order is None):
        raise ValueError("A subscription belongs to a user or to one guest order.")
    return {"user": user, "order": order, "shop": None}


def _host_allowed(host: str) -> bool:
    for allowed in settings.PUSH_SERVICE_HOSTS:
        allowed = allowed.strip().lower()
        if not allowed:
            continue
        if allowed.startswith("."):
            if host.endswith(allowed):
                return True
        elif host == allowed:
            return True
    return False


def _clean_endpoint(value: object) -> str:
    if not isinstance(value, str) or not value:
        raise InvalidPushSubscription(_("The push subscription has no endpoint."))
    if len(value) > ENDPOINT_MAX_LENGTH:
        raise InvalidPushSubscription(_("The push endpoint is too long."))
    parts = urlsplit(value)
    if parts.scheme != "https" or not parts.hostname:
        raise InvalidPushSubscription(_("The push endpoint must be an https:// address."))
    if not _host_allowed(parts.hostname.lower()):
        raise PushServiceNotAllowed(host=parts.hostname)
    return value


def _decode_key(value: object, *, length: int, name: str) -> bytes:
    """The key's bytes, if `value` is `length` characters of unpadded base64url."""
    text = value.rstrip("=") if isinstance(value, str) else ""
    if len(text) != length or not BASE64URL.fullmatch(text):
        raise InvalidPushSubscription(KEY_MALFORMED, params={"key": name})
    return b64url_decode(text)


def clean_subscription(subscription: object) -> tuple[str, str, str]:
    """(endpoint, p256dh, auth) from the browser's JSON, or `InvalidPushSubscription`."""
    if not isinstance(subscription, Mapping):
        raise InvalidPushSubscription
    endpoint = _clean_endpoint(subscription.get("endpoint"))
    keys = subscription.get("keys")
    if not isinstance(keys, Mapping):
        raise InvalidPushSubscription(_("The push subscription has no keys."))
    point = _decode_key(keys.get("p256dh"), length=P256DH_LENGTH, name="p256dh")
    try:
        # The encryption key must be a point on P-256, or no push could ever be sealed.
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
    except ValueError as exc:
        raise InvalidPushSubscription(KEY_MALFORMED, params={"key": "p256dh"}) from exc
    secret = _decode_key(keys.get("auth"), length=AUTH_LENGTH, name="auth")
    if len(secret) != AUTH_BYTES:
        raise InvalidPushSubscription(KEY_MALFORMED, params={"key": "auth"})
    return endpoint, b64url(point), b64url(secret)


def push_subscribe(
    *,
    subscription: object,
    user: User | None = None,
    order: Order | None = None,
    shop: Shop | None = None,
) -> PushSubscription:
    """Store (or refresh) this phone's subscription for one audience.

    Exactly one of: `user` (their orders), `order` (a guest following it), or
    `user` + `shop` (a member following the shop's desk, who must handle
    orders there). Subscribing again is harmless; new keys for a known
    endpoint replace the old ones everywhere.
    """
    endpoint, p256dh, auth = clean_subscription(subscription)
    audience = _audience(user=user, order=order, shop=shop)
    with transaction.atomic():
        PushSubscription.objects.filter(endpoint=endpoint).exclude(p256dh=p256dh, auth=auth).update(
            p256dh=p256dh, auth=auth, failure_count=0
        )
        lookup = {"endpoint": endpoint, **audience}
        if shop is not None:
            # One desk subscription per phone: the last member to subscribe owns it.
            lookup = {"endpoint": endpoint, "shop": shop}
        row, _created = PushSubscription.objects.update_or_create(
            **lookup, defaults={"p256dh": p256dh, "auth": auth, **audience}
        )
    return row


def push_unsubscribe(
    *,
    endpoint: str,
    user: User | None = None,
    order: Order | None = None,
    shop: Shop | None = None,
) -> int:
    """Forget this phone for one audience; return how many rows went (0 or 1)."""
    if shop is not None:
        if user is None:
            raise ValueError("A desk subscription belongs to one member of the shop.")
        rows = PushSubscription.objects.filter(endpoint=endpoint, shop=shop)
    elif user is not None and order is None:
        rows = PushSubscription.objects.filter(endpoint=endpoint, user=user, shop__isnull=True)
    elif order is not None and user is None:
        rows = PushSubscription.objects.filter(endpoint=endpoint, order=order)
    else:
        raise ValueError("A subscription belongs to a user or to one guest order.")
    deleted, _by_model = rows.delete()
    return deleted
