"""JSON endpoints for the push opt-in button (comptoir/static/js/push.js).

Every POST carries JSON naming the audience the phone subscribes for:

- `{"scope": "order", "order": "<number>"}`: the order's customer (signed in:
  the subscription covers all their orders) or a guest whose session holds
  the order's checkout token (the subscription covers this order);
- `{"scope": "shop", "city": "<slug>", "shop": "<slug>"}`: a member of the
  shop who handles orders, following its desk;

plus `"subscription"` (the browser's PushSubscription JSON) to subscribe, or
`"endpoint"` to unsubscribe or ask the state. CSRF applies as on any POST
(the script sends the X-CSRFToken header). Errors answer in problem+json:
400 for a body we cannot read, 404 for an audience this visitor cannot
reach, 422 for a subscription the domain refuses.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from comptoir.core.errors import DomainError
from comptoir.domain.accounts.models import User
from comptoir.domain.notifications.selectors import push_is_subscribed
from comptoir.domain.notifications.services import push_subscribe, push_unsubscribe
from comptoir.domain.notifications.vapid import vapid_keys
from comptoir.domain.orders.models import Order
from comptoir.domain.shops.access import Permission, ShopNotFound, can, membership_for
from comptoir.domain.shops.models import Shop

#: Where the storefront keeps the checkout tokens this browser placed (guests' proof).
PLACED_SESSION_KEY = "comptoir_checkouts"
MAX_BODY_BYTES = 8192


class BadRequest(Exception):
    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class NotReachable(Exception):
    """The order or shop does not exist, or is not this visitor's (404)."""


@dataclass(frozen=True, slots=True)
class Audience:
    user: User | None = None
    order: Order | None = None
    shop: Shop | None = None

    def as_kwargs(self) -> dict[str, Any]:
        return {"user": self.user, "order": self.order, "shop": self.shop}


def problem(status: int, code: str, detail: str) -> JsonResponse:
    return JsonResponse(
        {"type": code, "title": code.replace("_", " "), "status": status, "detail": detail},
        status=status,
        content_type="application/problem+json",
    )


def _body(request: HttpRequest) -> dict[str, Any]:
    if len(request.body) > MAX_BODY_BYTES:
        raise BadRequest(_("The request is too large."))
    try:
        data = json.loads(request.body)
    except (UnicodeDecodeError, ValueError) as exc:
        raise BadRequest(_("The request body must be JSON.")) from exc
    if not isinstance(data, dict):
        raise BadRequest(_("The request body must be a JSON object."))
    if not _storable(data):
        raise BadRequest(_("The request contains a NUL character or invalid Unicode."))
    return data


def _storable(data: object) -> bool:
    """Whether every string in the JSON document can reach the database.

    JSON may carry "\\u0000" or a lone surrogate ("\\ud800"): PostgreSQL
    refuses the first, no driver can encode the second; both would be a 500.
    Walked with a stack, not recursion: 8 KB of JSON nests 4,000 deep.
    """
    pending = [data]
    while pending:
        value = pending.pop()
        if isinstance(value, dict):
            pending += [*value.keys(), *value.values()]
        elif isinstance(value, list):
            pending += value
        elif isinstance(value, str):
            if "\x00" in value:
                return False
            try:
                value.encode()
            except UnicodeEncodeError:
                return False
    return True


def _text(data: dict[str, Any], name: str) -> str:
    value = data.get(name)
    if not isinstance(value, str) or not value:
        raise BadRequest(_("The field “%(name)s” is missing.") % {"name": name})
    return value


def _signed_in(request: HttpRequest) -> User | None:
    user = request.user
    return user if isinstance(user, User) and user.is_authenticated else None


def _audience(request: HttpRequest, data: dict[str, Any]) -> Audience:
    scope = data.get("scope")
    user = _signed_in(request)
    if scope == "order":
        number = _text(data, "order")
        order = Order.objects.select_related("checkout").filter(number=number).first()
        if order is None:
            raise NotReachable
        if order.customer_id is not None:
            # A customer's phone hears about all of their orders.
            if user is None or user.pk != order.customer_id:
                raise NotReachable
            return Audience(user=user)
        if order.checkout.token not in request.session.get(PLACED_SESSION_KEY, []):
            raise NotReachable
        return Audience(order=order)
    if scope == "shop":
        city_slug, shop_slug = _text(data, "city"), _text(data, "shop")
        if user is None:
            raise NotReachable
        try:
            membership = membership_for(user=user, city_slug=city_slug, shop_slug=shop_slug)
        except ShopNotFound as exc:
            raise NotReachable from exc
        if not can(membership, Permission.HANDLE_ORDERS):
            raise NotReachable
        return Audience(user=user, shop=membership.shop)
    raise BadRequest(_("The scope must be “order” or “shop”."))


def _not_reachable() -> JsonResponse:
    return problem(404, "not_found", _("This order or shop does not exist or is not yours."))


@require_GET
def public_key(request: HttpRequest) -> JsonResponse:
    """The VAPID public key the browser subscribes with (`applicationServerKey`)."""
    response = JsonResponse({"public_key": vapid_keys().public_key})
    response["Cache-Control"] = "public, max-age=3600"
    return response


@never_cache
@require_POST
def subscribe(request: HttpRequest) -> JsonResponse:
    try:
        data = _body(request)
        audience = _audience(request, data)
        if "subscription" not in data:
            raise BadRequest(_("The field “%(name)s” is missing.") % {"name": "subscription"})
        push_subscribe(subscription=data["subscription"], **audience.as_kwargs())
    except BadRequest as error:
        return problem(400, "bad_request", error.detail)
    except (NotReachable, ShopNotFound):
        return _not_reachable()
    except DomainError as error:
        return problem(422, error.code, str(error))
    return JsonResponse({"subscribed": True}, status=201)


@never_cache
@require_POST
def unsubscribe(request: HttpRequest) -> JsonResponse:
    try:
        data = _body(request)
        audience = _audience(request, data)
        push_unsubscribe(endpoint=_text(data, "endpoint"), **audience.as_kwargs())
    except BadRequest as error:
        return problem(400, "bad_request", error.detail)
    except NotReachable:
        return _not_reachable()
    return JsonResponse({"subscribed": False})


@never_cache
@require_POST
def status(request: HttpRequest) -> JsonResponse:
    """Whether this phone (its endpoint) is subscribed for this audience: the button's state."""
    try:
        data = _body(request)
        audience = _audience(request, data)
        subscribed = push_is_subscribed(endpoint=_text(data, "endpoint"), **audience.as_kwargs())
    except BadRequest as error:
        return problem(400, "bad_request", error.detail)
    except NotReachable:
        return _not_reachable()
    return JsonResponse({"subscribed": subscribed})
