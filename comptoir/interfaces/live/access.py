"""Who may open a live stream: decided once, at connect, from the Django session.

These functions are synchronous (the ORM and the session store are): the
stream calls them on a small thread pool, the only thread hop of a stream's
life. They return the channel to listen to, or raise `Refused`. They close
their database connection when done: a stream connects once, then holds no
connection for hours.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user
from django.contrib.sessions.backends.base import SessionBase
from django.db import close_old_connections, connections
from django.utils.module_loading import import_string

from comptoir.core.events import order_channel, shop_channel
from comptoir.domain.accounts.models import User
from comptoir.domain.orders.models import Order
from comptoir.domain.shops.access import Permission, can
from comptoir.domain.shops.models import Membership

#: Where the storefront remembers the checkouts a browser placed (a guest's proof).
PLACED_SESSION_KEY = "comptoir_checkouts"


class Refused(Exception):
    def __init__(self, status: int, text: str) -> None:
        super().__init__(text)
        self.status = status
        self.text = text


NOT_FOUND = Refused(404, "Not Found")
SIGN_IN = Refused(403, "Forbidden: sign in first")
FORBIDDEN = Refused(403, "Forbidden")


@dataclass
class _SessionRequest:
    """The little of a request `django.contrib.auth.get_user` reads."""

    session: SessionBase


def load_session(session_key: str | None) -> SessionBase:
    store_class: Any = import_string(settings.SESSION_ENGINE + ".SessionStore")
    store: SessionBase = store_class(session_key or None)
    return store


def session_user(session: SessionBase) -> User | None:
    """The session's signed-in, active user (password changes log it out, as in views)."""
    user = get_user(_SessionRequest(session))  # type: ignore[arg-type]
    if isinstance(user, User) and user.is_authenticated and user.is_active:
        return user
    return None


def desk_channel(*, session_key: str | None, shop_id: int) -> str:
    """A member's desk: 403 if signed out or not allowed, 404 for anyone else's shop."""
    close_old_connections()
    try:
        user = session_user(load_session(session_key))
        if user is None:
            raise SIGN_IN
        membership = Membership.objects.filter(user=user, shop_id=shop_id).first()
        if membership is None:  # no such shop, or not theirs: the same answer
            raise NOT_FOUND
        if not can(membership, Permission.HANDLE_ORDERS):
            raise FORBIDDEN
        return shop_channel(shop_id)
    finally:
        connections.close_all()


def order_stream_channel(*, session_key: str | None, number: str) -> str:
    """The order's customer, or the guest browser that placed it; 404 for anyone else."""
    close_old_connections()
    try:
        order = (
            Order.objects.filter(number=number.upper())
            .select_related("checkout")
            .only("pk", "customer_id", "checkout__token")
            .first()
        )
        if order is None:
            raise NOT_FOUND
        session = load_session(session_key)
        user = session_user(session)
        if user is not None and order.customer_id == user.pk:
            return order_channel(order.pk)
        placed = session.get(PLACED_SESSION_KEY, [])
        if isinstance(placed, list) and order.checkout.token in placed:
            return order_channel(order.pk)
        raise NOT_FOUND  # never confirm that someone else's order exists
    finally:
        connections.close_all()
