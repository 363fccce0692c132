"""The one gate of every shop-side page: `@shop_view(Permission.X)`.

It resolves `city_slug/shop_slug` to the signed-in user's membership (another
shop's page is a 404, as if it did not exist), checks the role's permission
(staff asking for an owner's page get a 403 page that says so), and hands the
view `request.membership` and `request.shop`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from comptoir.domain.shops.access import (
    NotAllowedInShop,
    Permission,
    ShopNotFound,
    membership_for,
    require,
)

type View = Callable[..., HttpResponse]


def shop_view(permission: Permission) -> Callable[[View], View]:
    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(
            request: HttpRequest, city_slug: str, shop_slug: str, *args: Any, **kwargs: Any
        ) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            try:
                membership = membership_for(
                    user=request.user,
                    city_slug=city_slug,
                    shop_slug=shop_slug,
                )
            except ShopNotFound as error:
                raise Http404(str(error)) from error
            try:
                require(membership, permission)
            except NotAllowedInShop as error:
                return render(
                    request,
                    "pro/not_allowed.html",
                    {"shop": membership.shop, "membership": membership, "message": str(error)},
                    status=403,
                )
            request.membership = membership  # type: ignore[attr-defined]
            request.shop = membership.shop  # type: ignore[attr-defined]
            return view(request, *args, **kwargs)

        return wrapped

    return decorate
