"""Which basket a request is looking at: the customer's, or the visitor's.

An anonymous visitor's basket is keyed by a random token kept in the session
data, not by the session key: logging in cycles the session key but keeps its
data, so the visitor's basket can still be found and merged into the
customer's (`merge_visitor_baskets`, called by every log-in path).
"""

from __future__ import annotations

import secrets

from django.http import HttpRequest

from comptoir.domain.accounts.models import User
from comptoir.domain.cities.models import City
from comptoir.domain.orders.models import Basket
from comptoir.domain.orders.services import basket_for, basket_merge

VISITOR_TOKEN_SESSION_KEY = "comptoir_basket_token"  # noqa: S105 - a session key name  # nosec B105


def visitor_token(request: HttpRequest, *, create: bool) -> str | None:
    token = request.session.get(VISITOR_TOKEN_SESSION_KEY)
    if token is None and create:
        token = secrets.token_urlsafe(24)  # 32 characters; the column holds 40
        request.session[VISITOR_TOKEN_SESSION_KEY] = token
    return token


def current_basket(request: HttpRequest, city: City, *, create: bool = False) -> Basket | None:
    """The request's basket in `city`; None when it has none and `create` is False."""
    if request.user.is_authenticated:
        assert isinstance(request.user, User)
        return basket_for(city=city, user=request.user, create=create)
    token = visitor_token(request, create=create)
    if token is None:
        return None
    return basket_for(city=city, session_key=token, create=create)


def merge_visitor_baskets(request: HttpRequest, user: User) -> None:
    """Move the visitor's baskets (one per city) into `user`'s, then forget the token."""
    token = request.session.pop(VISITOR_TOKEN_SESSION_KEY, None)
    if not token:
        return
    for basket in Basket.objects.filter(user=None, session_key=token).order_by("pk"):
        basket_merge(session_basket=basket, user=user)
