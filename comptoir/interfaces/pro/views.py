"""The shop picker: where a shop's people land after logging in."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from comptoir.domain.shops.access import memberships_of


@login_required
def home(request: HttpRequest) -> HttpResponse:
    memberships = memberships_of(request.user)  # type: ignore[arg-type]
    if len(memberships) == 1:
        shop = memberships[0].shop
        return redirect("desk:desk", city_slug=shop.city.slug, shop_slug=shop.slug)
    return render(request, "pro/home.html", {"memberships": memberships})
