"""Reads about push subscriptions."""

from __future__ import annotations

from comptoir.domain.accounts.models import User
from comptoir.domain.notifications.models import PushSubscription
from comptoir.domain.orders.models import Order
from comptoir.domain.shops.models import Shop


def push_is_subscribed(
    *,
    endpoint: str,
    user: User | None = None,
    order: Order | None = None,
    shop: Shop | None = None,
) -> bool:
    """Whether this phone is subscribed for this audience (the opt-in button's state)."""
    if shop is not None:
        return PushSubscription.objects.filter(endpoint=endpoint, shop=shop, user=user).exists()
    if user is not None:
        return PushSubscription.objects.filter(
            endpoint=endpoint, user=user, shop__isnull=True
        ).exists()
    return PushSubscription.objects.filter(endpoint=endpoint, order=order).exists()
